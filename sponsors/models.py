from django.db import models


class Sponsor(models.Model):
    """Who pays for sponsored and promoted content."""

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    website = models.URLField(blank=True)
    logo = models.ImageField(upload_to="sponsors/", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name
