from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from .context_processors import NAV_CACHE_KEY
from .fragments import fragments_forget
from .models import Article, Author, Channel, Tag


@receiver([post_save, post_delete], sender=Channel, dispatch_uid="articles.channel_nav")
def forget_channel_menu(**kwargs):
    cache.delete(NAV_CACHE_KEY)


# Cache invalidation only: names shown inside cached article fragments.
for _sender in (Author, Tag, Channel, "sponsors.Sponsor"):
    post_save.connect(
        fragments_forget, sender=_sender, dispatch_uid=f"articles.fragments.{_sender}"
    )
    post_delete.connect(
        fragments_forget, sender=_sender, dispatch_uid=f"articles.fragments.del.{_sender}"
    )
for _through in (Article.authors.through, Article.tags.through):
    m2m_changed.connect(fragments_forget, sender=_through, dispatch_uid=f"articles.m2m.{_through}")
