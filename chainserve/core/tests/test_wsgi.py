"""The WSGI entry point: what the application loads at start is frozen out of the garbage collector's sight."""

import subprocess
import sys

CHECK = """
import gc, sys
import chainserve.wsgi
import pypinyin.phrases_dict
from chainserve.matching import views
tracked = {id(o) for o in gc.get_objects()}
print(id(pypinyin.phrases_dict.phrases_dict) in tracked, id(views.MatchedForYouView) in tracked,
      "chainserve.demands.views" in sys.modules)
"""


def test_the_loaded_application_and_its_views_are_frozen_before_the_first_request():
    done = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True, check=True,
                          env={"DJANGO_SETTINGS_MODULE": "chainserve.settings", "PATH": "/usr/bin:/bin"})
    assert done.stdout.split() == ["False", "False", "True"]
