"""Demo BCN: a small plausible catalogue of vocational diplomas (invented codes in the official
structure), in the three official tables written by :func:`sources.bcn.write`."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from sources.bcn import FORMATION_HEADER, MEF_HEADER, NIVEAU_HEADER, TABLE_FORMATION, TABLE_MEF, TABLE_NIVEAU, write

# Diploma types of the demo (NIVEAU_FORMATION_DIPLOME): code, interministerial level, short and
# long label, RNCP level.
DEMO_NIVEAUX = (
    ("500", "5", "CAP", "CERTIFICAT D'APTITUDE PROFESSIONNELLE", "03"),
    ("503", "5", "CAPA", "CERTIFICAT D'APTITUDE PROFESSIONNELLE AGRICOLE", "03"),
    ("400", "4", "BAC PRO", "BAC PROFESSIONNEL", "04"),
    ("403", "4", "BAC PRO AG", "BAC PROFESSIONNEL AGRICOLE", "04"),
    ("450", "4", "BP", "BREVET PROFESSIONNEL", "04"),
    ("320", "3", "BTS", "BREVET DE TECHNICIEN SUPERIEUR", "05"),
    ("56T", "5", "TH5-T", "TH DE NIV 5 MINISTERE DU TRAVAIL - AFPA", "03"),
    ("46T", "4", "TH4-T", "TH DE NIV 4 MINISTERE DU TRAVAIL - AFPA", "04"),
)
# (CFD, NSF group, specialty letter, label without the diploma suffix). The CFD is the niveau
# code, the NSF group and a two-digit serial (invented codes in the official structure).
DEMO_DIPLOMAS = (
    ("50022103", "221", "T", "CUISINE"),
    ("50022104", "221", "T", "BOULANGER"),
    ("50022105", "221", "T", "PATISSIER"),
    ("50022108", "221", "T", "BOUCHER"),
    ("50033603", "336", "S", "METIERS DE LA COIFFURE"),
    ("50033204", "332", "S", "ACCOMPAGNANT EDUCATIF PETITE ENFANCE"),
    ("50025206", "252", "T", "MAINTENANCE DES VEHICULES OPTION VOITURES PARTICULIERES"),
    ("50025503", "255", "T", "ELECTRICIEN"),
    ("50023202", "232", "T", "MACON"),
    ("50023403", "234", "T", "MENUISIER FABRICANT"),
    ("50031206", "312", "S", "EQUIPIER POLYVALENT DU COMMERCE"),
    ("50033402", "334", "S", "PRODUCTION ET SERVICE EN RESTAURATIONS (RAPIDE, COLLECTIVE, CAFETERIA)"),
    ("50022704", "227", "T", "MONTEUR EN INSTALLATIONS THERMIQUES"),
    ("40031205", "312", "S", "METIERS DE L'ACCUEIL"),
    ("40031207", "312", "S", "METIERS DU COMMERCE ET DE LA VENTE OPTION A ANIMATION ET GESTION DE L'ESPACE "
                            "COMMERCIAL"),
    ("40032404", "324", "S", "ASSISTANCE A LA GESTION DES ORGANISATIONS ET DE LEURS ACTIVITES"),
    ("40025008", "250", "T", "MAINTENANCE DES SYSTEMES DE PRODUCTION CONNECTES"),
    ("40025506", "255", "T", "METIERS DE L'ELECTRICITE ET DE SES ENVIRONNEMENTS CONNECTES"),
    ("40022106", "221", "T", "CUISINE"),
    ("40033405", "334", "S", "COMMERCIALISATION ET SERVICES EN RESTAURATION"),
    ("40033003", "330", "S", "ACCOMPAGNEMENT, SOINS ET SERVICES A LA PERSONNE"),
    ("40031104", "311", "S", "LOGISTIQUE"),
    ("40025103", "251", "T", "TECHNICIEN EN REALISATION DE PRODUITS MECANIQUES OPTION REALISATION ET SUIVI "
                             "DE PRODUCTIONS"),
    ("40025207", "252", "T", "MAINTENANCE DES VEHICULES OPTION A VOITURES PARTICULIERES"),
    ("32031208", "312", "S", "MANAGEMENT COMMERCIAL OPERATIONNEL"),
    ("32031209", "312", "S", "NEGOCIATION ET DIGITALISATION DE LA RELATION CLIENT"),
    ("32031406", "314", "S", "COMPTABILITE ET GESTION"),
    ("32032603", "326", "S", "SERVICES INFORMATIQUES AUX ORGANISATIONS OPTION A SOLUTIONS D'INFRASTRUCTURE, "
                             "SYSTEMES ET RESEAUX"),
    ("32025007", "250", "T", "MAINTENANCE DES SYSTEMES OPTION A SYSTEMES DE PRODUCTION"),
    ("45022103", "221", "T", "BOULANGER"),
    ("45033602", "336", "S", "COIFFURE"),
    ("50321003", "210", "T", "METIERS DE L'AGRICULTURE"),
    ("40321004", "210", "T", "CONDUITE ET GESTION DE L'ENTREPRISE AGRICOLE"),
)
# Titres professionnels present in InserJeunes (apprentissage) but not in N_FORMATION_DIPLOME,
# as about a quarter of the real apprentissage CFDs are: typed through their niveau only.
DEMO_UNKNOWN_CFD = (("56T33401", "titre professionnel agent de restauration"),
                    ("46T31202", "titre professionnel vendeur conseil en magasin"))
# Courses in lycée (voie scolaire): niveau → (dispositif, duration, MEF short label of each year,
# MEFSTAT11 prefix of each year: 4 digits + 2 digits, followed by the last 5 characters of the CFD).
DEMO_COURSES = {
    "500": ("241", 2, ("1CAP2", "2CAP2"), ("232100", "232200")),
    "400": ("247", 3, ("2NDPRO", "1ERPRO", "TLEPRO"), ("238100", "238200", "238300")),
    "320": ("311", 2, ("1BTS2", "2BTS2"), ("322110", "322210")),
}


def demo_catalogue() -> pd.DataFrame:
    """The demo diplomas: cfd, level_code, diploma_type, label, and the final-year MEFSTAT11 of
    those taught in lycée (NA otherwise); the unknown titres professionnels come last (label NA)."""
    types = {code: short for code, _, short, _, _ in DEMO_NIVEAUX}
    rows = []
    for cfd, _, _, label in DEMO_DIPLOMAS:
        course = DEMO_COURSES.get(cfd[:3])
        rows.append({"cfd": cfd, "level_code": cfd[:3], "diploma_type": types[cfd[:3]],
                     "label": f"{label} ({types[cfd[:3]]})",
                     "mefstat11": course[3][-1] + cfd[3:] if course else None})
    for cfd, _ in DEMO_UNKNOWN_CFD:
        rows.append({"cfd": cfd, "level_code": cfd[:3], "diploma_type": types[cfd[:3]], "label": None,
                     "mefstat11": None})
    return pd.DataFrame(rows)


def write_demo(dest_dir: Path) -> list[Path]:
    """Write the three BCN tables of the demo catalogue in their official layouts:
    N_FORMATION_DIPLOME in Windows-1252 (one comment has accented letters), N_MEF in UTF-8 with
    BOM, N_NIVEAU_FORMATION_DIPLOME in UTF-8; ``;`` and LF. Returns the paths written."""
    dest_dir = Path(dest_dir)
    types = {code: short for code, _, short, _, _ in DEMO_NIVEAUX}
    rncp = {code: level for code, *_, level in DEMO_NIVEAUX}
    fd_rows, mef_rows = [], []
    for n, (cfd, nsf, letter, label) in enumerate(DEMO_DIPLOMAS):
        level = cfd[:3]
        row = dict.fromkeys(FORMATION_HEADER, "")
        opened = dt.date(2016 + n % 8, 9, 1)
        row.update({
            "FORMATION_DIPLOME": cfd, "NIVEAU_FORMATION_DIPLOME": level, "GROUPE_SPECIALITE": nsf,
            "LETTRE_SPECIALITE": letter, "LIBELLE_COURT": types[level], "LIBELLE_STAT_33": label[:33],
            "LIBELLE_LONG_200": f"{label} ({types[level]})", "DATE_OUVERTURE": f"{opened:%d/%m/%Y}",
            "DATE_PREMIERE_SESSION": str(opened.year + 1), "DATE_ARRETE_CREATION": f"{opened.replace(month=3):%d/%m/%Y}",
            "NATURE_FORMATION_DIPLOME": "1",
            "GESTIONNAIRE_FORMATION_DIPLOME": "DGER AGRI" if level in ("503", "403") else "DGESCO A2-3",
            "DATE_INTERVENTION": "15/01/2024", "NB_MEF_OUVERT": str(len(DEMO_COURSES.get(level, ("", 0, ()))[2])),
            "NB_MEF_FERME": "0", "NIVEAU_QUALIFICATION_RNCP": rncp[level],
        })
        if n % 7 == 3:
            row["COMMENTAIRE"] = "Rénovation du diplôme : création à la rentrée indiquée."
        fd_rows.append([row[h] for h in FORMATION_HEADER])
        course = DEMO_COURSES.get(level)
        if course:
            dispositif, duration, shorts, prefixes = course
            for year, (short, prefix) in enumerate(zip(shorts, prefixes), start=1):
                mefstat = prefix + cfd[3:]
                mef = f"{dispositif}{cfd[3:]}{duration}{year}"
                long_label = f"{short} {label}"[:40]
                mef_rows.append([mef, dispositif, cfd, str(duration), str(year), f"{short}{cfd[3:]}", long_label,
                                 f"{opened:%d/%m/%Y}", "", "3", "0", "", "N", "", "", "N", "O", mefstat, mefstat[:9],
                                 "15/01/2024", long_label.capitalize(), ""])
    niveau_rows = [[code, inter, short, long_, "", "", "", "08/11/2021", "", level]
                   for code, inter, short, long_, level in DEMO_NIVEAUX]
    return write(dest_dir, {TABLE_FORMATION: pd.DataFrame(fd_rows, columns=FORMATION_HEADER),
                            TABLE_MEF: pd.DataFrame(mef_rows, columns=MEF_HEADER),
                            TABLE_NIVEAU: pd.DataFrame(niveau_rows, columns=NIVEAU_HEADER)})
