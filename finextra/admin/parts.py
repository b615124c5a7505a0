from django.http import Http404
from django.urls import path, reverse


class DeskPart:
    """What each part of the editorial desk (`EditorialAdmin`'s mixins) shares: the item a
    part's view acts on, the desk's URLs, and a hook to add to the change form's context."""

    def desk_context(self, request, obj) -> dict:
        """What this part shows on `obj`'s change form; each part adds its own."""
        return {}

    def admin_url(self, name: str, *args) -> str:
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_{name}", args=args)

    def desk_url(self, route: str, view, name: str):
        """A URL of this part under the item's change page, named like the admin's own."""
        info = self.opts.app_label, self.opts.model_name
        return path(route, self.admin_site.admin_view(view), name="{}_{}_{}".format(*info, name))

    def editorial_object(self, request, object_id):
        obj = self.get_object(request, object_id)
        if obj is None:
            raise Http404(f"No such {self.opts.verbose_name}.")
        return obj
