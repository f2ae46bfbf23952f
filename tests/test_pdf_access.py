"""Accessibility of the PDFs (PDF/UA-1), checked by an independent checker and by reading their
structure tree and content streams with pikepdf.

The checker is outloud (PyPI, no JVM; see pyproject.toml): conformance rules by ISO 14289-1 clause
and Matterhorn checkpoint, and semantic rules (reading order, running heads tagged as content,
empty elements). A tiny document first (what ``portraits.pdf_tags`` adds, and that the checker
finds its absence), then the demo PDFs built once by the session fixture ``demo_build``."""
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
    """The tiny document as render.write_pdf writes it, or (``finished=False``) as WeasyPrint
    writes it alone."""
    from weasyprint import HTML
    (folder / "carre.svg").write_text(SQUARE, encoding="utf-8")
    target = folder / ("tiny.pdf" if finished else "tiny-raw.pdf")
    if finished:
        render.write_pdf(html, folder, target, title="Essai")
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
        if str(element.S) == "/Figure" and "/A" in element and "/BBox" in element.A:
            x1, _, _, y2 = [float(v) for v in element.A.BBox]
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


# ----- The demo PDFs ------------------------------------------------------------------------------

def _allowed(finding, page_height: float) -> bool:
    """Findings of the checker's heuristics that are not defects of the portraits, each for a
    stated reason; any other finding, error or warning, fails the test."""
    if finding.rule == "TBL-010":
        # "Shredded headers" is inferred from more header cells than data cells. A small table with
        # a header row and a header column has that (one zone d'emploi: 3 column headers and its
        # name against 2 values). Only that reason is allowed, not "N header rows".
        return re.fullmatch(r"header cells look shredded: \d+ header cells against \d+ data cells",
                            finding.message) is not None
    if finding.rule == "PAG-001" and "running header or footer line" in finding.message:
        # Lines repeated near the top or bottom of 3 pages: here a chart's legend (territory,
        # region), a table's header row repeated on the pages it continues on, the contact
        # column of the directory. All of them are inside the page's content area; the running
        # head and the page numbers are in the margins (and artifacts, checked above). The
        # checker's other PAG-001 finding (page numbers tagged as content) is never allowed.
        return all(MARGIN - 1 < b["y0"] and b["y1"] < page_height - MARGIN + 1 for b in finding.boxes)
    if finding.rule == "ORD-001":
        # The content stream's order: WeasyPrint paints an image and the list markers after the
        # text around them. A screen reader follows the structure tree, which is in the page's
        # order (test_structure_tree_follows_the_page).
        return True
    return False


@pytest.mark.parametrize("code", ["t01", "t05", "t12"])
def test_demo_pdfs_pass_the_pdfua_checker(demo_build, code):
    """Every page of three portraits (Nantes: the longest, tables over several pages; Angers;
    Nord-Sarthe: a zone d'emploi shared with Normandie): no finding but the stated exceptions."""
    settings, _ = demo_build
    pdf = next(Path(settings.output).glob(f"{code}-*/portrait-*.pdf"))
    result = outloud.check(str(pdf))
    assert result.error is None and result.stats["pages"] > 20
    assert not [r.rule for r in result.runs if r.status == "crashed"]
    with pikepdf.open(pdf) as opened:
        height = float(opened.pages[0].mediabox[3])
    left = [(f.rule, f.severity, f.page, f.message, f.evidence) for f in result.findings if not _allowed(f, height)]
    assert not left, left


def test_every_demo_pdf_tags_header_scopes_figures_and_no_margin_text(demo_build):
    """All 17 PDFs, from their structure tree (no content parsed: about 0.1 s each): every header
    cell has a scope, every figure a text alternative, and the parent tree names no element left
    out of the tree (what WeasyPrint does with the margin boxes' text)."""
    settings, _ = demo_build
    pdfs = sorted(Path(settings.output).glob("t*/portrait-*.pdf"))
    assert len(pdfs) == 17
    for path in pdfs:
        pdf = pikepdf.open(path)
        elements = struct_elements(pdf)
        th = [e for e in elements if str(e.S) == "/TH"]
        assert len(th) > 100 and all(str(e.A.get("/Scope")) in ("/Column", "/Row") for e in th), path.name
        figures = [e for e in elements if str(e.S) == "/Figure"]
        assert len(figures) >= 8 and all(len(str(e.get("/Alt", ""))) > 20 for e in figures), path.name
        in_tree = {e.objgen for e in elements}
        for refs in list(pdf.Root.StructTreeRoot.ParentTree.Nums)[1::2]:
            assert all(r is None or r.objgen in in_tree for r in (refs if isinstance(refs, pikepdf.Array) else [refs]))


def test_structure_tree_follows_the_page(demo_build):
    """Angers: the structure tree (what a screen reader reads, in order) goes down each page, and
    along rows for the key-figure tiles and the table cells (cover, summary, contents, tiles,
    tables, sources: every page); the running head and page numbers are pagination artifacts in
    the margins, on every page."""
    settings, _ = demo_build
    path = next(Path(settings.output).glob("t05-*/portrait-*.pdf"))
    assert reading_order_jumps(path) == []
    pdf = pikepdf.open(path)
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True,
                          text=True, encoding="utf-8").stdout
    assert text.count("Portrait de territoire — Angers") == len(pdf.pages) - 1   # not on the cover
    for i, page in enumerate(pdf.pages):
        _, artifacts = marked_content(page)
        drawn = [a for a in artifacts if a["text"] and a["type"] != "/Layout"]      # /Layout: leader dots
        assert len(drawn) == (2 if i == 0 else 3) and all(a["type"] == "/Pagination" for a in drawn), i
        assert all(y < MARGIN or y > float(page.mediabox[3]) - MARGIN for _, y in (a["at"] for a in drawn)), i
    # The table of contents: an entry is its link, then its page number (one /Span); the dots of
    # its leader are layout artifacts, not a /Span a dot.
    entries = [e for e in struct_elements(pdf) if str(e.S) == "/LBody" and str(e.K[0].get("/S")) == "/Link"]
    assert len(entries) == 11
    assert all([str(k.S) for k in e.K] == ["/Link", "/NonStruct"] and len(e.K[1].K) == 1 for e in entries)
    _, artifacts = marked_content(pdf.pages[1])
    assert len([a for a in artifacts if a["type"] == "/Layout" and a["text"]]) > 11 * 20


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
