"""Opening and streaming a LHÉO document (plain, gzip or zip), one formation at a time, for
:mod:`sources.training_offer`."""
from __future__ import annotations

import gzip
import xml.etree.ElementTree as ET
import zipfile
import zlib
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Iterator

from ..common import SourceError
from ._elements import _DESCEND
from ._xml import _Document, _local
from ._rows import _formation_rows


_CHUNK = 1 << 20


# ---------------------------------------------------------------------------------------------
# Opening: plain, gzip or zip; an HTML error page or an empty file is refused.

@contextmanager
def _raw(path: Path, member: str | None = None) -> Iterator[IO[bytes]]:
    if member is not None:
        with zipfile.ZipFile(path) as z, z.open(member) as f:
            yield f
        return
    with open(path, "rb") as f:
        magic = f.read(2)
    if magic == b"\x1f\x8b":
        with gzip.open(path, "rb") as f:
            yield f
    else:
        with open(path, "rb") as f:
            yield f


def _members(path: Path) -> list[str | None]:
    """The XML documents of a file: itself, or each ``.xml`` member of a zip archive."""
    with open(path, "rb") as f:
        magic = f.read(4)
    if magic != b"PK\x03\x04":
        return [None]
    try:
        with zipfile.ZipFile(path) as z:
            names = sorted(n for n in z.namelist() if n.lower().endswith(".xml") and not n.endswith("/"))
    except zipfile.BadZipFile as exc:
        raise SourceError(path, f"archive zip illisible ({exc})") from None
    if not names:
        raise SourceError(path, "archive zip sans fichier .xml")
    return names


def _check_head(path: Path, where: str, head: bytes) -> None:
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if not start:
        raise SourceError(path, f"{where}fichier vide")
    if start.startswith((b"<!doctype html", b"<html")):
        raise SourceError(path, f"{where}le fichier est une page HTML (page d'erreur enregistrée à la place des données ?)")


class _Walk:
    """The state of a parse between its events: the depth, the element path below ``<offres>`` of
    each open element ("" above it, None below another child of the root or an element not read),
    the ``<offres>`` element, the line of each open formation and action."""

    def __init__(self, path: Path, where: str, doc: _Document, rows: bool) -> None:
        self.path, self.where, self.doc, self.rows = path, where, doc, rows
        self.lines: dict[int, int] = {}
        self.depth = 0
        self.stack: list[str | None] = [""]
        self.offres: ET.Element | None = None

    def start(self, elem: ET.Element, lineno: int) -> None:
        name = _local(elem.tag)
        self.depth += 1
        parent = self.stack[-1]
        if self.depth == 1:
            _root(self.path, self.where, elem, self.doc)
            self.stack.append("")
            return
        if self.depth == 2:
            self.offres = elem if name == "offres" else None
            if self.offres is None:
                self.doc.paths[f"lheo/{name}"] = None
            self.stack.append("")
            return
        here = None if parent is None or (self.depth == 3 and self.offres is None) else \
            (f"{parent}/{name}" if parent else name)
        if here is not None and (self.depth == 3 or parent in _DESCEND):
            self.doc.paths[here] = None
        self.stack.append(here)
        if name == "formation" or name == "action":
            self.lines[id(elem)] = lineno

    def end(self, elem: ET.Element) -> None:
        self.depth -= 1
        self.stack.pop()
        if self.depth == 2 and _local(elem.tag) == "formation" and self.offres is not None:
            if self.rows:
                self.doc.rows.extend(_formation_rows(self.path, self.where, elem, self.lines, self.doc))
            self.doc.formations += 1
            for sub in elem.iter():
                self.lines.pop(id(sub), None)
            self.offres.remove(elem)        # streaming: the tree never holds more than one formation


def _parse(path: Path, member: str | None, doc: _Document, rows: bool = True) -> None:
    """Parse one document into ``doc`` (its rows unless ``rows`` is False: the element paths only)."""
    where = f"{member} : " if member else ""
    parser = ET.XMLPullParser(events=("start", "end"))
    walk = _Walk(path, where, doc, rows)
    lineno = 1
    with _raw(path, member) as stream:
        head = True
        while True:
            try:
                chunk = stream.readline(_CHUNK)
                probe = chunk + stream.peek(2048)[:2048] if head and len(chunk) < 2048 else chunk
            except (OSError, EOFError, zlib.error, zipfile.BadZipFile) as exc:   # corrupt or truncated gzip/zip
                raise SourceError(path, f"{where}archive illisible ou tronquée ({exc})", line=lineno) from None
            if head:
                _check_head(path, where, probe)
                head = False
            if not chunk:
                break
            try:
                parser.feed(chunk)
                events = list(parser.read_events())    # a parse error surfaces here (XMLPullParser)
            except ET.ParseError as exc:
                raise _parse_error(path, where, exc) from None
            for event, elem in events:
                if event == "start":
                    walk.start(elem, lineno)
                else:
                    walk.end(elem)
            if chunk.endswith(b"\n"):
                lineno += 1
        try:
            parser.close()
            list(parser.read_events())
        except ET.ParseError as exc:
            raise _parse_error(path, where, exc) from None
    if doc.formations == 0:
        raise SourceError(path, f"{where}aucune formation (élément <formation> sous <offres>) dans le fichier")


def _parse_error(path: Path, where: str, exc: ET.ParseError) -> SourceError:
    line, column = getattr(exc, "position", (None, None))
    message = str(exc).split(":")[0]
    return SourceError(path, f"{where}XML mal formé ({message}, colonne {column + 1 if column is not None else '?'})",
                       line=line)


def _root(path: Path, where: str, elem: ET.Element, doc: _Document) -> None:
    if _local(elem.tag) != "lheo":
        raise SourceError(path, f"{where}élément racine <{_local(elem.tag)}> au lieu de <lheo> : ce n'est pas un "
                                f"fichier LHÉO", line=1)
    doc.namespace = elem.tag[1:].partition("}")[0] if elem.tag.startswith("{") else ""
    for attr in ("horodatage-export", "datemaj", "horodatage-modification", "datecrea", "horodatage-creation"):
        if elem.get(attr):
            doc.stamp = elem.get(attr)
            break
