from django.contrib import admin

from newsdesk.readersync.models import AppCredential, AppToken


@admin.register(AppCredential)
class AppCredentialAdmin(admin.ModelAdmin):
    list_display = ["user", "fever_login", "updated_at"]
    readonly_fields = ["app_password", "fever_key_hash"]


@admin.register(AppToken)
class AppTokenAdmin(admin.ModelAdmin):
    list_display = ["user", "client", "created_at", "last_used_at"]
    readonly_fields = ["token_hash"]
