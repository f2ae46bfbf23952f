"""Accessibility of the PDFs (PDF/UA-1), checked by an independent checker and by reading their
structure tree and content streams with pikepdf.

The checker is outloud (PyPI, no JVM; see pyproject.toml): conformance rules by ISO 14289-1 clause
and Matterhorn checkpoint, and semantic rules (reading order, running heads tagged as content,
empty elements). Tiny documents first (what ``portraits.pdf_tags`` adds, and that the checker
finds its absence), then every demo PDF built once by the session fixture ``demo_build``."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import outloud
import pikepdf
import pytest

from conftest import ROOT
from portraits import render

MM = 72 / 25.4                # points per millimetre
MARGIN = 18 * MM              # top and bottom page margins of style.css (@page, print)

# Three A6 pages, each with a running head and a page number in the page margins (@page margin
# boxes), a table with a column-header row and row headers, an empty inline element in a header
# cell (like the network marks of the portraits), a link, a table of contents' entry with its
# dotted leader and page number (as in the portraits), and an image with its alternative text.
TINY = """<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Essai</title><style>
@page { size: A6; margin: 18mm 10mm;
        @top-left { content: "Essai d'en-tête"; } @bottom-right { content: "page " counter(page); } }
body { font-family: "DejaVu Sans"; font-size: 9pt; margin: 0; }
section { break-after: page; }
.mark { display: inline-block; width: .7em; height: .7em; background: #0072B2; }
img { display: block; width: 30mm; height: 20mm; margin-left: 5mm; }
.toc li::after { content: leader(".") " " target-counter(attr(data-target), page); }
</style></head><body>
<section><h1>Titre</h1><img src="carre.svg" alt="Un carré bleu.">
<table><caption>Habitants</caption>
<thead><tr><th scope="col">Commune</th><th scope="col">Habitants</th><th scope="col">Emplois</th></tr></thead>
<tbody><tr><th scope="row"><span class="mark"></span>Angers</th><td>150 000</td><td>90 000</td></tr>
<tr><th scope="row">Cholet</th><td>54 000</td><td>30 000</td></tr>
<tr><th scope="row">Saumur</th><td>26 000</td><td>15 000</td></tr></tbody></table></section>
<section><h2>Deuxième page</h2><p>Voir <a href="https://example.org/">le site</a>.</p>
<ol class="toc"><li data-target="#p3"><a href="#p3">Troisième page</a></li></ol></section>
<section><h2 id="p3">Troisième page</h2><p>Fin.</p></section>
</body></html>"""
SQUARE = '<svg xmlns="http://www.w3.org/2000/svg" width="30" height="20"><rect width="30" height="20" fill="#1f5fa8"/></svg>'


def tiny_pdf(folder: Path, html: str = TINY, finished: bool = True) -> Path:
    """The tiny document as render.write_pdf writes it through WeasyPrint (the engine before
    Typst, kept: ``--pdf-engine weasyprint``) with ``pdf_tags``, or (``finished=False``) as
    WeasyPrint writes it alone."""
    from weasyprint import HTML
    (folder / "carre.svg").write_text(SQUARE, encoding="utf-8")
    target = folder / ("tiny.pdf" if finished else "tiny-raw.pdf")
    if finished:
        render.write_pdf(html, folder, target, title="Essai", engine="weasyprint")
    else:
        HTML(string=html, base_url=str(folder)).write_pdf(target, pdf_variant="pdf/ua-1")
    return target


def struct_elements(pdf: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    """The structure elements reachable from /StructTreeRoot, in tree order (depth first)."""
    out, seen = [], set()

    def walk(node):
        if not isinstance(node, pikepdf.Dictionary) or node.get("/Type") in ("/MCR", "/OBJR"):
            return
        if node.objgen in seen:
            return
        seen.add(node.objgen)
        if "/S" in node:
            out.append(node)
        kids = node.get("/K")
        for k in (kids if isinstance(kids, pikepdf.Array) else [kids]):
            walk(k)
    walk(pdf.Root.StructTreeRoot)
    return out


def attribute(element: pikepdf.Dictionary, key: str):
    """An attribute of a structure element: in its /A dictionary, or in one of the dictionaries of
    its /A array (Typst writes one an owner: /Table, /Layout); None when it has none."""
    a = element.get("/A")
    for d in (a if isinstance(a, pikepdf.Array) else [a]):
        if isinstance(d, pikepdf.Dictionary) and key in d:
            return d[key]
    return None


def tree_mcids(pdf: pikepdf.Pdf) -> list[tuple[int, int, pikepdf.Dictionary]]:
    """(page index, MCID, element) of every marked-content reference of the tree, in tree order."""
    pages = {p.objgen: i for i, p in enumerate(pdf.pages)}
    out = []
    for e in struct_elements(pdf):
        kids = e.get("/K")
        for k in (kids if isinstance(kids, pikepdf.Array) else [kids]):
            if isinstance(k, int):
                out.append((pages[e.Pg.objgen], int(k), e))
            elif isinstance(k, pikepdf.Dictionary) and k.get("/Type") == "/MCR":
                out.append((pages[k.get("/Pg", e.get("/Pg")).objgen], int(k.MCID), e))
    return out


def marked_content(page: pikepdf.Page) -> tuple[dict[int, tuple[float, float]], list[dict]]:
    """The page's content stream read as a renderer does (graphics state stack, cm, Tm): where
    each tagged sequence (MCID) starts to draw text, in points from the page's top left, and the
    artifacts: their properties and the text they draw with its position."""
    height = float(page.mediabox[3])
    ctm, stack, marks = pikepdf.Matrix(), [], []
    starts: dict[int, tuple[float, float]] = {}
    artifacts: list[dict] = []
    for operands, op in pikepdf.parse_content_stream(page):
        op = str(op)
        if op == "q":
            stack.append(ctm)
        elif op == "Q":
            ctm = stack.pop()
        elif op == "cm":
            ctm = pikepdf.Matrix(*[float(v) for v in operands]) @ ctm
        elif op in ("BDC", "BMC"):
            props = operands[1] if op == "BDC" and isinstance(operands[1], pikepdf.Dictionary) else None
            if str(operands[0]) == "/Artifact":
                artifacts.append({"type": str(props.get("/Type")) if props else None, "text": [], "at": None})
                marks.append(("artifact", artifacts[-1]))
            else:
                marks.append(("mcid", int(props.MCID) if props is not None and "/MCID" in props else None))
        elif op == "EMC":
            marks.pop()
        elif op == "Tm" and marks:
            m = pikepdf.Matrix(*[float(v) for v in operands]) @ ctm   # text space origin, on the page
            x, y = m.e, m.f
            kind, what = marks[-1]
            if kind == "mcid" and what is not None:
                starts.setdefault(what, (x, height - y))
            elif kind == "artifact" and what["at"] is None:
                what["at"] = (x, height - y)
        elif op in ("Tj", "TJ") and marks and marks[-1][0] == "artifact":
            marks[-1][1]["text"].append(operands[0])
    return starts, artifacts


def reading_order_jumps(path: Path) -> list[str]:
    """Where the structure tree's order goes back up the page and to the left: consecutive tagged
    text (and figures, by their /BBox) on one page where the next item starts above the previous
    one and to its left. Reading down, along a line, or up to the next column on the right (the
    next tile of a row, the next cell of a table row) is the page's order."""
    pdf = pikepdf.open(path)
    jumps = []
    items: list[tuple[int, float, float, str]] = []
    positions = [marked_content(p)[0] for p in pdf.pages]
    for page, mcid, element in tree_mcids(pdf):
        height = float(pdf.pages[page].mediabox[3])
        if str(element.S) == "/Figure" and attribute(element, "/BBox") is not None:
            x1, _, _, y2 = [float(v) for v in attribute(element, "/BBox")]
            items.append((page, x1, height - y2, "Figure"))
        elif mcid in positions[page]:
            items.append((page, *positions[page][mcid], str(element.S)[1:]))
    for (pa, xa, ya, sa), (pb, xb, yb, sb) in zip(items, items[1:]):
        if pa == pb and yb < ya - 2 and xb < xa - 2:
            jumps.append(f"page {pa + 1}: {sa} at ({xa:.0f}, {ya:.0f}) then {sb} at ({xb:.0f}, {yb:.0f})")
        elif pb < pa:
            jumps.append(f"page {pa + 1} then page {pb + 1}")
    return jumps


# ----- A tiny document ----------------------------------------------------------------------------

def test_tiny_pdf_header_scopes_margin_artifacts_links_and_figure_box(tmp_path):
    pdf = pikepdf.open(tiny_pdf(tmp_path))
    elements = struct_elements(pdf)
    scopes = [(str(e.A.Scope), e.ID) for e in elements if str(e.S) == "/TH"]
    # From the HTML's scope: the three column headers, then the row header of each row.
    assert [s for s, _ in scopes] == ["/Column"] * 3 + ["/Row"] * 3, scopes
    # No empty element: the coloured mark of "Angers" left no /Span without content.
    assert not [e for e in elements if str(e.S) in ("/Span", "/NonStruct") and len(e.get("/K", [])) == 0]
    # The margin boxes' text is pagination artifacts on every page, and no tree element holds it.
    for i, page in enumerate(pdf.pages):
        _, artifacts = marked_content(page)
        drawn = [a for a in artifacts if a["text"] and a["type"] != "/Layout"]      # /Layout: leader dots
        assert len(drawn) == 2 and all(a["type"] == "/Pagination" for a in drawn), (i, drawn)
        assert all(y < MARGIN or y > float(page.mediabox[3]) - MARGIN for _, y in (a["at"] for a in drawn))
    parent_tree = pdf.Root.StructTreeRoot.ParentTree.Nums
    in_tree = {e.objgen for e in elements}
    for refs in list(parent_tree)[1::2]:
        for r in (refs if isinstance(refs, pikepdf.Array) else [refs]):
            assert r is None or r.objgen in in_tree          # emptied, or an element of the tree
    # The leader's dots are layout artifacts; the entry is its link, then its page number.
    _, artifacts = marked_content(pdf.pages[1])
    assert len([a for a in artifacts if a["type"] == "/Layout" and a["text"]]) > 20
    entry, = [e for e in elements if str(e.S) == "/LBody"]
    assert [str(k.S) for k in entry.K] == ["/Link", "/NonStruct"] and len(entry.K[1].K) == 1
    # Link annotations are printed (/F 4).
    annots = [a for p in pdf.pages for a in p.get("/Annots", [])]
    assert annots and all(int(a.F) & 4 for a in annots)
    # The figure's /BBox is where the image is drawn, in points from the bottom left: 5 mm right
    # of the 10 mm margin, 30 × 20 mm.
    figure, = [e for e in elements if str(e.S) == "/Figure"]
    x1, y1, x2, y2 = [float(v) for v in figure.A.BBox]
    assert (x1, x2 - x1, y2 - y1) == pytest.approx((15 * MM, 30 * MM, 20 * MM), abs=0.1)
    assert 0 < y1 < y2 < float(pdf.pages[0].mediabox[3]) - MARGIN
    assert str(figure.Alt) == "Un carré bleu."


def test_checker_passes_the_tiny_pdf_and_finds_what_weasyprint_alone_leaves_out(tmp_path):
    """The same document written by WeasyPrint alone fails the checker on exactly the defects
    pdf_tags corrects: header cells without scope, running head and page numbers tagged as
    content, empty span, links not printed."""
    finished = outloud.check(str(tiny_pdf(tmp_path)))
    assert finished.error is None and not finished.findings, [(f.rule, f.message) for f in finished.findings]
    raw = outloud.check(str(tiny_pdf(tmp_path, finished=False)))
    assert {f.rule for f in raw.findings} == {"TBL-002", "PAG-001", "TAG-020", "LNK-004"}, \
        [(f.rule, f.message) for f in raw.findings]


def test_reading_order_check_finds_text_placed_before_what_precedes_it(tmp_path):
    """The reading-order check used on the demo PDFs below can fail: a note that comes last in the
    HTML but is positioned at the top left of the page is read after the text below it."""
    note = '<p style="margin-left: 40mm">Fin.</p><p style="position: absolute; top: 0; left: 0">Note</p>'
    assert reading_order_jumps(tiny_pdf(tmp_path, TINY.replace("<p>Fin.</p>", note.replace("absolute", "static")))) == []
    jumps = reading_order_jumps(tiny_pdf(tmp_path, TINY.replace("<p>Fin.</p>", note)))
    assert len(jumps) == 1 and jumps[0].startswith("page 3: Span at (142, 98) then Span at (28, "), jumps


# A table too long for one A6 page (20 rows of about 5 mm under its caption and header row: about
# 120 mm of a 112 mm page body), so WeasyPrint lays it out on two pages and repeats its <thead> at
# the top of the second; a paragraph after it. Two data columns: a table of one data column has as
# many row headers as data cells, which the checker's "shredded headers" rule counts against it.
SPLIT = """<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Essai</title><style>
@page { size: A6; margin: 18mm 10mm; @bottom-right { content: "page " counter(page); } }
body { font-family: "DejaVu Sans"; font-size: 9pt; margin: 0; }
th, td { padding: 1mm; text-align: left; }
</style></head><body><h1>Titre</h1>
<table><caption>Communes</caption>
<thead><tr><th scope="col">Commune</th><th scope="col">Habitants</th><th scope="col">Emplois</th></tr></thead>
<tbody>""" + "".join(f'<tr><th scope="row">Commune {i}</th><td>{i * 1000}</td><td>{i * 400}</td></tr>'
                     for i in range(1, 21)) + """</tbody></table>
<p>Fin.</p></body></html>"""


def test_table_over_two_pages_is_one_table_with_its_repeated_header_an_artifact(tmp_path):
    path = tiny_pdf(tmp_path, SPLIT)
    pdf = pikepdf.open(path)
    assert len(pdf.pages) == 2
    elements = struct_elements(pdf)
    # One /Table: its caption, one header group of one row, the 20 rows of both pages in its body.
    table, = [e for e in elements if str(e.S) == "/Table"]
    assert [str(k.S) for k in table.K] == ["/Caption", "/THead", "/TBody"]
    assert len(table.K[1].K) == 1 and len(table.K[2].K) == 20
    assert [str(k.S) for k in elements if str(k.S) == "/TH" and str(k.A.Scope) == "/Column"] == ["/TH"] * 3
    rows = list(table.K[2].K)
    assert {r.Pg.objgen for r in rows} == {pdf.pages[0].objgen, pdf.pages[1].objgen}
    # The data cells of the second page name the header cells of the first page (and their row's).
    header_ids = {str(th.ID) for th in table.K[1].K[0].K}
    last = rows[-1]
    assert str(last.K[0].ID) in [str(h) for h in last.K[1].A.Headers]
    assert {str(h) for h in last.K[1].A.Headers} - {str(last.K[0].ID)} <= header_ids
    ids = {str(e.ID) for e in elements if "/ID" in e}
    assert all(str(h) in ids for e in elements if str(e.S) == "/TD" for h in e.A.Headers)
    # The header row repeated at the top of the second page is a pagination artifact, in the page's
    # body (not a margin box); on the first page it is content.
    _, artifacts = marked_content(pdf.pages[1])
    repeated = [a for a in artifacts if a["type"] == "/Pagination" and MARGIN < a["at"][1] < MARGIN + 30]
    assert len(repeated) == 3, artifacts
    _, artifacts = marked_content(pdf.pages[0])
    height = float(pdf.pages[0].mediabox[3])
    assert not [a for a in artifacts if a["type"] == "/Pagination" and MARGIN < a["at"][1] < height - MARGIN]
    result = outloud.check(str(path))
    assert result.error is None and not result.findings, [(f.rule, f.message) for f in result.findings]
    # WeasyPrint alone: one /Table a page, each with its header row as content.
    raw = pikepdf.open(tiny_pdf(tmp_path, SPLIT, finished=False))
    tables = [e for e in struct_elements(raw) if str(e.S) == "/Table"]
    assert [[str(k.S) for k in t.K] for t in tables] == [["/Caption", "/THead", "/TBody"], ["/THead", "/TBody"]]


def test_table_of_one_row_tags_its_row_header_as_a_data_cell(tmp_path):
    """One lycée in the territory: a row header beside four column headers would make more header
    cells than data cells; the row's first cell is a data cell of its column."""
    html = TINY.replace("""<tr><th scope="row">Cholet</th><td>54 000</td><td>30 000</td></tr>
<tr><th scope="row">Saumur</th><td>26 000</td><td>15 000</td></tr>""", "")
    pdf = pikepdf.open(tiny_pdf(tmp_path, html))
    cells = [e for e in struct_elements(pdf) if str(e.S) in ("/TH", "/TD")]
    assert [str(e.S) for e in cells] == ["/TH"] * 3 + ["/TD"] * 3
    assert [[str(h) for h in e.A.Headers] for e in cells[3:]] == [[str(th.ID)] for th in cells[:3]]
    result = outloud.check(str(tmp_path / "tiny.pdf"))
    assert result.error is None and not result.findings, [(f.rule, f.message) for f in result.findings]


# ----- The demo PDFs ------------------------------------------------------------------------------

CODES = [f"t{i:02d}" for i in range(1, 18)]


def _accepted(finding, continued: set[int]) -> bool:
    """The warnings of the checker's heuristics that are not defects of the portraits, each for a
    stated reason. No finding at error level is ever accepted, nor any other warning."""
    if finding.severity == "error":
        return False
    if finding.rule == "PAG-001" and "running header or footer line" in finding.message:
        # Lines repeated on 3 pages or more in their top or bottom 12 % (36 mm of A4: the 18 mm
        # margin and 18 mm of the page body): a chart's legend (territory, region) at the
        # top of the chart, the e-mail domain of the directory's contact column. Content, read
        # in its place; the running head and page numbers are in the margins, artifacts (checked
        # below by their boxes: every line found is in the page body). The checker's other
        # PAG-001 finding, page numbers tagged as content, is never accepted.
        return all(MARGIN - 1 < b["y0"] and b["y1"] < A4_HEIGHT - MARGIN + 1 for b in finding.boxes)
    if finding.rule == "TBL-013":
        # "Two tables side by side": the checker takes a table's box as the union of its content's
        # boxes on all its pages, so a table that starts low on a page and goes on over the next
        # covers the whole page, beside the table above it (the lycées below the formations by
        # domain, the addresses below the farthest communes). Accepted only for such a table.
        return finding.page in continued
    return False


def continued_tables(pdf: pikepdf.Pdf) -> set[int]:
    """The pages (1-based) where a /Table starts that has rows on the next page."""
    pages = {p.objgen: i for i, p in enumerate(pdf.pages)}
    out = set()
    for table in (e for e in struct_elements(pdf) if str(e.S) == "/Table"):
        # A row's page: its own /Pg (WeasyPrint), or that of its cells' content (Typst).
        rows = {pages[under.Pg.objgen] for e in struct_elements_under(table) if str(e.S) == "/TR"
                for under in struct_elements_under(e) if "/Pg" in under}
        if len(rows) > 1:
            out.add(min(rows) + 1)
    return out


def struct_elements_under(element: pikepdf.Dictionary) -> list[pikepdf.Dictionary]:
    """An element and the structure elements under it, depth first."""
    out, stack = [], [element]
    while stack:
        e = stack.pop()
        out.append(e)
        kids = e.get("/K")
        kids = kids if isinstance(kids, pikepdf.Array) else [kids]
        stack.extend(k for k in reversed(kids) if isinstance(k, pikepdf.Dictionary) and "/S" in k)
    return out


A4_HEIGHT = 297 * MM


@pytest.mark.parametrize("code", CODES)
def test_demo_pdf_passes_the_pdfua_checker(demo_build, code):
    """Every page of every demo portrait passes every rule of the checker: no finding at error
    level, none at info level, and two warnings accepted for the reasons given in ``_accepted``:
    lines repeated near the top or bottom of pages that lie in the page body (a chart's legend, the
    e-mail domain of a contact column: content, not running heads), and "two tables side by side"
    where the second goes on over the next page (the checker's box for a table is the union of its
    boxes on all its pages). About 5 s a PDF (the checker reads every page's content)."""
    settings, _ = demo_build
    pdf, = Path(settings.output).glob(f"{code}-*/portrait-*.pdf")
    result = outloud.check(str(pdf))
    # The whole PDF was checked: the shortest demo portrait has 18 pages (the definitions are on the site).
    assert result.error is None and result.stats["pages"] >= 15
    assert not [r.rule for r in result.runs if r.status == "crashed"]
    with pikepdf.open(pdf) as opened:
        continued = continued_tables(opened)
    left = [(f.rule, f.severity, f.page, f.message, f.evidence) for f in result.findings
            if not _accepted(f, continued)]
    assert not left, left
    assert result.errors == 0


@pytest.mark.parametrize("code", CODES)
def test_demo_synthesis_pdf_passes_the_pdfua_checker(demo_build, code):
    """The synthesis of every demo territory (``synthese-<slug>.pdf``, at most 4 pages: about 1 s
    each) passes the checker on the same terms as the portraits (``_accepted``)."""
    settings, _ = demo_build
    pdf, = Path(settings.output).glob(f"{code}-*/synthese-*.pdf")
    result = outloud.check(str(pdf))
    assert result.error is None and 2 <= result.stats["pages"] <= 4
    assert not [r.rule for r in result.runs if r.status == "crashed"]
    with pikepdf.open(pdf) as opened:
        continued = continued_tables(opened)
    left = [(f.rule, f.severity, f.page, f.message, f.evidence) for f in result.findings
            if not _accepted(f, continued)]
    assert not left, left
    assert result.errors == 0


def _tags_checked(path: Path, *, headers: int, figures: tuple[int, int], alt: int) -> pikepdf.Pdf:
    """One demo PDF from its structure tree: more than ``headers`` header cells, each with a scope;
    between ``figures`` figures, each with a text alternative longer than ``alt`` characters; and
    no element named by the parent tree left out of the tree (WeasyPrint's margin-box text)."""
    pdf = pikepdf.open(path)
    elements = struct_elements(pdf)
    th = [e for e in elements if str(e.S) == "/TH"]
    assert len(th) > headers and all(str(attribute(e, "/Scope")) in ("/Column", "/Row") for e in th), path.name
    shown = [e for e in elements if str(e.S) == "/Figure"]
    assert figures[0] <= len(shown) <= figures[1] and all(len(str(e.get("/Alt", ""))) > alt for e in shown), path.name
    in_tree = {e.objgen for e in elements}
    for refs in list(pdf.Root.StructTreeRoot.ParentTree.Nums)[1::2]:
        assert all(r is None or r.objgen in in_tree for r in (refs if isinstance(refs, pikepdf.Array) else [refs]))
    return pdf


def test_every_demo_synthesis_pdf_tags_header_scopes_and_figures(demo_build):
    """The 17 syntheses, from their structure tree: header cells with a scope, figures (the charts
    shown again from the portrait) with their text alternative, no margin text in the tree, links
    printed."""
    settings, _ = demo_build
    pdfs = sorted(Path(settings.output).glob("t*/synthese-*.pdf"))
    assert len(pdfs) == 17
    for path in pdfs:
        pdf = _tags_checked(path, headers=20, figures=(2, 3), alt=60)
        annots = [a for p in pdf.pages for a in p.get("/Annots", [])]
        assert len(annots) >= 6 and all(int(a.F) & 4 for a in annots), path.name


def test_every_demo_pdf_tags_header_scopes_figures_and_no_margin_text(demo_build):
    """All 17 PDFs, from their structure tree (no content parsed: about 0.1 s each): every header
    cell has a scope, every figure a text alternative, and the parent tree names no element left
    out of the tree (what WeasyPrint does with the margin boxes' text)."""
    settings, _ = demo_build
    pdfs = sorted(Path(settings.output).glob("t*/portrait-*.pdf"))
    assert len(pdfs) == 17
    for path in pdfs:
        _tags_checked(path, headers=100, figures=(8, 10_000), alt=20)


def test_structure_tree_follows_the_page(demo_build):
    """Angers (laid out by Typst, the default engine): the structure tree (what a screen reader
    reads, in order) goes down each page, and along rows for the key-figure tiles and the table
    cells (cover, summary, contents, tiles, tables, sources: every page); the running head and the
    foot (collection, page number) are pagination artifacts in the margins, one each, the head from
    the second page; in the page body, the only pagination artifacts are the header rows of the
    tables continued from the page before."""
    settings, _ = demo_build
    path = next(Path(settings.output).glob("t05-*/portrait-*.pdf"))
    assert reading_order_jumps(path) == []
    pdf = pikepdf.open(path)
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True,
                          text=True, encoding="utf-8").stdout
    assert text.count("Portrait de territoire — Angers") == len(pdf.pages) - 1   # not on the cover
    assert text.count(f" / {len(pdf.pages)}") >= len(pdf.pages)                   # "page n / N" on every page
    repeated_heads = []
    for i, page in enumerate(pdf.pages):
        _, artifacts = marked_content(page)
        drawn = [a for a in artifacts if a["text"] and a["type"] != "/Layout"]      # /Layout: leader dots
        assert all(a["type"] == "/Pagination" for a in drawn), i
        height = float(page.mediabox[3])
        top = [a for a in drawn if a["at"][1] < MARGIN]
        bottom = [a for a in drawn if a["at"][1] > height - MARGIN]
        assert (len(top), len(bottom)) == ((0, 1) if i == 0 else (1, 1)), i
        body = [a for a in drawn if a not in top + bottom]
        if body:                 # a header row, at the top of the page body, one artifact a cell
            assert all(a["at"][1] < MARGIN + 40 for a in body), (i, body)
            repeated_heads.append(len(body))
    assert len(repeated_heads) >= 2 and min(repeated_heads) >= 4, repeated_heads
    # The table of contents: an entry is its link, then its page number (one /Span); the dots of
    # its leader are layout artifacts, not a /Span a dot.
    entries = [e for e in struct_elements(pdf) if str(e.S) == "/LBody" and isinstance(e.K, pikepdf.Array)
               and isinstance(e.K[0], pikepdf.Dictionary) and str(e.K[0].get("/S")) == "/Link"]
    assert len(entries) == 12
    assert all([str(k.S) for k in e.K] == ["/Link", "/Span"] and isinstance(e.K[1].K, int) for e in entries)
    _, artifacts = marked_content(pdf.pages[1])
    assert sum(len(a["text"]) for a in artifacts if a["type"] == "/Layout") > 12 * 20


def test_pdf_tags_benchmark_prints_its_figures(demo_build):
    """Smoke run of ``python -m benchmarks.pdf_tags`` (not timed): one portrait of the demo site,
    one line of figures and the totals; the site is left as it was."""
    settings, _ = demo_build
    site = Path(settings.output)
    before = {p: p.stat().st_mtime_ns for p in site.rglob("*.pdf")}
    proc = subprocess.run([sys.executable, "-m", "benchmarks.pdf_tags", "--output", str(site), "--codes", "T03",
                           "--repeat", "1"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert re.search(r"^T03 +\d+ pages +write +[\d.]+ s +finisher +[\d.]+ ms", proc.stdout, re.M), proc.stdout
    assert re.search(r"^1 PDFs: write [\d.]+ s, finisher \d+ ms", proc.stdout, re.M), proc.stdout
    assert {p: p.stat().st_mtime_ns for p in site.rglob("*.pdf")} == before
