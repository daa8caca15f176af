"""WSGI entry point: `gunicorn config.wsgi`."""

import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()
# Import every view now, then move what startup built (modules, URL patterns, model metadata) out
# of the garbage collector's sight: it lives as long as the process, and the full collections
# that kept walking it cost about a tenth of an API submission's CPU (bench/api.py).
get_resolver().url_patterns  # noqa: B018
gc.freeze()
