"""What WeasyPrint's PDF/UA-1 tagging leaves out, added to the PDF before it is written.

``finish`` is WeasyPrint's ``finisher`` hook (``HTML.write_pdf(finisher=...)``): it receives the
laid-out document and the PDF's objects in memory (pydyf), before they are serialised, so nothing
is parsed or written twice. WeasyPrint 70 (weasyprint/pdf/tags.py) tags the page content and builds
the structure tree, but:

- header cells are /TH elements with an /ID that the data cells' /Headers name, without /Scope; a
  column header that no data cell names (the one above the row headers) is then tied to nothing
  (ISO 14289-1 7.5, Matterhorn 15-003). ``scope_header_cells`` gives every /TH the /Scope of its
  HTML ``<th scope="col|row">``.
- the text of the page margins (@page margin boxes: running header, page numbers) is marked
  content with an MCID whose structure element is left out of the tree (ISO 14289-1 7.8,
  Matterhorn 18). ``mark_pagination_artifacts`` marks it /Artifact /Pagination instead and takes
  it out of the parent tree.
- the dots of a CSS ``leader()`` (the table of contents' dotted lines) are text of the tree, one
  /Span a dot, read out one by one: ``mark_leader_artifacts`` makes them /Artifact /Layout.
- link annotations have no flags: not printed (ISO 14289-1 7.18.1, Matterhorn 28);
- an inline element with no text (the network's coloured mark in a table header) is an empty
  /Span;
- a /Figure's /BBox is in CSS pixels from the top of the page, not in PDF user space.

Everything here works on pydyf objects: dictionaries whose values are names ('/TH'), references
(b'12 0 R'), arrays and numbers.
"""
from __future__ import annotations

from collections.abc import Iterator

import pydyf

SCOPES = {"col": "/Column", "colgroup": "/Column", "row": "/Row", "rowgroup": "/Row"}


def finish(document, pdf: pydyf.PDF) -> None:
    """The finisher passed to WeasyPrint's ``write_pdf``: every fix of this module, in order."""
    scope_header_cells(document)
    mark_pagination_artifacts(pdf)
    mark_leader_artifacts(document, pdf)
    drop_empty_elements(pdf)
    print_link_annotations(pdf)
    figure_boxes_in_user_space(document, pdf)


def resolve(pdf: pydyf.PDF, value):
    """The object a reference (b'12 0 R') points to; any other value as it is."""
    if isinstance(value, bytes) and value.endswith(b" R"):
        return pdf.objects[int(value.split()[0])]
    return value


def _boxes(box) -> Iterator:
    stack = [box]
    while stack:
        b = stack.pop()
        yield b
        stack.extend(reversed(getattr(b, "children", ())))


def scope_header_cells(document) -> int:
    """Set /A /Scope on the /TH element of every ``<th>`` from its ``scope`` attribute; returns the
    number of cells set. WeasyPrint keeps each table cell's structure element on its box
    (``box.mark``), the box keeps its HTML element: the scope comes from the HTML, not guessed from
    the cell's place. A ``<th>`` without ``scope`` is left as it is (the templates give one to all;
    the PDF/UA check of the tests would find the one missing)."""
    count = 0
    for page in document.pages:
        for box in _boxes(page._page_box):
            element = getattr(box, "mark", None)
            if element is None or box.element is None or box.element_tag != "th":
                continue
            scope = SCOPES.get((box.element.get("scope") or "").lower())
            if scope:
                element["A"]["Scope"] = scope
                count += 1
    return count


def structure_elements(pdf: pydyf.PDF) -> dict[int, pydyf.Dictionary]:
    """Every structure element in the tree (reachable from /StructTreeRoot), by object number, in
    tree order (depth first)."""
    root = resolve(pdf, pdf.catalog["StructTreeRoot"])
    found: dict[int, pydyf.Dictionary] = {}
    stack = list(reversed(root["K"]))
    while stack:
        ref = stack.pop()
        obj = resolve(pdf, ref)
        if not isinstance(obj, pydyf.Dictionary) or obj.get("Type") != "/StructElem" or obj.number in found:
            continue
        found[obj.number] = obj
        stack.extend(reversed([k for k in obj["K"] if isinstance(k, bytes)]))
    return found


def _page_numbers(pdf: pydyf.PDF) -> list[int]:
    """Object numbers of the pages, in order (the Kids array holds 'n 0 R' as three items)."""
    return [int(n) for n in pdf.pages["Kids"][::3]]


def mark_pagination_artifacts(pdf: pydyf.PDF) -> int:
    """Marked content whose structure element is not in the tree (WeasyPrint tags the @page margin
    boxes' text, then leaves their elements out) becomes ``/Artifact <</Type /Pagination>>`` in the
    page's content stream, and its entry in the parent tree is emptied. Returns how many."""
    tree = structure_elements(pdf)
    root = resolve(pdf, pdf.catalog["StructTreeRoot"])
    nums = resolve(pdf, root["ParentTree"])["Nums"]
    pages = _page_numbers(pdf)
    count = 0
    for key, refs in zip(nums[::2], nums[1::2]):
        if not isinstance(refs, pydyf.Array):      # an annotation's entry: a single reference
            continue
        orphans = {mcid for mcid, ref in enumerate(refs) if resolve(pdf, ref).number not in tree}
        if not orphans:
            continue
        _to_artifact(resolve(pdf, pdf.objects[pages[key]]["Contents"]).stream, orphans, "/Pagination")
        for mcid in orphans:
            refs[mcid] = "null"
        count += len(orphans)
    return count


def _shown_text(stream: list) -> dict[int, tuple[bytes, ...]]:
    """The text-showing operations (TJ) of each marked-content sequence of a page, by MCID."""
    shown: dict[int, list[bytes]] = {}
    current = None
    for i, item in enumerate(stream):
        if isinstance(item, pydyf.Dictionary) and "MCID" in item and stream[i + 1] == b"BDC":
            current = shown.setdefault(item["MCID"], [])
        elif item == b"EMC":
            current = None
        elif current is not None and isinstance(item, bytes) and item.endswith(b"TJ"):
            current.append(item)
    return {mcid: tuple(ops) for mcid, ops in shown.items()}


def _to_artifact(stream: list, mcids: set[int], kind: str) -> None:
    for i, item in enumerate(stream):
        if isinstance(item, pydyf.Dictionary) and item.get("MCID") in mcids and stream[i + 1] == b"BDC":
            stream[i - 1] = "/Artifact"
            stream[i] = pydyf.Dictionary({"Type": kind})


def mark_leader_artifacts(document, pdf: pydyf.PDF) -> int:
    """The dots of each CSS ``leader()`` become ``/Artifact <</Type /Layout>>``: their /Span
    elements and the element holding them leave the tree, their parent-tree entries are emptied.
    A leader is a layout box (``box.is_leader``) whose text boxes are its dots; in the tree, its
    element holds one /Span a dot, each showing the same glyphs. An element is taken for a leader
    only when its page has a leader box of that many dots. Returns the number of leaders."""
    tree = structure_elements(pdf)
    page_of = {ref: i for i, ref in enumerate(pdf.page_references)}
    dots = [[len(b.children) for b in _boxes(page._page_box) if getattr(b, "is_leader", False)]
            for page in document.pages]
    if not any(dots):
        return 0
    root = resolve(pdf, pdf.catalog["StructTreeRoot"])
    nums = resolve(pdf, root["ParentTree"])["Nums"]
    page_refs = {key: refs for key, refs in zip(nums[::2], nums[1::2]) if isinstance(refs, pydyf.Array)}
    streams = [resolve(pdf, pdf.objects[n]["Contents"]).stream for n in _page_numbers(pdf)]
    shown: dict[int, dict] = {}
    count = 0
    for element in list(tree.values()):
        kids = element["K"]
        if element["S"] != "/NonStruct" or len(kids) < 2 or not all(isinstance(k, bytes) for k in kids):
            continue
        spans = [resolve(pdf, k) for k in kids]
        if not all(s.get("S") == "/Span" and len(s["K"]) == 1 and isinstance(s["K"][0], int) for s in spans):
            continue
        page = page_of[element["Pg"]]
        if len(spans) not in dots[page]:
            continue
        if page not in shown:
            shown[page] = _shown_text(streams[page])
        mcids = {s["K"][0] for s in spans}
        if len({shown[page].get(m) for m in mcids}) != 1:
            continue
        dots[page].remove(len(spans))
        _to_artifact(streams[page], mcids, "/Layout")
        for m in mcids:
            page_refs[page][m] = "null"
        parent = resolve(pdf, element["P"])["K"]
        parent[:] = [k for k in parent if k != element.reference]
        count += 1
    return count


def drop_empty_elements(pdf: pydyf.PDF) -> int:
    """Take out of the tree the /Span and /NonStruct elements with no content, no children and no
    alternative (an inline box without text); then their parents if that leaves them empty."""
    removed = 0
    changed = True
    while changed:
        changed = False
        for element in structure_elements(pdf).values():
            if element["S"] in ("/Span", "/NonStruct") and not element["K"] \
                    and "Alt" not in element and "ActualText" not in element:
                kids = resolve(pdf, element["P"])["K"]
                kids[:] = [k for k in kids if k != element.reference]
                removed += 1
                changed = True
    return removed


def print_link_annotations(pdf: pydyf.PDF) -> int:
    """Give link annotations the Print flag (/F 4), as ISO 14289-1 7.18.1 asks of annotations."""
    count = 0
    for number in _page_numbers(pdf):
        for ref in pdf.objects[number].get("Annots", ()):
            annotation = resolve(pdf, ref)
            if annotation.get("Subtype") == "/Link" and "F" not in annotation:
                annotation["F"] = 4
                count += 1
    return count


def figure_boxes_in_user_space(document, pdf: pydyf.PDF) -> int:
    """WeasyPrint writes a /Figure's /BBox as its box in CSS pixels from the page's top left; PDF
    wants it in user space (points, from the bottom left), as drawn: x·s, (h − y)·s with s the
    scale of the page (points per CSS pixel) and h its height in CSS pixels."""
    pages = {ref: i for i, ref in enumerate(pdf.page_references)}
    count = 0
    for element in structure_elements(pdf).values():
        layout = element.get("A")
        if element["S"] != "/Figure" or not isinstance(layout, dict) or "BBox" not in layout:
            continue
        i = pages[element["Pg"]]
        page = document.pages[i]
        media = pdf.objects[_page_numbers(pdf)[i]]["MediaBox"]
        scale = (media[2] - media[0]) / (page.width + page.bleed["left"] + page.bleed["right"])
        x1, y1, x2, y2 = layout["BBox"]
        layout["BBox"] = pydyf.Array([x1 * scale, (page.height - y2) * scale,
                                      x2 * scale, (page.height - y1) * scale])
        count += 1
    return count
