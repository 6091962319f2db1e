"""/settings/apps/: where a reader sets the app password (Google Reader API) and the Fever key."""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.hashers import make_password
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from newsdesk.readers.verified import verified_address_required
from newsdesk.readersync.credentials import set_fever_password
from newsdesk.readersync.models import AppCredential, AppToken
from newsdesk.runtime import siteurl

MIN_FEVER_PASSWORD = 8


def new_app_password(cred: AppCredential) -> str:
    """A fresh app password (shown once); every app logged in with the old one is logged out."""
    password = "-".join(secrets.token_hex(3) for _ in range(4))
    cred.app_password = make_password(password)
    cred.updated_at = timezone.now()
    cred.save()
    AppToken.objects.filter(user=cred.user).delete()
    return password


@login_required
@verified_address_required("app passwords")  # a password for apps needs a confirmed address (issue 14)
def apps_settings(request: HttpRequest) -> HttpResponse:
    cred, _ = AppCredential.objects.get_or_create(user=request.user)
    shown_password = ""
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "app_password":
            shown_password = new_app_password(cred)
        elif action == "revoke":
            cred.app_password = ""
            cred.save(update_fields=["app_password"])
            AppToken.objects.filter(user=request.user).delete()
            messages.info(request, "App password removed; every Google Reader app is logged out.")
            return redirect("settings-apps")
        elif action == "fever":
            login = request.POST.get("fever_login", "").strip() or request.user.get_username()
            password = request.POST.get("fever_password", "")
            if len(password) < MIN_FEVER_PASSWORD:
                messages.error(request, f"The Fever password needs at least {MIN_FEVER_PASSWORD} characters.")
            else:
                set_fever_password(cred, login, password)
                messages.info(request, f"Fever password set: log in to the app as {login}.")
                return redirect("settings-apps")
        elif action == "fever_off":
            cred.fever_key_hash = cred.fever_key_bucket = ""
            cred.save(update_fields=["fever_key_hash", "fever_key_bucket"])
            messages.info(request, "Fever access turned off.")
            return redirect("settings-apps")
    # The site's address, never the request's Host (issue 14); without a trailing slash: most apps
    # append "/accounts/ClientLogin" themselves.
    base = siteurl.absolute("/").rstrip("/")
    return render(
        request,
        "readersync/apps.html",
        {
            "cred": cred,
            "shown_password": shown_password,
            "tokens": AppToken.objects.filter(user=request.user).order_by("-created_at"),
            "greader_url": base + "/reader",
            "fever_url": base + "/fever/",
        },
    )
