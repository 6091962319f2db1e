from django.contrib import admin

from newsdesk.webhooks.models import Delivery, DeliveryAttempt, Webhook


@admin.register(Webhook)
class WebhookAdmin(admin.ModelAdmin):
    list_display = ["__str__", "scope", "active", "consecutive_failures", "disabled_reason"]
    list_filter = ["active", "on_new_story", "on_story_outlets", "on_search_match"]
    readonly_fields = ["consecutive_failures", "disabled_reason", "disabled_at"]
    actions = ["turn_on"]

    @admin.action(description="Turn on again (and forget the failures)")
    def turn_on(self, request, queryset) -> None:
        queryset.update(active=True, consecutive_failures=0, disabled_reason="", disabled_at=None)


class AttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    extra = 0
    readonly_fields = ["number", "at", "ok", "response_code", "duration_ms", "error"]


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["event_key", "hook", "status", "attempts", "response_code", "duration_ms", "error"]
    list_filter = ["status", "event"]
    readonly_fields = ["delivery_id", "payload"]
    inlines = [AttemptInline]
