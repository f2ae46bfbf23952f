"""The declaration of the census (:data:`SOURCE`): what the portraits read, by the base that holds
it, and the other columns of the official layouts."""
from __future__ import annotations

from ..common import Need, Source
from ._variables import MELODI_META, MELODI_RULES


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
