"""Links that never break: old paths answered with a 301 to where the page lives now (the
rows of django.contrib.redirects, consulted only when a URL is a 404).

Chains are flattened when a row is saved, so every row points straight at its final target
and a reader is sent there in one hop; a row that would lead back to itself is refused.
An empty target means the page is gone for good (410).
"""

from django.conf import settings
from django.contrib.redirects.models import Redirect
from django.contrib.sites.models import Site
from django.core.exceptions import ValidationError
from django.db import transaction

LOOP_MESSAGE = (
    "“{old}” would lead back to itself through “{new}”: readers would go round in circles. "
    "Nothing was saved."
)


def _targets(site: Site, *, leaving_out: int | None = None) -> dict[str, str]:
    rows = Redirect.objects.filter(site=site).exclude(pk=leaving_out)
    return dict(rows.values_list("old_path", "new_path"))


def redirect_final_target(*, path: str, targets: dict[str, str]) -> str | None:
    """Where `path` ends up after every hop; None when the hops go round in a circle."""
    seen = {path}
    while targets.get(path):
        path = targets[path]
        if path in seen:
            return None
        seen.add(path)
    return path


def redirect_check(*, old_path: str, new_path: str, site: Site, pk: int | None = None) -> str:
    """The final target a row `old_path` → `new_path` would have; ValidationError if it loops."""
    if not new_path:
        return ""
    if new_path == old_path:
        raise ValidationError(
            "A redirect to the same address would send readers round in circles.", code="loop"
        )
    targets = _targets(site, leaving_out=pk)
    targets[old_path] = new_path
    final = redirect_final_target(path=new_path, targets=targets)
    if final is None or final == old_path:
        raise ValidationError(LOOP_MESSAGE.format(old=old_path, new=new_path), code="loop")
    return final


def redirect_save(*, old_path: str, new_path: str, site: Site | None = None) -> Redirect:
    """Add or change the row for `old_path`, pointing it (and every row that led to it)
    straight at the final target. Raises ValidationError for a loop."""
    site = site or Site.objects.get(pk=settings.SITE_ID)
    with transaction.atomic():
        existing = Redirect.objects.select_for_update().filter(site=site, old_path=old_path).first()
        final = redirect_check(
            old_path=old_path, new_path=new_path, site=site, pk=existing.pk if existing else None
        )
        row = existing or Redirect(site=site, old_path=old_path)
        row.new_path = final
        row.save()
        Redirect.objects.filter(site=site, new_path=old_path).update(new_path=final)
    return row


def redirect_page_moved(*, old_path: str, new_path: str) -> Redirect | None:
    """A page's address changed (a slug was renamed): the old one sends readers to the new.
    The new address is live, so any redirect away from it is dropped first (renaming back)."""
    if old_path == new_path:
        return None
    site = Site.objects.get(pk=settings.SITE_ID)
    with transaction.atomic():
        Redirect.objects.filter(site=site, old_path=new_path).delete()
        return redirect_save(old_path=old_path, new_path=new_path, site=site)
