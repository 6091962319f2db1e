from django.urls import path

from newsdesk.comments import views

app_name = "comments"
urlpatterns = [
    path("comments/new/", views.post, name="post"),
    path("comments/<int:pk>/edit/", views.edit, name="edit"),
    path("comments/<int:pk>/delete/", views.delete, name="delete"),
    path("comments/<int:pk>/report/", views.report, name="report"),
    path("moderation/", views.queue, name="queue"),
    path("moderation/comment/<int:pk>/", views.decide, name="decide"),
    path("moderation/user/<int:user_pk>/ban/", views.ban, name="ban"),
    path("moderation/log/", views.audit_log, name="log"),
]
