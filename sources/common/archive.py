"""Opening an official file: plain text, or the data member of an official zip (the census and
mobility downloads), with the checks every reader makes first (empty file, HTML error page saved
in place of the data, binary content)."""
from __future__ import annotations

import fnmatch
import zipfile
from contextlib import contextmanager
from pathlib import Path

from .errors import SourceError
from .text import check_not_binary


def check_head(path: Path, head: bytes, complete: bool = True) -> None:
    """An empty file (``complete``: ``head`` is the whole file) or an HTML page saved instead of
    the data is an error naming the file."""
    if complete and not head.strip():
        raise SourceError(path, "fichier vide")
    if head[:2048].lstrip().lower().startswith((b"<!doctype html", b"<html")):
        raise SourceError(path, "le fichier est une page HTML (page d'erreur enregistrée à la place des données ?)")
    if not head.startswith(b"PK"):      # a zip is binary; its data member is checked when opened
        check_not_binary(path, head)


def decode(path: Path, raw: bytes) -> str:
    """Text of a whole file: UTF-8 (with or without BOM), else Windows-1252."""
    check_head(path, raw)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


@contextmanager
def open_binary(path: Path, members: tuple[str, ...]):
    """Binary stream of ``path``, or of its data member when it is a zip (``members``: lower-case
    fnmatch patterns of the member's base name, ``meta…`` members excluded); yields (stream,
    member name or None). An empty file, an HTML page, a zip without (or with several) data
    members are errors naming the file given."""
    path = Path(path)
    with open(path, "rb") as fb:
        head = fb.read(65536)
        check_head(path, head, complete=len(head) < 65536)
        if path.suffix.lower() != ".zip":
            fb.seek(0)
            yield fb, None
            return
        if not head.startswith(b"PK"):
            raise SourceError(path, "ce fichier .zip n'est pas une archive zip")
        try:
            zf = zipfile.ZipFile(fb)
        except zipfile.BadZipFile as exc:
            raise SourceError(path, f"archive zip illisible ({exc})") from None
        with zf:
            names = [n for n in zf.namelist() if not n.endswith("/")]
            found = [n for n in names
                     if any(fnmatch.fnmatch(Path(n).name.lower(), p) for p in members)
                     and not Path(n).name.lower().startswith("meta")]
            if len(found) != 1:
                what = "aucun fichier de données attendu" if not found else "plusieurs fichiers de données"
                raise SourceError(path, f"archive zip : {what} ({', '.join(members)}) ; "
                                        f"membres : {', '.join(names) or 'aucun'}")
            with zf.open(found[0]) as member:
                head = member.read(65536)
            check_head(path, head, complete=len(head) < 65536)
            with zf.open(found[0]) as member:
                yield member, Path(found[0]).name


def source_text(path: Path, members: tuple[str, ...]) -> tuple[str, str | None]:
    """Whole text of ``path`` or of its zip data member (see :func:`open_binary`), for small files."""
    with open_binary(path, members) as (stream, member):
        return decode(path, stream.read()), member
