"""The declaration of the unemployment rates (:data:`SOURCE`) and the columns needed, by kind of file."""
from __future__ import annotations

from ..common import Need, Source


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
