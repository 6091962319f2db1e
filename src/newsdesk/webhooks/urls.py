from django.urls import path

from newsdesk.webhooks import views

urlpatterns = [path("settings/webhooks/", views.webhooks_settings, name="settings-webhooks")]
