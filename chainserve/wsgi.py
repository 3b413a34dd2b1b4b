"""WSGI entry point (gunicorn chainserve.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chainserve.settings")
application = get_wsgi_application()
