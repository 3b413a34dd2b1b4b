"""WSGI entry point (gunicorn chainserve.wsgi).

Once the application and its URLconf (every view) are loaded, what they loaded — Django, the pinyin and
conversion dictionaries, some 340,000 objects — is frozen out of the garbage collector's sight
(`gc.freeze`): otherwise every full collection walks all of it, which added 100–150 ms to one request in
eight on the matched-for-you page (p95 232 → 130 ms, bench/README.md).
"""

import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chainserve.settings")
application = get_wsgi_application()
get_resolver().url_patterns  # noqa: B018  # loads the URLconf and every view module now, before the freeze
gc.freeze()
