"""Text fields for what reaches feeds and sitemaps: headlines, standfirsts, names; and web
addresses.

From a form, a line break (Word's vertical tab too) in a single-line field becomes a space and
any other control character is refused with a message naming it. However a row is saved (the
shell, an import), the characters XML cannot carry are dropped before it is written.
"""

from django import forms
from django.db import models

from .text import NoControlCharacters, multi_line, single_line, xml_safe


class _LineFormField(forms.CharField):
    def to_python(self, value):
        return super().to_python(single_line(value) if isinstance(value, str) else value)


class _TextFormField(forms.CharField):
    def to_python(self, value):
        return super().to_python(multi_line(value) if isinstance(value, str) else value)


class LineField(models.CharField):
    """One line of text: a headline, a name, a title."""

    default_validators = [NoControlCharacters()]

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": _LineFormField, **kwargs})

    def pre_save(self, model_instance, add):
        value = super().pre_save(model_instance, add)
        if isinstance(value, str):
            value = xml_safe(single_line(value))
            setattr(model_instance, self.attname, value)
        return value


class ProseField(models.TextField):
    """Plain text that may run over lines: a standfirst, a summary, a bio."""

    default_validators = [NoControlCharacters(allowed="\t\n\r")]

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": _TextFormField, **kwargs})

    def pre_save(self, model_instance, add):
        value = super().pre_save(model_instance, add)
        if isinstance(value, str):
            value = xml_safe(multi_line(value))
            setattr(model_instance, self.attname, value)
        return value


class WebAddressField(models.URLField):
    """A web address: typed without a scheme, it gets https (Django 6's default, chosen now, in
    every form the field makes: the admin's and any other)."""

    def formfield(self, **kwargs):
        return super().formfield(**{"assume_scheme": "https", **kwargs})
