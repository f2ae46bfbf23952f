"""Spreadsheets: cells as text or numbers, an xlsx workbook opened safely (an HTML page, a
truncated file, a zip of the download are named), and the fixed container the demo writers use
so that a workbook written twice has the same bytes."""
from __future__ import annotations

import datetime as dt
import fnmatch
import io
import zipfile
from collections.abc import Collection
from pathlib import Path, PurePosixPath
from xml.etree.ElementTree import ParseError

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException

from .errors import SourceError


def cell_text(value: object) -> str:
    """A spreadsheet cell as text: ``None`` → ``""``, ``5203.0`` → ``"5203"``, spaces trimmed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def cell_number(value: object, missing: Collection[str] = ("", "*")) -> float | None:
    """A spreadsheet cell as a number: a number, or a text holding one ("1 234,5"); ``None`` for an
    empty cell or a text of ``missing`` (compared in lower case). Raises ``ValueError`` for anything
    else (a word, a boolean): the caller names the file, sheet, line and column."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(f"valeur non numérique {value!r}")
    if isinstance(value, (int, float)):
        return float(value)
    text = str(value).strip().replace("\u202f", "").replace("\xa0", "").replace(" ", "").replace(",", ".")
    if text.lower() in missing:
        return None
    return float(text)


def open_workbook(path: Path, member_pattern: str | None = None, member_key=None) -> tuple[object, str]:
    """An xlsx workbook opened read-only (cell values, not formulas), and the prefix naming the zip
    member in messages ("" for a plain workbook). With ``member_pattern`` (e.g.
    ``Base_open_data_BMO_*.xlsx``), ``path`` may also be a zip of the download holding workbooks of
    that name: the greatest by ``member_key`` (default: the name) is read. An empty file, an HTML
    error page saved in place of the data, a truncated or unreadable workbook are errors naming
    the file."""
    raw = Path(path).read_bytes()
    if not raw.strip():
        raise SourceError(path, "fichier vide")
    if raw[:2048].lstrip().lower().startswith((b"<!doctype html", b"<html")):
        raise SourceError(path, "le fichier est une page HTML (page d'erreur enregistrée à la place des données ?)")
    if not zipfile.is_zipfile(io.BytesIO(raw)):
        raise SourceError(path, "ni classeur xlsx ni archive zip (fichier tronqué ?)" if member_pattern
                          else "classeur xlsx illisible : ce n'est pas une archive xlsx (fichier tronqué ?)")
    prefix = ""
    if member_pattern:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            names = archive.namelist()
            if "[Content_Types].xml" not in names:   # a zip of the download, not the workbook itself
                members = sorted(n for n in names if not n.startswith("__MACOSX/")
                                 and fnmatch.fnmatch(PurePosixPath(n).name, member_pattern)
                                 and not PurePosixPath(n).name.startswith("._"))
                if not members:
                    raise SourceError(path, f"l'archive ne contient pas de classeur {member_pattern} "
                                            f"(contenu : {', '.join(names[:10]) or 'aucun fichier'})")
                member = max(members, key=member_key) if member_key else max(members)
                raw = archive.read(member)
                prefix = f"{PurePosixPath(member).name} : "
    try:
        return openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True), prefix
    except (zipfile.BadZipFile, InvalidFileException, ParseError, KeyError, ValueError, OSError) as exc:
        raise SourceError(path, f"{prefix}classeur illisible ({exc})") from exc


FIXED_TIME = dt.datetime(2024, 4, 1)
# The workbook properties of a demo xlsx, as bytes: openpyxl stamps the time of saving, and its
# serialiser places the namespaces differently with and without lxml, so they are written here once.
FIXED_CORE_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
    '<dc:creator>portraits (données de démonstration)</dc:creator>'
    f'<dcterms:created xsi:type="dcterms:W3CDTF">{FIXED_TIME:%Y-%m-%dT%H:%M:%SZ}</dcterms:created>'
    f'<dcterms:modified xsi:type="dcterms:W3CDTF">{FIXED_TIME:%Y-%m-%dT%H:%M:%SZ}</dcterms:modified>'
    '</cp:coreProperties>').encode("utf-8")


def fixed_container(raw: bytes, replace: dict[str, bytes]) -> bytes:
    """Rewrite the xlsx container with a fixed timestamp on every member (openpyxl stamps them
    with the time of saving, which would change the bytes from one run to the next), replacing
    the members named in ``replace``."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            dst.writestr(fixed, replace.get(info.filename, src.read(info.filename)))
    return out.getvalue()
