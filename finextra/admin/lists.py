"""The desk's change lists: a capped count for archive-sized tables, and the queue filter."""

from django.contrib import admin
from django.core.paginator import Paginator
from django.utils.functional import cached_property

from ..queues import queues_of


class CappedPaginator(Paginator):
    """The desk's lists count no further than `cap` rows: counting a million comments on every
    page load buys nobody anything. Past the cap the list says "More than 10000 ..." and its
    last pages are the cap's; filters and search reach the rest."""

    cap = 10_000
    capped = False

    @cached_property
    def count(self):
        counted = self.object_list.order_by().values("pk")[: self.cap + 1].count()
        self.capped = counted > self.cap
        return min(counted, self.cap)


class QueueFilter(admin.SimpleListFilter):
    """The desk's queues of the list's model (`finextra.queues`), as the admin's front page
    links to them. With `default`, the list opens on that queue; "All" shows every row."""

    title = "queue"
    parameter_name = "queue"
    default: str | None = None
    ALL = "all"

    def __init__(self, request, params, model, model_admin):
        # The default is how the list opens. Any other filter or a search asks for all rows
        # matching it (a commenter's name links to all their comments), and an action acts on
        # the rows the person selected.
        self.opening = request.method == "GET" and not set(request.GET) - {"o", "p"}
        super().__init__(request, params, model, model_admin)

    def lookups(self, request, model_admin):
        return [(queue.key, queue.title) for queue in queues_of(model_admin.model)]

    def value(self):
        return super().value() or (self.default if self.opening else None)

    def queryset(self, request, queryset):
        queue = next((q for q in queues_of(queryset.model) if q.key == self.value()), None)
        if queue is None:
            return queryset
        return queue.items(request.user, queryset)

    def choices(self, changelist):
        if self.default is None:
            yield from super().choices(changelist)
            return
        for key, title in [(self.ALL, "All"), *self.lookup_choices]:
            yield {
                "selected": self.value() == key,
                "query_string": changelist.get_query_string({self.parameter_name: key}),
                "display": title,
            }
