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

from collections.abc import Iterable, Mapping
from pathlib import Path

import pandas as pd

from ..common import header_of, Loaded, NoRegionalRows, SourceError
from ._source import SOURCE
from ._periods import dataset_vintage, period_text
from ._scope import scope_of, ZONES_FILE
from ._workbooks import data_sheets, latest_workbooks, read_workbook
from ._annual import read_annual
from ._write import PART_HEADER, SERIES_HEADER, write, write_series_workbook, write_zones_workbook, ZONE_HEADER


DEP_FILE = "chomage-localise-departements.csv"
REG_FILE = "chomage-localise-regions.csv"


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
