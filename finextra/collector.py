"""The cyclic garbage collector, tuned for a process that lives long: an app server, a test
worker."""

import gc


def collector_settle() -> None:
    """Freeze what the process has loaded by now (a hundred thousand objects that live as long as
    it does) out of every later collection, and collect the youngest generation after 10,000
    allocations rather than 700, so a page no longer pays for several collections. Reference
    counting still frees almost everything at once; the cycles wait a little longer. Measured in
    benchmarks/README.md (the article page's "garbage collection")."""
    gc.collect()  # what is garbage already is not frozen with the rest
    gc.freeze()
    gc.set_threshold(10_000, 10, 10)
