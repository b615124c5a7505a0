"""Sign-up that never says whether an address has an account.

Whatever address is given, the reader sees the same "check your email" page. A new address gets
an inactive account and a link to confirm it (only the address's owner can, so nobody learns
from signing in either); a known address gets its owner an email saying so, with the way to sign
in or reset the password, and nothing is created. An account never confirmed does not hold its
address against the owner: a later sign-up with that address replaces it.
"""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlencode, urlsafe_base64_decode, urlsafe_base64_encode

logger = logging.getLogger(__name__)


class ActivationTokenGenerator(PasswordResetTokenGenerator):
    """Links that confirm a new account: dead once it is active, and no password-reset token."""

    key_salt = "comments.signup.activation"

    def _make_hash_value(self, user, timestamp):
        return f"{user.pk}{user.password}{user.is_active}{user.email}{timestamp}"


activation_tokens = ActivationTokenGenerator()


def account_sign_up(*, username: str, display_name: str, email: str, password: str, next_url=""):
    """Create an inactive account and email its confirmation link, or, when the address already
    has an account, email its owner instead. Returns the new account, or None."""
    User = get_user_model()
    with transaction.atomic():
        existing = User.objects.select_for_update().filter(email__iexact=email).first()
        if existing is not None and not _never_confirmed(existing):
            make_password(password)  # the same work as a new account: no answer by timing
            transaction.on_commit(lambda: _mail_owner(existing.pk))
            return None
        if existing is not None:
            existing.delete()
        user = User(username=username, display_name=display_name, email=email, is_active=False)
        user.set_password(password)
        user.save()
        transaction.on_commit(lambda: _mail_confirmation(user.pk, next_url))
    return user


def _never_confirmed(user) -> bool:
    return not user.is_active and user.last_login is None and not user.is_staff


def account_for_activation(uidb64: str, token: str):
    """The inactive account a confirmation link names, or None if the link is not valid."""
    User = get_user_model()
    try:
        pk = urlsafe_base64_decode(uidb64).decode()
        user = User._default_manager.get(pk=pk, is_active=False)
    except (TypeError, ValueError, OverflowError, UnicodeDecodeError, User.DoesNotExist):
        return None
    return user if activation_tokens.check_token(user, token) else None


def account_activate(*, user) -> None:
    user.is_active = True
    user.save(update_fields=["is_active"])


def _send(user, subject: str, template: str, context: dict) -> None:
    try:
        send_mail(
            subject=subject,
            message=render_to_string(template, {"user": user, **context}),
            from_email=None,
            recipient_list=[user.email],
        )
    except Exception:
        # The page already said "check your email" whichever way it went; the reader may ask
        # again. Never a failed request, which would tell the two cases apart.
        logger.exception("Sign-up email to account %s not sent", user.pk)


def _mail_confirmation(pk: int, next_url: str) -> None:
    user = get_user_model()._default_manager.filter(pk=pk, is_active=False).first()
    if user is None:
        return
    path = reverse(
        "comments:signup_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": activation_tokens.make_token(user),
        },
    )
    if next_url:
        path += "?" + urlencode({"next": next_url})
    _send(
        user,
        "Confirm your Finextra account",
        "comments/accounts/signup_confirm_email.txt",
        {"confirm_url": settings.SITE_URL + path},
    )


def _mail_owner(pk: int) -> None:
    user = get_user_model()._default_manager.filter(pk=pk).first()
    if user is None:
        return
    _send(
        user,
        "You already have a Finextra account",
        "comments/accounts/signup_known_email.txt",
        {
            "login_url": settings.SITE_URL + reverse("comments:login"),
            "reset_url": settings.SITE_URL + reverse("comments:password_reset"),
        },
    )
