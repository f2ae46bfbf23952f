"""The PDFs laid out by Typst (``portraits/typst_pdf.py``), on tiny pages written as the templates
write them: the text as it is, whatever characters the data bring; the tags a screen reader needs
(row headers where the page has them, text beside links in reading order, a caption after its
image, the contents with their page numbers); the checker's verdict; a clear error, no file, when
Typst refuses. The 34 demo PDFs are checked in ``test_pdf_access.py``."""
from __future__ import annotations

import subprocess
from pathlib import Path

import outloud
import pikepdf
import pytest

from portraits import render, typst_pdf
from test_pdf_access import SQUARE, attribute, struct_elements

PAGE = """<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Portrait du territoire Essai</title></head>
<body>
<nav class="screen-only breadcrumb"><a href="../index.html">Tous les territoires</a> › Essai</nav>
<main>
<section class="cover">
  <p class="kicker">Portrait de territoire · Région</p>
  <h1>Essai</h1>
  <figure class="map"><img src="carre.svg" alt="Un carré bleu."><figcaption>La légende du carré.</figcaption></figure>
</section>
<nav class="toc"><h2 id="h-toc">Sommaire</h2><ol>
  <li data-target="#h-lieux"><a href="#h-lieux">Les lieux</a></li>
  <li data-target="#absent"><a href="#absent">Une entrée sans cible</a></li>
</ol></nav>
<section><h2 id="h-lieux">Les lieux</h2>
  <!-- the characters that mean something in Typst markup, as names in the data may carry them -->
  <!-- a link to an element that is no heading (no label in Typst): its text, no link -->
  <div id="bloc"><p>Renvoi vers <a href="#bloc">ce bloc</a>.</p></div>
  <p>Voir <a href="https://example.org/">le site</a> puis la suite : #1 *gras* $x$ _a_ &lt;b&gt; @nom [x] // ~ \\ 1. = - + 'a' "b"</p>
  <!-- a row header in the second column, as the directory's addresses (network first); four
       rows: fewer would make as many header cells as data cells (the checker: "shredded") -->
  <table class="compact directory addresses"><caption>Adresses</caption>
    <thead><tr><th scope="col">Réseau</th><th scope="col">Lieu</th><th scope="col">Habitants</th></tr></thead>
    <tbody><tr><td>CIO</td><th scope="row">CIO d'Angers</th><td>150 000</td></tr>
    <tr><td>Mission locale</td><th scope="row">Mission locale de Cholet</th><td>54 000</td></tr>
    <tr><td>France Travail</td><th scope="row">France Travail Saumur</th><td>26 000</td></tr>
    <tr><td>Cap emploi</td><th scope="row">Cap emploi Segré</th><td>17 000</td></tr></tbody></table>
  <!-- one body row under column headers: its first cell stays a data cell -->
  <table class="compact"><caption>Un lycée</caption>
    <thead><tr><th scope="col">Lycée</th><th scope="col">Élèves</th></tr></thead>
    <tbody><tr><th scope="row">Lycée Joachim-du-Bellay</th><td>1 200</td></tr></tbody></table>
</section>
</main>
<footer class="page-footer">Pied de page de l'écran</footer>
</body></html>"""


def write(folder: Path, html: str = PAGE) -> Path:
    (folder / "carre.svg").write_text(SQUARE, encoding="utf-8")
    target = folder / "essai.pdf"
    render.write_pdf(html, folder, target, title="Portrait du territoire Essai")
    return target


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True,
                          text=True, encoding="utf-8").stdout


def test_text_is_printed_as_it_is_and_what_print_hides_is_left_out(tmp_path):
    text = pdf_text(write(tmp_path))
    assert "#1 *gras* $x$ _a_ <b> @nom [x] // ~ \\ 1. = - + 'a' \"b\"" in " ".join(text.split())
    assert "Renvoi vers ce bloc." in " ".join(text.split())
    assert "Tous les territoires" not in text and "Pied de page de l'écran" not in text
    assert "Portrait de territoire — Essai" in text and "page 2 / 2" in text


def test_row_headers_where_the_page_has_them_and_not_for_a_single_row(tmp_path):
    pdf = pikepdf.open(write(tmp_path))
    tables = [e for e in struct_elements(pdf) if str(e.S) == "/Table"]
    assert len(tables) == 2

    def cells(table):
        rows = [e for e in struct_elements(pdf) if str(e.S) == "/TR" and e.P.objgen in
                {p.objgen for p in struct_elements(pdf) if str(p.S) in ("/THead", "/TBody") and p.P.objgen == table.objgen}]
        return [[(str(c.S), str(attribute(c, "/Scope"))) for c in (r.K if isinstance(r.K, pikepdf.Array) else [r.K])]
                for r in rows]
    addresses, one_row = cells(tables[0]), cells(tables[1])
    assert addresses[0] == [("/TH", "/Column")] * 3
    assert addresses[1:] == [[("/TD", "None"), ("/TH", "/Row"), ("/TD", "None")]] * 4
    assert one_row == [[("/TH", "/Column")] * 2, [("/TD", "None"), ("/TD", "None")]]


def test_reading_order_link_spans_caption_after_image_and_contents_pages(tmp_path):
    pdf = pikepdf.open(write(tmp_path))
    elements = struct_elements(pdf)
    # A paragraph with a link: text, link, text as three elements in that order (no marked
    # content beside elements, which a reader taking an element's own content first would read
    # before the link).
    linked = next(e for e in elements if str(e.S) == "/P" and any(
        isinstance(k, pikepdf.Dictionary) and str(k.get("/S")) == "/Link" for k in e.K))
    assert [str(k.S) for k in linked.K] == ["/Span", "/Link", "/Span"]
    # The image first, then its caption, as printed.
    figure_div = next(e for e in elements if isinstance(e.get("/K"), pikepdf.Array)
                      and "/Caption" in [str(k.get("/S")) for k in e.K if isinstance(k, pikepdf.Dictionary)]
                      and str(e.S) != "/Table")
    assert str(figure_div.K[-1].S) == "/Caption"
    figure = next(e for e in elements if str(e.S) == "/Figure")
    assert str(figure.Alt) == "Un carré bleu."
    # The contents: the entry with a target gets its page number, the other is text alone.
    lines = [line.strip() for line in pdf_text(tmp_path / "essai.pdf").splitlines()]
    entry = next(line for line in lines if line.startswith("1.") and "Les lieux" in line)
    assert entry.endswith("2") and "Une entrée sans cible" in " ".join(lines)
    assert len(pdf.Root.Outlines.First.keys()) > 0          # bookmarks, from the headings


def test_the_tiny_page_passes_the_checker(tmp_path):
    result = outloud.check(str(write(tmp_path)))
    assert result.error is None and result.errors == 0
    assert not result.findings, [(f.rule, f.message) for f in result.findings]


def test_a_page_typst_refuses_fails_in_french_naming_the_pdf_and_leaves_no_file(tmp_path):
    html = PAGE.replace('src="carre.svg"', 'src="absente.png"')
    with pytest.raises(typst_pdf.TypstPdfError, match=r"essai\.pdf : mise en page refusée par Typst : .*absente\.png"):
        write(tmp_path, html)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["carre.svg"]


def test_the_engine_is_a_setting_and_an_unknown_one_is_refused():
    from portraits.settings import PDF_ENGINES, Settings
    assert PDF_ENGINES == ("typst", "weasyprint") and Settings().pdf_engine == "typst"
    with pytest.raises(ValueError, match="moteur PDF inconnu"):
        Settings(pdf_engine="chromium")


def test_the_render_key_hashes_every_module_that_lays_out_a_pdf():
    """A change to the markup, the tagging or the print style lays the PDFs out again: each of
    their files is hashed in the render key (a module left out would leave published PDFs reused)."""
    names = {p.name for p in render.rendering_files()}
    assert {"typst_pdf.py", "typst_markup.py", "typst_tags.py", "pdf_tags.py", "print.typ"} <= names
