"""Django's Redis cache backend, keeping one `redis.Redis` client per connection pool.

Django's own client makes a new `redis.Redis` for every get, set and get_many, and each one
builds its table of some 170 response callbacks: measured on a listing page, about 2 ms of CPU
per request of the page's 4. redis-py's clients are safe to share between threads (each command
borrows a connection from the pool), which is what django-redis does too."""

from django.core.cache.backends import redis as django_redis


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
