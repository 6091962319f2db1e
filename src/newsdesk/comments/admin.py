from django.contrib import admin

from newsdesk.comments.models import Ban, Comment, ModerationAction, Report


class ReportInline(admin.TabularInline):
    model = Report
    extra = 0
    readonly_fields = ("reporter", "reason", "note", "created_at", "resolved_at")


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ("id", "author", "status", "story", "article", "created_at")
    list_filter = ("status",)
    search_fields = ("body", "author__username")
    raw_id_fields = ("story", "article", "parent", "author")
    readonly_fields = ("body_html", "fingerprint", "created_at", "edited_at")
    inlines = [ReportInline]


@admin.register(Ban)
class BanAdmin(admin.ModelAdmin):
    list_display = ("user", "until", "reason", "created_by", "created_at")
    raw_id_fields = ("user", "created_by")


@admin.register(ModerationAction)
class ModerationActionAdmin(admin.ModelAdmin):
    """The audit log is read-only, here too."""

    list_display = ("created_at", "action", "actor", "target_user", "comment", "reason")
    list_filter = ("action",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
