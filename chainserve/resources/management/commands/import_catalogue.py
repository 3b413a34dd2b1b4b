from chainserve.chains.services import CandidateImporter
from chainserve.core.importing.command import WorkbookImportCommand
from chainserve.resources import services


class Command(WorkbookImportCommand):
    help = ("Import catalogue items (policies, financial products …) or investment candidates from an .xlsx "
            "workbook: every row good, or nothing written.")
    importers = {**services.CATALOGUE_IMPORTERS, "candidates": CandidateImporter}
