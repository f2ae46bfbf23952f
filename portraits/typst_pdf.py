"""The PDFs laid out by Typst (PyPI ``typst``): the HTML a PDF is made from (``pipeline.pdf_page``,
``pipeline.synthesis_page(for_pdf=True)``, the same templates as the pages) is written as Typst
markup, element by element, after the print style ``templates/print.typ``, then compiled as a
tagged PDF/UA-1 document.

Why: the same portrait prints in about a tenth of WeasyPrint's time (README, "Performance"), and
Typst tags what WeasyPrint needed ``portraits.pdf_tags`` for: headings, paragraphs, lists, links,
figures with their text alternative, tables with their header rows (repeated on each page as
artifacts), running heads and page numbers as pagination artifacts. One thing its Python package
cannot say: a row header (``<th scope="row">``; ``pdf.header-cell`` needs a feature flag the
package does not enable). Such cells are laid out as cells, then made /TH with a /Row scope in
the structure tree (:func:`finish`, pikepdf) before the file is in place.

The markup is written by ``portraits.typst_markup``, the structure tree completed by
``portraits.typst_tags``.
"""
from __future__ import annotations

from pathlib import Path

import typst

from .typst_markup import Writer, parse
from .typst_tags import finish


class TypstPdfError(RuntimeError):
    """Typst refused the markup written from a page (the page named, Typst's message kept)."""


def to_typst(html_text: str, base_dir: Path, title: str) -> tuple[str, list[list[list[int]]]]:
    """The Typst document of a page's HTML, and for each table the places of the row headers in
    each body row."""
    writer = Writer(parse(html_text), base_dir)
    return writer.document(title), writer.row_header_tables


def write_pdf(html_text: str, base_dir: Path, target: Path, title: str) -> None:
    """The PDF of a page's HTML (images found in ``base_dir``), written to ``target`` whole or
    not at all: a ``.part`` file renamed once complete."""
    source, tables = to_typst(html_text, base_dir, title)
    tmp = target.with_name(target.name + ".part")
    try:
        try:
            pdf = typst.compile(source.encode("utf-8"), root=str(base_dir), pdf_standards=["ua-1"],
                                font_paths=[], ignore_system_fonts=False)
        except typst.TypstError as exc:
            raise TypstPdfError(f"{target.name} : mise en page refusée par Typst : {exc}") from exc
        tmp.write_bytes(pdf)
        finish(tmp, tables)
        tmp.replace(target)
    finally:
        tmp.unlink(missing_ok=True)
