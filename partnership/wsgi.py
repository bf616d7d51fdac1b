"""WSGI entry point: ``gunicorn partnership.wsgi``."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partnership.settings")
application = get_wsgi_application()

# What a worker would otherwise do on its first request (seconds under load: partnership/warm.py).
from partnership.warm import warm  # noqa: E402 (after Django is set up)

warm()
