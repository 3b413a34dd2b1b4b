"""search_text: computed on save (also a partial save), filled for bulk writes, backfilled by a migration step."""

from django.apps import apps

from chainserve.chains.models import Chain
from chainserve.core.search import backfill_search_text, fill_search_text

DOC = "龙凤测绘链 longfengcehuilian lfchl"


def test_save_computes_search_text_also_when_it_saves_only_the_searched_field(db):
    chain = Chain.objects.create(name="旧名")
    chain.name = "龍鳳測繪鏈"
    chain.save(update_fields=["name"])

    assert Chain.objects.get(pk=chain.pk).search_text == DOC


def test_bulk_create_fills_search_text_through_fill_search_text(db):
    [chain] = Chain.objects.bulk_create(fill_search_text([Chain(name="龙凤测绘链")]))

    assert Chain.objects.get(pk=chain.pk).search_text == DOC


def test_backfill_step_fills_the_rows_written_before_the_field(db):
    chain = Chain.objects.create(name="龙凤测绘链")
    other = Chain.objects.create(name="")
    Chain.objects.update(search_text="")

    backfill_search_text("chains", "Chain", ("name",)).code(apps, None)

    assert dict(Chain.objects.values_list("pk", "search_text")) == {chain.pk: DOC, other.pk: ""}
