from django import forms
from django.contrib import admin
from django.contrib.redirects.admin import RedirectAdmin as DjangoRedirectAdmin
from django.contrib.redirects.models import Redirect

from ..redirects import redirect_check, redirect_save


class RedirectForm(forms.ModelForm):
    class Meta:
        model = Redirect
        fields = ("site", "old_path", "new_path")

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            redirect_check(
                old_path=cleaned["old_path"],
                new_path=cleaned["new_path"],
                site=cleaned["site"],
                pk=self.instance.pk,
            )
        return cleaned


admin.site.unregister(Redirect)


@admin.register(Redirect)
class RedirectAdmin(DjangoRedirectAdmin):
    """Old addresses and where they send readers; saved through the service that refuses
    loops and points every row straight at its final target."""

    form = RedirectForm

    def save_model(self, request, obj, form, change):
        if change and "old_path" in form.changed_data:
            Redirect.objects.filter(pk=obj.pk).delete()
        saved = redirect_save(old_path=obj.old_path, new_path=obj.new_path, site=obj.site)
        obj.pk, obj.new_path = saved.pk, saved.new_path
