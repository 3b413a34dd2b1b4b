from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkbenchConfig(AppConfig):
    """Each user's home page and the demo: the app on top of the others (it may import every domain app;
    none imports it)."""

    name = "chainserve.workbench"
    label = "workbench"
    verbose_name = _("Workbench")
