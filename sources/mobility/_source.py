"""The declaration of the home-work and home-study flows (:data:`SOURCE`): what the portraits compute
from each kind of flow, the columns needed by each layout, the table written."""
from __future__ import annotations

from ..common import Need, OneOf, Source


# What the portraits compute from each kind of flow (catalogue indicators and report blocks).
WORK_FEEDS = ("work_in_territory", "work_other_territory", "work_outside_region", "jobs_held_by_nonresidents",
              "mobility_flows")
STUDY_FEEDS = ("study_in_territory", "study_other_territory", "study_outside_region", "mobility_flows")
# The needed columns of each layout (detail file or base flux, kind), checked on each file read.
LAYOUT_NEEDS = {
    (False, "travail"): (Need("CODGEO", WORK_FEEDS), Need("DCLT", WORK_FEEDS),
                         Need("NBFLUX_C{yy}_ACTOCC15P", WORK_FEEDS)),
    (False, "etudes"): (Need("CODGEO", STUDY_FEEDS), OneOf("DCETU", STUDY_FEEDS, names=("DCETU", "DCETUF")),
                        Need("NBFLUX_C{yy}_SCOL02P", STUDY_FEEDS)),
    (True, "travail"): (Need("COMMUNE", WORK_FEEDS), Need("DCLT", WORK_FEEDS), Need("IPONDI", WORK_FEEDS)),
    (True, "etudes"): (Need("COMMUNE", STUDY_FEEDS), OneOf("DCETU", STUDY_FEEDS, names=("DCETU", "DCETUF")),
                       Need("IPONDI", STUDY_FEEDS)),
}
# Variables of the detail files FD_MOBPRO / FD_MOBSCO not read (they describe the individual: the
# flows need only the communes and the weight). Partial: the list varies by census and is taken
# from FORMATS.md 1.2 and public readers of the real files (maelbds/diagnostic-mobilite,
# data_manager/insee_mobpro/: FD_MOBPRO_2018; InseeFrLab/DoReMIFaSol, data-raw/liste_donnees.R:
# REGION, REGLT). Another variable is reported by `portraits check` as unknown, never an error.
DETAIL_VARIABLES = ("ARM", "DCFLT", "REGION", "REGLT", "AGEREVQ", "AGEREV10", "CS1", "DIPL", "EMPL", "ILT", "ILTUU",
                    "METRODOM", "NA5", "NPERR", "SEXE", "STAT", "TP", "TRANS", "TYPMR", "VOIT", "DCETUE", "ILETUD")

SOURCE = Source(
    id="mobility",
    family="trajectories",
    title="Mobilités professionnelles et scolaires : flux domicile-lieu de travail et domicile-lieu d'études "
          "entre communes (recensement de la population)",
    producer="Insee",
    licence="Licence Ouverte v2.0 (Etalab) — Source : Insee",
    url="https://www.insee.fr/fr/statistiques/fichier/8582949/base-flux-mobilite-domicile-lieu-travail-2022_csv.zip",
    page="https://www.insee.fr/fr/statistiques/8582949",
    file_patterns=(
        "base-flux-mobilite-domicile-lieu-travail-*.csv", "base-flux-mobilite-domicile-lieu-travail-*.zip",
        "base-flux-mobilite-domicile-lieu-etude-*.csv", "base-flux-mobilite-domicile-lieu-etude-*.zip",
        # RP 2017-2019 archives: base-csv-flux-mobilite-domicile-lieu-travail-2018.zip
        "base-csv-flux-mobilite-domicile-lieu-travail-*.zip", "base-csv-flux-mobilite-domicile-lieu-etude-*.zip",
        "FD_MOBPRO_*.csv", "FD_MOBPRO_*.zip", "FD_MOBSCO_*.csv", "FD_MOBSCO_*.zip",
        "RP*_mobpro*.zip", "RP*_mobsco*.zip", "rp*_mobpro*.zip", "rp*_mobsco*.zip",
        "RP*_MOBPRO*.zip", "RP*_MOBSCO*.zip",          # RP2020_MOBPRO_csv.zip (upper case)
    ),
    demo_file="base-flux-mobilite-domicile-lieu-travail-2022.csv",
    download_name="base-flux-mobilite-domicile-lieu-travail-2022_csv.zip",
    description="Actifs occupés de 15 ans ou plus selon leur commune de résidence et leur commune de travail ; "
                "élèves, étudiants et apprentis de 2 ans ou plus selon leur commune de résidence et leur commune "
                "d'études. Effectifs pondérés du recensement, par couple de communes.",
    notes=("Flux domicile-études (MOBSCO) : base flux du recensement 2021, "
           "https://www.insee.fr/fr/statistiques/fichier/8201894/base-flux-mobilite-domicile-lieu-etude-2021-csv.zip ; "
           "à déposer à côté du fichier domicile-travail.",
           "Les arrondissements de Paris, Lyon et Marseille sont regroupés en une commune ; les flux vers "
           "l'étranger sont conservés sous leur code (99999 dans les fichiers détail)."),
    # One need per role, met by the column of any layout (the check of a folder compares the union
    # of its files' headers); each file is checked against its own layout (LAYOUT_NEEDS).
    needs=(OneOf("CODGEO ou COMMUNE (commune de résidence)", WORK_FEEDS + STUDY_FEEDS[:-1],
                 names=("CODGEO", "COMMUNE")),
           OneOf("DCLT ou DCETU (commune de travail ou d'études)", WORK_FEEDS + STUDY_FEEDS[:-1],
                 names=("DCLT", "DCETU", "DCETUF")),
           OneOf("NBFLUX_C{yy}_ACTOCC15P, NBFLUX_C{yy}_SCOL02P ou IPONDI (flux ou poids)", WORK_FEEDS + STUDY_FEEDS[:-1],
                 names=("NBFLUX_C{yy}_ACTOCC15P", "NBFLUX_C{yy}_SCOL02P", "IPONDI"))),
    known_columns=("LIBGEO", "L_DCLT", "L_DCETU", *DETAIL_VARIABLES),
    evidence="code",
    evidence_where="code public : mobility-team/mobility, mobility/parsers/work_home_flows.py (archives et "
                   "membres 2018-2021, NBFLUX_C18_ACTOCC15P) ; InseeFrLab/DoReMIFaSol, data-raw/liste_donnees.json "
                   "(fichiers détail RP2016-RP2020, FD_MOBPRO_AAAA.csv, « ; ») ; FORMATS.md 1.2 et 3.2",
)

KIND_WORK, KIND_STUDY = "travail", "etudes"
KIND_LABELS = {KIND_WORK: "domicile-travail", KIND_STUDY: "domicile-études"}
OUTPUT_FILE = "mobility.parquet"
OUTPUT_COLUMNS = ("kind", "year", "origin", "destination", "flow")
