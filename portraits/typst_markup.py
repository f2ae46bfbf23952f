"""The HTML a PDF is made from, written as Typst markup (for :mod:`portraits.typst_pdf`): a small
tree of the page (:func:`parse`), then one call of the print style's functions
(``templates/print.typ``) per element (:class:`Writer`), the text escaped as it is.

Only the HTML the templates write is known here: block elements (sections, headings, paragraphs
by class, lists, tables, figures, the key-figure tiles, the contents) and inline ones (strong,
em, a, br, span). An element of another kind is laid out as its content, never dropped; what the
print style hides (``.screen-only``, ``details``, the page footer) is left out as in print.
"""
from __future__ import annotations

import re
import struct
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

PREAMBLE = Path(__file__).resolve().parent.parent / "templates" / "print.typ"
VOID = {"br", "img", "meta", "link", "hr", "input", "wbr", "col", "source"}
HIDDEN_CLASSES = {"screen-only", "page-footer"}
HIDDEN_TAGS = {"head", "script", "style", "details", "template", "noscript", "select", "button"}
TEXT_WIDTH_PT = (210 - 30) / 25.4 * 72           # A4 less the 15 mm side margins
CM = 72 / 2.54
# The networks' colours of the directory's marks (style.css .net-*, report.NETWORK_COLOURS).
NETWORK_MARKS = {"net-cio": "#0072B2", "net-france_travail": "#D55E00", "net-mission_locale": "#009E73",
                 "net-cap_emploi": "#CC79A7", "net-information_jeunesse": "#E69F00", "net-suio": "#56B4E9",
                 "net-apec": "#000000"}
TENSION_FILLS = {"tension-1": "#e8f1fb", "tension-2": "#f3f6f1", "tension-3": "#fdf6dc",
                 "tension-4": "#fde3cc", "tension-5": "#f9cfc4"}


# ----- HTML to a small tree -------------------------------------------------------------------

@dataclass
class Node:
    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list = field(default_factory=list)      # Node or str

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def find_all(self, tag: str):
        for c in self.children:
            if isinstance(c, Node):
                if c.tag == tag:
                    yield c
                yield from c.find_all(tag)

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#document")
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {k: (v or "") for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag, attrs):
        self.stack[-1].children.append(Node(tag, {k: (v or "") for k, v in attrs}))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, 0, -1):        # close up to the matching element
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def parse(html_text: str) -> Node:
    builder = _TreeBuilder()
    builder.feed(html_text)
    builder.close()
    return builder.root


# ----- Typst markup ---------------------------------------------------------------------------

_SPECIAL = re.compile(r"([\\#*_`$<>@\[\]~/=\-+.:'\"{}|^&;])")
_SPACE = re.compile(r"\s+")


def escape(text: str) -> str:
    """Text as Typst markup shows it as is: every character with a meaning is escaped."""
    return _SPECIAL.sub(r"\\\1", text)


def string(text: str) -> str:
    """A Typst string literal."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def label(identifier: str) -> str:
    return "<" + re.sub(r"[^A-Za-z0-9_\-.:]", "-", identifier) + ">"


def _image_size(path: Path) -> tuple[float, float] | None:
    """Natural width and height in points: an SVG's width/height (pt, px or unitless), a PNG's
    pixels at its pHYs density (72 dpi when it has none); None when unknown."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        w, h = struct.unpack(">II", data[16:24])
        dpi = 72.0
        at = data.find(b"pHYs")
        if at > 0:
            ppx, _, unit = struct.unpack(">IIB", data[at + 4:at + 13])
            if unit == 1 and ppx:
                dpi = ppx * 0.0254
        return w * 72 / dpi, h * 72 / dpi
    head = data[:2000].decode("utf-8", "replace")
    m = re.search(r"<svg[^>]*?\swidth=\"([\d.]+)(pt|px)?\"[^>]*?\sheight=\"([\d.]+)(pt|px)?\"", head, re.S)
    if not m:
        return None
    scale = 0.75 if m.group(2) == "px" or m.group(2) is None else 1.0
    return float(m.group(1)) * scale, float(m.group(3)) * scale


class Writer:
    """One page's HTML as Typst markup (:meth:`document`); ``row_header_tables``: for each table
    in document order, for each of its body rows, the places of its row headers (for :func:`finish`)."""

    def __init__(self, root: Node, base_dir: Path):
        self.root = root
        self.base_dir = base_dir
        # The targets a link or the contents may point to: the headings with an id (a label each).
        self.ids = {n.attrs["id"] for n in self._all(root) if "id" in n.attrs and n.tag in ("h1", "h2", "h3", "h4")}
        self.row_header_tables: list[list[list[int]]] = []
        body = next(root.find_all("body"), root)
        self.synthesis = "synthesis" in body.classes

    def _all(self, node):
        for c in node.children:
            if isinstance(c, Node):
                yield c
                yield from self._all(c)

    # -- the document --
    def document(self, title: str) -> str:
        html = next(self.root.find_all("html"), Node("html"))
        lang = html.attrs.get("lang", "fr")[:2] or "fr"
        h1 = next(self.root.find_all("h1"), None)
        name = _SPACE.sub(" ", h1.text()).strip() if h1 else ""
        if self.synthesis:
            head, foot = f"Synthèse du territoire — {name}", "Synthèse — Portraits de territoire"
        else:
            head, foot = f"Portrait de territoire — {name}", "Portraits de territoire"
        body = next(self.root.find_all("body"), self.root)
        # The document's title, as WeasyPrint took it: the page's <title>, else the caller's, else
        # its heading (PDF/UA: a document has a title); its description: the page's.
        page_title = next(self.root.find_all("title"), None)
        title = (_SPACE.sub(" ", page_title.text()).strip() if page_title else "") or title.strip() \
            or name or "Portrait de territoire"
        description = next((m.attrs.get("content", "") for m in self.root.find_all("meta")
                            if m.attrs.get("name") == "description"), "")
        return (PREAMBLE.read_text(encoding="utf-8")
                + f"\n#show: page-setup.with(title: {string(title)}, description: {string(description)}, "
                  f"head: {string(head)}, "
                  f"foot: {string(foot)}, lang: {string(lang)})\n\n"
                + self.blocks(body.children))

    # -- blocks --
    def blocks(self, children) -> str:
        out, run = [], []

        def flush():
            text = self.inline_list(run).strip()
            if text:
                out.append(text + "\n\n")
            run.clear()

        for c in children:
            if isinstance(c, Node) and self._is_block(c):
                flush()
                out.append(self.block(c))
            else:
                run.append(c)
        flush()
        return "".join(out)

    BLOCK_TAGS = {"section", "main", "div", "nav", "p", "h1", "h2", "h3", "h4", "ul", "ol", "table", "figure",
                  "header", "footer", "article", "aside", "dl", "blockquote", "details", "form", "body"}

    def _is_block(self, node: Node) -> bool:
        return node.tag in self.BLOCK_TAGS

    def hidden(self, node: Node) -> bool:
        return node.tag in HIDDEN_TAGS or bool(node.classes & HIDDEN_CLASSES) or "hidden" in node.attrs

    def block(self, node: Node) -> str:
        if self.hidden(node):
            return ""
        tag, cls = node.tag, node.classes
        if tag in ("h1", "h2", "h3", "h4"):
            level = int(tag[1])
            lab = f" {label(node.attrs['id'])}" if "id" in node.attrs else ""
            return f"#heading(level: {level})[{self.inline(node)}]{lab}\n\n"       # and a bookmark
        if tag == "p":
            return self.paragraph(node)
        if tag in ("ul", "ol"):
            return self.listing(node)
        if tag == "table":
            return self.table(node)
        if tag == "figure":
            return self.figure(node)
        if tag == "nav" and "toc" in cls:
            return self.contents(node)
        if "tiles" in cls:
            return self.tiles(node)
        if tag == "dl":
            return self.definitions(node)
        inner = self.blocks(node.children)
        if tag == "section" and "summary" in cls:
            return f"#summary[\n{inner}]\n\n"
        if tag == "section" and ("changes" in cls or "synthesis-changes" in cls):
            return f"#framed[\n{inner}]\n\n"
        if tag == "section" and "cover" in cls:
            return inner + "#pagebreak(weak: true)\n\n"
        return inner

    def paragraph(self, node: Node) -> str:
        cls = node.classes
        text = self.inline(node).strip()
        if not text:
            return ""
        for name, fn in (("kicker", "kicker"), ("subtitle", "subtitle"), ("demo-banner", "banner"),
                         ("perimeter", "boxed"), ("missing", "missing"), ("note", "note"),
                         ("source", "source"), ("unemployment-zones", "note")):
            if name in cls:
                return f"#{fn}[{text}]\n\n"
        return text + "\n\n"

    def listing(self, node: Node) -> str:
        items = []
        for li in node.children:
            if isinstance(li, Node) and li.tag == "li" and not self.hidden(li):
                items.append("[" + self.item(li) + "]")
        if not items:
            return ""
        fn = "enum" if node.tag == "ol" else "list"
        return f"#{fn}({', '.join(items)})\n\n"

    def item(self, li: Node) -> str:
        if any(isinstance(c, Node) and self._is_block(c) for c in li.children):
            return self.blocks(li.children).strip()
        return self.inline(li).strip()

    def definitions(self, node: Node) -> str:
        out = []
        for c in node.children:
            if isinstance(c, Node) and c.tag == "dt":
                out.append(f"#strong[{self.inline(c).strip()}]\n\n")
            elif isinstance(c, Node) and c.tag == "dd":
                out.append(f"#note[{self.inline(c).strip()}]\n\n")
        return "".join(out)

    def contents(self, nav: Node) -> str:
        """The contents: its heading, then one entry a line with the page of its target."""
        out = []
        for c in nav.children:
            if isinstance(c, Node) and c.tag in ("h2", "h3"):
                out.append(self.block(c))
        for ol in nav.find_all("ol"):
            entries = []
            for li in ol.children:
                if not (isinstance(li, Node) and li.tag == "li"):
                    continue
                target = li.attrs.get("data-target", "").lstrip("#")
                text = escape(_SPACE.sub(" ", li.text()).strip())
                if target in self.ids:
                    entries.append(f"[#toc-entry({label(target)}, [{text}])]")
                else:
                    entries.append(f"[{text}]")
            out.append(f"#enum({', '.join(entries)})\n\n")
        return "".join(out)

    def tiles(self, node: Node) -> str:
        items = []
        for tile in node.children:
            if not (isinstance(tile, Node) and "tile" in tile.classes):
                continue
            kind = "better" if "tile-better" in tile.classes else "worse" if "tile-worse" in tile.classes else "neutral"
            parts = []
            for p in tile.children:
                if not isinstance(p, Node):
                    continue
                text = self.inline(p).strip()
                if not text:
                    continue
                if "tile-missing" in p.classes:
                    parts.append(f"#tile-missing[{text}]")
                elif "tile-value" in p.classes:
                    parts.append(f"#tile-value[{text}]")
                elif "tile-label" in p.classes:
                    parts.append(f"#tile-label[{text}]")
                elif "tile-verdict" in p.classes:
                    parts.append(f"#tile-verdict({string(kind)})[{text}]")
                elif "tile-bench" in p.classes:
                    parts.append(f"#small[{text}]")
                else:
                    parts.append(text)
            items.append(f"tile({string(kind)})[\n" + "\n\n".join(parts) + "\n]")
        return "#tiles(\n  " + ",\n  ".join(items) + ")\n\n"

    def figure(self, node: Node) -> str:
        img = next(node.find_all("img"), None)
        caption = next((c for c in node.children if isinstance(c, Node) and c.tag == "figcaption"), None)
        if img is None:
            return self.blocks(node.children)
        src = img.attrs.get("src", "")
        width = self._image_width(node, src)
        body = f"image({string(src)}, width: {width:.1f}pt, alt: {string(_SPACE.sub(' ', img.attrs.get('alt', '')).strip())})"
        cap = f", caption: [{self.inline(caption).strip()}]" if caption is not None else ""
        return f"#figure({body}{cap})\n\n"

    def _image_width(self, figure: Node, src: str) -> float:
        """The printed width, by the print style's rules: natural size, within the text width;
        a map 15 cm (the cover's 10.5 cm, a commune map 10 cm); a synthesis chart within
        15 × 5.8 cm (the needs chart 7 cm high)."""
        size = _image_size(self.base_dir / src)
        natural_w, natural_h = size if size else (TEXT_WIDTH_PT, TEXT_WIDTH_PT * 0.6)
        cls = figure.classes
        if "commune-map" in cls:
            return 10 * CM
        if "map" in cls:
            return (10.5 if self._in_cover(figure) else 15) * CM
        width = min(natural_w, TEXT_WIDTH_PT)
        if self.synthesis and "chart" in cls:
            max_h = (7 if "chart-offer-needs" in cls else 5.8) * CM
            width = min(width, 15 * CM, natural_w * max_h / natural_h)
        return width

    def _in_cover(self, target: Node) -> bool:
        for section in self.root.find_all("section"):
            if "cover" in section.classes and any(n is target for n in self._all(section)):
                return True
        return False

    # -- tables --
    def table(self, node: Node) -> str:
        cls = node.classes
        caption = next((c for c in node.children if isinstance(c, Node) and c.tag == "caption"), None)
        head_rows, body_rows = [], []
        for part in node.children:
            if not isinstance(part, Node):
                continue
            if part.tag == "thead":
                head_rows += [r for r in part.children if isinstance(r, Node) and r.tag == "tr"]
            elif part.tag in ("tbody", "tfoot"):
                body_rows += [r for r in part.children if isinstance(r, Node) and r.tag == "tr"]
            elif part.tag == "tr":
                body_rows.append(part)
        ncols = max((sum(int(c.attrs.get("colspan", "1") or 1) for c in r.children
                         if isinstance(c, Node) and c.tag in ("th", "td")) for r in head_rows + body_rows), default=1)
        # The row headers: the <th> of each body row, by their place in the row. A single body row
        # under column headers keeps data cells only (a row header would make more header cells
        # than data cells), as pdf_tags does for WeasyPrint.
        headers = [[i for i, c in enumerate(x for x in r.children if isinstance(x, Node) and x.tag in ("th", "td"))
                    if c.tag == "th"] for r in body_rows]
        self.row_header_tables.append(headers if len(body_rows) > 1 or not head_rows else [[] for _ in body_rows])
        first = self._first_width(cls)
        columns = "(" + ", ".join([f"{first}%"] + ["1fr"] * (ncols - 1)) + ("," if ncols == 1 else "") + ")"
        if ncols == 1:
            columns = "(100%,)"
        cells = []
        if head_rows:
            head = []
            for r in head_rows:
                head += [self.cell(c, cls, header=True, row=r) for c in r.children
                         if isinstance(c, Node) and c.tag in ("th", "td")]
            cells.append("table.header(" + ", ".join(head) + ")")
        for r in body_rows:
            cells += [self.cell(c, cls, header=False, row=r) for c in r.children
                      if isinstance(c, Node) and c.tag in ("th", "td")]
        size = "0.85em" if "directory" not in cls else "0.75em"
        table = f"table(columns: {columns}, " + ", ".join(cells) + ")"
        cap = f", caption: [{self.inline(caption).strip()}]" if caption is not None else ""
        breakable = "true" if ("directory" in cls or len(body_rows) > 22) else "false"
        return (f"#block(breakable: {breakable}, width: 100%)[#set text(size: {size})\n"
                f"#figure(kind: table, {table}{cap})]\n\n")

    def _first_width(self, cls: set[str]) -> int:
        if "addresses" in cls:
            return 16
        if self.synthesis:
            if "synthesis-figures" in cls:
                return 38
            if "synthesis-metiers-table" in cls:
                return 32
            if "synthesis-places" in cls:
                return 30
        return 34

    def cell(self, c: Node, table_cls: set[str], header: bool, row: Node) -> str:
        text = self.inline(c).strip()
        args = []
        colspan, rowspan = c.attrs.get("colspan"), c.attrs.get("rowspan")
        if colspan and colspan != "1":
            args.append(f"colspan: {int(colspan)}")
        if rowspan and rowspan != "1":
            args.append(f"rowspan: {int(rowspan)}")
        align = self._align(c, table_cls, header, row)
        if align != "left":
            args.append(f"align: {align}")
        fill = next((TENSION_FILLS[k] for k in c.classes if k in TENSION_FILLS), None)
        if header:
            fill = "#eef3f9"
        if fill:
            args.append(f'fill: rgb("{fill}")')
        if header or c.tag == "th":
            text = f"#strong[{text}]" if text else ""
            if header and "metiers-factors" in table_cls:
                text = f"#text(size: 0.9em)[{text}]"
        last = c is [x for x in row.children if isinstance(x, Node)][-1]
        if not header and last and ("cmp-better" in row.classes or "cmp-worse" in row.classes):
            colour = "good" if "cmp-better" in row.classes else "bad"
            text = f"#text(fill: {colour}, weight: \"bold\")[{text}]"
        if args:
            return f"table.cell({', '.join(args)})[{text}]"
        return f"[{text}]"

    def _align(self, c: Node, table_cls: set[str], header: bool, row: Node) -> str:
        if header or c.tag == "th":
            return "left"
        if "metiers-factors" in table_cls:
            return "center"
        if "tension" in c.classes or "directory" in table_cls or "method-facts" in table_cls \
                or "indicators" in table_cls:
            return "left"
        if self.synthesis and ({"synthesis-figures", "synthesis-metiers-table"} & table_cls):
            return "left"
        if "farthest" in table_cls and c is [x for x in row.children if isinstance(x, Node)][-1]:
            return "left"
        if {"compact", "territory-list"} & table_cls:
            return "right"
        return "left"

    # -- inline --
    def inline(self, node: Node) -> str:
        return self.inline_list(node.children)

    def inline_list(self, children) -> str:
        out = []
        for c in children:
            if isinstance(c, str):
                out.append(escape(_SPACE.sub(" ", c)))
                continue
            if self.hidden(c):
                continue
            tag = c.tag
            if tag == "br":
                out.append("#linebreak()")
            elif tag == "img":
                out.append(f"#box(image({string(c.attrs.get('src', ''))}, height: 1em, "
                           f"alt: {string(c.attrs.get('alt', ''))}))")
            elif tag in ("strong", "b"):
                inner = self.inline(c)
                out.append(f"#strong[{inner}]" if inner.strip() else inner)
            elif tag in ("em", "i"):
                inner = self.inline(c)
                out.append(f"#emph[{inner}]" if inner.strip() else inner)
            elif tag == "a":
                out.append(self.link(c))
            elif tag == "span" and c.classes & set(NETWORK_MARKS):
                colour = NETWORK_MARKS[next(iter(c.classes & set(NETWORK_MARKS)))]
                out.append(f'#mark(rgb("{colour}"))~' + self.inline(c))
            elif tag == "span" and "basis" in c.classes:
                out.append(f"#small[{self.inline(c)}]")
            elif tag in ("p", "div") or self._is_block(c):
                out.append(" " + self.inline(c) + " ")
            else:
                out.append(self.inline(c))
        return "".join(out)

    def link(self, a: Node) -> str:
        inner = self.inline(a)
        href = a.attrs.get("href", "")
        if not inner.strip():
            return inner
        if href.startswith("#"):
            target = href[1:]
            return f"#link({label(target)})[{inner}]" if target in self.ids else inner
        if not href:
            return inner
        return f"#link({string(href)})[{inner}]"
