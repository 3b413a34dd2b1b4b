"""The browser tour (issue 15): every page of the URL map that has a demo record, as every role that may open it.

Which pages a role may open is asked of Django first (a test client per role: the pages that answer it 200 with
HTML); a page with a record in its URL gets the first record of its model the role may change, else may see (the
access matrix's URL-map walk: tests/walks/test_access_matrix.py). Each role logs in once; the phone context reuses the
desk context's storage state. A page fails on:
- a console error, an uncaught JavaScript error, an htmx error event (htmx:responseError, htmx:targetError …);
- a subresource answering >= 400, or a request that failed;
- horizontal overflow on the phone (document.documentElement.scrollWidth > window.innerWidth);
- a label or table header narrower than two characters whose longer text wraps (one character per line);
- on a zh-hans page, English words in the visible text (beyond ALLOWED_WORDS and abbreviations such as API, PDF);
- ASCII `, : ; ( )` beside a Chinese character in the visible text.
All failures of one page are collected and reported together (page, role, size, what failed); a failure listed
in ALLOWED (page name → check → reason) is known and left to the file that owns it.

Screenshots: .tmp/tour/<role>/<width>x<height>/<page>.png (gitignored), every page visited: the whole page with
TOUR_FULL=1, else the first screen (a full-page capture costs more than the checks). In CI (CI set), where nobody
looks at them, only the pages that failed are shot: a fifth of the tour's time.

CI time: by default each page is visited once per role at 390×844 and, for a fixed half of the pages (every
other one in URL-map order) and each role's workbench (BOTH_SIZES), also at 1440×900. `TOUR_FULL=1` visits every page at both sizes.
The roles with the most pages (HALVED) are toured in two test cases, each with half of the URL map (probed and
visited): pytest-xdist runs them on both workers at once, so that no single role bounds the browser stage.
"""

import os
import re
import time
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from chainserve.core.choices import Role
from chainserve.core.models import User
from chainserve.core.tests.urlmap import page_model, url_kwargs, url_patterns

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / ".tmp" / "tour"
FULL = os.environ.get("TOUR_FULL", "") not in ("", "0")
SHOOT_ALL = os.environ.get("CI", "") in ("", "0", "false")
DESK, PHONE = (1440, 900), (390, 844)
ANONYMOUS = "anonymous"
SKIPPED_PREFIXES = ("admin/", "api/", "i18n/", "accounts/logout/")
# Pages not to visit: not a page (a file or a feed) or a page whose URL the map cannot build.
NOT_PAGES = {
    "coordination:registration-qr": "an SVG image, not a page",
    "coordination:calendar-feed": "an iCalendar feed",
    "password_reset_confirm": "its parameters are a one-time token",
    "reports:records": "the parameter is a figure's key (its records list is reached from the dashboard)",
}
# Latin words a Chinese page may show: abbreviations and names Chinese officials write in Latin letters.
# All-capital abbreviations (GMP, CRO, IPO …) and tokens with digits (IDs, codes, NR082) are allowed anyway.
ALLOWED_WORDS = {"Excel", "Word", "English", "iCalendar", "WeChat", "mRNA"}

# Known failures whose fix belongs to a file this tour's author does not own: page name → {check: reason}.
# Checks: console, js, htmx, request, overflow, narrow, english, punctuation.
ALLOWED = {}

CHECKS_JS = r"""
() => {
  const skip = 'script, style, noscript, textarea, code, pre, kbd, samp, [translate=no], .visually-hidden, .sr-only, svg';
  const texts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const t = n.nodeValue.trim(), el = n.parentElement;
    if (!t || !el || el.closest(skip)) continue;
    if (el.closest('option') ? !el.closest('select').checkVisibility() : !el.checkVisibility()) continue;
    texts.push(t);
  }
  for (const el of document.querySelectorAll('input[placeholder], textarea[placeholder]')) {
    if (el.checkVisibility()) texts.push(el.placeholder);
  }
  const narrow = [];
  for (const el of document.querySelectorAll('label, th')) {
    if (!el.checkVisibility() || el.closest('.visually-hidden, .sr-only')) continue;
    const text = el.innerText.trim(), chars = [...text.replace(/\s+/g, '')].length;
    if (chars < 2) continue;
    const r = el.getBoundingClientRect(), cs = getComputedStyle(el), fs = parseFloat(cs.fontSize);
    const width = r.width - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight)
      - parseFloat(cs.borderLeftWidth) - parseFloat(cs.borderRightWidth);
    const line = parseFloat(cs.lineHeight) || fs * 1.5;
    const inner = r.height - parseFloat(cs.paddingTop) - parseFloat(cs.paddingBottom);
    if (r.width > 0 && width < 2 * fs && inner > 1.8 * line) {
      narrow.push(`${el.tagName.toLowerCase()} 「${text.slice(0, 20)}」 ${Math.round(width)}px wide`);
    }
  }
  return {
    lang: document.documentElement.lang,
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    texts, narrow, htmx: window.__tourHtmx || [],
  };
}
"""
HTMX_WATCH = """
window.__tourHtmx = [];
for (const name of ['htmx:responseError', 'htmx:targetError', 'htmx:sendError', 'htmx:swapError',
                    'htmx:onLoadError', 'htmx:oobErrorNoTarget', 'htmx:timeout', 'htmx:sseError',
                    'htmx:historyCacheError', 'htmx:beforeSwap']) {
  document.addEventListener(name, e => {
    if (name === 'htmx:beforeSwap' && !(e.detail && e.detail.isError)) return;
    const elt = e.detail && e.detail.elt;
    window.__tourHtmx.push(name + (elt ? ' on ' + elt.tagName.toLowerCase() + (elt.id ? '#' + elt.id : '') : ''));
  }, true);
}
"""
HTMX_QUIET = "() => !document.querySelector('.htmx-request') && (!window.htmx || true)"

HAN = "\u4e00-\u9fff"
ASCII_PUNCT = re.compile(rf"[{HAN}] ?[,:;()]|[,:;()] ?[{HAN}]")
NOT_WORDS = re.compile(r"https?://\S+|[\w.+-]+@[\w-]+\.[\w.]+|/[\w./?=&%-]*|\S*\d\S*|\.[A-Za-z]{2,5}\b")
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*[A-Za-z]")


def english_words(texts):
    found = []
    for text in texts:
        for word in LATIN_WORD.findall(NOT_WORDS.sub(" ", text)):
            abbreviation = word.isupper() and len(word) <= 6
            if not abbreviation and word not in ALLOWED_WORDS and word not in found:
                found.append(word)
    return found


def punctuation(texts):
    found = []
    for text in texts:
        for m in ASCII_PUNCT.finditer(text):
            snippet = text[max(0, m.start() - 8):m.end() + 8].replace("\n", " ")
            if snippet not in found:
                found.append(snippet)
    return found


def record_for(model, user, name):
    """The first record of model the user may change, else may see, else any (a model with no scope)."""
    manager = model._default_manager
    if name == "coordination:public-list":
        return manager.filter(public=True).order_by("pk").first()
    if user is not None and hasattr(manager.all(), "restrict"):
        return (model.objects.restrict(user, "change").order_by("pk").first()
                or model.objects.restrict(user, "view").order_by("pk").first())
    return manager.order_by("pk").first()


def candidates(part=None):
    """The URL map's patterns the tour may visit, in URL-map order: all of them, or half `part` (0 or 1) of them —
    split between page names, so that the routes of one name (of which the first that opens is visited) stay in
    one half."""
    names = {}
    for route, name, entry in url_patterns(SKIPPED_PREFIXES):
        if name not in NOT_PAGES:
            names.setdefault(name, []).append((route, name, entry))
    groups = list(names.values())
    if part is not None:
        middle = (len(groups) + 1) // 2
        groups = groups[:middle] if part == 0 else groups[middle:]
    return [pattern for group in groups for pattern in group]


def pages_for(role, user, part=None):
    """[(page name, path)] of the pages (of half `part` of the URL map, see candidates) that answer this role 200
    with HTML, in URL-map order."""
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    found, seen = [], set()
    for route, name, entry in candidates(part):
        if name in seen:
            continue
        params = [p for p in entry.pattern.regex.groupindex if p != "format"]
        if params:
            model = page_model(name, getattr(entry.callback, "view_class", None))
            obj = model and record_for(model, user, name)
            if obj is None:
                continue
            path = reverse(name, kwargs=url_kwargs(name, params, obj))
        elif any(c in route for c in "<(^"):
            continue
        else:
            path = "/" + route
        response = client.get(path)
        page = response.get("Content-Type", "").startswith("text/html") and b"<html" in response.content[:300].lower()
        if response.status_code == 200 and page:  # an htmx fragment (the picker's suggestions) is no page
            found.append((name or path, path))
            seen.add(name)
    return found


def slug(text):
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("_") or "home"


def _left_behind(page, request):
    """A request of the page the tour is leaving, cancelled by the navigation to the next one: the browser's own
    favicon fetch, or an htmx load still running on a slow machine (that page's check already reported it as
    running after 3 s, if it was)."""
    return request.failure == "net::ERR_ABORTED" and (request.url.endswith("/favicon.svg") or page.tour_leaving)


def watch(page):
    """Collect the page's console errors, JavaScript errors and failed requests into page.tour_problems."""
    page.tour_problems = []
    page.tour_leaving = False
    page.add_init_script(HTMX_WATCH)
    page.on("console", lambda m: m.type == "error" and page.tour_problems.append(("console", m.text[:200])))
    page.on("pageerror", lambda e: page.tour_problems.append(("js", str(e)[:200])))
    page.on("requestfailed", lambda r: not _left_behind(page, r) and page.tour_problems.append(
        ("request", f"{r.url} failed: {r.failure}")))
    page.on("response", lambda r: r.status >= 400 and page.tour_problems.append(("request", f"{r.url}: {r.status}")))
    return page


def inspect(page, path, size):
    """Open path and return [(check, detail)] of everything wrong with it; saves the screenshot."""
    page.tour_problems = []
    page.tour_leaving = True
    try:
        response = page.goto(path)
    finally:
        page.tour_leaving = False
    problems = []
    if response is None or response.status != 200:
        problems.append(("request", f"the page answered {response and response.status}"))
    try:
        page.wait_for_function(HTMX_QUIET, timeout=3000)
    except Exception:  # noqa: BLE001 — a request still running is reported below as what it is
        problems.append(("htmx", "an htmx request still running after 3 s"))
    facts = page.evaluate(CHECKS_JS)
    problems += page.tour_problems
    problems += [("htmx", e) for e in facts["htmx"]]
    if size == PHONE and facts["scrollWidth"] > facts["innerWidth"]:
        problems.append(("overflow", f"scrollWidth {facts['scrollWidth']} > innerWidth {facts['innerWidth']}"))
    problems += [("narrow", n) for n in facts["narrow"]]
    if facts["lang"].lower() in ("zh-hans", "zh-cn", "zh"):
        words = english_words(facts["texts"])
        if words:
            problems.append(("english", ", ".join(words[:15])))
    snippets = punctuation(facts["texts"])
    if snippets:
        problems.append(("punctuation", " | ".join(f"「{s}」" for s in snippets[:8])))
    return problems


# Pages always visited at both sizes: each role's workbench (issue 17).
BOTH_SIZES = {"home", "portal:home"}


def sizes_for(index, name=""):
    return [PHONE, DESK] if FULL or index % 2 == 0 or name in BOTH_SIZES else [PHONE]


# The roles that open the most pages (each over a minute in CI): toured in two halves of the URL map.
HALVED = {Role.ADMIN, Role.OFFICE, Role.SPECIALIST}
TOURS = [pytest.param(role, part, id=role if part is None else f"{role}-{part + 1}of2")
         for role in [*Role.values, ANONYMOUS] for part in ([0, 1] if role in HALVED else [None])]


@pytest.mark.parametrize(("role", "part"), TOURS)
def test_every_page_right_on_desk_and_phone(role, part, demo, browser, live_server, settings):
    settings.AXES_ENABLED = False
    user = None if role == ANONYMOUS else User.objects.get(username=role)
    started = time.monotonic()
    pages = pages_for(role, user, part)
    timing = {"which pages": time.monotonic() - started, "open and check": 0.0, "screenshot": 0.0}
    assert pages, f"{role} opens no page" + ("" if part is None else f" in half {part + 1} of the URL map")

    desk = browser.new_context(base_url=live_server.url, locale="zh-CN", timezone_id="Asia/Shanghai",
                               viewport={"width": DESK[0], "height": DESK[1]})
    if user is not None:  # one login per role, through the form; the phone context reuses its cookies
        login = desk.new_page()
        login.goto("/accounts/login/")
        login.fill("#id_username", role)
        login.fill("#id_password", "chainserve-demo")
        with login.expect_navigation():
            login.click("main form button[type=submit]")
        login.close()
    phone = browser.new_context(base_url=live_server.url, locale="zh-CN", timezone_id="Asia/Shanghai",
                                viewport={"width": PHONE[0], "height": PHONE[1]}, is_mobile=True, has_touch=True,
                                storage_state=desk.storage_state())
    tabs = {DESK: watch(desk.new_page()), PHONE: watch(phone.new_page())}
    failures, known, visits = [], [], 0
    try:
        for index, (name, path) in enumerate(pages):
            for size in sizes_for(index, name):
                page = tabs[size]
                t0 = time.monotonic()
                problems = inspect(page, path, size)
                visits += 1
                t1 = time.monotonic()
                if SHOOT_ALL or problems:
                    folder = SHOTS / role / f"{size[0]}x{size[1]}"
                    folder.mkdir(parents=True, exist_ok=True)
                    page.screenshot(path=str(folder / f"{slug(name)}.png"), full_page=FULL)
                timing["open and check"] += t1 - t0
                timing["screenshot"] += time.monotonic() - t1
                allowed = ALLOWED.get(name, {})
                known += [f"{name} {check}" for check, _ in problems if check in allowed]
                problems = [(check, detail) for check, detail in problems if check not in allowed]
                if problems:
                    lines = "\n".join(f"    {check}: {detail}" for check, detail in problems)
                    failures.append(f"{name} ({path}) as {role} at {size[0]}×{size[1]}:\n{lines}")
    finally:
        desk.close()
        phone.close()
    spent = ", ".join(f"{k} {v:.1f}s" for k, v in timing.items())
    print(f"tour {role}{'' if part is None else f' (half {part + 1})'}: {len(pages)} pages, {visits} visits in {time.monotonic() - started:.1f}s ({spent}); "
          f"known (ALLOWED): {sorted(set(known))}")
    assert failures == [], "\n" + "\n".join(failures)


def test_allowed_names_only_pages_of_the_url_map():
    """An ALLOWED entry for a page that no longer exists (or a check that does not) would hide nothing: drop it."""
    names = {name for _, name, _ in url_patterns()}
    checks = {"console", "js", "htmx", "request", "overflow", "narrow", "english", "punctuation"}
    assert {n for n in ALLOWED if n not in names} == set()
    assert {c for entry in ALLOWED.values() for c in entry if c not in checks} == set()
    assert all(reason.strip() for entry in ALLOWED.values() for reason in entry.values())


def test_the_text_checks_catch_what_issue_15_names_and_pass_what_chinese_pages_may_show():
    """The checks themselves, on the issue's examples (no browser): machine-made punctuation and English words
    are caught; full-width punctuation, abbreviations, codes, numbers, file names and URLs pass."""
    bad = ["有 2 行有误,未导入任何数据。", "链长: 赵建华", "变更记录: 融资需求", "明湖市首台(套)医疗器械"]
    good = ["有 2 行有误\uff0c未导入任何数据。", "链长\uff1a赵建华", "统一社会信用代码 91420100MA4K1B2C3D",
            "导出 Excel", "上传 .xlsx 文件", "API 令牌", "https://example.org/a/b", "GMP 厂房 68.2亿元"]

    assert [bool(punctuation([t])) for t in bad] == [True, True, True, True]
    assert punctuation(good) == []
    assert english_words(["Held 1 joint meetings", "由office发布", "3.5 hundred million yuan"]) == [
        "Held", "joint", "meetings", "office", "hundred", "million", "yuan"]
    assert english_words(good) == []


def test_the_two_halves_of_a_halved_role_are_the_whole_url_map_once():
    """A halved role's two cases together probe every pattern the whole tour would, each page name in one half."""
    halves = [candidates(0), candidates(1)]

    assert halves[0] + halves[1] == candidates()
    assert {name for _, name, _ in halves[0]} & {name for _, name, _ in halves[1]} == set()
    assert all(halves)
