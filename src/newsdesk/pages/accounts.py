"""Accounts: sign up, e-mail verification, log in (throttled) and out, password reset, deletion.

Failed log-ins are counted per account and per client address in the database (readers/ratelimit.py),
so the throttle holds across web processes; a throttled request gets HTTP 429 with Retry-After and
a sentence saying when to try again, and the password is not even checked while it lasts.
"""

from __future__ import annotations

import logging
import smtplib

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, UserCreationForm
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import path, reverse, reverse_lazy
from django.utils.encoding import force_bytes, force_str
from django.utils.http import url_has_allowed_host_and_scheme, urlsafe_base64_decode, urlsafe_base64_encode
from django.views.decorators.http import require_POST

from newsdesk.comments.models import Comment
from newsdesk.comments.roles import ensure_groups, role_of
from newsdesk.readers import changes, ratelimit
from newsdesk.readers.deletion import delete_account
from newsdesk.readers.models import Profile

log = logging.getLogger(__name__)
User = get_user_model()


def _rate(setting: str) -> ratelimit.Rate:
    return ratelimit.Rate.parse(getattr(settings, setting))


def _next_url(request: HttpRequest, default: str = "/") -> str:
    nxt = request.POST.get("next") or request.GET.get("next") or ""
    if nxt and url_has_allowed_host_and_scheme(
        nxt, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return nxt
    return default


# E-mail verification --------------------------------------------------------------------------


class EmailVerificationTokens(PasswordResetTokenGenerator):
    """Links that verify one address once: a changed address or a done verification voids them."""

    key_salt = "newsdesk.readers.accounts.EmailVerificationTokens"  # unchanged: links already sent stay valid

    def _make_hash_value(self, user, timestamp: int) -> str:
        return f"{user.pk}{user.email}{changes.profile_of(user).email_verified}{timestamp}"


verification_tokens = EmailVerificationTokens()


def send_verification(request: HttpRequest, user) -> str | None:
    """Send the verification link; None when sent, else why not in plain words."""
    if limited := ratelimit.take("email-user", str(user.pk), _rate("NEWSDESK_EMAIL_RATE")):
        return f"We sent you several links already. {limited.message}"
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    link = request.build_absolute_uri(
        reverse("accounts:verify", args=[uid, verification_tokens.make_token(user)])
    )
    body = render_to_string("readers/email/verify.txt", {"user": user, "link": link})
    try:
        send_mail("Confirm your e-mail address for newsdesk", body, None, [user.email])
    except (smtplib.SMTPException, OSError) as exc:
        log.warning("verification mail to user %s failed: %s", user.pk, exc)
        return f"The e-mail could not be sent ({exc}). Try again later from your account page."
    return None


def verify(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    try:
        user = User.objects.get(pk=int(force_str(urlsafe_base64_decode(uidb64))))
    except (ValueError, TypeError, OverflowError, User.DoesNotExist):
        user = None
    if user is None or not verification_tokens.check_token(user, token):
        already = user is not None and changes.profile_of(user).email_verified
        return render(
            request,
            "readers/verify_done.html",
            {"ok": already, "already": already},
            status=200 if already else 400,
        )
    profile = changes.profile_of(user)
    profile.email_verified = True
    profile.save(update_fields=["email_verified"])
    return render(request, "readers/verify_done.html", {"ok": True})


@login_required
@require_POST
def verify_resend(request: HttpRequest) -> HttpResponse:
    if changes.profile_of(request.user).email_verified:
        messages.info(request, "Your e-mail address is already verified.")
    elif problem := send_verification(request, request.user):
        messages.error(request, problem)
    else:
        messages.info(request, f"We sent a new link to {request.user.email}.")
    return redirect("accounts:account")


# Sign up, log in, log out ---------------------------------------------------------------------


class SignUpForm(UserCreationForm):
    email = forms.EmailField(required=True, help_text="We send a link to confirm it; it is never shown.")

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email")

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                "An account with this e-mail address exists already. Log in, or reset its password."
            )
        return email


def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("accounts:account")
    form = SignUpForm(request.POST or None)
    if request.method == "POST":
        if limited := ratelimit.check(
            "signup-ip", ratelimit.client_ip(request), _rate("NEWSDESK_SIGNUP_RATE_IP")
        ):
            return ratelimit.too_many(
                request, limited, "new accounts from this address", "readers/signup.html", {"form": form}
            )
        if form.is_valid():
            with transaction.atomic():
                user = form.save()
                Profile.objects.get_or_create(user=user)
                user.groups.add(ensure_groups()[0])
            ratelimit.hit("signup-ip", ratelimit.client_ip(request))
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            problem = send_verification(request, user)
            if problem:
                messages.error(request, problem)
            else:
                messages.info(
                    request, f"Welcome! We sent a link to {user.email}: follow it to confirm your address."
                )
            return HttpResponseRedirect(_next_url(request, reverse("accounts:account")))
    return render(request, "readers/signup.html", {"form": form, "next": _next_url(request, "")})


def _account_key(name: str) -> str:
    """One throttle counter per account, whether it was named by user name or by e-mail."""
    name = name.strip()
    if "@" in name:
        found = User.objects.filter(email__iexact=name).values_list("username", flat=True).first()
        if found:
            return found.lower()
    return name.lower()


def login_view(request: HttpRequest) -> HttpResponse:
    data = request.POST.copy() if request.method == "POST" else None
    if data is not None and "@" in data.get("username", ""):
        # Log in with the e-mail address too: Django's backend only knows user names.
        found = (
            User.objects.filter(email__iexact=data["username"].strip())
            .values_list("username", flat=True)
            .first()
        )
        if found:
            data["username"] = found
    form = AuthenticationForm(request, data=data)
    ctx = {"form": form, "next": _next_url(request, "")}
    if data is None:
        return render(request, "readers/login.html", ctx)
    account = _account_key(data.get("username", ""))
    ip = ratelimit.client_ip(request)
    per_account = _rate("NEWSDESK_LOGIN_FAILURES_ACCOUNT")
    per_ip = _rate("NEWSDESK_LOGIN_FAILURES_IP")
    # Each attempt takes a slot before the password is checked (so a burst from many processes
    # cannot slip past the count); a successful log-in gives its slots back.
    account_event, limited = ratelimit.take_event("login-account", account, per_account)
    if limited:
        return ratelimit.too_many(
            request, limited, "failed log-ins for this account", "readers/login.html", ctx
        )
    ip_event, limited = ratelimit.take_event("login-ip", ip, per_ip)
    if limited:
        account_event.delete()
        return ratelimit.too_many(
            request, limited, "failed log-ins from this address", "readers/login.html", ctx
        )
    if form.is_valid():
        ratelimit.clear("login-account", account)
        ip_event.delete()
        login(request, form.get_user())
        return HttpResponseRedirect(_next_url(request, reverse(settings.LOGIN_REDIRECT_URL)))
    # That failure may have filled a window: say so now rather than at the next try.
    for scope, value, rate, what in (
        ("login-account", account, per_account, "failed log-ins for this account"),
        ("login-ip", ip, per_ip, "failed log-ins from this address"),
    ):
        if limited := ratelimit.check(scope, value, rate):
            return ratelimit.too_many(request, limited, what, "readers/login.html", ctx)
    return render(request, "readers/login.html", ctx)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, "You are logged out.")
    return redirect("front")


# Password reset (Django's views, our templates, a per-address limit on mails) ------------------


class LimitedPasswordResetForm(PasswordResetForm):
    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ) -> None:
        # One address may not be flooded with reset mails by whoever knows it.
        if ratelimit.take("email-reset", to_email.lower(), _rate("NEWSDESK_EMAIL_RATE")):
            log.info("password reset mail for user %s not sent: limit reached", context["user"].pk)
            return
        super().send_mail(
            subject_template_name,
            email_template_name,
            context,
            from_email,
            to_email,
            html_email_template_name,
        )


class PasswordResetView(auth_views.PasswordResetView):
    form_class = LimitedPasswordResetForm
    template_name = "readers/password_reset_form.html"
    email_template_name = "readers/email/password_reset.txt"
    subject_template_name = "readers/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password-reset-done")

    def post(self, request, *args, **kwargs):
        if limited := ratelimit.take(
            "reset-ip", ratelimit.client_ip(request), _rate("NEWSDESK_SIGNUP_RATE_IP")
        ):
            return ratelimit.too_many(
                request,
                limited,
                "password reset requests from this address",
                self.template_name,
                {"form": self.get_form()},
            )
        try:
            return super().post(request, *args, **kwargs)
        except (smtplib.SMTPException, OSError) as exc:
            form = self.get_form()
            form.is_valid()
            form.add_error(None, f"The e-mail could not be sent ({exc}). Try again later.")
            return self.form_invalid(form)


# Account page and deletion --------------------------------------------------------------------


@login_required
def account(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "readers/account.html",
        {
            "profile": changes.profile_of(request.user),
            "role": role_of(request.user),
            "comment_total": Comment.objects.filter(author=request.user).count(),
        },
    )


class DeleteForm(forms.Form):
    password = forms.CharField(widget=forms.PasswordInput, help_text="Your password, to confirm it is you.")
    comments = forms.ChoiceField(
        choices=[("keep", 'Keep my comments, shown as by "deleted user"'), ("remove", "Remove my comments")],
        widget=forms.RadioSelect,
        initial="keep",
    )


@login_required
def delete(request: HttpRequest) -> HttpResponse:
    form = DeleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not request.user.check_password(form.cleaned_data["password"]):
            form.add_error("password", "That is not your password.")
        else:
            user = request.user
            logout(request)
            delete_account(user, remove_comments=form.cleaned_data["comments"] == "remove")
            return render(request, "readers/deleted.html")
    return render(request, "readers/delete.html", {"form": form})


app_name = "accounts"
urlpatterns = [
    path("signup/", signup, name="signup"),
    path("login/", login_view, name="login"),
    path("logout/", logout_view, name="logout"),
    path("verify/<str:uidb64>/<str:token>/", verify, name="verify"),
    path("verify/resend/", verify_resend, name="verify-resend"),
    path("password/reset/", PasswordResetView.as_view(), name="password-reset"),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="readers/password_reset_done.html"),
        name="password-reset-done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="readers/password_reset_confirm.html",
            success_url=reverse_lazy("accounts:password-reset-complete"),
        ),
        name="password-reset-confirm",
    ),
    path(
        "password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(template_name="readers/password_reset_complete.html"),
        name="password-reset-complete",
    ),
    path(
        "password/change/",
        auth_views.PasswordChangeView.as_view(
            template_name="readers/password_change.html", success_url=reverse_lazy("accounts:account")
        ),
        name="password-change",
    ),
    path("", account, name="account"),
    path("delete/", delete, name="delete"),
]
