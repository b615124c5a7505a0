from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import SetPasswordForm, UserCreationForm
from django.urls import reverse
from django.utils.html import format_html

from .abuse import form_stamp, stamp_problem
from .models import BODY_MAX_LENGTH, Report
from .rendering import normalise_newlines

NUL_MESSAGE = (
    "Your comment contains a NUL character (an invisible control character, often pasted from "
    "another program), which cannot be saved. Remove it and send your comment again."
)


class BodyField(forms.CharField):
    """Plain text up to 4,000 characters, counting a line break as one (browsers send two)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", BODY_MAX_LENGTH)
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 5, "maxlength": BODY_MAX_LENGTH}))
        super().__init__(**kwargs)
        self.error_messages["null_characters_not_allowed"] = NUL_MESSAGE
        self.error_messages["required"] = "Write your comment before sending it."
        for validator in self.validators:
            if getattr(validator, "code", "") == "null_characters_not_allowed":
                validator.message = NUL_MESSAGE

    def to_python(self, value):
        value = super().to_python(value)
        return normalise_newlines(value) if value else value


class Honeypot(forms.CharField):
    """A field people never see (hidden by the stylesheet) and bots fill in."""

    def __init__(self, **kwargs):
        super().__init__(
            required=False,
            label="Leave this field empty",
            widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
            **kwargs,
        )


def stamp_scope(article) -> str:
    """What a comment form's signed timestamp is for: the article it was opened on."""
    return f"article-{article.pk}"


class CommentForm(forms.Form):
    """A comment or a reply on `article`, by a guest or a signed-in reader. An unbound form
    carries a signed timestamp (`abuse.form_stamp`) and, for a reply, the parent's id; a bound
    one refuses a timestamp that is forged, for another article, too fast or too old."""

    body = BodyField(label="Your comment")
    name = forms.CharField(label="Your name", max_length=80, required=False)
    email = forms.EmailField(label="Your email", required=False)
    notify_replies = forms.BooleanField(label="Email me replies", required=False)
    website = Honeypot()
    parent = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    stamp = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, data=None, *, article, guest: bool, parent=None, **kwargs):
        if data is None:
            kwargs["initial"] = {
                "stamp": form_stamp(stamp_scope(article)),
                "parent": parent.pk if parent is not None else None,
            }
        super().__init__(data, **kwargs)
        self.article = article
        self.guest = guest
        self.fields["body"].help_text = format_html(
            "Plain text, up to 4,000 characters. Links become clickable. Please keep to our "
            '<a href="{}">house rules</a>.',
            reverse("comments:house_rules"),
        )
        if guest:
            del self.fields["notify_replies"]
            self.fields["name"].required = True
            self.fields["email"].required = True
            self.fields["email"].help_text = (
                "Never shown. A moderator may use it to contact you; it is deleted after "
                f"{settings.COMMENTS_RETENTION_DAYS} days."
            )
        else:
            del self.fields["name"]
            del self.fields["email"]

    def clean_website(self):
        if self.cleaned_data.get("website"):
            raise forms.ValidationError(
                "Your comment could not be sent. If you are a person, leave that field empty.",
                code="honeypot",
            )
        return ""

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            problem = stamp_problem(cleaned.get("stamp", ""), stamp_scope(self.article))
            if problem:
                raise forms.ValidationError(problem, code="stamp")
        return cleaned


class CommentEditForm(forms.Form):
    body = BodyField(label="Your comment")


class ReportForm(forms.ModelForm):
    class Meta:
        model = Report
        fields = ["reason", "details"]
        widgets = {
            "reason": forms.RadioSelect,
            "details": forms.Textarea(attrs={"rows": 3, "maxlength": 500}),
        }
        # The form marks optional fields itself (finextra_forms/field.html).
        labels = {"reason": "What is wrong with it?", "details": "Anything to add"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The reader picks a reason: no blank "---------" choice, none chosen for them.
        self.fields["reason"].choices = Report.Reason.choices


class SignUpForm(UserCreationForm):
    website = Honeypot()

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ["username", "display_name", "email"]
        help_texts = {"display_name": "Shown beside your comments. Your username if left empty."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True
        self.fields[
            "email"
        ].help_text = "For password resets and, if you ask, replies. Never shown."

    def validate_password_for_user(self, user, **kwargs):
        # Django files a weak password's faults ("too short") under the confirmation; they
        # belong under the password itself, where the reader typed it.
        super().validate_password_for_user(user, password_field_name="password1")

    def clean_email(self):
        return self.cleaned_data["email"].strip()

    def _get_validation_exclusions(self):
        # Whether an address has an account is never said here (comments/signup.py emails
        # its owner instead): its uniqueness is checked by the sign-up, not the form.
        return {*super()._get_validation_exclusions(), "email"}

    def clean_website(self):
        if self.cleaned_data.get("website"):
            raise forms.ValidationError("Leave that field empty.", code="honeypot")
        return ""


class NewPasswordForm(SetPasswordForm):
    """The password reset's new password, with its faults under it (as on sign-up)."""

    def validate_password_for_user(self, user, password_field_name="new_password1"):
        super().validate_password_for_user(user, password_field_name="new_password1")


class AccountDeleteForm(forms.Form):
    password = forms.CharField(
        label="Your password, to confirm",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That is not your password.", code="password_incorrect")
        return password
