import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "finextra.settings")
application = get_wsgi_application()

# gunicorn runs no system checks: a production start without its services stops here.
from finextra.checks import refuse_to_start_wrong  # noqa: E402
from finextra.collector import collector_settle  # noqa: E402

refuse_to_start_wrong()

# What the app loaded to start lives as long as the process: out of the collector's way.
collector_settle()
