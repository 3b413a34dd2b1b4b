from functools import partial

from chainserve.chains.services import import_candidates
from chainserve.registry.management.importing import WorkbookImportCommand
from chainserve.resources import services


class Command(WorkbookImportCommand):
    help = ("Import catalogue items (policies, financial products …) or investment candidates from an .xlsx "
            "workbook: every row good, or nothing written.")
    importers = {**{kind: partial(services.import_catalogue, kind) for kind in services.IMPORT_KINDS},
                 "candidates": import_candidates}
