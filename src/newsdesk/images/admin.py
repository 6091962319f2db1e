from django.contrib import admin

from newsdesk.images.models import Image


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    list_display = ["kind", "url", "status", "error", "fetched_at"]
    list_filter = ["kind", "status"]
    search_fields = ["url"]
    readonly_fields = ["url_key", "variants", "claimed_until", "fetched_at", "attempts"]
