"""INSEE census (recensement de la population) by commune: population by age, activity,
unemployment, jobs at the place of work, actifs occupés by CSP.

Three official layouts are read, recognised from the header (never from the position of a column):

1. the legacy flat "bases communales" (``base-cc-emploi-pop-active-<AAAA>.CSV`` and its companion
   ``base-cc-evol-struct-pop-<AAAA>.CSV``), plain or inside the official zip
   (``base-cc-emploi-pop-active-2020_v2.zip`` holds the data CSV and a ``meta_…CSV``, which is
   not read): ``;`` separator, UTF-8, first column ``CODGEO``, then one column per variable named
   ``P<yy>_<NAME>`` (exploitation principale) or ``C<yy>_<NAME>`` (exploitation complémentaire),
   weighted float counts with a ``.`` decimal; secret or missing cells are empty or ``s`` (missing,
   never zero). Each base holds the census year and the year minus 6 (``P20_*`` and ``P14_*``;
   the 2020 emploi base also ``P09_*``); the 2020 base is in the géographie of 1 January 2023
   (COG 2023). The column order of the real 2020 emploi base is that of its dictionary
   (``meta_…CSV``, ``CODGEO`` first in the data file);
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

Age bands. The commune base ``base-cc-evol-struct-pop-<AAAA>`` gives ``P<yy>_POP0014, POP1529,
POP3044, POP4559, POP6074, POP7589, POP90P`` (they add up to ``P<yy>_POP``): "75 ans ou plus" is
``POP7589 + POP90P``, summed here into ``POP75P`` (a secret part makes the sum missing, never
smaller). ``POP75P`` itself exists only in the IRIS base (``base-ic-evol-struct-pop``); a file that
has it is read as it is (tolerance: the two spellings are accepted). Evidence, public readers of
the commune base, no real copy in ../shared/data/real:

- ``H-Zak/santescope``, ``notebooks/01_merge.py``: reads ``base-cc-evol-struct-pop-2020.CSV``
  (``usecols=["CODGEO", "P20_POP", "P20_POP7589", "P20_POP90P"]``, 75+ = ``P20_POP7589 + P20_POP90P``);
- ``sashaprs/France-Monitor``, ``scripts/build-circos.js``: reads ``base-cc-evol-struct-pop-2022.CSV``
  of ``base-cc-evol-struct-pop-2022_csv.zip`` (``P22_POP0014`` … ``P22_POP6074, P22_POP7589, P22_POP90P``);
- the IRIS base read by other public code (header ``IRIS;COM;TYP_IRIS;…;P20_POP6074;P20_POP75P;…``)
  is where ``POP75P`` comes from.

Actifs occupés. The comparateur base has ``P<yy>_POP1564, ACT1564, CHOM1564`` but no
``ACTOCC1564`` (real file, RP 2018): where a file gives the actifs and the chômeurs of 15-64 for a
year but not the actifs occupés, they are derived as ``ACT1564 − CHOM1564`` (actifs = actifs
occupés + chômeurs in the census), with a warning naming the file; the employment rate is then
``(ACT1564 − CHOM1564) / POP1564`` (region: 67.3 % in RP 2018).

Output (long): ``commune_code`` (current code), ``year`` (census year, e.g. 2020 for ``P20_``),
``variable`` (the INSEE name without its ``P<yy>_``/``C<yy>_`` prefix), ``value`` (Float64, NA
when secret or missing). Only the variables of :data:`VARIABLES` are kept. Two spellings of 2020
are normalised: ``P20_ACTOCC`` (actifs occupés de 15 ans ou plus) is ``ACTOCC15P`` and
``P20_CHOM55P`` (sic, chômeurs de 55 à 64 ans) is ``CHOM5564``.

National files (the bases cover about 35,000 communes). The rows of the region are kept first —
those whose département (``departement_of``: ``2A``, ``971``…) is one of the region's, or whose
code is a known former code — and only they are checked (codes, numbers, duplicates): a row of
another region (Deux-Sèvres 79xxx, Corsica, overseas) never stops the build. A malformed code is
kept, to be reported (its région cannot be known). Former communes (communes déléguées /
associées, or merged since the file's géographie) are brought to their current commune and ADDED
(counts are additive; a secret part makes the sum missing). A code of the region unknown to the
mapping is an error naming it. A file with rows but none of the region is left out with a
warning; when no file has a row of the region, :class:`sources.common.NoRegionalRows` is raised
(the dataset is left out of the refresh, its parts say why).

Several files are combined. If two of them give the same (commune, year, variable), the most
specific base wins: emploi-pop-active / evol-struct-pop, then MELODI, then the comparateur; the
newest file between two of the same kind. This is reported as a warning.

Needed columns (``SOURCE.needs``) are checked once on the union of the headers of the files read
(the bases together make the dataset), for the census year shown: ``P{yy}_POP0014`` is looked for
as ``P20_POP0014`` in a 2020 edition. A file's ``P<yy>_POP75P`` stands for ``POP7589`` and
``POP90P``, an alias for its official spelling, derived actifs occupés for ``ACTOCC1564``; a
MELODI file stands for the legacy names of the variables it gave. A needed column absent (e.g.
the age bands, CSP and sectors of the comparateur base) is a named warning and is recorded in
``Loaded.missing`` (one entry per file and per group of columns feeding the same parts), so that
the blocks fed say which columns are missing. The other columns of the official layouts (the
families ``P<yy>_POP…``, ``P<yy>_H…``, ``C<yy>_EMPLT…``… and the non-census columns of the
comparateur) are ``SOURCE.known_columns``.

Vintage: ``recensement <AAAA>``, the latest census year among the main variables (population,
15-64 activity and unemployment, jobs).

Evidence: the real ``insee-base_cc_comparateur-rp2018_pdl.CSV`` and the variable dictionaries
``meta_base-cc-emploi-pop-active-2020_v2_pdl.CSV`` and ``meta_base_cc_comparateur-rp2018_pdl.CSV``
(../shared/data/real); public code for ``base-cc-evol-struct-pop`` (above) and for MELODI.

Writing: :func:`write` writes a legacy commune base from the file's own columns (``CODGEO``,
``P20_POP``…); :func:`read` melts, sums and derives, so the round trip
(tests/test_write_census.py) states the long table expected. The demo bases are drawn in
``portraits/demo/census.py``.
"""
from __future__ import annotations

import csv
import io
import itertools
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .common import (check_commune_codes, check_needs, departement_of, Loaded, Need, NoRegionalRows, normalise_name,
                     open_binary, region_departements, Source, SourceError, to_number, write_csv)

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
# Variables read only to be summed into a kept one: "75 ans ou plus" of the commune base.
COMPONENTS: dict[str, tuple[str, ...]] = {"POP75P": ("POP7589", "POP90P")}
# Official spelling (prefix letter, name without prefix) → normalised name (or component name).
_SPELLINGS: dict[tuple[str, str], str] = {
    **{(v.exploitation, n): v.name for v in VARIABLES for n in (v.name, *v.aliases)},
    **{(KEPT[total].exploitation, c): c for total, parts in COMPONENTS.items() for c in parts}}
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

# ---------------------------------------------------------------------------------------------
# What the portraits read (Source.needs), by the base that holds it, and what they feed.

_CENSUS_FEEDS = ("census_population_change", "share_1529", "share_60p", "activity_rate", "employment_rate",
                 "unemployment_rate_census", "jobs", "jobs_change", "employment_concentration", "ages", "csp",
                 "sectors", "commune_maps")
_AGE_FEEDS = ("ages", "share_1529", "share_60p")
NEEDS_BY_BASE: dict[str, tuple[Need, ...]] = {
    "": (Need("CODGEO", _CENSUS_FEEDS),),          # every file (the MELODI files: GEO)
    "evol-struct-pop": (
        Need("P{yy}_POP", ("census_population_change", "commune_maps"), required=False),
        *(Need(f"P{{yy}}_{band}", _AGE_FEEDS, required=False)
          for band in ("POP0014", "POP1529", "POP3044", "POP4559", "POP6074", "POP7589", "POP90P")),
    ),
    "emploi-pop-active": (
        Need("P{yy}_POP1564", ("activity_rate", "employment_rate", "commune_maps"), required=False),
        Need("P{yy}_ACT1564", ("activity_rate", "unemployment_rate_census", "commune_maps"), required=False),
        Need("P{yy}_ACTOCC1564", ("employment_rate", "commune_maps"), required=False),
        Need("P{yy}_CHOM1564", ("unemployment_rate_census", "commune_maps"), required=False),
        Need("P{yy}_ACTOCC", ("employment_concentration",), required=False),     # actifs occupés de 15 ans ou plus
        Need("P{yy}_EMPLT", ("jobs", "jobs_change", "employment_concentration"), required=False),
        *(Need(f"C{{yy}}_ACTOCC1564_CS{i}", ("csp",), required=False) for i in range(1, 7)),
        *(Need(f"C{{yy}}_EMPLT_{sector}", ("sectors",), required=False)
          for sector in ("AGRI", "INDUS", "CONST", "CTS", "APESAS")),
    ),
}

# The other columns of the official layouts, knowingly not read (``*``: any text, see
# sources.common.column_pattern). Families of the bases communales, from the real 2020 emploi
# dictionary and the public readers of evol-struct-pop (docstring) …
_BASE_FAMILIES = ("P{yy}_POP*", "P{yy}_H*", "P{yy}_F*", "P{yy}_ACT*", "P{yy}_CHOM*", "P{yy}_INACT*", "P{yy}_ETUD*",
                  "P{yy}_RETR*", "P{yy}_AINACT*", "P{yy}_EMPLT*", "P{yy}_PMEN", "P{yy}_PHORMEN",
                  "C{yy}_ACT*", "C{yy}_EMPLT*", "C{yy}_AGRILT*", "C{yy}_INDUSLT*", "C{yy}_CONSTLT*", "C{yy}_CTSLT*",
                  "C{yy}_APESASLT*", "C{yy}_POP15P*", "C{yy}_H15P*", "C{yy}_F15P*")
# … the other columns of the comparateur base (real RP 2018 dictionary: housing, births and
# deaths, Filosofi, establishments) …
_COMPARATEUR_OTHERS = ("P{yy}_MEN", "P{yy}_LOG", "P{yy}_RP", "P{yy}_RSECOCC", "P{yy}_LOGVAC", "P{yy}_RP_PROP",
                       "SUPERF", "NAIS{yy}{yy}", "DECE{yy}{yy}", "NAISD{yy}", "DECESD{yy}", "NBMENFISC{yy}",
                       "PIMP{yy}", "MED{yy}", "TP60{yy}", "ETTOT{yy}", "ETAZ{yy}", "ETBE{yy}", "ETFZ{yy}", "ETGU{yy}",
                       "ETGZ{yy}", "ETOQ{yy}", "ETTEF1{yy}", "ETTEFP10{yy}")
# … and the MELODI columns: metadata and the dimensions the rules name (any other dimension is
# unexpected: it must be the total ``_T``).
_MELODI_COLUMNS = tuple(sorted(MELODI_META | {d for _, _, dims in MELODI_RULES for d in dims} | {"AGE", "SEX"}))

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
    needs=tuple(n for needs in NEEDS_BY_BASE.values() for n in needs),
    known_columns=(*_BASE_FAMILIES, "P{yy}_POP75P", *_COMPARATEUR_OTHERS, *_MELODI_COLUMNS),
    evidence="réel",
    evidence_where="../shared/data/real/insee-base_cc_comparateur-rp2018_pdl.CSV, "
                   "meta_base-cc-emploi-pop-active-2020_v2_pdl.CSV, meta_base_cc_comparateur-rp2018_pdl.CSV ; "
                   "base-cc-evol-struct-pop : code public (H-Zak/santescope notebooks/01_merge.py, "
                   "sashaprs/France-Monitor scripts/build-circos.js) ; MELODI : code public (FORMATS.md 1.1)",
)


def official_names(variable: str, year: int) -> list[str]:
    """Official column names of a kept variable for a census year, e.g. ``CHOM5564``, 2020 →
    ``["P20_CHOM5564", "P20_CHOM55P"]``."""
    v = KEPT[variable]
    return [f"{v.exploitation}{year % 100:02d}_{n}" for n in (v.name, *v.aliases)]


def census_year(yy: str) -> int:
    y = int(yy)
    return 2000 + y if y < 50 else 1900 + y


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
    return region_departements(communes), set(communes)


_COMMUNE_CODE = re.compile(r"[0-9][0-9AB][0-9]{3}")


def _keep_code(code: str, deps: set[str] | None, accepted: set[str]) -> bool:
    """A row is kept when its commune is in the region (or a known former code); a malformed
    code is kept too, to be reported by :func:`sources.common.check_commune_codes`."""
    return deps is None or code in accepted or not _COMMUNE_CODE.fullmatch(code) or departement_of(code) in deps


def _needs_header(header: list[str]) -> list[str]:
    """The header as the needs see it: each variable read under all its official spellings, and
    ``P<yy>_POP75P`` standing for the two bands it is made of in the commune base."""
    out = list(header)
    for h in header:
        m = _PREFIXED.match(h)
        if not m or (m.group(1), m.group(3)) not in _SPELLINGS:
            continue
        name, year = _SPELLINGS[(m.group(1), m.group(3))], census_year(m.group(2))
        if name in KEPT:
            out += official_names(name, year)
        for part in COMPONENTS.get(name, ()):
            out.append(f"{KEPT[name].exploitation}{year % 100:02d}_{part}")
    return out


def _sum_components(long: pd.DataFrame) -> pd.DataFrame:
    """Each kept variable of :data:`COMPONENTS` (``POP75P``) from its parts (``POP7589 + POP90P``),
    commune by commune, for the years where the file gives every part but not the total itself;
    missing when a part is. The parts are not kept (a year with one part only has no total: the
    needs check names the part missing)."""
    out = [long[~long.variable.isin([c for parts in COMPONENTS.values() for c in parts])]]
    for total, parts in COMPONENTS.items():
        comp = long[long.variable.isin(parts)]
        comp = comp[~comp.year.isin(set(out[0].year[out[0].variable == total]))]
        if comp.empty:
            continue
        work = comp.assign(_na=comp.value.isna())
        summed = work.groupby(["_line", "commune_code", "year"], as_index=False, sort=False).agg(
            value=("value", "sum"), _na=("_na", "any"), _parts=("variable", "nunique"))
        summed = summed[summed._parts == len(parts)]
        summed["value"] = summed.value.astype("Float64").mask(summed._na)
        out.append(summed.assign(variable=total)[["_line", "commune_code", "value", "year", "variable"]])
    return pd.concat(out, ignore_index=True)


def _read_base(path: Path, reader, header: list[str], deps, accepted) -> tuple[pd.DataFrame, int]:
    """Legacy bases and comparateur: ``CODGEO`` then one column per variable. Returns the long
    frame of the region's rows and the number of data rows of the file."""
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
    rows, total = [], 0
    for row in reader:
        if not row or all(not c.strip() for c in row):
            continue
        if len(row) < len(header):
            raise SourceError(path, f"{len(row)} champs au lieu de {len(header)} (fichier tronqué ?)",
                              line=reader.line_num)
        total += 1
        code = row[code_at].strip()
        if _keep_code(code, deps, accepted):
            rows.append([reader.line_num, code, *(row[i].strip() for i in wanted)])
    if not total:
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
    return _sum_components(long.drop(columns="column")), total


def _melodi_dataset(name: str) -> str | None:
    upper = name.upper()
    for prefix, kind in MELODI_DATASETS.items():
        if upper.startswith(prefix):
            return kind
    return None


def _read_melodi(path: Path, reader, header: list[str], kind: str, deps, accepted) -> tuple[pd.DataFrame, int]:
    """MELODI long layout: dimensions + GEO;GEO_OBJECT;TIME_PERIOD;OBS_VALUE. Returns the long
    frame of the region's communes and the number of data lines of the file."""
    missing = [c for c in _MELODI_REQUIRED if c not in header]
    if missing:
        raise SourceError(path, f"colonne(s) MELODI absente(s) : {', '.join(missing)}", line=1)
    at = {h: i for i, h in enumerate(header)}
    geo, obj = at["GEO"], at["GEO_OBJECT"]
    status = at.get("OBS_STATUS")
    rows, total = [], 0
    for row in reader:
        if not row or all(not c.strip() for c in row):
            continue
        if len(row) < len(header):
            raise SourceError(path, f"{len(row)} champs au lieu de {len(header)} (fichier tronqué ?)",
                              line=reader.line_num)
        total += 1
        if row[obj].strip() != "COM" or (status is not None and row[status].strip() == "K"):
            continue
        if _keep_code(row[geo].strip(), deps, accepted):
            rows.append([reader.line_num, *(c.strip() for c in row[: len(header)])])
    if not total:
        raise SourceError(path, "aucune ligne de données")
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
    return out, total


def _read_file(path: Path, deps, accepted) -> tuple[pd.DataFrame | None, int | None, list[str]]:
    """One file, recognised from its header: (long frame of the region's rows, rank of its kind,
    header as the needs see it), or (None, None, []) for a MELODI dataset this module does not map.
    A MELODI file's header, for the needs, is ``CODGEO`` and the legacy names of what it gave."""
    def parse(reader, header, member):
        inner = member or path.name
        if all(c in header for c in _MELODI_REQUIRED):
            kind = _melodi_dataset(inner)
            if kind is None:
                return None, None, []
            df, _ = _read_melodi(path, reader, header, kind, deps, accepted)
            pairs = df[["variable", "year"]].drop_duplicates().itertuples(index=False)
            return df, RANK_MELODI, ["CODGEO", *(n for v, y in pairs for n in official_names(v, y))]
        rank = RANK_COMPARATEUR if "comparateur" in inner.lower() else RANK_SPECIFIC
        df, _ = _read_base(path, reader, header, deps, accepted)
        return df, rank, _needs_header(header)

    return parse_stream(path, DATA_MEMBERS, parse)


def _strict_sum(df: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Sum of ``value`` by ``keys``; missing when any part is missing (a secret part makes the
    total unknown, never smaller)."""
    work = df.assign(_na=df["value"].isna())
    out = work.groupby(keys, as_index=False, sort=True).agg(value=("value", "sum"), _na=("_na", "any"))
    out["value"] = out["value"].astype("Float64").mask(out["_na"])
    return out.drop(columns="_na")


def _derive_employed(part: pd.DataFrame) -> tuple[pd.DataFrame, list[int]]:
    """Actifs occupés de 15 à 64 ans = actifs − chômeurs de 15 à 64 ans, for the years of a file
    that gives both but not ``ACTOCC1564`` (the comparateur base); missing when either is.
    Returns the frame with the derived rows and the years derived."""
    have = {(v, y) for v, y in zip(part.variable, part.year)}
    years = sorted({y for _, y in have if ("ACT1564", y) in have and ("CHOM1564", y) in have
                    and ("ACTOCC1564", y) not in have})
    if not years:
        return part, []
    w = part[part.year.isin(years) & part.variable.isin(["ACT1564", "CHOM1564"])]
    w = w.pivot(index=["commune_code", "year"], columns="variable", values="value").reset_index()
    derived = pd.DataFrame({"commune_code": w.commune_code, "year": w.year.astype("int64"), "variable": "ACTOCC1564",
                            "value": (w.ACT1564.astype("Float64") - w.CHOM1564.astype("Float64"))})
    return pd.concat([part, derived], ignore_index=True), years


def _file_base(name: str) -> str:
    """The legacy base a file is (``emploi-pop-active``, ``evol-struct-pop``), else ``""``."""
    low = name.lower()
    return next((b for b in ("emploi-pop-active", "evol-struct-pop") if f"base-cc-{b}" in low), "")


def check_census_needs(headers: dict[str, list[str]], year: int, warnings: list[str], missing: list[dict]) -> None:
    """The needs of :data:`SOURCE`, for the census ``year`` shown, checked on the union of the
    ``headers`` (file name → header as the needs see it) of the files read: a missing column is
    named with the files of the base that should hold it (all the files read when none of that
    base was given), one warning and one ``missing`` entry per group of columns of one file that
    feed the same parts (sources.common.check_needs checks each)."""
    yy = f"{year % 100:02d}"
    union = [h for header in headers.values() for h in header]
    found: list[dict] = []
    for base, needs in NEEDS_BY_BASE.items():
        files = [n for n in headers if base and _file_base(n) == base] or list(headers)
        concrete = [Need(n.column.replace("{yy}", yy), n.feeds, n.required) for n in needs]
        check_needs(Path(", ".join(files)), union, SOURCE, [], found, line=None, needs=concrete)
    groups: dict[tuple[str, tuple[str, ...]], list[str]] = {}
    for m in found:
        groups.setdefault((m["file"], tuple(m["feeds"])), []).append(m["column"])
    for (file, feeds), columns in groups.items():
        several = len(columns) > 1
        warnings.append(f"{file} : colonne{'s' * several} {', '.join(columns)} absente{'s' * several} ; "
                        f"non calculé : {', '.join(feeds)}")
        missing.append({"column": ", ".join(columns), "file": file, "feeds": list(feeds)})


def read(paths: list[Path], communes: set[str] | dict[str, str] | None = None) -> Loaded:
    """Read and combine every census file given. ``communes``: accepted commune codes (a mapping
    brings former codes to current ones, see :func:`sources.common.check_commune_codes`); rows of
    départements outside the region are dropped; without it every row is kept as it is."""
    deps, accepted = _region_filter(communes)
    frames, warnings, names, headers, outside = [], [], [], {}, []
    for order, path in enumerate(paths):
        path = Path(path)
        names.append(path.name)
        df, rank, header = _read_file(path, deps, accepted)
        if df is None:
            warnings.append(f"{path.name} : jeu de données MELODI non pris en charge par ce module ; fichier ignoré")
            continue
        if df.empty:                  # rows, none of the region (a file without rows is refused)
            outside.append(path)
            continue
        former = check_commune_codes(path, df, "commune_code", communes)
        if former:
            warnings.append(f"{path.name} : anciens codes communes rapportés à leur commune actuelle et additionnés : "
                            f"{', '.join(former)}")
        part, derived = _derive_employed(_strict_sum(df, ["commune_code", "year", "variable"]))
        if derived:
            warnings.append(f"{path.name} : actifs occupés de 15 à 64 ans absents du fichier ; calculés comme actifs "
                            "moins chômeurs de 15 à 64 ans ("
                            + ", ".join(f"P{y % 100:02d}_ACT1564 − P{y % 100:02d}_CHOM1564" for y in derived) + ")")
            header = header + [n for y in derived for n in official_names("ACTOCC1564", y)]
        headers[path.name] = header
        part["_rank"], part["_order"] = rank, order
        part["_newest"] = int(part.year.max()) if len(part) else 0
        part["_file"] = path.name
        frames.append(part)
    where = f"des départements {', '.join(sorted(deps))}" if deps else "de la région"
    if not frames:
        if outside:
            raise NoRegionalRows(outside[-1], f"aucune commune {where}"
                                 + (f" (ni dans {', '.join(p.name for p in outside[:-1])})" if len(outside) > 1 else ""))
        raise SourceError(Path(paths[-1]) if paths else Path("recensement"), "aucun fichier du recensement lisible")
    if outside:
        warnings.append(f"{', '.join(p.name for p in outside)} : aucune commune {where} ; fichier ignoré")
    out = _most_specific(pd.concat(frames, ignore_index=True), warnings)
    out["year"] = out["year"].astype("int64")
    out["value"] = out["value"].astype("Float64")
    secret = int(out.value.isna().sum())
    if secret:
        warnings.append(f"recensement : {secret} valeurs secrètes ou manquantes (laissées vides, jamais à zéro)")
    main = out[out.variable.isin(MAIN_VARIABLES) & out.value.notna()]
    latest = int((main if len(main) else out).year.max())
    missing: list[dict] = []
    check_census_needs(headers, latest, warnings, missing)
    return Loaded(SOURCE, out, vintage=f"recensement {latest}", files=names, warnings=warnings, missing=missing)


def _most_specific(out: pd.DataFrame, warnings: list[str]) -> pd.DataFrame:
    """One value per commune × year × variable: the most specific base's (then the newest file,
    then the first given), the others named in a warning; sorted as :data:`COLUMNS`."""
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
    return out[COLUMNS].sort_values(["commune_code", "variable", "year"], ignore_index=True)


# ---------------------------------------------------------------------------------------------
# Writing: the legacy commune base (the demo draws its values in portraits/demo/census.py).

def _fmt(x: float) -> str:
    """A count as INSEE writes it: ``.`` decimal, no trailing zeros (6 decimals here)."""
    s = f"{x:.6f}".rstrip("0").rstrip(".")
    return "0" if s in ("", "-0") else s



def _cell(value: object) -> str:
    if isinstance(value, str):
        return value
    return "" if pd.isna(value) else _fmt(float(value))


def write(path: Path, frame: pd.DataFrame) -> None:
    """Write ``frame`` (the file's own columns: ``CODGEO`` then official names such as
    ``P20_POP1564``, in the frame's order) as a legacy commune base: ``;``, LF, UTF-8 without BOM,
    counts with a ``.`` decimal and no trailing zeros, a missing count (secret) empty, text cells as
    they are. The exact inverse of the file, not of :func:`read` (which melts, sums former
    communes and derives the employed)."""
    rows = [[_cell(v) for v in row] for row in frame.itertuples(index=False, name=None)]
    write_csv(Path(path), list(frame.columns), rows, sep=";")
