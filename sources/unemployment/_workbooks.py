"""The unemployment workbooks: the zones d'emploi (.xlsx) and the départements and régions
(sl_etc, .xls): their sheets, header rows, levels and rates."""
from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from python_calamine import CalamineError, CalamineWorkbook

from ..common import MISSING_VALUES, cell_number, cell_text, check_needs, normalise_name, open_workbook, SourceError
from ._source import SERIES_NEEDS, SOURCE, ZONE_NEEDS
from ._periods import period_of, PERIODS, _YEAR
from ._scope import AREA_WORDS, _code, CODE_PATTERNS, kept, Scope


HEADER_SEARCH_ROWS = 30
# Code columns of the machine header rows, and the long labels read in their place when a sheet
# has no machine header (row 5 of txcho_ze in the 2022-T2 edition).
MACHINE_CODES = {"ze2020", "zer2020", "code"}
LONG_LABELS = {"code de la zone d'emploi 2020": "ZE2020", "libelle de la zone d'emploi 2020": "LIBZE2020",
               "code region 2016": "REG", "libelle region 2016": "LIBREG"}
TEXT_SHEETS = {"documentation", "sources_et_methodes", "sources et methodes", "presentation"}
# Editions in the file names: chomage-zone-t1-2003-t2-2022.xlsx, chomage-zone-2003-2025.xlsx,
# sl_etc_2025T3.xls.
_ZONE_EDITION = re.compile(rf"t([1-4])-({_YEAR})\.xlsx$", re.IGNORECASE)
_ZONE_ANNUAL = re.compile(rf"chomage-zone-{_YEAR}-({_YEAR})\.xlsx$", re.IGNORECASE)
_SERIES_EDITION = re.compile(rf"sl_etc_({_YEAR})T([1-4])\.xlsx?$", re.IGNORECASE)


# ---------------------------------------------------------------------------------------------
# Workbooks: the zones d'emploi (.xlsx) and the départements and régions (sl_etc, .xls)

def _sheets(path: Path) -> list[tuple[str, list[tuple]]]:
    """Every sheet of a workbook, .xlsx (openpyxl) or Excel 97 .xls (python-calamine): its name and
    its rows of cell values. An empty file, an HTML page, an unreadable workbook are errors."""
    raw = Path(path).read_bytes()
    if zipfile.is_zipfile(io.BytesIO(raw)) or path.suffix.lower() == ".xlsx":
        wb, _ = open_workbook(path)
        try:
            return [(ws.title, [tuple(r) for r in ws.iter_rows(values_only=True)]) for ws in wb.worksheets]
        finally:
            wb.close()
    if not raw.strip():
        raise SourceError(path, "fichier vide")
    if raw[:2048].lstrip().lower().startswith((b"<!doctype html", b"<html")):
        raise SourceError(path, "le fichier est une page HTML (page d'erreur enregistrée à la place des données ?)")
    try:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(raw))
        return [(name, [tuple(r) for r in wb.get_sheet_by_name(name).to_python()]) for name in wb.sheet_names]
    except CalamineError as exc:
        raise SourceError(path, f"classeur Excel illisible ({exc})") from exc


@dataclass
class Sheet:
    """A data sheet: its name, its header row (1-based) and header as read, and all its rows."""
    name: str
    line: int
    header: list[str]
    rows: list[tuple]

    @property
    def names(self) -> list[str]:
        return [normalise_name(h) for h in self.header]


def header_row(rows: list[tuple]) -> tuple[int, list[str]] | None:
    """The header of a sheet (its row number, its cells as text): the first of the first 30 rows
    holding a machine code column; failing that, a row of long labels (read as the machine names),
    else of at least two period columns (machine names such as ``2022-T2`` first); None for a
    sheet of text."""
    fallback, rank = None, 0
    for line, row in enumerate(rows[:HEADER_SEARCH_ROWS], start=1):
        cells = [cell_text(c) for c in row]
        names = {normalise_name(c) for c in cells}
        if names & MACHINE_CODES:
            return line, cells
        # long labels of the codes, then machine period names ("2022-T2"), then long ones
        periods = [p for c in cells if (p := period_of(c))]
        machine = sum(not PERIODS[2].fullmatch(normalise_name(c)) for c in cells if period_of(c))
        here = 3 if names & set(LONG_LABELS) else 2 if machine >= 2 else 1 if len(periods) >= 2 else 0
        if here > rank:
            fallback, rank = (line, [LONG_LABELS.get(normalise_name(c), c) for c in cells]), here
    return fallback


def data_sheets(path: Path, warnings: list[str]) -> list[Sheet]:
    """The sheets of a workbook that hold a table; the others are ignored, with a warning unless
    they are the known text sheets (Documentation, Sources_et_méthodes)."""
    out = []
    for name, rows in _sheets(path):
        found = header_row(rows)
        if found is None:
            if normalise_name(name) not in TEXT_SHEETS and any(cell_text(c) for r in rows for c in r):
                warnings.append(f"{path.name} : feuille {name} ignorée : ni colonne de code (ZE2020, ZER2020, Code) "
                                f"ni colonnes de trimestres dans ses {HEADER_SEARCH_ROWS} premières lignes")
            continue
        out.append(Sheet(name, found[0], found[1], rows))
    return out


def _family(path: Path, sheets: list[Sheet]) -> str:
    """``zones`` (the zones d'emploi workbook) or ``series`` (sl_etc), by its columns, else its name."""
    names = {n for s in sheets for n in s.names}
    if names & {"ze2020", "zer2020"}:
        return "zones"
    if "code" in names:
        return "series"
    return "series" if path.name.lower().startswith("sl_etc") else "zones"


def sheet_level(sheet: Sheet) -> str | None:
    """The level of a sheet's rows: ZE (``ZE2020``), ZEP (``ZER2020``), or for a ``Code`` column the
    sheet's name (Département, Région), else the form of its codes (2A, 2B, 97x: départements)."""
    names = sheet.names
    if "ze2020" in names:
        return "ZE"
    if "zer2020" in names:
        return "ZEP"
    if "code" not in names:
        return None
    title = normalise_name(sheet.name)
    if "departement" in title:
        return "DEP"
    if "region" in title:
        return "REG"
    i = names.index("code")
    codes = {cell_text(r[i]).upper() for r in sheet.rows[sheet.line:] if i < len(r)}
    return "DEP" if any(re.fullmatch(r"2[AB]|97[0-9]", c) for c in codes) else None


def _rate(path: Path, sheet: str, value: object, column: str, line: int) -> float | None:
    """A published rate (a number, or a text holding one); empty, ``nd``, ``s`` are missing."""
    try:
        number = cell_number(value, MISSING_VALUES)
    except ValueError:
        raise SourceError(path, f"feuille {sheet} : valeur non numérique {value!r} dans la colonne {column}",
                          line=line) from None
    if number is None:
        return None
    if not 0 <= number <= 100:
        raise SourceError(path, f"feuille {sheet} : taux {number:g} hors de l'intervalle 0 à 100 dans la colonne "
                                f"{column}", line=line)
    return number


def sheet_rows(path: Path, sheet: Sheet, level: str, scope: Scope) -> tuple[list[tuple], int]:
    """The scope's rows of a data sheet, as (area_type, area_code, period, rate, line), and the
    number of rows with a well-formed code seen in the sheet (any région). Only the kept rows are
    checked. A regional part (ZEP) is given its zone's code: 5251 → 0051."""
    names = sheet.names
    ci = names.index({"ZE": "ze2020", "ZEP": "zer2020"}.get(level, "code"))
    ri = names.index("reg") if level == "ZE" and "reg" in names else None
    periods = {i: p for i, h in enumerate(sheet.header) if (p := period_of(h))}
    out, seen = [], 0
    for line, row in enumerate(sheet.rows[sheet.line:], start=sheet.line + 1):
        raw = cell_text(row[ci]) if ci < len(row) else ""
        if not raw:
            continue             # a blank row, a note or a total without a code
        code = _code(level, raw)
        well_formed = re.fullmatch(CODE_PATTERNS[level], code) is not None
        seen += well_formed
        reg = _code("REG", cell_text(row[ri])) if ri is not None and ri < len(row) else None
        if not kept(scope, level, code, reg):
            continue
        values = {p: _rate(path, sheet.name, row[i] if i < len(row) else None, sheet.header[i], line)
                  for i, p in periods.items()}
        if not well_formed:
            if all(v is None for v in values.values()):
                continue         # a note below the table ("Source : Insee…"): no rates
            raise SourceError(path, f"feuille {sheet.name} : code {AREA_WORDS[level]} invalide {raw!r}", line=line)
        if level == "ZEP":
            code = "00" + code[2:]
        out += [(level, code, p, v, line) for p, v in values.items()]
    return out, seen


def read_workbook(path: Path, scope: Scope = Scope(), warnings: list[str] | None = None,
                  missing: list[dict] | None = None) -> pd.DataFrame:
    """The scope's rows of a zones d'emploi workbook or of an sl_etc workbook (see the module's
    docstring): area_type, area_code, period, rate, _line, file. Sheets left out are said in
    ``warnings``; a needed column missing is an error (required) or recorded in ``missing``."""
    path = Path(path)
    warnings = [] if warnings is None else warnings
    missing = [] if missing is None else missing
    sheets = data_sheets(path, warnings)
    family = _family(path, sheets)
    check_needs(path, [h for s in sheets for h in s.header], SOURCE, warnings, missing, line=None,
                needs=ZONE_NEEDS if family == "zones" else SERIES_NEEDS)
    frames, seen = [], 0
    for sheet in sheets:
        level = sheet_level(sheet)
        if level is None:
            warnings.append(f"{path.name} : feuille {sheet.name} ignorée : niveau non reconnu (ni colonne ZE2020 ou "
                            f"ZER2020, ni feuille « Département » ou « Région »)")
            continue
        if not any(period_of(h) for h in sheet.header):
            if level == "ZEP":
                warnings.append(f"{path.name} : feuille {sheet.name} ignorée : aucune colonne de trimestre ni d'année")
                continue
            raise SourceError(path, f"feuille {sheet.name} : aucune colonne de trimestre (« 2022-T2 », « T2_2022 ») "
                                    f"ni d'année (« 2022 ») (en-tête lu : {', '.join(h for h in sheet.header if h)})",
                              line=sheet.line)
        if level == "ZEP" and scope.region is None:
            warnings.append(f"{path.name} : feuille {sheet.name} ignorée : région inconnue, ses parties régionales ne "
                            f"peuvent être rattachées")
            continue
        rows, n = sheet_rows(path, sheet, level, scope)
        seen += n
        frames.append(pd.DataFrame(rows, columns=["area_type", "area_code", "period", "rate", "_line"]))
    if not seen:
        raise SourceError(path, "aucune ligne de taux de chômage : classeur des taux de chômage localisés non reconnu "
                                "(feuilles txcho_ze, ou Département et Région, attendues)")
    df = pd.concat(frames, ignore_index=True)
    df["rate"] = df.rate.astype("Float64")
    df["file"] = path.name
    return df


def _edition(path: Path) -> tuple[str, tuple]:
    """The kind of workbook (``zones`` quarterly, ``zones-annual``, ``series``) and its edition."""
    if m := _SERIES_EDITION.search(path.name):
        return "series", (int(m.group(1)), int(m.group(2)), path.name)
    if m := _ZONE_ANNUAL.search(path.name):
        return "zones-annual", (int(m.group(1)), 0, path.name)
    if m := _ZONE_EDITION.search(path.name):
        return "zones", (int(m.group(2)), int(m.group(1)), path.name)
    return ("series" if path.name.lower().startswith("sl_etc") else "zones"), (0, 0, path.name)


def latest_workbooks(paths: Iterable[Path], warnings: list[str]) -> list[Path]:
    """The latest edition of each kind of workbook among ``paths`` (the others are said in ``warnings``)."""
    kinds: dict[str, list[Path]] = {}
    for p in paths:
        kinds.setdefault(_edition(p)[0], []).append(p)
    out = []
    for group in kinds.values():
        group = sorted(group, key=lambda p: _edition(p)[1])
        if len(group) > 1:
            warnings.append(f"plusieurs éditions du même classeur de taux de chômage : seule la plus récente est lue "
                            f"({group[-1].name} ; ignorées : {', '.join(p.name for p in group[:-1])})")
        out.append(group[-1])
    return out
