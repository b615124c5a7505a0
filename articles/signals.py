from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver
from django.urls import reverse

from finextra.cache import cache_delete_on_commit
from finextra.redirects import redirect_page_moved

from .context_processors import NAV_CACHE_KEY
from .fragments import fragments_forget_on_commit
from .models import Article, Author, Channel, Tag


@receiver([post_save, post_delete], sender=Channel, dispatch_uid="articles.channel_nav")
def forget_channel_menu(using=None, **kwargs):
    cache_delete_on_commit(NAV_CACHE_KEY, using=using)


# Cache invalidation only, once the change commits: names shown inside cached article fragments.
for _sender in (Author, Tag, Channel, "sponsors.Sponsor"):
    post_save.connect(
        fragments_forget_on_commit, sender=_sender, dispatch_uid=f"articles.fragments.{_sender}"
    )
    post_delete.connect(
        fragments_forget_on_commit, sender=_sender, dispatch_uid=f"articles.fragments.del.{_sender}"
    )
for _through in (Article.authors.through, Article.tags.through):
    m2m_changed.connect(
        fragments_forget_on_commit, sender=_through, dispatch_uid=f"articles.m2m.{_through}"
    )


# Links that never break: a renamed channel, tag or author page sends its old address on (301).
def remember_slug(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None:
        return
    rows = sender._base_manager.filter(pk=instance.pk)
    instance._slug_before = rows.values_list("slug", flat=True).first()


def redirect_renamed_page(sender, instance, raw=False, **kwargs):
    before = getattr(instance, "_slug_before", None)
    if raw or not before or before == instance.slug:
        return
    old_path = reverse(f"articles:{sender._meta.model_name}", kwargs={"slug": before})
    redirect_page_moved(old_path=old_path, new_path=instance.get_absolute_url())


for _sender in (Channel, Tag, Author):
    pre_save.connect(remember_slug, sender=_sender, dispatch_uid=f"articles.slug.{_sender}")
    post_save.connect(
        redirect_renamed_page, sender=_sender, dispatch_uid=f"articles.slug_moved.{_sender}"
    )
