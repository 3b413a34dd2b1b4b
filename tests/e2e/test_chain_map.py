"""The chain map (ECharts on a canvas): it draws every segment, and a click on one lists its enterprises."""

from urllib.parse import parse_qs, urlsplit

import pytest

from chainserve.chains.models import Chain, Placement, Segment
from chainserve.demo import CHAIN_NAME

pytestmark = pytest.mark.e2e

# Where a tree node sits on the page, in CSS pixels: its layout (tree coordinates) through the transform
# of the group that holds the tree, plus the canvas's place on the page. Null until ECharts has laid the
# tree out and the node's symbol has reached that place.
NODE_POSITION = """(name) => {
  const chart = window.chainMap;
  if (!chart) return null;
  const series = chart.getModel().getSeriesByIndex(0);
  const data = series.getData();
  for (let i = 0; i < data.count(); i++) {
    if (data.getName(i) !== name) continue;
    const layout = data.getItemLayout(i);
    const el = data.getItemGraphicEl(i);
    if (!layout || !el || !el.transform) return null;
    const p = el.parent ? el.parent.transformCoordToGlobal(layout.x, layout.y) : [layout.x, layout.y];
    // the symbol must have arrived where the layout puts it (no entry animation still running)
    if (Math.abs(el.transform[4] - p[0]) > 0.5 || Math.abs(el.transform[5] - p[1]) > 0.5) return null;
    const box = chart.getDom().getBoundingClientRect();
    return {x: box.left + p[0], y: box.top + p[1]};
  }
  return null;
}"""


def open_map(page, chain):
    page.goto(f"/chains/{chain.pk}/map/")
    page.wait_for_function("() => window.chainMap !== undefined")


def node_position(page, name):
    handle = page.wait_for_function(NODE_POSITION, arg=name)
    return handle.json_value()


def test_chain_map_draws_every_segment_and_a_click_lists_its_enterprises(demo, page, login, listed, shot):
    chain = Chain.objects.get(name=CHAIN_NAME)
    segment = Segment.objects.get(chain=chain, name="细胞与基因治疗")
    expected = sorted(Placement.objects.filter(segment=segment).values_list("organization__name", flat=True))
    assert 1 < len(expected) <= 25  # one page of the list
    login("office")
    open_map(page, chain)

    canvas = page.locator("#chain-map canvas").first
    box = canvas.bounding_box()
    assert box["width"] > 600 and box["height"] > 400
    drawn = page.evaluate("""() => {
      const data = window.chainMap.getModel().getSeriesByIndex(0).getData();
      const names = [];
      for (let i = 0; i < data.count(); i++) names.push(data.getName(i));
      return names;
    }""")
    segments = list(Segment.objects.filter(chain=chain).values_list("name", flat=True))
    assert set(segments) <= set(drawn)
    assert CHAIN_NAME in drawn
    # the canvas is not blank: some pixels are coloured
    painted = page.evaluate("""() => {
      const c = document.querySelector('#chain-map canvas');
      const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 0; i < px.length; i += 4) if (px[i + 3] > 0 && (px[i] < 240 || px[i + 1] < 240)) n++;
      return n;
    }""")
    assert painted > 2000
    pos = node_position(page, segment.name)
    shot("chain-map")

    with page.expect_navigation():
        page.mouse.click(pos["x"], pos["y"])

    url = urlsplit(page.url)
    assert url.path == "/registry/organizations/"
    assert parse_qs(url.query) == {"chain": [str(chain.pk)], "segment": [str(segment.pk)]}
    assert sorted(listed()) == expected


def test_chain_map_shows_names_as_text(demo, page, login):
    """A chain or segment name with markup shows in the tooltip as text; its script never runs."""
    chain = Chain.objects.get(name=CHAIN_NAME)
    chain.name = '明湖<img src=x onerror="window.pwned=1">链'
    chain.save()
    segment = Segment.objects.get(chain=chain, name="抗体药物")
    segment.name = '抗体<img src=x onerror="window.pwned=2">药物'
    segment.save()
    login("office")
    open_map(page, chain)

    for name in (segment.name, chain.name):
        pos = node_position(page, name)
        page.mouse.move(pos["x"], pos["y"])
        tooltip = page.locator("#chain-map div", has_text=name).last
        tooltip.wait_for(state="visible")
        assert name in tooltip.inner_text()
        assert tooltip.locator("img").count() == 0
    page.wait_for_timeout(200)  # an onerror would have fired by now
    assert page.evaluate("typeof window.pwned") == "undefined"
