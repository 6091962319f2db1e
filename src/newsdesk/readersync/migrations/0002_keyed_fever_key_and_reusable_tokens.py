"""The Fever key becomes a salted HMAC keyed by the site's secret (was a bare SHA-256 of the key);
tokens get the seed they are derived from (so an app logging in again gets its live one back) and
the dialect the app logged in with. Existing Fever keys are rewrapped in place: the old SHA-256 is
what the new HMAC is taken over, so every Fever app keeps working."""

import secrets

from django.db import migrations, models
from django.utils.crypto import salted_hmac


def _keyed(purpose: str, value: str) -> str:
    # The same computation as readersync.credentials at the time of this migration.
    return salted_hmac(f"newsdesk.readersync.{purpose}", value, algorithm="sha256").hexdigest()


def rewrap_fever_keys(apps, schema_editor) -> None:
    AppCredential = apps.get_model("readersync", "AppCredential")
    for cred in AppCredential.objects.exclude(fever_key_hash=""):
        digest = cred.fever_key_hash
        if "$" in digest:
            continue
        salt = secrets.token_hex(16)
        cred.fever_key_hash = f"{salt}${_keyed('fever', salt + digest)}"
        cred.fever_key_bucket = _keyed("fever-bucket", digest)[:4]
        cred.save(update_fields=["fever_key_hash", "fever_key_bucket"])


class Migration(migrations.Migration):
    dependencies = [("readersync", "0001_initial")]

    operations = [
        migrations.AlterField(
            model_name="appcredential",
            name="fever_key_hash",
            field=models.CharField(blank=True, help_text="salt$HMAC of the Fever key.", max_length=128),
        ),
        migrations.AddField(
            model_name="appcredential",
            name="fever_key_bucket",
            field=models.CharField(
                blank=True,
                db_index=True,
                help_text="16 keyed bits of the Fever key: where to look.",
                max_length=4,
            ),
        ),
        migrations.AddField(
            model_name="apptoken",
            name="seed",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AddField(
            model_name="apptoken",
            name="dialect",
            field=models.CharField(
                choices=[("google", "Google Reader / Miniflux"), ("oldreader", "TheOldReader")],
                default="google",
                max_length=20,
            ),
        ),
        migrations.RunPython(rewrap_fever_keys, migrations.RunPython.noop),
    ]
