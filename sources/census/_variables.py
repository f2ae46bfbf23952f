"""The census variables the portraits read, their official spellings and the files that hold them
(commune bases and MELODI datasets), for :mod:`sources.census`."""
from __future__ import annotations

import re
from dataclasses import dataclass


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


def official_names(variable: str, year: int) -> list[str]:
    """Official column names of a kept variable for a census year, e.g. ``CHOM5564``, 2020 →
    ``["P20_CHOM5564", "P20_CHOM55P"]``."""
    v = KEPT[variable]
    return [f"{v.exploitation}{year % 100:02d}_{n}" for n in (v.name, *v.aliases)]


def census_year(yy: str) -> int:
    y = int(yy)
    return 2000 + y if y < 50 else 1900 + y
