"""INSEE census (recensement de la population) by commune: population by age, activity,
unemployment, jobs at the place of work, actifs occupés by CSP.

Three official layouts are read, recognised from the header (never from the position of a column):

1. the legacy flat "bases communales" (``base-cc-emploi-pop-active-<AAAA>.CSV`` and its companion
   ``base-cc-evol-struct-pop-<AAAA>.CSV``), plain or inside the official zip
   (``base-cc-emploi-pop-active-2020_v2.zip`` holds the data CSV and a ``meta_…CSV``, which is
   not read): ``;`` separator, UTF-8, first column ``CODGEO``, then one column per variable named
   ``P<yy>_<NAME>`` (exploitation principale) or ``C<yy>_<NAME>`` (exploitation complémentaire),
   weighted float counts with a ``.`` decimal; secret or missing cells are empty or ``s`` (missing,
   never zero). Each base holds the census year and the year minus 6 (``P20_*`` and ``P14_*``);
   the 2020 base is in the géographie of 1 January 2023 (COG 2023);
2. the "comparateur de territoires" base (``base_cc_comparateur.CSV``; e.g. the RP 2018 edition,
   géographie 2021, with ``P18_POP, P13_POP, P18_POP1564, P18_ACT1564, P18_CHOM1564, P18_EMPLT,
   P18_EMPLT_SAL, P13_EMPLT``): same layout, fewer variables, mixed with non-census columns
   (``SUPERF``, ``MED19``, ``ETAZ18``…) which are ignored;
3. the MELODI bulk CSV (``DS_RP_<…>_<AAAA>_data.csv``, plain or in its ``…_CSV_FR.zip``): long
   format, one line per observation, dimension columns plus ``GEO;GEO_OBJECT;TIME_PERIOD;OBS_VALUE``
   (and ``FREQ``, ``OBS_STATUS`` when present). **This mapping was written from the documented
   format only (FORMATS.md 1.1 marks MELODI [CODE]): no real MELODI file was available to check
   it.** What is mapped (:data:`MELODI_RULES`), every dimension not named in a rule being required
   to be the total ``_T``; only ``GEO_OBJECT == "COM"`` lines are read (arrondissements, EPCI,
   départements… are dropped); lines with ``OBS_STATUS == "K"`` (documented in public code as
   "included in another commune") are dropped so that nothing is counted twice:

   - ``DS_RP_EMPLOI_LR_PRINC`` and ``DS_RP_ACTIVITE_PRINC`` (place of residence, ``RP_MEASURE``
     ``POP``): ``EMPSTA_ENQ`` ``_T`` / ``1T2`` / ``1`` / ``2`` × ``AGE`` ``Y15T64`` → ``POP1564``,
     ``ACT1564``, ``ACTOCC1564``, ``CHOM1564``; ``1T2`` / ``2`` × ``Y15T24`` → ``ACT1524``,
     ``CHOM1524``; ``1T2`` / ``2`` × ``Y55T64`` → ``ACT5564``, ``CHOM5564``; ``1`` × ``Y_GE15`` →
     ``ACTOCC15P``;
   - ``DS_RP_EMPLOI_LR_COMP``: ``EMPSTA_ENQ`` ``1`` × ``AGE`` ``Y15T64`` × ``PCS`` ``1``…``6`` →
     ``ACTOCC1564_CS1``…``CS6``;
   - ``DS_RP_EMPLOI_LT_PRINC`` (place of work): all totals → ``EMPLT``; ``EMPFORM`` ``2``
     (salariés) → ``EMPLT_SAL``;
   - ``DS_RP_EMPLOI_LT_COMP``: ``EMP_ACTIVITY`` ``AZ`` / ``BE`` / ``FZ`` / ``GU`` / ``OQ`` →
     ``EMPLT_AGRI`` / ``EMPLT_INDUS`` / ``EMPLT_CONST`` / ``EMPLT_CTS`` / ``EMPLT_APESAS``.

   The place-of-work datasets are matched whatever their ``RP_MEASURE``; two lines for one
   commune, year and variable are an error (so an unexpected second measure cannot slip in). A
   MELODI file from which no line can be mapped is an error listing its dimensions; another
   ``DS_RP_*`` dataset (navettes, diplômes…) is ignored with a warning.

Output (long): ``commune_code`` (current code), ``year`` (census year, e.g. 2020 for ``P20_``),
``variable`` (the INSEE name without its ``P<yy>_``/``C<yy>_`` prefix), ``value`` (Float64, NA
when secret or missing). Only the variables of :data:`VARIABLES` are kept. Two spellings of 2020
are normalised: ``P20_ACTOCC`` (actifs occupés de 15 ans ou plus) is ``ACTOCC15P`` and
``P20_CHOM55P`` (sic, chômeurs de 55 à 64 ans) is ``CHOM5564``.

Communes: rows of other départements than the region's are dropped; former communes (communes
déléguées / associées, or merged since the file's géographie) are brought to their current
commune and ADDED (counts are additive; a secret part makes the sum missing). A code of the
region unknown to the mapping is an error naming it.

Several files are combined. If two of them give the same (commune, year, variable), the most
specific base wins: emploi-pop-active / evol-struct-pop, then MELODI, then the comparateur; the
newest file between two of the same kind. This is reported as a warning.

Vintage: ``recensement <AAAA>``, the latest census year among the main variables (population,
15-64 activity and unemployment, jobs).
"""
from __future__ import annotations

import csv
import fnmatch
import io
import itertools
import re
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .base import (Loaded, Source, SourceError, check_commune_codes, check_not_binary, normalise_name, to_number,
                   write_csv)

SOURCE = Source(
    id="census",
    family="employment",
    title="Recensement de la population : emploi, population active, population par âge (bases communales)",
    producer="Insee",
    licence="Licence Ouverte v2.0 (Etalab) — Source : Insee",
    url="https://www.insee.fr/fr/statistiques/fichier/6456178/base-cc-emploi-pop-active-2020_v2.zip",
    page="https://www.insee.fr/fr/statistiques/6456178",
    file_patterns=(
        "base-cc-emploi-pop-active-*.CSV", "base-cc-emploi-pop-active-*.csv", "base-cc-emploi-pop-active-*.zip",
        "base-cc-evol-struct-pop-*.CSV", "base-cc-evol-struct-pop-*.csv", "base-cc-evol-struct-pop-*.zip",
        "*base_cc_comparateur*.CSV", "*base_cc_comparateur*.csv",
        "DS_RP_*_data.csv",
    ),
    demo_file="base-cc-emploi-pop-active-2020.CSV",
    exclude_patterns=("meta_*", "*meta_base*"),   # the variable dictionaries shipped beside the data
    download_name="base-cc-emploi-pop-active-2020_v2.zip",
    description="Recensement de la population, exploitations principale et complémentaire : population "
                "par tranche d'âge, population active de 15 à 64 ans, chômeurs (au sens du recensement), "
                "emplois au lieu de travail par secteur, actifs occupés par catégorie socioprofessionnelle. "
                "Effectifs pondérés, par commune.",
)


@dataclass(frozen=True)
class Variable:
    """A census variable kept for the portraits."""

    name: str                 # normalised name: the INSEE name without its P<yy>_/C<yy>_ prefix
    exploitation: str         # "P" (principale) or "C" (complémentaire): the prefix read
    base: str                 # legacy base that holds it: "emploi-pop-active" or "evol-struct-pop"
    label: str
    aliases: tuple[str, ...] = ()   # other official spellings (without prefix) of the same variable


# What a portrait needs, and nothing else (the bases hold hundreds of variables).
VARIABLES: tuple[Variable, ...] = (
    # Population by age band (base evol-struct-pop).
    Variable("POP", "P", "evol-struct-pop", "Population"),
    Variable("POP0014", "P", "evol-struct-pop", "Population de 0 à 14 ans"),
    Variable("POP1529", "P", "evol-struct-pop", "Population de 15 à 29 ans"),
    Variable("POP3044", "P", "evol-struct-pop", "Population de 30 à 44 ans"),
    Variable("POP4559", "P", "evol-struct-pop", "Population de 45 à 59 ans"),
    Variable("POP6074", "P", "evol-struct-pop", "Population de 60 à 74 ans"),
    Variable("POP75P", "P", "evol-struct-pop", "Population de 75 ans ou plus"),
    # Activity and unemployment of residents (base emploi-pop-active).
    Variable("POP1564", "P", "emploi-pop-active", "Population de 15 à 64 ans"),
    Variable("ACT1564", "P", "emploi-pop-active", "Actifs de 15 à 64 ans"),
    Variable("ACTOCC1564", "P", "emploi-pop-active", "Actifs occupés de 15 à 64 ans"),
    Variable("CHOM1564", "P", "emploi-pop-active", "Chômeurs de 15 à 64 ans"),
    Variable("ACT1524", "P", "emploi-pop-active", "Actifs de 15 à 24 ans"),
    Variable("CHOM1524", "P", "emploi-pop-active", "Chômeurs de 15 à 24 ans"),
    Variable("ACT5564", "P", "emploi-pop-active", "Actifs de 55 à 64 ans"),
    Variable("CHOM5564", "P", "emploi-pop-active", "Chômeurs de 55 à 64 ans", aliases=("CHOM55P",)),
    Variable("ACTOCC15P", "P", "emploi-pop-active", "Actifs occupés de 15 ans ou plus", aliases=("ACTOCC",)),
    # Actifs occupés 15-64 by CSP (exploitation complémentaire).
    *(Variable(f"ACTOCC1564_CS{i}", "C", "emploi-pop-active", f"Actifs occupés de 15 à 64 ans, {label}")
      for i, label in enumerate(("agriculteurs exploitants", "artisans, commerçants, chefs d'entreprise",
                                 "cadres et professions intellectuelles supérieures",
                                 "professions intermédiaires", "employés", "ouvriers"), start=1)),
    # Jobs at the place of work, and by sector (exploitation complémentaire).
    Variable("EMPLT", "P", "emploi-pop-active", "Emplois au lieu de travail"),
    Variable("EMPLT_SAL", "P", "emploi-pop-active", "Emplois salariés au lieu de travail"),
    Variable("EMPLT_AGRI", "C", "emploi-pop-active", "Emplois au lieu de travail : agriculture"),
    Variable("EMPLT_INDUS", "C", "emploi-pop-active", "Emplois au lieu de travail : industrie"),
    Variable("EMPLT_CONST", "C", "emploi-pop-active", "Emplois au lieu de travail : construction"),
    Variable("EMPLT_CTS", "C", "emploi-pop-active",
             "Emplois au lieu de travail : commerce, transports, services divers"),
    Variable("EMPLT_APESAS", "C", "emploi-pop-active",
             "Emplois au lieu de travail : administration publique, enseignement, santé, action sociale"),
)
KEPT: dict[str, Variable] = {v.name: v for v in VARIABLES}
# Official spelling (prefix letter, name without prefix) → normalised name.
_SPELLINGS: dict[tuple[str, str], str] = {
    (v.exploitation, n): v.name for v in VARIABLES for n in (v.name, *v.aliases)}
# The vintage shown is the latest census year among these.
MAIN_VARIABLES = ("POP", "POP1564", "ACT1564", "CHOM1564", "EMPLT")
COLUMNS = ["commune_code", "year", "variable", "value"]
_PREFIXED = re.compile(r"^([PC])(\d{2})_([A-Z0-9_]+)$")

# Which file wins when two give the same (commune, year, variable): lower rank first.
RANK_SPECIFIC, RANK_MELODI, RANK_COMPARATEUR = 0, 1, 2
KIND_LABELS = {RANK_SPECIFIC: "base communale", RANK_MELODI: "MELODI", RANK_COMPARATEUR: "comparateur de territoires"}

# Members of the official zips that hold the data (the meta_… files are not read).
DATA_MEMBERS = ("base-cc-*.csv", "base_cc_*.csv", "ds_rp_*_data.csv")

# MELODI datasets read, by prefix of the dataset id → the rules that apply to them.
MELODI_DATASETS = {
    "DS_RP_EMPLOI_LR_PRINC": "residence",
    "DS_RP_ACTIVITE_PRINC": "residence",
    "DS_RP_EMPLOI_LR_COMP": "residence_comp",
    "DS_RP_EMPLOI_LT_PRINC": "work",
    "DS_RP_EMPLOI_LT_COMP": "work_comp",
}
# (dataset kind, variable, required dimension values); any other dimension must be "_T".
MELODI_RULES: tuple[tuple[str, str, dict[str, str]], ...] = (
    ("residence", "POP1564", {"RP_MEASURE": "POP", "EMPSTA_ENQ": "_T", "AGE": "Y15T64"}),
    ("residence", "ACT1564", {"RP_MEASURE": "POP", "EMPSTA_ENQ": "1T2", "AGE": "Y15T64"}),
    ("residence", "ACTOCC1564", {"RP_MEASURE": "POP", "EMPSTA_ENQ": "1", "AGE": "Y15T64"}),
    ("residence", "CHOM1564", {"RP_MEASURE": "POP", "EMPSTA_ENQ": "2", "AGE": "Y15T64"}),
    ("residence", "ACT1524", {"RP_MEASURE": "POP", "EMPSTA_ENQ": "1T2", "AGE": "Y15T24"}),
    ("residence", "CHOM1524", {"RP_MEASURE": "POP", "EMPSTA_ENQ": "2", "AGE": "Y15T24"}),
    ("residence", "ACT5564", {"RP_MEASURE": "POP", "EMPSTA_ENQ": "1T2", "AGE": "Y55T64"}),
    ("residence", "CHOM5564", {"RP_MEASURE": "POP", "EMPSTA_ENQ": "2", "AGE": "Y55T64"}),
    ("residence", "ACTOCC15P", {"RP_MEASURE": "POP", "EMPSTA_ENQ": "1", "AGE": "Y_GE15"}),
    *(("residence_comp", f"ACTOCC1564_CS{i}", {"RP_MEASURE": "POP", "EMPSTA_ENQ": "1", "AGE": "Y15T64", "PCS": str(i)})
      for i in range(1, 7)),
    ("work", "EMPLT", {}),
    ("work", "EMPLT_SAL", {"EMPFORM": "2"}),
    *(("work_comp", variable, {"EMP_ACTIVITY": code})
      for code, variable in (("AZ", "EMPLT_AGRI"), ("BE", "EMPLT_INDUS"), ("FZ", "EMPLT_CONST"),
                             ("GU", "EMPLT_CTS"), ("OQ", "EMPLT_APESAS"))),
)
# MELODI columns that are not dimensions of the cube.
MELODI_META = {"GEO", "GEO_OBJECT", "TIME_PERIOD", "OBS_VALUE", "OBS_STATUS", "OBS_MEASURE", "FREQ",
               "UNIT_MEASURE", "UNIT_MULT", "DECIMALS", "CONF_STATUS"}
_MELODI_REQUIRED = ("GEO", "GEO_OBJECT", "TIME_PERIOD", "OBS_VALUE")


def official_names(variable: str, year: int) -> list[str]:
    """Official column names of a kept variable for a census year, e.g. ``CHOM5564``, 2020 →
    ``["P20_CHOM5564", "P20_CHOM55P"]``."""
    v = KEPT[variable]
    return [f"{v.exploitation}{year % 100:02d}_{n}" for n in (v.name, *v.aliases)]


def census_year(yy: str) -> int:
    y = int(yy)
    return 2000 + y if y < 50 else 1900 + y


# ---------------------------------------------------------------------------------------------
# Opening a file: plain text, or the data member of an official zip.

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


def parse_stream(path: Path, members: tuple[str, ...], parse):
    """Run ``parse(csv_reader, header, member)`` on the file streamed line by line (large national
    files are never held in memory whole): UTF-8 (BOM or not), else again in Windows-1252.
    The separator is sniffed on the header (``;`` in every official layout read here)."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            with open_binary(path, members) as (stream, member):
                text = io.TextIOWrapper(stream, encoding=encoding, errors="strict" if encoding != "cp1252" else "replace",
                                        newline="")
                first = text.readline()
                sep = ";" if first.count(";") >= first.count(",") else ","
                reader = csv.reader(itertools.chain([first], text), delimiter=sep)
                header = [h.strip().upper().replace("\ufeff", "") for h in next(reader)]
                return parse(reader, header, member)
        except UnicodeDecodeError:
            continue
    raise SourceError(path, "encodage illisible")


# ---------------------------------------------------------------------------------------------
# Reading.

def _region_filter(communes) -> tuple[set[str] | None, set[str]]:
    """(départements of the region, accepted codes) from ``communes`` (a set or a mapping)."""
    if communes is None:
        return None, set()
    targets = set(communes.values()) if isinstance(communes, dict) else set(communes)
    return {c[:2] for c in targets}, set(communes)


_COMMUNE_CODE = re.compile(r"[0-9][0-9AB][0-9]{3}")


def _keep_code(code: str, deps: set[str] | None, accepted: set[str]) -> bool:
    """A row is kept when its commune is in the region (or a known former code); a malformed
    code is kept too, to be reported by :func:`sources.base.check_commune_codes`."""
    return deps is None or code[:2] in deps or code in accepted or not _COMMUNE_CODE.fullmatch(code)


def _read_base(path: Path, reader, header: list[str], deps, accepted) -> pd.DataFrame:
    """Legacy bases and comparateur: ``CODGEO`` then one column per variable."""
    names = [normalise_name(h) for h in header]
    if "codgeo" not in names:
        raise SourceError(path, f"colonne CODGEO absente (en-tête lu : {', '.join(header[:10])})", line=1)
    code_at = names.index("codgeo")
    wanted: dict[int, tuple[str, int, str]] = {}     # column index → (official name, year, variable)
    for i, h in enumerate(header):
        m = _PREFIXED.match(h)
        if m and (m.group(1), m.group(3)) in _SPELLINGS:
            wanted[i] = (h, census_year(m.group(2)), _SPELLINGS[(m.group(1), m.group(3))])
    if not wanted:
        raise SourceError(path, "aucune variable du recensement retenue dans l'en-tête (attendu par exemple "
                                f"P20_POP1564, P20_EMPLT ; lu : {', '.join(header[:10])})", line=1)
    rows = []
    for row in reader:
        if not row or all(not c.strip() for c in row):
            continue
        if len(row) < len(header):
            raise SourceError(path, f"{len(row)} champs au lieu de {len(header)} (fichier tronqué ?)",
                              line=reader.line_num)
        code = row[code_at].strip()
        if _keep_code(code, deps, accepted):
            rows.append([reader.line_num, code, *(row[i].strip() for i in wanted)])
    if not rows and deps is None:
        raise SourceError(path, "aucune ligne de données")
    cols = [h for h, _, _ in wanted.values()]
    wide = pd.DataFrame(rows, columns=["_line", "commune_code", *cols], dtype=object)
    dup = wide.commune_code.duplicated()
    if dup.any():
        i = dup.idxmax()
        raise SourceError(path, f"code commune en double {wide.at[i, 'commune_code']!r}", line=int(wide.at[i, "_line"]))
    for col in cols:
        wide[col] = to_number(path, wide, col, minimum=0) if len(wide) else pd.Series(dtype="Float64")
    long = wide.melt(id_vars=["_line", "commune_code"], value_vars=cols, var_name="column", value_name="value")
    spec = {h: (y, v) for h, y, v in wanted.values()}
    long["year"] = long.column.map(lambda c: spec[c][0]).astype("int64")
    long["variable"] = long.column.map(lambda c: spec[c][1]).astype(str)
    long["value"] = long["value"].astype("Float64")
    return long.drop(columns="column")


def _melodi_dataset(name: str) -> str | None:
    upper = name.upper()
    for prefix, kind in MELODI_DATASETS.items():
        if upper.startswith(prefix):
            return kind
    return None


def _read_melodi(path: Path, reader, header: list[str], kind: str, deps, accepted) -> pd.DataFrame:
    """MELODI long layout: dimensions + GEO;GEO_OBJECT;TIME_PERIOD;OBS_VALUE."""
    missing = [c for c in _MELODI_REQUIRED if c not in header]
    if missing:
        raise SourceError(path, f"colonne(s) MELODI absente(s) : {', '.join(missing)}", line=1)
    at = {h: i for i, h in enumerate(header)}
    geo, obj = at["GEO"], at["GEO_OBJECT"]
    status = at.get("OBS_STATUS")
    rows = []
    for row in reader:
        if not row or all(not c.strip() for c in row):
            continue
        if len(row) < len(header):
            raise SourceError(path, f"{len(row)} champs au lieu de {len(header)} (fichier tronqué ?)",
                              line=reader.line_num)
        if row[obj].strip() != "COM" or (status is not None and row[status].strip() == "K"):
            continue
        if _keep_code(row[geo].strip(), deps, accepted):
            rows.append([reader.line_num, *(c.strip() for c in row[: len(header)])])
    df = pd.DataFrame(rows, columns=["_line", *header], dtype=object)
    dims = [h for h in header if h not in MELODI_META]
    matched = pd.Series([None] * len(df), index=df.index, dtype=object)
    for rule_kind, variable, required in MELODI_RULES:
        if rule_kind != kind:
            continue
        if any(d not in header and v != "_T" for d, v in required.items()):
            continue
        mask = pd.Series(True, index=df.index)
        for d in dims:
            if d in required:
                mask &= df[d] == required[d]
            elif d != "RP_MEASURE":
                mask &= df[d] == "_T"
        matched[mask] = variable
    df["variable"] = matched
    df = df[df.variable.notna()].reset_index(drop=True)
    if df.empty and rows:
        raise SourceError(path, f"aucune combinaison reconnue dans ce fichier MELODI (dimensions : "
                                f"{', '.join(dims)}) : format à vérifier")
    bad = ~df.TIME_PERIOD.str.fullmatch(r"\d{4}")
    if bad.any():
        i = bad.idxmax()
        raise SourceError(path, f"année illisible {df.at[i, 'TIME_PERIOD']!r}", line=int(df.at[i, "_line"]))
    df["value"] = to_number(path, df, "OBS_VALUE", minimum=0) if len(df) else pd.Series(dtype="Float64")
    out = pd.DataFrame({"_line": df._line, "commune_code": df.GEO, "year": df.TIME_PERIOD.astype("int64"),
                        "variable": df.variable.astype(str), "value": df.value.astype("Float64")})
    dup = out.duplicated(["commune_code", "year", "variable"])
    if dup.any():
        i = dup.idxmax()
        raise SourceError(path, f"plusieurs lignes pour la commune {out.at[i, 'commune_code']}, "
                                f"{out.at[i, 'year']}, {out.at[i, 'variable']} (dimension non prévue ?)",
                          line=int(out.at[i, "_line"]))
    return out


def _read_file(path: Path, deps, accepted) -> tuple[pd.DataFrame | None, int | None]:
    """One file, recognised from its header: (long frame, rank of its kind), or (None, None) for a
    MELODI dataset this module does not map."""
    def parse(reader, header, member):
        inner = member or path.name
        if all(c in header for c in _MELODI_REQUIRED):
            kind = _melodi_dataset(inner)
            if kind is None:
                return None, None
            return _read_melodi(path, reader, header, kind, deps, accepted), RANK_MELODI
        rank = RANK_COMPARATEUR if "comparateur" in inner.lower() else RANK_SPECIFIC
        return _read_base(path, reader, header, deps, accepted), rank

    return parse_stream(path, DATA_MEMBERS, parse)


def _strict_sum(df: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Sum of ``value`` by ``keys``; missing when any part is missing (a secret part makes the
    total unknown, never smaller)."""
    work = df.assign(_na=df["value"].isna())
    out = work.groupby(keys, as_index=False, sort=True).agg(value=("value", "sum"), _na=("_na", "any"))
    out["value"] = out["value"].astype("Float64").mask(out["_na"])
    return out.drop(columns="_na")


def read(paths: list[Path], communes: set[str] | dict[str, str] | None = None) -> Loaded:
    """Read and combine every census file given. ``communes``: accepted commune codes (a mapping
    brings former codes to current ones, see :func:`sources.base.check_commune_codes`); rows of
    départements outside the region are dropped; without it every row is kept as it is."""
    deps, accepted = _region_filter(communes)
    frames, warnings, names = [], [], []
    for order, path in enumerate(paths):
        path = Path(path)
        names.append(path.name)
        df, rank = _read_file(path, deps, accepted)
        if df is None:
            warnings.append(f"{path.name} : jeu de données MELODI non pris en charge par ce module ; fichier ignoré")
            continue
        former = check_commune_codes(path, df, "commune_code", communes) if len(df) else []
        if former:
            warnings.append(f"{path.name} : anciens codes communes rapportés à leur commune actuelle et additionnés : "
                            f"{', '.join(former)}")
        part = _strict_sum(df, ["commune_code", "year", "variable"])
        part["_rank"], part["_order"] = rank, order
        part["_newest"] = int(part.year.max()) if len(part) else 0
        part["_file"] = path.name
        frames.append(part)
    if not frames:
        raise SourceError(Path(paths[-1]) if paths else Path("recensement"), "aucun fichier du recensement lisible")
    out = pd.concat(frames, ignore_index=True)
    out = out.sort_values(["_rank", "_newest", "_order"], ascending=[True, False, True], kind="stable")
    dup = out.duplicated(["commune_code", "year", "variable"])
    if dup.any():
        dropped = out[dup]
        kept = out[~dup].set_index(["commune_code", "year", "variable"])._file
        pairs = sorted({(f, kept[k]) for f, k in zip(dropped._file, zip(dropped.commune_code, dropped.year,
                                                                         dropped.variable))})
        warnings.append(f"recensement : {int(dup.sum())} valeurs (commune × année × variable) données par deux "
                        f"fichiers ; la base la plus spécifique est retenue ("
                        + "; ".join(f"{k} plutôt que {d}" for d, k in pairs) + ")")
        out = out[~dup]
    out = out[COLUMNS].sort_values(["commune_code", "variable", "year"], ignore_index=True)
    out["year"] = out["year"].astype("int64")
    out["value"] = out["value"].astype("Float64")
    if out.empty:
        raise SourceError(Path(paths[-1]), "aucune donnée du recensement pour les communes de la région")
    missing = int(out.value.isna().sum())
    if missing:
        warnings.append(f"recensement : {missing} valeurs secrètes ou manquantes (laissées vides, jamais à zéro)")
    main = out[out.variable.isin(MAIN_VARIABLES) & out.value.notna()]
    latest = int((main if len(main) else out).year.max())
    return Loaded(SOURCE, out, vintage=f"recensement {latest}", files=names, warnings=warnings)


# ---------------------------------------------------------------------------------------------
# Demo inputs.

def _fmt(x: float) -> str:
    """A count as INSEE writes it: ``.`` decimal, no trailing zeros (6 decimals here)."""
    s = f"{x:.6f}".rstrip("0").rstrip(".")
    return "0" if s in ("", "-0") else s


AGE_SHARES = {"POP0014": 0.18, "POP1529": 0.17, "POP3044": 0.18, "POP4559": 0.20, "POP6074": 0.17, "POP75P": 0.10}
SECTOR_SHARES = {"AGRI": 0.05, "INDUS": 0.15, "CONST": 0.07, "CTS": 0.45, "APESAS": 0.28}
CSP_SHARES = (0.02, 0.06, 0.15, 0.26, 0.27, 0.24)


def write_demo(dest_dir: Path, communes: pd.DataFrame, rng: np.random.Generator) -> list[Path]:
    """Write ``base-cc-emploi-pop-active-2020.CSV`` and ``base-cc-evol-struct-pop-2020.CSV`` in the
    legacy layout (official 2020 column names, quirks included: ``P20_ACTOCC``, ``P20_CHOM55P``)
    for every commune of ``communes`` (code, dep, population…): population ≈ the 2017 population;
    age bands summing to it; 15-64 ≈ 62 %, of whom 74 % actifs; unemployment 6–12 % of actifs
    with a département effect; jobs concentrated in the larger communes (concentration index
    40–160 %), sectors summing to jobs, CSP summing to actifs occupés; 2014 values ≈ 2020 values
    divided by a growth factor. Same ``rng`` state, same bytes."""
    dest_dir = Path(dest_dir)
    dep_rate = {d: float(rng.uniform(0.07, 0.10)) for d in sorted(communes.dep.unique())}
    emploi_header = (["CODGEO", "P20_POP1564", "P20_ACT1564", "P20_ACTOCC1564", "P20_CHOM1564", "P20_ACT1524",
                      "P20_CHOM1524", "P20_ACT5564", "P20_CHOM55P", "P20_INACT1564", "C20_ACTOCC1564"]
                     + [f"C20_ACTOCC1564_CS{i}" for i in range(1, 7)]
                     + ["P20_EMPLT", "P20_ACTOCC", "P20_EMPLT_SAL", "C20_EMPLT"]
                     + [f"C20_EMPLT_{s}" for s in SECTOR_SHARES]
                     + ["P14_POP1564", "P14_ACT1564", "P14_ACTOCC1564", "P14_CHOM1564", "P14_EMPLT", "P14_ACTOCC",
                        "P14_EMPLT_SAL"])
    struct_header = (["CODGEO", "P20_POP", *(f"P20_{k}" for k in AGE_SHARES), "P14_POP", *(f"P14_{k}" for k in AGE_SHARES)])
    emploi_rows, struct_rows = [], []
    for c in communes.sort_values("code").itertuples():
        pop = max(30.0, round(float(c.population) * rng.normal(1.0, 0.02)))
        ages = np.array(list(AGE_SHARES.values())) * rng.lognormal(0, 0.08, len(AGE_SHARES))
        bands = pop * ages / ages.sum()
        pop1564 = pop * float(np.clip(rng.normal(0.62, 0.02), 0.55, 0.68))
        act = pop1564 * float(np.clip(rng.normal(0.74, 0.02), 0.66, 0.80))
        rate = float(np.clip(dep_rate[c.dep] * rng.lognormal(0, 0.12), 0.06, 0.12))
        chom = act * rate
        actocc = act - chom
        act1524, act5564 = act * rng.uniform(0.09, 0.14), act * rng.uniform(0.12, 0.17)
        chom1524 = min(act1524, act1524 * rate * rng.uniform(1.7, 2.2))
        chom5564 = act5564 * rate * rng.uniform(0.7, 0.9)
        actocc15p = actocc * rng.uniform(1.01, 1.03)
        concentration = float(np.clip(0.65 + 0.3 * np.log10(max(pop, 100) / 1000) + rng.normal(0, 0.1), 0.4, 1.6))
        emplt = actocc15p * concentration
        sal = emplt * rng.uniform(0.82, 0.92)
        agri = SECTOR_SHARES["AGRI"] * (3.0 if pop < 2000 else 0.5)
        sect = np.array([agri, *list(SECTOR_SHARES.values())[1:]]) * rng.lognormal(0, 0.15, len(SECTOR_SHARES))
        sectors = emplt * sect / sect.sum()
        csp = np.array(CSP_SHARES) * rng.lognormal(0, 0.15, 6)
        csps = actocc * csp / csp.sum()
        growth, job_growth = rng.lognormal(0.03, 0.03), rng.lognormal(0.04, 0.05)
        act14 = act / growth * rng.normal(1.0, 0.01)
        chom14 = act14 * rate * rng.uniform(1.15, 1.35)
        pop14 = round(pop / growth)
        bands14 = pop14 * ages / ages.sum()
        emploi_rows.append([c.code, *map(_fmt, [pop1564, act, actocc, chom, act1524, chom1524, act5564, chom5564,
                                                 pop1564 - act, actocc, *csps, emplt, actocc15p, sal, emplt, *sectors,
                                                 pop1564 / growth, act14, act14 - chom14, chom14, emplt / job_growth,
                                                 (act14 - chom14) * 1.02, sal / job_growth])])
        struct_rows.append([c.code, *map(_fmt, [pop, *bands, pop14, *bands14])])
    written = []
    for name, header, rows in (("base-cc-emploi-pop-active-2020.CSV", emploi_header, emploi_rows),
                               ("base-cc-evol-struct-pop-2020.CSV", struct_header, struct_rows)):
        write_csv(dest_dir / name, header, rows, sep=";")
        written.append(dest_dir / name)
    return written
