"""The published site in a real browser: Debian's Chromium (installed by scripts/system-deps.sh)
driven headless by Playwright, on the demo site built once by the refresh flow.

The site is served by a small local HTTP server that adds a strict Content-Security-Policy to every
response, as a careful host would: the pages must carry no inline script and no inline style (their
only script is a file of the site, assets/explore.js, the map to explore), and work under it. What
is checked:
- navigation as a user does it: the map and the list of the index lead to a portrait; the data
  table of a chart opens and closes; the PDF, CSV and JSON links lead to their files;
- no inline code in any page (static check), and no CSP violation in the browser (with a
  counter-test: a page with an inline script and inline styles must be caught);
- the map to explore under the CSP: hover and keyboard show a commune's name and values, the zoom
  buttons and keys change the view, the indicator can be chosen; with JavaScript off, the index
  map's links and the data tables still work;
- axe-core on each page type (index, portrait, run report, methods and sources): no "serious" or
  "critical" violation;
- screenshots of the index and of one portrait at desktop and phone widths, kept in
  output/test-artifacts/screenshots/, and no horizontal scrolling at phone width.
"""
from __future__ import annotations

import functools
import http.server
import json
import re
import shutil
import struct
import threading
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import ROOT

pytestmark = pytest.mark.flow

CHROMIUM = shutil.which("chromium")
if CHROMIUM is None:
    pytest.skip("Chromium absent du PATH (installé par scripts/system-deps.sh, paquet Debian « chromium ») : "
                "tests dans le navigateur non exécutés", allow_module_level=True)

from axe_playwright_python.sync_playwright import Axe  # noqa: E402
from playwright.sync_api import expect, sync_playwright  # noqa: E402

# Scripts and styles only from the site's own files, images from the site (and data: URIs).
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; "
       "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
SCREENSHOTS = ROOT / "output" / "test-artifacts" / "screenshots"
PORTRAIT = "t01-nantes"          # the portrait used for screenshots, axe and navigation
SITE_HTML = ["comparaison.html", "glossaire.html", "methodes.html"]   # the pages about all territories
WIDTHS = {"desktop": 1280, "phone": 390}
BLOCKING_IMPACTS = {"serious", "critical"}
TIMEOUT_MS = 10_000              # a local static site: anything slower is a failure

# Records securitypolicyviolation events; added through CDP before any page script, so the page's
# own CSP does not apply to it.
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', e => window.__cspViolations.push(
  {directive: e.violatedDirective, blocked: e.blockedURI, sample: e.sample, line: e.lineNumber}));
"""


# ---------------------------------------------------------------------------------------------
# Fixtures: the site, the server, the browser

@pytest.fixture(scope="module")
def site(demo_build) -> Path:
    settings, _ = demo_build
    return Path(settings.output)


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Serves the site folder, with the CSP header; `server.extra` maps a path to an HTML page
    served from memory (the counter-test pages, never written into the site)."""

    def end_headers(self):
        self.send_header("Content-Security-Policy", CSP)
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def do_GET(self):
        body = self.server.extra.get(self.path.split("?")[0])
        if body is None:
            return super().do_GET()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server(site):
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Handler, directory=str(site)))
    srv.daemon_threads = True
    srv.extra = {}
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()
    thread.join(timeout=5)


@pytest.fixture(scope="module")
def base_url(server) -> str:
    return f"http://127.0.0.1:{server.server_port}/"


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                              args=["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"])
        yield b
        b.close()


def new_context(browser, width: int = WIDTHS["desktop"], **options):
    context = browser.new_context(viewport={"width": width, "height": 900}, **options)
    context.set_default_timeout(TIMEOUT_MS)
    return context


@pytest.fixture
def page(browser):
    """A page under the site's CSP, with console errors, page errors and CSP violations recorded.
    The browser's own request for /favicon.ico (the site declares no icon) is not the pages' doing."""
    context = new_context(browser, accept_downloads=True)
    context.add_init_script(CSP_LISTENER)
    pg = context.new_page()
    pg.console_errors, pg.failed_loads = [], []
    pg.on("console", lambda m: pg.console_errors.append(f"{m.text} [{m.location.get('url')}]")
          if m.type == "error" and not m.location.get("url", "").endswith("/favicon.ico") else None)
    pg.on("pageerror", lambda e: pg.console_errors.append(f"pageerror: {e}"))
    pg.on("requestfailed", lambda r: pg.failed_loads.append(f"{r.url} ({r.failure})"))
    pg.on("response", lambda r: pg.failed_loads.append(f"{r.url} ({r.status})") if r.status >= 400 else None)
    yield pg
    context.close()


def portrait_pages(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.glob("t*/index.html"))


# ---------------------------------------------------------------------------------------------
# No inline code, and a strict CSP that the pages live with

class _InlineCode(HTMLParser):
    """Everything a strict CSP (no 'unsafe-inline', scripts of the site only) would block in a
    page: a <script src> of the site (a relative URL) is allowed, inline code is not."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.in_script = False

    def handle_starttag(self, tag, attrs):
        line = self.getpos()[0]
        src = dict(attrs).get("src") or ""
        if tag == "script" and src and ":" not in src and not src.startswith("//"):
            self.in_script = True        # its text must be empty (handle_data)
        elif tag in ("script", "style"):
            self.problems.append(f"ligne {line} : élément <{tag}>" + (f" (src={src}, hors du site)" if src else ""))
        for name, value in attrs:
            if name == "style" or name.startswith("on"):
                self.problems.append(f"ligne {line} : attribut {name}= sur <{tag}>")
            elif name in ("href", "src", "action", "formaction") and (value or "").strip().lower().startswith("javascript:"):
                self.problems.append(f"ligne {line} : URL javascript: sur <{tag}>")

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag):
        if tag == "script":
            self.in_script = False

    def handle_data(self, data):
        if self.in_script and data.strip():
            self.problems.append(f"ligne {self.getpos()[0]} : code dans un <script src>")


def inline_code(html_text: str) -> list[str]:
    parser = _InlineCode()
    parser.feed(html_text)
    parser.close()
    return parser.problems


def test_pages_carry_no_inline_script_or_style(site):
    pages = sorted(site.rglob("*.html"))
    assert {"index.html", "run-report.html"} <= {p.name for p in pages} and len(portrait_pages(site)) == 17
    problems = {p.relative_to(site).as_posix(): inline_code(p.read_text(encoding="utf-8")) for p in pages}
    assert not {k: v for k, v in problems.items() if v}, problems


def visit(page, url: str) -> dict:
    """Open a page; return what went wrong: CSP violations, console errors, failed loads, images not
    decoded, stylesheets not applied."""
    page.console_errors.clear()
    page.failed_loads.clear()
    page.goto(url, wait_until="load")
    return {
        "csp": page.evaluate("window.__cspViolations"),
        "console": list(page.console_errors),
        "failed": list(page.failed_loads),
        "broken_images": page.evaluate("[...document.images].filter(i => !i.complete || i.naturalWidth === 0)"
                                       ".map(i => i.getAttribute('src'))"),
        "stylesheets": page.evaluate("[document.styleSheets.length, document.querySelectorAll('link[rel=stylesheet]').length]"),
        "h1_colour": page.evaluate("getComputedStyle(document.querySelector('h1')).color"),
    }


def test_pages_work_under_a_strict_csp(page, site, base_url):
    """Every page, served with the CSP: no violation, no console error, every file it loads found,
    every image decoded, the stylesheets applied."""
    for path in ["index.html", *portrait_pages(site), "run-report.html", *SITE_HTML]:
        seen = visit(page, base_url + path)
        assert seen["csp"] == [], (path, seen["csp"])
        assert seen["failed"] == [], (path, seen["failed"])
        assert seen["console"] == [], (path, seen["console"])
        assert seen["broken_images"] == [], (path, seen["broken_images"])
        n_sheets, n_links = seen["stylesheets"]
        assert n_links >= 1 and n_sheets == n_links, (path, seen["stylesheets"])
        assert seen["h1_colour"] == "rgb(31, 95, 168)", (path, seen["h1_colour"])   # --blue of style.css


def test_csp_check_catches_inline_script_and_style(page, site, server, base_url):
    """Counter-test: the checks above fail on a page with an inline script, an inline event
    handler and inline styles (a copy of the index, served from memory, never written to the site)."""
    original = (site / "index.html").read_text(encoding="utf-8")
    tainted = original.replace("</head>", "<style>h1 { color: red; }</style>\n</head>", 1) \
        .replace("<h1>", '<h1 style="color: red" onclick="alert(1)">', 1) \
        .replace("</main>", "<script>document.title = 'injecté';</script>\n</main>", 1)
    assert tainted.count("color: red") == 2 and "<script>" in tainted
    assert len(inline_code(tainted)) == 4 and inline_code(original) == []
    # The site's own script file passes; a script of another host, or code inside a <script src>, does not.
    assert '<script src="assets/explore.js" defer></script>' in original
    assert len(inline_code('<script src="https://cdn.example.org/x.js"></script>')) == 1
    assert len(inline_code('<script src="//cdn.example.org/x.js"></script>')) == 1
    assert len(inline_code('<script src="assets/explore.js">alert(1)</script>')) == 1
    server.extra["/index-injecte.html"] = tainted.encode("utf-8")
    try:
        seen = visit(page, base_url + "index-injecte.html")
    finally:
        del server.extra["/index-injecte.html"]
    directives = {v["directive"] for v in seen["csp"]}
    assert {"script-src-elem", "style-src-elem", "style-src-attr"} <= directives, seen["csp"]
    assert any("Content Security Policy" in m for m in seen["console"]), seen["console"]
    assert page.title() != "injecté" and seen["h1_colour"] == "rgb(31, 95, 168)"


# ---------------------------------------------------------------------------------------------
# Navigation

def follow(page, link, downloads: list) -> tuple[str, bytes]:
    """Click a link as a user; the browser either opens the target (PDF viewer, JSON) or downloads it
    (CSV). Returns the target URL and its bytes."""
    href = link.evaluate("a => a.href")
    before = len(downloads)
    link.click()
    for _ in range(100):
        if len(downloads) > before or page.url == href:
            break
        page.wait_for_timeout(100)
    if len(downloads) > before:
        d = downloads[-1]
        assert d.url == href and d.failure() is None, (href, d.failure())
        return href, Path(d.path()).read_bytes()
    assert page.url == href, (href, page.url)
    response = page.request.get(href)
    assert response.ok, (href, response.status)
    return href, response.body()


def test_navigation_from_the_map_and_the_list(page, base_url):
    index = base_url + "index.html"
    page.goto(index)
    # The map: click where the territory's code is written (pointer-events: none lets the click
    # through to the territory's shape, which is the link).
    label = page.locator("svg.index-map a", has=page.locator("text", has_text="T05")).locator("text")
    box = label.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_url("**/t05-angers/index.html")
    expect(page.locator("h1")).to_have_text("Angers")
    # The map by keyboard: its shapes are links that take the focus.
    page.goto(index)
    page.locator('svg.index-map a[href="t11-le-mans/index.html"]').focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/t11-le-mans/index.html")
    expect(page.locator("h1")).to_have_text("Le Mans")
    # The list.
    page.goto(index)
    page.locator("table.territory-list").get_by_role("link", name="Nantes", exact=True).click()
    page.wait_for_url(f"**/{PORTRAIT}/index.html")
    expect(page.locator("h1")).to_have_text("Nantes")
    # Back to the index by the breadcrumb.
    page.get_by_role("navigation", name="Fil d'Ariane").get_by_role("link", name="Tous les territoires").click()
    page.wait_for_url(index)


def test_chart_data_table_toggles(page, base_url):
    page.goto(base_url + f"{PORTRAIT}/index.html")
    details = page.locator("details.data-table").first
    table = details.locator("table")
    expect(table).to_be_hidden()
    details.locator("summary").click()
    expect(table).to_be_visible()
    assert table.locator("tbody tr").count() >= 12           # one row per month
    details.locator("summary").click()
    expect(table).to_be_hidden()


def test_pdf_and_data_links(page, base_url):
    downloads: list = []
    page.on("download", lambda d: downloads.append(d))
    url = base_url + f"{PORTRAIT}/index.html"
    nav = page.get_by_role("navigation", name="Fil d'Ariane")
    page.goto(url)
    href, body = follow(page, nav.get_by_role("link", name="Télécharger le PDF"), downloads)
    assert href.endswith(f"/{PORTRAIT}/portrait-{PORTRAIT}.pdf") and body.startswith(b"%PDF-") and len(body) > 50_000
    page.goto(url)
    href, body = follow(page, nav.get_by_role("link", name="CSV", exact=True), downloads)
    assert href.endswith(f"donnees-{PORTRAIT}.csv")
    text = body.decode("utf-8")
    assert text.startswith("\ufeff") and "jobseekers" in text and ";" in text.splitlines()[0]
    page.goto(url)
    href, body = follow(page, nav.get_by_role("link", name="JSON", exact=True), downloads)
    rows = json.loads(body)
    assert href.endswith(f"donnees-{PORTRAIT}.json") and any(r["indicator"] == "jobseekers" for r in rows)


# ---------------------------------------------------------------------------------------------
# The map to explore (assets/explore.js under the CSP)

# A commune of the map that the pointer reaches at the centre of its box (a concave shape's centre
# may be a neighbour's): its index, name, values and that point, after scrolling it into view.
REACHABLE_COMMUNE = """() => {
  const paths = [...document.querySelectorAll('.explore-svg .communes path')];
  for (const [i, p] of paths.entries()) {
    const r = p.getBoundingClientRect();
    if (r.width < 8 || r.height < 8 || r.top < 0 || r.bottom > innerHeight) continue;
    const x = r.left + r.width / 2, y = r.top + r.height / 2;
    if (document.elementFromPoint(x, y) === p)
      return {i, x, y, name: p.querySelector('title').textContent, values: p.getAttribute('data-v').split('|')};
  }
  return null;
}"""


def panel_text(page) -> tuple[str, list[str]]:
    """The name and the values the panel shows."""
    panel = page.locator(".explore-panel")
    expect(panel).to_be_visible()
    return panel.locator(".explore-name").text_content(), panel.locator("dd").all_text_contents()


def commune_values(page, name: str) -> list[str]:
    return page.locator(".explore-svg .communes path", has=page.locator(f'title:text-is("{name}")')) \
        .first.get_attribute("data-v").split("|")


def test_map_shows_a_commune_on_hover_focus_and_keyboard(page, base_url):
    seen = visit(page, base_url + f"{PORTRAIT}/index.html")
    assert seen["csp"] == [] and seen["console"] == [], seen
    root = page.locator(".explore")
    expect(root).to_have_class(re.compile(r"\bscripted\b"))       # the script file ran under the CSP
    expect(root.locator(".explore-controls")).to_be_visible()
    expect(page.locator(".explore-panel")).to_have_attribute("aria-live", "polite")
    page.locator(".explore-map").scroll_into_view_if_needed()
    target = page.evaluate(REACHABLE_COMMUNE)
    assert target, "aucune commune atteignable au pointeur"
    page.mouse.move(target["x"], target["y"])
    assert panel_text(page) == (target["name"], target["values"])
    assert len(target["values"]) == 4 and target["values"][0].endswith("hab.")      # population, then the census
    # The keyboard: the map is one tab stop; focus shows a commune, the arrows go to its neighbours.
    assert page.locator(".explore-map").get_attribute("tabindex") == "0"
    page.locator(".explore-map").focus()
    page.keyboard.press("ArrowRight")
    first = panel_text(page)
    assert first[1] == commune_values(page, first[0])
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowDown")
    second = panel_text(page)
    assert second[0] != first[0] and second[1] == commune_values(page, second[0])
    assert page.evaluate("document.activeElement.classList.contains('explore-map')")
    # Choosing a commune in the list shows it.
    option = page.locator("#explore-commune option").nth(5)
    page.locator("#explore-commune").select_option(option.get_attribute("value"))
    assert panel_text(page)[0] == option.text_content()
    assert page.evaluate("window.__cspViolations") == []


def test_map_zooms_by_buttons_and_keys_and_changes_indicator(page, base_url):
    visit(page, base_url + f"{PORTRAIT}/index.html")
    svg = page.locator(".explore-svg")
    whole = svg.get_attribute("viewBox")
    width = lambda: float(svg.get_attribute("viewBox").split()[2])    # noqa: E731
    page.get_by_role("button", name="Zoomer", exact=True).click()
    zoomed = width()
    assert zoomed < float(whole.split()[2])
    page.get_by_role("button", name="Dézoomer").click()
    assert width() > zoomed
    page.get_by_role("button", name="Vue d'ensemble").click()
    assert svg.get_attribute("viewBox") == whole
    page.locator(".explore-map").focus()
    page.keyboard.press("ArrowUp")
    page.keyboard.press("+")
    page.keyboard.press("+")
    assert width() < zoomed
    page.keyboard.press("Escape")
    assert svg.get_attribute("viewBox") == whole
    # The indicator: the communes take the classes of the population, its legend is the one shown.
    page.locator("#explore-layer").select_option(label="Population")
    expect(page.locator('.explore-legend[data-layer="0"]')).to_be_visible()
    expect(page.locator('.explore-legend[data-layer="1"]')).to_be_hidden()
    classes = page.evaluate("[...document.querySelectorAll('.explore-svg .communes path')]"
                            ".map(p => [p.getAttribute('class'), 'q' + p.getAttribute('data-q').split(' ')[0]])")
    assert len(classes) > 20 and all(a == b for a, b in classes)
    assert page.evaluate("window.__cspViolations") == []


def test_index_map_is_one_tab_stop_and_enter_opens_the_portrait(page, base_url):
    seen = visit(page, base_url + "index.html")
    assert seen["csp"] == [] and seen["console"] == [], seen
    assert page.locator("svg.index-map a").count() == 17
    assert page.locator('svg.index-map a[tabindex="-1"]').count() == 17      # out of the tab order
    page.locator(".explore-map").focus()
    page.keyboard.press("ArrowRight")
    name = panel_text(page)[0]
    href = page.locator("svg.index-map a", has=page.locator(f'title:text-is("{name}")')).first.get_attribute("href")
    territory = page.locator(".explore-panel p").nth(1).text_content()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/{href}")
    expect(page.locator("h1")).to_have_text(territory.removeprefix("Territoire : "))


def test_without_javascript_the_map_links_and_tables_work(browser, base_url):
    context = new_context(browser, java_script_enabled=False)
    try:
        pg = context.new_page()
        pg.goto(base_url + "index.html")
        expect(pg.locator(".explore-controls")).to_be_hidden()
        expect(pg.locator(".explore-panel")).to_be_hidden()
        assert pg.locator("svg.index-map a[tabindex]").count() == 0       # the links keep their tab stops
        assert pg.locator("table.territory-list tbody tr").count() == 17
        label = pg.locator("svg.index-map a", has=pg.locator("text", has_text="T05")).locator("text")
        box = label.bounding_box()
        pg.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        pg.wait_for_url("**/t05-angers/index.html")
        expect(pg.locator("h1")).to_have_text("Angers")
        communes = pg.locator(".explore-svg .communes path").count()
        table = pg.locator(".explore details.data-table")
        table.locator("summary").click()
        expect(table.locator("table")).to_be_visible()
        assert communes > 10 and table.locator("tbody tr").count() == communes
        assert pg.locator("details.data-table table").count() >= 5         # the charts' tables too
    finally:
        context.close()


# ---------------------------------------------------------------------------------------------
# Accessibility (axe-core)

@pytest.mark.parametrize("path", ["index.html", f"{PORTRAIT}/index.html", f"{PORTRAIT}/synthese.html", "run-report.html", "methodes.html"])
def test_axe_finds_no_serious_violation(browser, base_url, path):
    # axe is injected as a script: this context lets it run despite the site's CSP.
    context = new_context(browser, bypass_csp=True)
    try:
        pg = context.new_page()
        pg.goto(base_url + path)
        # Check the hidden tables too: open every <details> (the closed ones, re-queried after each click).
        closed = pg.locator("details:not([open]) > summary")
        for _ in range(closed.count()):
            closed.first.click()
        if pg.locator(".explore-map").count():      # the map to explore with its panel open
            pg.locator(".explore-map").focus()
            pg.keyboard.press("ArrowRight")
            expect(pg.locator(".explore-panel")).to_be_visible()
        results = Axe().run(pg)
    finally:
        context.close()
    blocking = [v for v in results.response["violations"] if v["impact"] in BLOCKING_IMPACTS]
    report = "\n".join(f"{v['id']} ({v['impact']}) : {v['help']} — "
                       + "; ".join(" ".join(n["target"]) for n in v["nodes"][:10]) for v in blocking)
    assert not blocking, f"{path} :\n{report}"


# ---------------------------------------------------------------------------------------------
# Screenshots (test artefacts) and phone width

def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR", "pas un PNG"
    return struct.unpack(">II", data[16:24])


@pytest.mark.parametrize("width_name", list(WIDTHS))
def test_screenshots_and_no_horizontal_scroll(browser, base_url, width_name):
    """Full-page screenshots of the index and of one portrait, kept as test artefacts; at either
    width no page is wider than the screen (tables included)."""
    width = WIDTHS[width_name]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = new_context(browser, width)
    overflows = []
    try:
        pg = context.new_page()
        for path, name in [("index.html", "index"), (f"{PORTRAIT}/index.html", f"portrait-{PORTRAIT}"),
                           ("run-report.html", None), ("methodes.html", "methodes")]:
            pg.goto(base_url + path)
            overflow = pg.evaluate("document.documentElement.scrollWidth") - width
            if overflow > 0:
                overflows.append(f"{path} à {width} px : la page déborde de {overflow} px en largeur")
            if name is None:
                continue
            if pg.locator(".explore-map").count():   # the panel of the map open, on a commune
                pg.locator(".explore-map").focus()
                pg.keyboard.press("ArrowRight")
            target = SCREENSHOTS / f"{name}-{width_name}-{width}px.png"
            target.unlink(missing_ok=True)
            pg.screenshot(path=str(target), full_page=True)   # kept even when the page overflows
            data = target.read_bytes()
            w, h = png_size(data)
            assert w >= width and h >= 900 and len(data) > 20_000, (target, w, h, len(data))
    finally:
        context.close()
    assert not overflows, overflows


# =============================================================================================
# Comparisons (issue 21): the "Référence choisie" column of the table "Chiffres clés comparés",
# filled by assets/reference.js from ../chiffres-cles.js (same-site scripts, under the CSP above).

def test_static_check_allows_same_site_script_files_only():
    assert inline_code('<script src="../assets/reference.js" defer></script>') == []
    assert len(inline_code('<script src="https://cdn.example/x.js"></script>')) == 1     # another host
    assert len(inline_code('<script src="//cdn.example/x.js"></script>')) == 1
    assert len(inline_code('<script src="data:text/javascript,alert(1)"></script>')) == 1
    assert len(inline_code('<script src="x.js">alert(1)</script>')) == 1                  # code inside
    assert len(inline_code("<script>alert(1)</script>")) == 1


def _own_column(pg) -> list[str]:
    return pg.locator("#comparisons-table tbody tr td:nth-of-type(1)").all_text_contents()


def test_choosing_a_reference_fills_its_column(page, base_url):
    seen = visit(page, base_url + "t05-angers/index.html")
    assert seen["csp"] == [] and seen["console"] == [] and seen["failed"] == [], seen
    angers = _own_column(page)
    seen = visit(page, base_url + f"{PORTRAIT}/index.html")
    assert seen["csp"] == [] and seen["console"] == [] and seen["failed"] == [], seen
    select = page.get_by_label("Comparer avec un autre territoire du jeu")
    expect(select).to_be_visible()
    assert select.locator("option").count() == 17          # the 16 other territories and "choisir"
    select.focus()
    assert page.evaluate("document.activeElement.id") == "reference-select"     # reachable by keyboard
    cells = page.locator("#comparisons-table tbody td.reference-cell")
    assert cells.all_text_contents() == ["–"] * 8
    select.select_option(label="Angers")
    expect(page.locator("#reference-heading")).to_have_text("Référence choisie : Angers")
    assert cells.all_text_contents() == angers and len(angers) == 8
    status = page.locator("#reference-status")
    assert status.get_attribute("aria-live") == "polite"
    expect(status).to_contain_text("chiffres clés de Angers")
    select.select_option(value="")
    assert cells.all_text_contents() == ["–"] * 8
    assert page.evaluate("window.__cspViolations") == [] and page.console_errors == []


def test_without_javascript_the_comparison_table_is_there(browser, base_url):
    context = new_context(browser, java_script_enabled=False)
    try:
        pg = context.new_page()
        pg.goto(base_url + f"{PORTRAIT}/index.html")
        expect(pg.locator("#comparisons-table")).to_be_visible()
        assert pg.locator("#comparisons-table thead th").count() == 5
        assert pg.locator("#comparisons-table tbody tr").count() == 8
        assert pg.locator("#reference-select").count() == 0
        expect(pg.locator("#reference-choice")).to_be_hidden()
    finally:
        context.close()


def test_the_reference_choice_works_from_file(browser, site):
    context = new_context(browser)
    try:
        pg = context.new_page()
        pg.goto((site / PORTRAIT / "index.html").as_uri())
        pg.get_by_label("Comparer avec un autre territoire du jeu").select_option(label="Angers")
        expect(pg.locator("#reference-heading")).to_have_text("Référence choisie : Angers")
    finally:
        context.close()
