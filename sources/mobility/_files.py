"""The files of the mobility flows and their zip members: which are data, their layout (detail file
or base flux, kind of flow), checked on their header."""
from __future__ import annotations

import csv
import os
import re
import shutil
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ..common import check_needs, csv_header, header_of, normalise_name, sniff_separator, SourceError, check_head
from ._source import KIND_STUDY, KIND_WORK, LAYOUT_NEEDS, SOURCE


# Data members of the official zips (lower case); the Varmod_/meta dictionaries are not data. The
# 2018 archive base-csv-flux-mobilite-domicile-lieu-travail-2018.zip holds
# base-flux-mobilite-domicile-lieu-travail-2018.csv (mobility-team/mobility); a "base-csv-flux-…"
# member name is accepted too, in case a vintage names its member like its archive.
_MEMBER = re.compile(r"(base-(?:csv-)?flux-mobilite-domicile-lieu-(?:travail|etude)-\d{4}|fd_mob(?:pro|sco)_\d{4})\.csv")
_FLOW_COLUMN = re.compile(r"nbflux_c(\d{2})_(actocc15p|scol02p)")
_YEAR_IN_NAME = re.compile(r"(?<!\d)(\d{4})(?!\d)")
# Destination column of each layout → kind.
_DESTINATIONS = {"dclt": KIND_WORK, "dcetu": KIND_STUDY, "dcetuf": KIND_STUDY}
_MISSING = ["", "nd", "n.d.", "s", "*", "na", "nan", "secret"]
_HEAD_BYTES = 1 << 20


@dataclass(frozen=True)
class _Layout:
    detail: bool            # FD_ detail file (sum of IPONDI) or base flux
    kind: str
    year: int
    sep: str
    encoding: str           # DuckDB encoding: 'utf-8' or 'latin-1'
    width: int              # number of header fields
    origin: int             # indexes of the columns read
    destination: int
    flow: int
    flow_name: str          # official name of the flow column, for messages


class _Fail(Exception):
    """Internal: an error found in one data file, turned into a SourceError naming the file given."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.message, self.line = message, line


# ---------------------------------------------------------------------------------------------
# Files and zip members.

@contextmanager
def _data_files(path: Path, workdir: Path) -> Iterator[list[tuple[Path, str | None]]]:
    """The CSV files to read for ``path``: itself, or its data members streamed out of the zip to
    temporary files in ``workdir`` (removed on exit). Yields [(csv path, member name or None)]."""
    with open(path, "rb") as fb:
        head = fb.read(65536)
    check_head(path, head, complete=len(head) < 65536)
    if not head.startswith(b"PK"):
        if path.suffix.lower() == ".zip":
            raise SourceError(path, "ce fichier .zip n'est pas une archive zip")
        yield [(path, None)]
        return
    try:
        zf = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        raise SourceError(path, f"archive zip illisible ({exc})") from None
    extracted: list[tuple[Path, str | None]] = []
    try:
        with zf:
            names = [n for n in zf.namelist() if not n.endswith("/")]
            members = [n for n in names if _MEMBER.fullmatch(PurePosixPath(n).name.lower())]
            if not members:
                raise SourceError(path, "archive zip sans fichier de flux attendu "
                                        "(base-flux-mobilite-domicile-lieu-travail-AAAA.csv, "
                                        "base-flux-mobilite-domicile-lieu-etude-AAAA.csv, FD_MOBPRO_AAAA.csv "
                                        f"ou FD_MOBSCO_AAAA.csv) ; membres : {', '.join(names) or 'aucun'}")
            for i, member in enumerate(members):
                name = PurePosixPath(member).name
                target = workdir / f".extract-{os.getpid()}-{i}-{name}"
                with zf.open(member) as src, open(target, "wb") as dst:
                    shutil.copyfileobj(src, dst, 4 << 20)
                extracted.append((target, name))
        yield extracted
    finally:
        for target, _ in extracted:
            target.unlink(missing_ok=True)


def header(path: Path) -> list[str]:
    """The columns of a flow file for the check of a folder: its header, or for an official zip the
    headers of its data members (the ``Varmod_…`` dictionaries left out), each column once."""
    path = Path(path)
    with open(path, "rb") as fb:
        if fb.read(2) != b"PK":
            if path.suffix.lower() == ".zip":
                raise SourceError(path, "ce fichier .zip n'est pas une archive zip")
            return header_of(path)
    out: list[str] = []
    try:
        with zipfile.ZipFile(path) as zf:
            members = [n for n in zf.namelist() if _MEMBER.fullmatch(PurePosixPath(n).name.lower())]
            if not members:
                raise SourceError(path, "archive zip sans fichier de flux attendu")
            for member in members:
                with zf.open(member) as f:
                    first = f.read(1 << 16).split(b"\n", 1)[0]
                text = first.decode("utf-8-sig", errors="replace") if _utf8(first) else first.decode("cp1252", "replace")
                out += [h for h in csv_header(path, text + "\n") if h not in out]
    except zipfile.BadZipFile as exc:
        raise SourceError(path, f"archive zip illisible ({exc})") from None
    return out


def _utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


def _layout(csv_path: Path, name: str, warnings: list[str], missing: list[dict]) -> _Layout:
    """Recognise the layout from the header of ``csv_path`` (``name``: the official file name) and
    check that it holds the needed columns of that layout (``LAYOUT_NEEDS``)."""
    with open(csv_path, "rb") as fb:
        head = fb.read(_HEAD_BYTES)
    if not head.strip():
        raise _Fail("fichier vide")
    if head[:2048].lstrip().lower().startswith((b"<!doctype html", b"<html")):
        raise _Fail("le fichier est une page HTML (page d'erreur enregistrée à la place des données ?)")
    if b"\x00" in head[:4096]:
        raise _Fail("fichier binaire ou encodé en UTF-16 (octets nuls) : un texte en UTF-8 ou Windows-1252 "
                    "est attendu")
    sample = head if len(head) < _HEAD_BYTES else head[: head.rfind(b"\n") + 1]
    try:
        sample.decode("utf-8")
        encoding = "utf-8"
    except UnicodeDecodeError:
        encoding = "latin-1"
    first = head.split(b"\n", 1)[0].rstrip(b"\r")
    text = first.decode("utf-8-sig") if encoding == "utf-8" else first.decode("cp1252", errors="replace")
    sep = sniff_separator(text)
    header = next(csv.reader([text], delimiter=sep))
    names = [normalise_name(h) for h in header]
    lname = name.lower()
    detail = "ipondi" in names or lname.startswith("fd_")
    dest = next((i for i, n in enumerate(names) if n in _DESTINATIONS), None)
    if dest is not None:
        kind = _DESTINATIONS[names[dest]]
    else:
        kind = KIND_STUDY if ("etude" in lname or "mobsco" in lname) else KIND_WORK
    if detail:
        origin = names.index("commune") if "commune" in names else None
        flow = names.index("ipondi") if "ipondi" in names else None
        flow_name = "IPONDI"
        m = _YEAR_IN_NAME.search(name)
        year = int(m.group(1)) if m else None
    else:
        origin = names.index("codgeo") if "codgeo" in names else None
        flow = next((i for i, n in enumerate(names) if _FLOW_COLUMN.fullmatch(n)), None)
        flow_name = header[flow].strip() if flow is not None else ""
        year = 2000 + int(_FLOW_COLUMN.fullmatch(names[flow]).group(1)) if flow is not None else None
    try:      # the needed columns of this layout (a base flux of work needs NBFLUX_C<aa>_ACTOCC15P…)
        check_needs(name, header, SOURCE, warnings, missing, needs=LAYOUT_NEEDS[(detail, kind)])
    except SourceError as exc:
        raise _Fail(str(exc).partition(" : ")[2], line=1) from None
    if None in (origin, dest, flow):    # e.g. a base flux of work whose flow column is NBFLUX_…_SCOL02P
        raise _Fail(f"colonnes de la base flux incohérentes (en-tête lu : {', '.join(h.strip() for h in header[:20])})",
                    line=1)
    if year is None:
        raise _Fail("année du recensement introuvable dans le nom du fichier (attendu FD_MOBPRO_AAAA.csv "
                    "ou FD_MOBSCO_AAAA.csv)")
    return _Layout(detail=detail, kind=kind, year=year, sep=sep, encoding=encoding, width=len(header),
                   origin=origin, destination=dest, flow=flow, flow_name=flow_name)


def _find_line(csv_path: Path, layout: _Layout, want: dict[int, str | None], flow_test=None) -> int | None:
    """Line number (1 = header) of the first data line whose fields ``want`` (index → stripped
    value; None = empty) match, and whose flow passes ``flow_test`` when given. Only used to name
    the line of an error (scans the file)."""
    encoding = "utf-8-sig" if layout.encoding == "utf-8" else "cp1252"
    with open(csv_path, encoding=encoding, errors="replace", newline="") as f:
        reader = csv.reader(f, delimiter=layout.sep)
        next(reader, None)
        for row in reader:
            if len(row) < layout.width:
                continue
            if all(row[i].strip() == (v or "") for i, v in want.items()) and (
                    flow_test is None or flow_test(row[layout.flow].strip())):
                return reader.line_num
    return None
