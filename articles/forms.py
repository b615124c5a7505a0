"""The article desk's form: the rich-text body, the checked lead image, the counted headline."""

import re

from django import forms
from django.utils.html import strip_tags
from django_prose_editor.fields import ProseEditorFormField

from finextra.admin import EditorialForm

from . import images
from .corrections import NOTE_MAX_LENGTH
from .models import Article
from .sanitize import clean_body
from .search import QUERY_MAX_LENGTH

# What the editor offers. Every tag it can write is in sanitize.ALLOWED_TAGS (a test holds them
# together); the server cleans the body with that allow-list on every save whatever the browser
# sent. Pasted HTML (Word, a web page) is read into this schema, so anything else is dropped.
BODY_EDITOR_EXTENSIONS = {
    "Heading": {"levels": [2, 3, 4]},
    "Bold": True,
    "Italic": True,
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    # Tiptap's link mark is inclusive while it autolinks typed URLs: words typed after a link
    # would join it. Links are made on purpose here (the toolbar, or pasting a URL over words).
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"], "autolink": False},
    "HardBreak": True,
    "HorizontalRule": True,
    # The editor turns the browser's spellcheck off by default; writers want it.
    "NoSpellCheck": False,
}

# What search results show of a headline and of a summary, roughly: the counters warn past it.
HEADLINE_ADVICE = 60
STANDFIRST_ADVICE = 160

# Whitespace next to a block element's tags shows as nothing (and the editor writes none).
_BLOCK_SPACE = re.compile(
    r"\s*(</?(?:p|h[2-6]|ul|ol|li|blockquote|hr|br|table|thead|tbody|tr|th|td|figure|figcaption)"
    r"\b[^>]*>)\s*"
)


def body_text_key(html: str) -> str:
    """The body as a reader gets it, for telling a real change from the editor's re-spelling."""
    return _BLOCK_SPACE.sub(r"\1", clean_body(html or ""))


class BodyField(ProseEditorFormField):
    def __init__(self, **kwargs):
        kwargs.setdefault("extensions", BODY_EDITOR_EXTENSIONS)
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        # An emptied editor still sends "<p></p>": that is no body.
        return value if strip_tags(value).strip() else ""

    def has_changed(self, initial, data):
        # Only a change a reader would see counts (it decides whether an edited article goes
        # back to draft), not the editor writing the same text in its own spelling.
        return body_text_key(initial) != body_text_key(self.to_python(data))


class CheckedImageField(forms.ImageField):
    """An upload is a clear form error, before anything is stored, unless it is a whole JPEG,
    PNG or WebP within the size limits (articles.images). Lead images and placement images
    alike."""

    def to_python(self, data):
        upload = forms.FileField.to_python(self, data)
        if upload is None:
            return None
        images.lead_image_check(upload)
        return super().to_python(data)


class ArticleForm(EditorialForm):
    # Offered on live articles only (the field is dropped otherwise); the admin publishes it
    # through articles.corrections after the save.
    correction = forms.CharField(
        label="Add a correction",
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Shown with today's date at the foot of the article and kept in its history. "
        "Say what was wrong and what is right. Published corrections cannot be changed.",
    )
    correction_confirm = forms.BooleanField(
        label="Publish this correction: I know it can never be changed or removed",
        required=False,
    )

    class Meta:
        model = Article
        fields = "__all__"
        field_classes = {"body": BodyField, "lead_image": CheckedImageField}
        help_texts = {
            "body": "Headings, lists, links, quotes, bold and italic. Pasted text keeps only "
            "these; the page shows the body cleaned to them.",
            "lead_image": f"{images.LIMITS_HELP} Sizes for every screen are made when you save.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        counted = {"headline": HEADLINE_ADVICE, "standfirst": STANDFIRST_ADVICE}
        for name, advice in counted.items():
            if name in self.fields:
                self.fields[name].widget.attrs["data-count-advice"] = advice
        if "lead_image" in self.fields:
            self.fields["lead_image"].widget.attrs["accept"] = images.ACCEPT
        if not self.instance.is_live:
            del self.fields["correction"]
            del self.fields["correction_confirm"]

    def clean(self):
        cleaned = super().clean()
        # A correction is the public record, appended for good: it is published only on purpose.
        if (cleaned.get("correction") or "").strip() and not cleaned.get("correction_confirm"):
            self.add_error(
                "correction_confirm",
                forms.ValidationError(
                    "Tick this box to publish the correction: once published it can never be "
                    "changed or removed. Nothing was saved; your text is kept below.",
                    code="correction_unconfirmed",
                ),
            )
        return cleaned


class SearchForm(forms.Form):
    """The readers' search box (a GET form: the query is part of the results' URL)."""

    q = forms.CharField(
        label="Search articles",
        max_length=QUERY_MAX_LENGTH,
        required=False,
        error_messages={"max_length": "Searches are up to %(limit_value)d characters long."},
    )
