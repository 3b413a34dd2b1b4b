from chainserve.core.importing.command import WorkbookImportCommand
from chainserve.demands.services.history import HistoryImporter


class Command(WorkbookImportCommand):
    help = ("Import past years from an .xlsx workbook (its sheet 诉求 of demands): every row good, or nothing "
            "written. `chainserve import history FILE`.")
    importers = {HistoryImporter.kind: HistoryImporter}
