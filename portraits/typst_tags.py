"""What the structure tree of a PDF laid out by Typst gets once written (for
:mod:`portraits.typst_pdf`), with pikepdf: the row headers the page has (Typst's Python package
cannot declare them: ``pdf.header-cell`` needs a feature flag it does not enable), each run of
text beside a link as its own /Span, an image's caption after the image. The file is rewritten in
place, with a fixed identifier: the same edition gives the same bytes."""
from __future__ import annotations

from pathlib import Path

import pikepdf


class TaggingError(RuntimeError):
    """The PDF's tables do not match the page's (a layout the finisher does not know)."""


def finish(pdf_path: Path, tables: list[list[list[int]]]) -> None:
    """What the structure tree of a Typst PDF gets here, in place: the row headers
    (:func:`_row_headers`), each run of text beside a link or an emphasis inside one element as
    its own /Span (:func:`_spans`), an image's caption after the image (:func:`_captions_after_images`)."""
    with pikepdf.open(pdf_path, allow_overwriting_input=True) as pdf:
        elements = _elements(pdf.Root.StructTreeRoot)
        _row_headers(pdf_path, elements, tables)
        _spans(pdf, elements)
        _captions_after_images(elements)
        pdf.save(pdf_path, deterministic_id=True)   # the same edition, the same bytes


def _row_headers(pdf_path: Path, elements: list, tables: list[list[list[int]]]) -> None:
    """The cells that are row headers in the page (``<th scope="row">``, at their place in each
    body row of each table) become header cells of their row (/TH, /Scope /Row)."""
    found = [e for e in elements if str(e.get("/S")) == "/Table"]
    if len(found) != len(tables):
        raise TaggingError(f"{pdf_path.name} : {len(found)} tableaux balisés pour {len(tables)} dans la page")
    for table, rows in zip(found, tables):
        body = [tr for part in _kids(table) if str(part.get("/S")) == "/TBody" for tr in _kids(part)]
        if len(body) != len(rows):
            raise TaggingError(f"{pdf_path.name} : {len(body)} lignes balisées pour {len(rows)} dans un tableau")
        for tr, places in zip(body, rows):
            cells = [k for k in _kids(tr) if str(k.get("/S")) in ("/TD", "/TH")]
            for i in places:
                cells[i].S = pikepdf.Name.TH
                cells[i].A = pikepdf.Array([pikepdf.Dictionary(O=pikepdf.Name.Table, Scope=pikepdf.Name.Row)])


def _spans(pdf: pikepdf.Pdf, elements: list) -> None:
    """Typst gives a paragraph with a link the kids [text, /Link, text]: marked content beside
    elements. Read element by element (as checkers and some readers do) the text would come
    before the links; each such run of text becomes a /Span in its place, and the parent tree
    names the /Span as the owner of its marked content."""
    owners = _parent_arrays(pdf)
    for e in elements:
        k = e.get("/K")
        if not isinstance(k, pikepdf.Array):
            continue
        kids = list(k)
        if not any(isinstance(x, pikepdf.Dictionary) and "/S" in x for x in kids):
            continue
        if all(isinstance(x, pikepdf.Dictionary) and "/S" in x for x in kids):
            continue
        new = []
        for x in kids:
            if isinstance(x, pikepdf.Dictionary) and "/S" in x:
                new.append(x)
                continue
            if isinstance(x, int):
                page, mcid = e.get("/Pg"), int(x)
            elif isinstance(x, pikepdf.Dictionary) and x.get("/Type") == "/MCR":
                page, mcid = x.get("/Pg", e.get("/Pg")), int(x.MCID)
            else:
                new.append(x)        # an object reference (/OBJR): a link's annotation
                continue
            span = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructElem, S=pikepdf.Name.Span,
                                                        P=e, Pg=page, K=mcid))
            new.append(span)
            array = owners.get(int(page.StructParents)) if page is not None and "/StructParents" in page else None
            if array is not None and mcid < len(array):
                array[mcid] = span
        e.K = pikepdf.Array(new)


def _captions_after_images(elements: list) -> None:
    """An image's caption is printed below it, but Typst puts the /Caption first in the figure's
    /Div: it is moved after the /Figure, in the order of the page (a table's caption, printed
    above it, stays first)."""
    for e in elements:
        k = e.get("/K")
        if str(e.get("/S")) == "/Table" or not isinstance(k, pikepdf.Array):
            continue
        kids = list(k)
        kinds = [str(x.get("/S")) if isinstance(x, pikepdf.Dictionary) else None for x in kids]
        if "/Caption" not in kinds:
            continue
        at = kinds.index("/Caption")
        if any(_has_figure(x) for x in kids[at + 1:]):
            kids.append(kids.pop(at))
            e.K = pikepdf.Array(kids)


def _has_figure(x) -> bool:
    if not isinstance(x, pikepdf.Dictionary) or "/S" not in x:
        return False
    return str(x.S) == "/Figure" or (str(x.S) == "/Div" and any(_has_figure(k) for k in _kids(x)))


def _parent_arrays(pdf: pikepdf.Pdf) -> dict[int, pikepdf.Array]:
    """The parent tree's arrays (a page's marked content → its element), by key."""
    out: dict[int, pikepdf.Array] = {}

    def walk(node):
        nums = node.get("/Nums")
        if nums is not None:
            for key, value in zip(list(nums)[::2], list(nums)[1::2]):
                if isinstance(value, pikepdf.Array):
                    out[int(key)] = value
        for kid in node.get("/Kids", []):
            walk(kid)
    walk(pdf.Root.StructTreeRoot.ParentTree)
    return out


def _kids(e) -> list:
    k = e.get("/K")
    k = list(k) if isinstance(k, pikepdf.Array) else [k]
    return [x for x in k if isinstance(x, pikepdf.Dictionary) and "/S" in x]


def _elements(root) -> list:
    out, stack = [], list(reversed(_kids(root)))
    while stack:
        e = stack.pop()
        out.append(e)
        stack.extend(reversed(_kids(e)))
    return out
