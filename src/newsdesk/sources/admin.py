from django.contrib import admin

from newsdesk.sources.models import FetchAttempt, Publisher, Source, SourceAddition


@admin.register(Publisher)
class PublisherAdmin(admin.ModelAdmin):
    """Staff name publishers and merge feeds under one (a source's publisher is edited on the source)."""

    list_display = ["name", "key", "site_url", "name_locked"]
    search_fields = ["name", "key"]
    readonly_fields = ["icon", "created_at"]
    fields = ["name", "key", "site_url", "name_locked", "icon", "created_at"]

    def save_model(self, request, obj: Publisher, form, change: bool) -> None:
        if "name" in form.changed_data:  # a name staff chose is never replaced by a feed's
            obj.name_locked = True
        super().save_model(request, obj, form, change)


class FetchAttemptInline(admin.TabularInline):
    model = FetchAttempt
    extra = 0
    can_delete = False
    readonly_fields = ["started_at", "ok", "status", "error_kind", "message", "new_entries", "duration_ms"]
    fields = readonly_fields


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = [
        "display_name",
        "publisher",
        "kind",
        "category",
        "active",
        "health",
        "last_fetch_at",
        "next_fetch_at",
        "last_error",
    ]
    list_filter = ["kind", "active", "category"]
    search_fields = ["title", "url", "canonical_url"]
    autocomplete_fields = ["publisher"]
    readonly_fields = [
        "canonical_url",
        "etag",
        "last_modified",
        "last_fetch_at",
        "last_success_at",
        "last_status",
        "last_error_kind",
        "last_error",
        "consecutive_failures",
        "claimed_until",
    ]
    inlines = [FetchAttemptInline]


@admin.register(SourceAddition)
class SourceAdditionAdmin(admin.ModelAdmin):
    """URLs asked to be added or previewed (the API, the staff's form), and what the worker made of them."""

    list_display = ["url", "preview", "status", "how", "source", "requested_by", "created_at", "finished_at"]
    list_filter = ["preview", "status", "how"]
    readonly_fields = [f.name for f in SourceAddition._meta.fields]
