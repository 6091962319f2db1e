from django.contrib import admin

from newsdesk.articles.models import Article


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "source",
        "published_at",
        "stage",
        "extraction_method",
        "duplicate_kind",
        "error",
    ]
    list_filter = ["stage", "extraction_method", "duplicate_kind", "source"]
    search_fields = ["title", "url", "guid"]
    raw_id_fields = ["duplicate_of", "source"]
    readonly_fields = ["content_fingerprint", "dedup_seq", "claimed_until", "raw_page_key", "entry_hash"]
    exclude = ["minhash"]
