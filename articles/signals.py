from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .context_processors import NAV_CACHE_KEY
from .models import Channel


@receiver([post_save, post_delete], sender=Channel, dispatch_uid="articles.channel_nav")
def forget_channel_menu(**kwargs):
    cache.delete(NAV_CACHE_KEY)
