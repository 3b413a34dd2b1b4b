from chainserve.core.importing.command import WorkbookImportCommand
from chainserve.registry import services


class Command(WorkbookImportCommand):
    help = "Import organizations or people from an .xlsx workbook: every row good, or nothing written."
    importers = services.IMPORTERS
