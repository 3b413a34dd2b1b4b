"""`chainserve report bulletin --from … --to … [--chain …] --format json|xlsx|pdf`: a bulletin on the command line."""

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from chainserve.chains.models import Chain
from chainserve.core.models import Region
from chainserve.reports.document import compose
from chainserve.reports.exports import pdf_bytes, xlsx_bytes
from chainserve.reports.figures import Period, Scope, compute_all


class Command(BaseCommand):
    help = "Compute a bulletin (every figure, for the whole platform's records) and write it as JSON, xlsx or PDF."

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["bulletin"])
        parser.add_argument("--from", dest="start", required=True, help="first day, YYYY-MM-DD")
        parser.add_argument("--to", dest="end", required=True, help="last day, YYYY-MM-DD")
        parser.add_argument("--chain", help="a chain's id or exact name")
        parser.add_argument("--district", help="a district's code or name")
        parser.add_argument("--format", choices=["json", "xlsx", "pdf"], default="json")
        parser.add_argument("--output", "-o", help="file to write (default: standard output)")

    def handle(self, *args, **opts):
        import datetime

        try:
            period = Period(datetime.date.fromisoformat(opts["start"]), datetime.date.fromisoformat(opts["end"]))
        except ValueError as e:
            raise CommandError(f"--from/--to: {e}") from None
        if period.end < period.start:
            raise CommandError("--to is before --from")
        scope = Scope(chain=self._one(Chain, opts["chain"], "name"),
                      district=self._one(Region, opts["district"], "code"))
        if opts["format"] == "json":
            out = json.dumps(compute_all(period, scope).as_dict(), ensure_ascii=False, indent=2).encode()
        elif opts["format"] == "xlsx":
            out = xlsx_bytes(compose(None, period, scope))
        else:
            out = pdf_bytes(compose(None, period, scope))
        if opts["output"]:
            with open(opts["output"], "wb") as f:
                f.write(out)
        elif opts["format"] == "json":
            self.stdout.write(out.decode())
        else:
            sys.stdout.buffer.write(out)
            sys.stdout.flush()

    def _one(self, model, value, field):
        if not value:
            return None
        qs = model.objects.filter(pk=int(value)) if value.isdigit() else model.objects.filter(**{field: value})
        found = list(qs[:2])
        if len(found) != 1:
            raise CommandError(f"{model._meta.model_name} {value!r}: {'not found' if not found else 'ambiguous'}")
        return found[0]
