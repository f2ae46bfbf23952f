"""DGEFP, Liste publique des organismes de formation (article L.6351-7-1 du code du travail).

**Evidence: real header** (``SOURCE.evidence`` "réel"): ``../shared/data/real/``
``dgefp-liste-publique-des-organismes-de-formation_HEADER-ONLY.csv``, the header line of the
current file (31 fields, the last empty: the line ends with ``;``), identical in three
independent public readers of the file. No real data row was found: the cell formats below
(FORMATS.md §2.3, [CODE]) are read tolerantly. ``;``, UTF-8, one line per organism (numéro de
déclaration d'activité, NDA), **each line ending with a ``;``** (an empty last column), booleans
``true``/``false``/empty, dates ``dd/mm/yyyy``. Current columns:
``numeroDeclarationActivite;numerosDeclarationActivitePrecedent;denomination;siren;
siretEtablissementDeclarant;adressePhysiqueOrganismeFormation.voie|.codePostal|.ville|.codeRegion;
certifications.actionsDeFormation|.bilansDeCompetences|.VAE|.actionsDeFormationParApprentissage;
organismeEtrangerRepresente.*;informationsDeclarees.dateDerniereDeclaration|.debutExercice|
.finExercice|.specialitesDeFormation.codeSpecialite1..3|.libelleSpecialite1..3|.nbStagiaires|
.nbStagiairesConfiesParUnAutreOF|.effectifFormateurs;``. Older files (``DGEFP-20210105_public_ofs.csv``)
had leading spaces in the column names (names are stripped) and a ``cfa`` column ``Oui``/``Non``.

Rules:
- The file is national. The rows of the region are kept first, and only they are checked (a
  row of another region never stops the build): ``codeRegion`` = the region (52); when the
  region code is empty, the postcode's département (44, 49, 53, 72, 85). Other rows are counted
  in a warning. A file without a row of the region raises :class:`~sources.common.NoRegionalRows`.
- ``qualiopi_*``: the Qualiopi certification by category (``certifications.*``), nullable
  booleans (``true``/``oui``/``1`` → true, ``false``/``non``/``0`` → false, empty → missing; anything
  else is an error naming the line). In the old layout, without ``certifications.*``, the
  apprenticeship flag is read from ``cfa`` (declared CFA), reported in a warning; the others are
  missing.
- ``nsf_codes``: the declared specialities (NSF codes) 1 to 3, ``|``-joined.
- ``trainees`` (``nbStagiaires``), ``trainers`` (``effectifFormateurs``): counts (``Int64``), empty
  is missing; a non-numeric or negative value is an error naming the line.
- A SIRET that is not 14 digits is left missing (counted in a warning); a missing SIREN is taken
  from the SIRET. A NDA listed twice: the first line is kept (warning).
- Vintage: the date in the file name (``DGEFP-20210105…``) if any, else the latest
  ``dateDerniereDeclaration``.

:func:`write` writes the current layout from the frame of its own columns (:data:`HEADER`): the read
is lossy (the region's rows, columns derived), so the round-trip test states the tidy result it
expects.
"""
from __future__ import annotations

import csv
import io
import datetime as dt
import re
from pathlib import Path

import pandas as pd

from .common import (Loaded, Need, NoRegionalRows, Source, SourceError, check_needs, csv_header, normalise_name,
                     read_official_csv, read_text, to_number)
from .common.writing import frame_rows
from .datafrance import postcode_departements, region_info

SOURCE = Source(
    id="organisms",
    family="training",
    title="Liste publique des organismes de formation (L.6351-7-1 du code du travail)",
    producer="Ministère du Travail (DGEFP)",
    licence="Licence Ouverte v2.0 (Etalab)",
    url="https://www.data.gouv.fr/fr/datasets/r/745a5413-d2b5-4d61-b743-8b0ace68083b",
    page="https://www.data.gouv.fr/fr/datasets/liste-publique-des-organismes-de-formation-l-6351-7-1-du-code-du-travail/",
    file_patterns=("liste-publique-des-organismes-de-formation*.csv", "*public_ofs*.csv",
                   "745a5413-d2b5-4d61-b743-8b0ace68083b*"),
    demo_file="liste-publique-des-organismes-de-formation.csv",
    download_name="liste-publique-des-organismes-de-formation.csv",
    description="Organismes de formation déclarés (NDA, SIRET, adresse), certification Qualiopi par catégorie "
                "d'action, spécialités, nombre de stagiaires et de formateurs déclarés.",
    notes=("Organismes de la région : son code région, à défaut le département du code postal.",),
    # The portraits name the organisms of the training offer (by SIRET) and say whether they are
    # Qualiopi-certified for training actions (portraits/indicators/sql/organisms.sql).
    needs=(Need("numeroDeclarationActivite", ("training_organisms",)),
           Need("denomination", ("training_organisms",)),
           Need("siretEtablissementDeclarant", ("training_organisms",)),
           Need("adressePhysiqueOrganismeFormation.codePostal", ("training_organisms",)),   # the region's rows
           Need("certifications.actionsDeFormation", ("training_organisms",), required=False)),
    # The other columns of the official layout. Read when present, nothing shown depends on them:
    # codeRegion (the region's rows, else by postcode), the address, the other certifications,
    # the specialities, the counts and the date of the last declaration (the vintage); and cfa
    # (old layout).
    known_columns=("numerosDeclarationActivitePrecedent", "siren", "adressePhysiqueOrganismeFormation.voie",
                   "adressePhysiqueOrganismeFormation.ville", "adressePhysiqueOrganismeFormation.codeRegion",
                   "certifications.bilansDeCompetences", "certifications.VAE",
                   "certifications.actionsDeFormationParApprentissage", "organismeEtrangerRepresente.denomination",
                   "organismeEtrangerRepresente.voie", "organismeEtrangerRepresente.codePostal",
                   "organismeEtrangerRepresente.ville", "organismeEtrangerRepresente.pays",
                   "informationsDeclarees.dateDerniereDeclaration", "informationsDeclarees.debutExercice",
                   "informationsDeclarees.finExercice",
                   *(f"informationsDeclarees.specialitesDeFormation.{kind}Specialite{i}"
                     for i in (1, 2, 3) for kind in ("code", "libelle")),
                   "informationsDeclarees.nbStagiaires", "informationsDeclarees.nbStagiairesConfiesParUnAutreOF",
                   "informationsDeclarees.effectifFormateurs", "cfa"),
    evidence="réel",
    evidence_where="en-tête réel (../shared/data/real/dgefp-liste-publique-des-organismes-de-formation_HEADER-ONLY.csv) ; "
                   "aucune ligne de données réelle : valeurs d'après FORMATS.md §2.3 (code public)",
)

COLUMNS = ["nda", "name", "siren", "siret", "address", "postcode", "town", "qualiopi_training",
           "qualiopi_skills_review", "qualiopi_vae", "qualiopi_apprenticeship", "nsf_codes", "trainees", "trainers"]
REQUIRED = {
    "numeroDeclarationActivite": "nda",
    "denomination": "name",
    "siretEtablissementDeclarant": "siret",
    "adressePhysiqueOrganismeFormation.codePostal": "postcode",
}
OPTIONAL = {
    "siren": "siren",
    "adressePhysiqueOrganismeFormation.voie": "address",
    "adressePhysiqueOrganismeFormation.ville": "town",
    "adressePhysiqueOrganismeFormation.codeRegion": "region",
    "certifications.actionsDeFormation": "qualiopi_training",
    "certifications.bilansDeCompetences": "qualiopi_skills_review",
    "certifications.VAE": "qualiopi_vae",
    "certifications.actionsDeFormationParApprentissage": "qualiopi_apprenticeship",
    "cfa": "cfa",
    "informationsDeclarees.specialitesDeFormation.codeSpecialite1": "nsf1",
    "informationsDeclarees.specialitesDeFormation.codeSpecialite2": "nsf2",
    "informationsDeclarees.specialitesDeFormation.codeSpecialite3": "nsf3",
    "informationsDeclarees.nbStagiaires": "trainees",
    "informationsDeclarees.effectifFormateurs": "trainers",
    "informationsDeclarees.dateDerniereDeclaration": "last_declaration",
}
BOOLEANS = ["qualiopi_training", "qualiopi_skills_review", "qualiopi_vae", "qualiopi_apprenticeship"]
_TRUE = {"true", "oui", "1", "vrai"}
_FALSE = {"false", "non", "0", "faux"}
_FILE_DATE = re.compile(r"(20\d{2})(\d{2})(\d{2})")




def _boolean(path: Path, df: pd.DataFrame, column: str) -> pd.Series:
    key = df[column].fillna("").astype(str).str.strip().str.lower()
    bad = ~key.isin(_TRUE | _FALSE | {""})
    if bad.any():
        i = bad.idxmax()
        raise SourceError(path, f"valeur booléenne inattendue {df.at[i, column]!r} dans la colonne {column} "
                                f"(attendu true/false)", line=int(df.at[i, "_line"]))
    return pd.Series([True if k in _TRUE else False if k in _FALSE else pd.NA for k in key],
                     index=df.index, dtype="boolean")


def read(paths: list[Path], communes=None, region: str = "52") -> Loaded:
    """Read the latest list given, the organisms of ``region`` (INSEE code; ``communes`` is not
    used: an organism is placed by its address later)."""
    departements = region_info(region)[1]
    path = Path(sorted(paths, key=lambda p: Path(p).name)[-1])
    warnings = []
    if len(paths) > 1:
        warnings.append(f"plusieurs listes DGEFP ; seule {path.name} est lue")
    text = read_text(path)
    names = csv_header(path, text)
    missing: list[dict] = []
    check_needs(path, names, SOURCE, warnings, missing)
    header = {normalise_name(h) for h in names}
    optional = {k: v for k, v in OPTIONAL.items() if normalise_name(k) in header}
    df = read_official_csv(path, {**REQUIRED, **optional}, text=text)
    for col in set(OPTIONAL.values()) - set(df.columns):
        df[col] = ""
    total = len(df)

    postcode = df.postcode.str.replace(r"\s", "", regex=True)
    df["postcode"] = postcode.where(~postcode.str.fullmatch(r"\d{4}"), "0" + postcode)
    declared = df.region.fillna("").str.strip().str.replace(r"\.0$", "", regex=True)
    by_postcode = df.postcode.fillna("").map(lambda pc: bool(postcode_departements(pc) & set(departements)))
    in_region = (declared == region) | ((declared == "") & by_postcode)
    df = df[in_region].copy()
    if df.empty:
        raise NoRegionalRows(path, f"aucun organisme de la région {region} ({total} lignes lues)")
    if total > len(df):
        warnings.append(f"{path.name} : {total - len(df)} organismes hors de la région {region} ignorés")

    if "qualiopi_apprenticeship" not in optional and "cfa" in optional:
        df["qualiopi_apprenticeship"] = df.cfa
        warnings.append(f"{path.name} : ancienne structure sans certifications Qualiopi ; la colonne cfa (Oui/Non) "
                        f"tient lieu d'indicateur apprentissage")
    for col in BOOLEANS:
        df[col] = _boolean(path, df, col)
    for col in ("trainees", "trainers"):
        df[col] = to_number(path, df, col, integer=True, minimum=0)
    df["nsf_codes"] = ["|".join(c.strip() for c in codes if isinstance(c, str) and c.strip()) or None
                       for codes in zip(df.nsf1, df.nsf2, df.nsf3)]
    siret = df.siret.fillna("").str.replace(r"\s", "", regex=True)
    bad = (siret != "") & ~siret.str.fullmatch(r"\d{14}")
    if bad.any():
        warnings.append(f"{path.name} : {int(bad.sum())} SIRET invalides laissés vides (ex. {df.siret[bad].iloc[0]!r}, "
                        f"ligne {int(df._line[bad].iloc[0])})")
    df["siret"] = siret.where(siret.str.fullmatch(r"\d{14}"), None)
    siren = df.siren.fillna("").str.replace(r"\s", "", regex=True)
    df["siren"] = siren.where(siren.str.fullmatch(r"\d{9}"), df.siret.str[:9])
    dup = df.nda.duplicated()
    if dup.any():
        warnings.append(f"{path.name} : NDA présents plusieurs fois ({', '.join(sorted(set(df.nda[dup]))[:5])}) ; "
                        f"la première ligne est retenue")
        df = df[~dup]
    out = df[COLUMNS].reset_index(drop=True)
    for col in ("nda", "name", "siren", "siret", "address", "postcode", "town", "nsf_codes"):
        out[col] = out[col].where(out[col].fillna("").astype(str).str.strip() != "", None).astype("str")
    return Loaded(SOURCE, out, vintage=_vintage(path, df), files=[path.name], warnings=warnings, missing=missing)


def _vintage(path: Path, df: pd.DataFrame) -> str:
    m = _FILE_DATE.search(path.name)
    if m:
        try:
            return f"liste du {dt.date(*map(int, m.groups())):%d/%m/%Y}"
        except ValueError:
            pass
    dates = pd.to_datetime(df.last_declaration, format="%d/%m/%Y", errors="coerce")
    if dates.notna().any():
        return f"déclarations reçues jusqu'au {dates.max():%d/%m/%Y}"
    return "extraction non datée"


# ---------------------------------------------------------------------------------------------
# Writing: the current layout

HEADER = ["numeroDeclarationActivite", "numerosDeclarationActivitePrecedent", "denomination", "siren",
          "siretEtablissementDeclarant", "adressePhysiqueOrganismeFormation.voie",
          "adressePhysiqueOrganismeFormation.codePostal", "adressePhysiqueOrganismeFormation.ville",
          "adressePhysiqueOrganismeFormation.codeRegion", "certifications.actionsDeFormation",
          "certifications.bilansDeCompetences", "certifications.VAE",
          "certifications.actionsDeFormationParApprentissage", "organismeEtrangerRepresente.denomination",
          "organismeEtrangerRepresente.voie", "organismeEtrangerRepresente.codePostal",
          "organismeEtrangerRepresente.ville", "organismeEtrangerRepresente.pays",
          "informationsDeclarees.dateDerniereDeclaration", "informationsDeclarees.debutExercice",
          "informationsDeclarees.finExercice"] + [
          f"informationsDeclarees.specialitesDeFormation.{kind}Specialite{i}"
          for i in (1, 2, 3) for kind in ("code", "libelle")] + [
          "informationsDeclarees.nbStagiaires", "informationsDeclarees.nbStagiairesConfiesParUnAutreOF",
          "informationsDeclarees.effectifFormateurs"]

def write(path: Path, frame: pd.DataFrame) -> None:
    """Write ``frame`` (the columns of the current layout, :data:`HEADER`; text cells) as the
    official file: ``;``, UTF-8, LF, every line ending with ``;`` (an empty last column).
    :func:`read` keeps the region's rows and derives its own columns: ``read(write(frame))`` is
    that tidy table."""
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";", lineterminator="\n")
    writer.writerow(list(frame.columns) + [""])
    writer.writerows(r + [""] for r in frame_rows(frame))
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_bytes(buf.getvalue().encode("utf-8"))
