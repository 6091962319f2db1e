"""Routes of the reader-app protocols and their settings page (included at the site root)."""

from django.urls import path, re_path

from newsdesk.readersync import atom, fever, greader, views

API = "reader/reader/api/0/"

urlpatterns = [
    path("reader/accounts/ClientLogin", greader.client_login, name="greader-login"),
    # A server address typed with a final slash ("https://host/reader/") gives "/reader//…".
    re_path(r"^reader//+(?P<rest>.*)$", greader.doubled_slash, name="greader-doubled-slash"),
    path(API + "token", greader.token, name="greader-token"),
    path(API + "user-info", greader.user_info, name="greader-user-info"),
    path(API + "subscription/list", greader.subscription_list, name="greader-subscription-list"),
    path(API + "subscription/edit", greader.subscription_edit, name="greader-subscription-edit"),
    path(API + "subscription/quickadd", greader.quickadd, name="greader-quickadd"),
    path(API + "tag/list", greader.tag_list, name="greader-tag-list"),
    path(API + "rename-tag", greader.rename_tag, name="greader-rename-tag"),
    path(API + "disable-tag", greader.rename_tag, name="greader-disable-tag"),
    path(API + "unread-count", greader.unread_count, name="greader-unread-count"),
    path(API + "stream/items/ids", greader.stream_item_ids, name="greader-item-ids"),
    path(API + "stream/items/contents", greader.stream_items_contents, name="greader-item-contents"),
    path(API + "stream/contents", greader.stream_contents, name="greader-stream-contents"),
    re_path(
        r"^reader/reader/api/0/stream/contents/(?P<stream>.+)$",
        greader.stream_contents,
        name="greader-stream-contents-of",
    ),
    path(API + "edit-tag", greader.edit_tag, name="greader-edit-tag"),
    path(API + "mark-all-as-read", greader.mark_all_as_read, name="greader-mark-all-read"),
    re_path(r"^reader/(?:reader/)?atom/(?P<stream>.*)$", atom.stream, name="greader-atom"),
    path("fever/", fever.endpoint, name="fever"),
    path("fever/api/fever.php", fever.endpoint, name="fever-php"),
    path("settings/apps/", views.apps_settings, name="settings-apps"),
]
