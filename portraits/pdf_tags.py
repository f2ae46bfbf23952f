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
  Matterhorn 18). ``pagination_artifacts`` finds it, ``mark_artifacts`` marks it /Artifact
  /Pagination instead and takes it out of the parent tree.
- the dots of a CSS ``leader()`` (the table of contents' dotted lines) are text of the tree, one
  /Span a dot, read out one by one: ``leader_artifacts`` makes them /Artifact /Layout.
- link annotations have no flags: not printed (ISO 14289-1 7.18.1, Matterhorn 28);
- an inline element with no text (the network's coloured mark in a table header) is an empty
  /Span;
- a /Figure's /BBox is in CSS pixels from the top of the page, not in PDF user space;
- a table that runs over several pages is one /Table element a page, each with its header row
  (the ``<thead>`` WeasyPrint repeats at the top of every page) tagged as content: the checker then
  sees small tables with more header cells than data cells, and a header line repeated near the
  top of pages. ``merge_split_tables`` makes them one /Table: the rows of the following pages join
  the first page's body, their repeated header rows are /Artifact /Pagination;
- a table of one row (one lycée in the territory): its row header makes more header cells than
  data cells, what checkers take for a table whose header cells are broken up; that header says
  nothing the column header does not (every cell is of that row): ``lone_row_headers`` tags it as
  a data cell of its column;
- the text of a list item whose marker is inside (``list-style-position: inside``, the summary's
  bullets: an outside marker is painted after the page's text) is put in the /LI beside its /Lbl,
  without the /LBody PDF asks for: ``list_bodies`` adds it.

Everything here works on pydyf objects: dictionaries whose values are names ('/TH'), references
(b'12 0 R'), arrays and numbers. The structure tree is walked once, the layout boxes once, and each
page's content stream is rewritten in one pass (about 1 % of a portrait's PDF time: README,
"Performance").
"""
from __future__ import annotations

from collections.abc import Iterator

import pydyf

SCOPES = {"col": "/Column", "colgroup": "/Column", "row": "/Row", "rowgroup": "/Row"}


def finish(document, pdf: pydyf.PDF) -> None:
    """The finisher passed to WeasyPrint's ``write_pdf``: every fix of this module, in order."""
    boxes = [list(_boxes(page._page_box)) for page in document.pages]
    cells = table_cells(boxes)
    scope_header_cells(cells)
    tree = structure_elements(pdf)
    artifacts = pagination_artifacts(pdf, tree)
    tables = table_elements(pdf, cells)
    merge_split_tables(pdf, tree, tables, artifacts)
    lone_row_headers(pdf, [fragments[0][1] for fragments in tables])
    leader_artifacts(pdf, tree, boxes, artifacts)
    mark_artifacts(pdf, artifacts)
    drop_empty_elements(pdf, tree)
    list_bodies(pdf, tree)
    print_link_annotations(pdf)
    figure_boxes_in_user_space(document, pdf, tree)


def resolve(pdf: pydyf.PDF, value):
    """The object a reference (b'12 0 R') points to; any other value as it is."""
    if isinstance(value, bytes) and value.endswith(b" R"):
        return pdf.objects[int(value.split()[0])]
    return value


def _boxes(box) -> Iterator:
    """A page's layout boxes, depth first."""
    stack = [box]
    while stack:
        b = stack.pop()
        yield b
        stack.extend(reversed(getattr(b, "children", ())))


def _page_numbers(pdf: pydyf.PDF) -> list[int]:
    """Object numbers of the pages, in order (the Kids array holds 'n 0 R' as three items)."""
    return [int(n) for n in pdf.pages["Kids"][::3]]


def _parent_tree(pdf: pydyf.PDF) -> dict[int, pydyf.Array]:
    """The parent tree's array of each page (index: MCID; value: the element holding it)."""
    nums = resolve(pdf, resolve(pdf, pdf.catalog["StructTreeRoot"])["ParentTree"])["Nums"]
    return {key: refs for key, refs in zip(nums[::2], nums[1::2]) if isinstance(refs, pydyf.Array)}


def _content(pdf: pydyf.PDF, page: int) -> list:
    """The operations of a page's content stream (names, dictionaries, bytes), in order."""
    return resolve(pdf, pdf.objects[_page_numbers(pdf)[page]]["Contents"]).stream


def table_cells(boxes: list[list]) -> list[tuple[int, object, object]]:
    """The table cells' boxes: (page, box, the HTML ``<table>`` of the nearest table box before it).
    WeasyPrint keeps each table cell's structure element on its box (``box.mark``), the box keeps
    its HTML element. The boxes are in depth-first order: a cell comes after its table's box; in a
    table nested in a cell, the outer table's next cells come after the inner one's (the outer
    table is named by its first cell: ``table_elements``)."""
    cells = []
    for page, page_boxes in enumerate(boxes):
        table = None
        for box in page_boxes:
            if box.element_tag == "table":
                table = box.element
            elif getattr(box, "mark", None) is not None:
                cells.append((page, box, table))
    return cells


def scope_header_cells(cells: list[tuple[int, object, object]]) -> int:
    """Set /A /Scope on the /TH element of every ``<th>`` from its ``scope`` attribute; returns the
    number of cells set. The scope comes from the HTML, not guessed from the cell's place. A
    ``<th>`` without ``scope`` is left as it is (the templates give one to all; the PDF/UA check of
    the tests would find the one missing)."""
    count = 0
    for _, box, _ in cells:
        if box.element is None or box.element_tag != "th":
            continue
        scope = SCOPES.get((box.element.get("scope") or "").lower())
        if scope:
            box.mark["A"]["Scope"] = scope
            count += 1
    return count


def table_elements(pdf: pydyf.PDF, cells: list[tuple[int, object, object]]) -> list[list[tuple[int, pydyf.Dictionary]]]:
    """The /Table elements of each HTML table, [(page, element)] in page order, one list a table:
    WeasyPrint writes one a page the table runs over. A cell's element's row's group's parent is
    the /Table of its page; the first cell seen of a /Table names its HTML table."""
    rows: set[bytes] = set()
    named: set[int] = set()                           # the /Table elements seen
    fragments: dict[int, dict[int, tuple[int, pydyf.Dictionary]]] = {}
    for page, box, table in cells:
        row = box.mark["P"]
        if row in rows:
            continue
        rows.add(row)
        element = resolve(pdf, resolve(pdf, resolve(pdf, row)["P"])["P"])
        if element.get("S") != "/Table" or table is None or element.number in named:
            continue
        named.add(element.number)
        fragments.setdefault(id(table), {})[element.number] = (page, element)
    return [list(f.values()) for f in fragments.values()]


def _descendants(pdf: pydyf.PDF, element: pydyf.Dictionary) -> Iterator[pydyf.Dictionary]:
    """A structure element and the elements under it, depth first."""
    stack = [element]
    while stack:
        e = stack.pop()
        yield e
        kids = (resolve(pdf, k) for k in reversed(e["K"]) if isinstance(k, bytes))
        stack.extend(k for k in kids if k.get("Type") == "/StructElem")       # not an /OBJR


def _detach(pdf: pydyf.PDF, element: pydyf.Dictionary, tree: dict[int, pydyf.Dictionary]) -> None:
    """Take an element (and what is under it) out of the tree, then its ancestors left empty."""
    for e in _descendants(pdf, element):
        tree.pop(e.number, None)
    while True:
        parent = resolve(pdf, element["P"])
        parent["K"][:] = [k for k in parent["K"] if k != element.reference]
        if parent["K"] or parent.get("Type") != "/StructElem" or parent["S"] == "/Document":
            return
        tree.pop(parent.number, None)
        element = parent


def merge_split_tables(pdf: pydyf.PDF, tree: dict[int, pydyf.Dictionary],
                       tables: list[list[tuple[int, pydyf.Dictionary]]], artifacts: dict[int, dict[int, str]]) -> int:
    """One /Table element for each HTML table, whatever the pages it runs over. The rows of the
    following pages' fragments join the first fragment's last body group (/TBody), in page order;
    their repeated header groups (/THead, WeasyPrint's repetition of the ``<thead>`` on each page)
    leave the tree, their marked content becomes ``/Artifact <</Type /Pagination>>`` (added to
    ``artifacts``), and the data cells that named the repeated header cells in /Headers name the
    first page's ones instead (same place in the header). A fragment's ancestors left empty leave
    the tree (the /Sect of a page that held only the table's end). Returns the tables merged."""
    page_of = {ref: i for i, ref in enumerate(pdf.page_references)}
    merged = 0
    for fragments in tables:
        (_, first), rest = fragments[0], fragments[1:]
        if not rest:
            continue
        groups = [resolve(pdf, k) for k in first["K"] if isinstance(k, bytes)]
        head = next((g for g in groups if g["S"] == "/THead"), None)
        body = next((g for g in reversed(groups) if g["S"] == "/TBody"), None)
        head_ids = [e["ID"] for e in _descendants(pdf, head) if "ID" in e] if head is not None else []
        for _, fragment in rest:
            renamed, joined = {}, []
            for group in [resolve(pdf, k) for k in fragment["K"] if isinstance(k, bytes)]:
                if group["S"] == "/THead" and head is not None:
                    repeated = list(_descendants(pdf, group))
                    ids = [e["ID"] for e in repeated if "ID" in e]
                    if len(ids) == len(head_ids):
                        renamed.update({id(a): b for a, b in zip(ids, head_ids)})
                    for e in repeated:
                        for k in e["K"]:
                            if isinstance(k, int):
                                artifacts.setdefault(page_of[e["Pg"]], {})[k] = "/Pagination"
                    for e in repeated:
                        tree.pop(e.number, None)
                    continue
                if group["S"] == "/TBody" and body is not None:
                    moved, target = [resolve(pdf, k) for k in group["K"] if isinstance(k, bytes)], body
                    tree.pop(group.number, None)
                else:
                    moved, target = [group], first
                for element in moved:
                    element["P"] = target.reference
                    target["K"].append(element.reference)
                joined += moved
            rows = [r for e in joined if renamed for r in ([e] if e["S"] == "/TR" else _kids(pdf, e, "/TR"))]
            for cell in (c for r in rows for c in _kids(pdf, r, "/TD")):
                if "Headers" in cell["A"]:
                    cell["A"]["Headers"][:] = [renamed.get(id(h), h) for h in cell["A"]["Headers"]]
            fragment["K"][:] = []
            _detach(pdf, fragment, tree)
        merged += 1
    return merged


def _kids(pdf: pydyf.PDF, element: pydyf.Dictionary, *types: str) -> list[pydyf.Dictionary]:
    """The child elements of a structure element, of the given types (/S) if any."""
    kids = [resolve(pdf, k) for k in element["K"] if isinstance(k, bytes)]
    return [k for k in kids if k.get("Type") == "/StructElem" and (not types or k["S"] in types)]


def lone_row_headers(pdf: pydyf.PDF, tables: list[pydyf.Dictionary]) -> int:
    """In a table with a header row and a single body row, the row's header cells (/Scope /Row)
    become data cells (/TD) whose /Headers name their column's header, and the row's other cells
    no longer name them. Returns the cells changed."""
    count = 0
    for table in tables:
        head = [r for g in _kids(pdf, table, "/THead") for r in _kids(pdf, g, "/TR")]
        rows = [r for g in _kids(pdf, table, "/TBody", "/TFoot") for r in _kids(pdf, g, "/TR")]
        rows += _kids(pdf, table, "/TR")
        if len(head) != 1 or len(rows) != 1:
            continue
        columns = []                                  # the header cell's ID above each column
        for cell in _kids(pdf, head[0], "/TH", "/TD"):
            columns += [cell.get("ID")] * int(cell.get("A", {}).get("ColSpan", 1))
        cells, column, lone = _kids(pdf, rows[0], "/TH", "/TD"), 0, []
        for cell in cells:
            span = int(cell["A"].get("ColSpan", 1))
            if cell["S"] == "/TH" and cell["A"].get("Scope") == "/Row":
                cell["S"] = "/TD"
                del cell["A"]["Scope"]
                cell["A"]["Headers"] = pydyf.Array([h for h in columns[column:column + span] if h is not None])
                lone.append(id(cell.pop("ID", None)))
            column += span
        for cell in cells:
            if lone and "Headers" in cell["A"]:
                cell["A"]["Headers"][:] = [h for h in cell["A"]["Headers"] if id(h) not in lone]
        count += len(lone)
    return count


def structure_elements(pdf: pydyf.PDF) -> dict[int, pydyf.Dictionary]:
    """Every structure element in the tree (reachable from /StructTreeRoot), by object number, in
    tree order (depth first)."""
    root = resolve(pdf, pdf.catalog["StructTreeRoot"])
    found: dict[int, pydyf.Dictionary] = {}
    stack = list(reversed(root["K"]))
    while stack:
        obj = resolve(pdf, stack.pop())
        if not isinstance(obj, pydyf.Dictionary) or obj.get("Type") != "/StructElem" or obj.number in found:
            continue
        found[obj.number] = obj
        stack.extend(reversed([k for k in obj["K"] if isinstance(k, bytes)]))
    return found


def pagination_artifacts(pdf: pydyf.PDF, tree: dict[int, pydyf.Dictionary]) -> dict[int, dict[int, str]]:
    """The marked content whose structure element is not in the tree (WeasyPrint tags the @page
    margin boxes' text, then leaves their elements out): {page: {MCID: '/Pagination'}}."""
    found: dict[int, dict[int, str]] = {}
    for page, refs in _parent_tree(pdf).items():
        for mcid, ref in enumerate(refs):
            if resolve(pdf, ref).number not in tree:
                found.setdefault(page, {})[mcid] = "/Pagination"
    return found


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


def leader_artifacts(pdf: pydyf.PDF, tree: dict[int, pydyf.Dictionary], boxes: list[list],
                     artifacts: dict[int, dict[int, str]]) -> int:
    """The dots of each CSS ``leader()`` are to be ``/Artifact <</Type /Layout>>``: added to
    ``artifacts``, their /Span elements and the element holding them taken out of the tree.
    A leader is a layout box (``box.is_leader``) whose text boxes are its dots; in the tree, its
    element holds one /Span a dot, each showing the same glyphs. An element is taken for a leader
    only when its page has a leader box of that many dots. Returns the number of leaders."""
    dots = [[len(b.children) for b in page if getattr(b, "is_leader", False)] for page in boxes]
    if not any(dots):
        return 0
    page_of = {ref: i for i, ref in enumerate(pdf.page_references)}
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
            shown[page] = _shown_text(_content(pdf, page))
        mcids = [s["K"][0] for s in spans]
        if len({shown[page].get(m) for m in mcids}) != 1:
            continue
        dots[page].remove(len(spans))
        artifacts.setdefault(page, {}).update(dict.fromkeys(mcids, "/Layout"))
        parent = resolve(pdf, element["P"])["K"]
        parent[:] = [k for k in parent if k != element.reference]
        for e in (element, *spans):
            tree.pop(e.number, None)
        count += 1
    return count


def mark_artifacts(pdf: pydyf.PDF, artifacts: dict[int, dict[int, str]]) -> int:
    """Rewrite ``/Span <</MCID n>> BDC`` as ``/Artifact <</Type kind>> BDC`` in each page's content
    stream, one pass a page, and empty the parent tree's entry of each MCID. Returns how many."""
    parent_tree = _parent_tree(pdf)
    count = 0
    for page, kinds in artifacts.items():
        stream = _content(pdf, page)
        for i, item in enumerate(stream):
            if isinstance(item, pydyf.Dictionary) and item.get("MCID") in kinds and stream[i + 1] == b"BDC":
                stream[i - 1] = "/Artifact"
                stream[i] = pydyf.Dictionary({"Type": kinds[item["MCID"]]})
                parent_tree[page][item["MCID"]] = "null"
                count += 1
    return count


def drop_empty_elements(pdf: pydyf.PDF, tree: dict[int, pydyf.Dictionary]) -> int:
    """Take out of the tree the /Span and /NonStruct elements with no content, no children and no
    alternative (an inline box without text); then their parents if that leaves them empty."""
    removed = 0
    for element in list(tree.values()):
        while (element.number in tree and element["S"] in ("/Span", "/NonStruct") and not element["K"]
               and "Alt" not in element and "ActualText" not in element):
            parent = resolve(pdf, element["P"])
            parent["K"][:] = [k for k in parent["K"] if k != element.reference]
            tree.pop(element.number, None)
            removed += 1
            if parent.get("Type") != "/StructElem":
                break
            element = parent
    return removed


def list_bodies(pdf: pydyf.PDF, tree: dict[int, pydyf.Dictionary]) -> int:
    """Give each /LI that has none an /LBody holding what is not its /Lbl; returns how many."""
    count = 0
    for element in list(tree.values()):
        if element["S"] != "/LI":
            continue
        kids = [resolve(pdf, k) if isinstance(k, bytes) else k for k in element["K"]]
        if any(isinstance(k, pydyf.Dictionary) and k.get("S") == "/LBody" for k in kids):
            continue
        labels = [k for k in kids if isinstance(k, pydyf.Dictionary) and k.get("S") == "/Lbl"]
        content = [k for k in kids if not any(k is label for label in labels)]
        if not content or any(not isinstance(k, pydyf.Dictionary) for k in content):
            continue                             # marked content right in the /LI: not WeasyPrint's
        body = pydyf.Dictionary({"Type": "/StructElem", "S": "/LBody", "K": pydyf.Array(), "Pg": element["Pg"],
                                 "P": element.reference})
        pdf.add_object(body)
        for k in content:
            k["P"] = body.reference
            body["K"].append(k.reference)
        element["K"][:] = [label.reference for label in labels] + [body.reference]
        tree[body.number] = body
        count += 1
    return count


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


def figure_boxes_in_user_space(document, pdf: pydyf.PDF, tree: dict[int, pydyf.Dictionary]) -> int:
    """WeasyPrint writes a /Figure's /BBox as its box in CSS pixels from the page's top left; PDF
    wants it in user space (points, from the bottom left), as drawn: x·s, (h − y)·s with s the
    scale of the page (points per CSS pixel) and h its height in CSS pixels."""
    page_of = {ref: i for i, ref in enumerate(pdf.page_references)}
    numbers = _page_numbers(pdf)
    count = 0
    for element in tree.values():
        layout = element.get("A")
        if element["S"] != "/Figure" or not isinstance(layout, dict) or "BBox" not in layout:
            continue
        i = page_of[element["Pg"]]
        page = document.pages[i]
        media = pdf.objects[numbers[i]]["MediaBox"]
        scale = (media[2] - media[0]) / (page.width + page.bleed["left"] + page.bleed["right"])
        x1, y1, x2, y2 = layout["BBox"]
        layout["BBox"] = pydyf.Array([x1 * scale, (page.height - y2) * scale,
                                      x2 * scale, (page.height - y1) * scale])
        count += 1
    return count
