"""How `make test` shares the suite between its pytest-xdist workers.

pytest-django runs the transactional tests (the browser's, the live servers', the concurrent
ones) after the rest, as Django does, and they are the slow ones. xdist's own `load` scheduling
hands a worker up to a quarter of what is left at a time, so the whole slow tail could land on
one worker while the others sat idle for minutes. Here a worker is handed only what it is about
to run, and the slow tests lead the tail, so the workers finish together.
"""

from xdist.scheduler import LoadScheduling

# A worker holds the test it runs, the next (pytest needs it to know which fixtures to keep),
# and one more, so it never waits for the controller between tests.
QUEUE_LENGTH = 3


def class_of(nodeid: str) -> str | None:
    """`tests/x.py::TestThing` for a test in a class; None for a function."""
    parts = nodeid.split("::")
    return "::".join(parts[:2]) if len(parts) > 2 else None


class ShortQueueScheduling(LoadScheduling):
    """xdist's `load` scheduling, with short queues. A class's tests go to one worker together:
    they share one seeded demo (tests/conftest.py)."""

    def schedule(self) -> None:
        if self.collection is None:
            if not self._check_nodes_have_same_collection():
                self.log("**Different tests collected, aborting run**")
                return
            self.collection = next(iter(self.node2collection.values()))
            self.pending[:] = range(len(self.collection))
        for node in self.nodes:
            self.check_schedule(node)

    def check_schedule(self, node, duration: float = 0) -> None:
        if node.shutting_down:
            return
        if not self.pending:
            node.shutdown()
            return
        while self.pending and len(self.node2pending[node]) < QUEUE_LENGTH:
            self._send_tests(node, self._next_unit_size())

    def _next_unit_size(self) -> int:
        """The next test, with the rest of its class."""
        scope = class_of(self.collection[self.pending[0]])
        size = 1
        if scope is None:
            return size
        while size < len(self.pending) and class_of(self.collection[self.pending[size]]) == scope:
            size += 1
        return size


def is_transactional(item) -> bool:
    """As pytest-django decides which tests it runs last."""
    marker = item.get_closest_marker("django_db")
    if marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")):
        return True
    return bool({"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ())))


def browser_tests_first(items: list) -> None:
    """Among the transactional tests (pytest-django runs them last), the browser's first: they
    are the slowest, and the quick ones after them even out the workers' finish."""
    positions = [index for index, item in enumerate(items) if is_transactional(item)]
    tail = sorted((items[index] for index in positions), key=lambda item: not in_browser(item))
    for index, item in zip(positions, tail, strict=True):
        items[index] = item


def in_browser(item) -> bool:
    return "e2e" in item.path.parts
