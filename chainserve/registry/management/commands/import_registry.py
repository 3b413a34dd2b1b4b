from chainserve.registry import services
from chainserve.registry.management.importing import WorkbookImportCommand


class Command(WorkbookImportCommand):
    help = "Import organizations or people from an .xlsx workbook: every row good, or nothing written."
    importers = services.IMPORTERS
