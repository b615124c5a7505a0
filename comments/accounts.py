"""Reader accounts: sign-up, sign-in and out, password reset (Django's views, our templates),
and the account page where a reader downloads their comments or deletes the account."""

import contextlib
import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET

from finextra.net import client_ip

from .abuse import rate_limited
from .forms import AccountDeleteForm, NewPasswordForm, SignUpForm
from .models import Comment
from .services import account_comments_export, account_delete, ip_hash
from .signup import account_activate, account_for_activation, account_sign_up


def _safe_next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return settings.LOGIN_REDIRECT_URL


def signup(request):
    if request.user.is_authenticated:
        return redirect("comments:account")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        per_ip = settings.ACCOUNTS_SIGNUP_RATE_PER_IP
        if rate_limited("signup", ip_hash(client_ip(request)), limit=per_ip[0], seconds=per_ip[1]):
            form.add_error(None, "Too many new accounts from your address. Try again later.")
            return render(request, "comments/accounts/signup.html", {"form": form}, status=429)
        # Someone signing up with that username or address a moment ago gets the same answer.
        with contextlib.suppress(IntegrityError):
            account_sign_up(
                username=form.cleaned_data["username"],
                display_name=form.cleaned_data["display_name"],
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password1"],
                next_url=_safe_next(request),
            )
        # The same answer whether or not the address has an account (it gets an email either way).
        return redirect("comments:signup_sent")
    return render(
        request, "comments/accounts/signup.html", {"form": form, "next": _safe_next(request)}
    )


@require_GET
def signup_sent(request):
    return render(request, "comments/accounts/signup_sent.html")


def signup_confirm(request, uidb64, token):
    """The link in the confirmation email: a page with a button (a GET changes nothing, so a
    mail scanner opening the link confirms nothing); the POST activates and signs in."""
    account = account_for_activation(uidb64, token)
    if request.method == "POST" and account is not None:
        account_activate(user=account)
        login(request, account, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, f"Welcome, {account}. Your account is confirmed.")
        return redirect(_safe_next(request))
    return render(
        request,
        "comments/accounts/signup_confirm.html",
        {"account": account, "next": _safe_next(request)},
        status=200 if account is not None else 404,
    )


class SignInView(auth_views.LoginView):
    template_name = "comments/accounts/login.html"
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    next_page = "articles:home"

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.info(request, "You are signed out.")
        return response


password_reset = auth_views.PasswordResetView.as_view(
    template_name="comments/accounts/password_reset.html",
    email_template_name="comments/accounts/password_reset_email.txt",
    subject_template_name="comments/accounts/password_reset_subject.txt",
    success_url=reverse_lazy("comments:password_reset_done"),
)
password_reset_done = auth_views.PasswordResetDoneView.as_view(
    template_name="comments/accounts/password_reset_done.html"
)
password_reset_confirm = auth_views.PasswordResetConfirmView.as_view(
    form_class=NewPasswordForm,
    template_name="comments/accounts/password_reset_confirm.html",
    success_url=reverse_lazy("comments:password_reset_complete"),
)
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="comments/accounts/password_reset_complete.html"
)


@login_required
def account(request):
    counts = {
        "published": Comment.objects.visible().filter(author=request.user).count(),
        "all": Comment.objects.filter(author=request.user).count(),
    }
    return render(
        request,
        "comments/accounts/account.html",
        {"counts": counts, "delete_form": AccountDeleteForm(user=request.user)},
    )


@login_required
@require_GET
def export(request):
    """The reader's comments as JSON, as a download."""
    data = account_comments_export(user=request.user)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="finextra-comments-{request.user.username}.json"'
    )
    return response


@login_required
def delete_account(request):
    form = AccountDeleteForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        account_delete(user=user)
        messages.success(
            request,
            "Your account is deleted. Your comments now show as from “a former reader”.",
        )
        return redirect("articles:home")
    return render(request, "comments/accounts/delete.html", {"form": form})
