from chainserve.coordination.services.history import HistoryImporter
from chainserve.core.importing.command import WorkbookImportCommand


class Command(WorkbookImportCommand):
    help = ("Import past years from an .xlsx workbook (its sheets 诉求, 联席会议 and 联建活动): every row good, or "
            "nothing written. `chainserve import history FILE`.")
    importers = {HistoryImporter.kind: HistoryImporter}
