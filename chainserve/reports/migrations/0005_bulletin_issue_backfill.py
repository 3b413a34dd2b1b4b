"""The existing bulletins get their 期号, 编发单位 and masthead as publishing now gives them: numbered per issuing
unit and year in the order they were published, a later version keeping the number of the first."""

from django.conf import settings
from django.db import migrations
from django.utils import timezone, translation
from django.utils.translation import gettext


def masthead(bulletin):
    if bulletin.chain_id:
        return gettext("%(chain)s Work Bulletin") % {"chain": bulletin.chain.name}
    if bulletin.district_id:
        return gettext("%(district)s Industry Chain Work Bulletin") % {"district": bulletin.district.name}
    return gettext("Industry Chain Work Bulletin")


def number(apps, schema_editor):
    Bulletin = apps.get_model("reports", "Bulletin")
    IssueCounter = apps.get_model("reports", "IssueCounter")
    counters = {}
    with translation.override(settings.LANGUAGE_CODE):
        for b in Bulletin.objects.select_related("chain__office", "district", "published_by__organization",
                                                 "supersedes").order_by("published_at", "pk"):
            first = b.supersedes
            if first is not None:
                b.issuer_id, b.issuer_name = first.issuer_id, first.issuer_name
                b.issue_year, b.issue_number = first.issue_year, first.issue_number
            else:
                unit = b.chain.office if b.chain_id and b.chain.office_id else getattr(b.published_by, "organization",
                                                                                      None)
                b.issuer_id = unit.pk if unit else None
                b.issuer_name = unit.name if unit else (b.published_by.username if b.published_by else "")
                b.issue_year = timezone.localtime(b.published_at).year
                key = (b.issuer_id, b.issue_year)
                counters[key] = counters.get(key, 0) + 1
                b.issue_number = counters[key]
            b.masthead = masthead(b)
            b.save(update_fields=["issuer", "issuer_name", "issue_year", "issue_number", "masthead"])
    IssueCounter.objects.bulk_create(IssueCounter(issuer_id=issuer, year=year, last=last)
                                     for (issuer, year), last in counters.items())


class Migration(migrations.Migration):

    dependencies = [
        ("reports", "0004_bulletin_issue_and_text"),
    ]

    operations = [
        migrations.RunPython(number, migrations.RunPython.noop),
    ]
