import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "finextra.settings")
application = get_wsgi_application()

# gunicorn runs no system checks: a production start without its services stops here.
from finextra.checks import refuse_to_start_wrong  # noqa: E402

refuse_to_start_wrong()

# The cyclic garbage collector, tuned for a server process: what the app loaded to start (a
# hundred thousand objects that live as long as the process) is frozen out of every collection,
# and the youngest generation is collected after 10,000 allocations rather than 700, so a page
# no longer pays for several collections. Reference counting still frees almost everything at
# once; the cycles wait a little longer. Measured in benchmarks/README.md ("Garbage collection").
gc.freeze()
gc.set_threshold(10_000, 10, 10)
