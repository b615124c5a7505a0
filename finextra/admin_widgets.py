"""The admin's autocomplete fields, safe against malformed ids.

Django's AutocompleteSelect looks up every posted value to show it again when the form comes
back with errors; a value that is no id ("abc", "1.5", a number past the column's range) then
raises in the query and the page answers 500. A many-to-many field's own check also queries a
number past the column's range. The form field refuses such a value ("... is not a valid
value"), and the widgets leave it out of the redraw, so the editor sees that message.
"""

from django import forms
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import ValidationError
from django.db import connections, models


def _target_field(relation_field):
    remote = relation_field.remote_field
    to_field = getattr(remote, "field_name", None)  # a many-to-many field has none
    return remote.model._meta.get_field(to_field) if to_field else remote.model._meta.pk


def is_valid_id(target: models.Field, value, *, using: str | None = None) -> bool:
    """Whether `value` can name a row by `target` (the related model's key) at all."""
    try:
        python_value = target.to_python(value)
        target.get_prep_value(python_value)
    except (ValidationError, ValueError, TypeError, OverflowError):
        return False
    if isinstance(target, models.IntegerField) and python_value is not None:
        low, high = connections[using or "default"].ops.integer_field_range(
            target.get_internal_type()
        )
        return (low is None or python_value >= low) and (high is None or python_value <= high)
    return True


class _ValidIdsOnly:
    def optgroups(self, name, value, attr=None):
        target = _target_field(self.field)
        valid = [v for v in value if is_valid_id(target, v, using=self.db)]
        return super().optgroups(name, valid, attr)


class SafeAutocompleteSelect(_ValidIdsOnly, AutocompleteSelect):
    pass


class SafeAutocompleteSelectMultiple(_ValidIdsOnly, AutocompleteSelectMultiple):
    pass


class IdCheckedMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Refuses a value that cannot be an id before querying with it."""

    def _check_values(self, value):
        opts = self.queryset.model._meta
        target = opts.get_field(self.to_field_name) if self.to_field_name else opts.pk
        try:
            values = frozenset(value)
        except TypeError:
            raise ValidationError(
                self.error_messages["invalid_list"], code="invalid_list"
            ) from None
        for item in values:
            if not is_valid_id(target, item, using=self.queryset.db):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": item},
                )
        return super()._check_values(value)


class SafeAutocompleteAdmin:
    """A ModelAdmin mixin: its `autocomplete_fields` use the widgets above, and its
    many-to-many fields the checked field."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        kwargs.setdefault("form_class", IdCheckedMultipleChoiceField)
        return super().formfield_for_manytomany(db_field, request, **kwargs)
