"""Établissements d'enseignement: the Éducation nationale directory (annuaire de l'éducation).

Official dataset: ``fr-en-annuaire-education`` on data.education.gouv.fr (Opendatasoft), published
for all of France (about 68,800 establishments). Formats read:

- the CSV export of the API (``…/exports/csv?delimiter=;``): ``;`` separator, column names as the
  API's machine names (``identifiant_de_l_etablissement``, ``code_commune``, ``code_region`` …);
- the CSV export *with labels* (the portal's download with ``use_labels_for_header=true``), whose
  names are capitalised (``Identifiant_de_l_etablissement``, ``Code_commune``) and, in older
  exports, spaced (``Code postal``): headers are matched without regard to case, and ``_`` and a
  space count as the same character, so both read;
- the GeoParquet some re-users keep (machine names, a WKB point ``geometry`` in EPSG:4326 from
  which latitude and longitude are taken when the file has no ``latitude``/``longitude``).

Evidence (``SOURCE.evidence``): the real GeoParquet extract
``../shared/data/real/odis-annuaire_ecoles_france_mini_pdl.parquet`` (PROVENANCE.md batch 2
§1.2: 13 columns, machine names, ``code_region`` "52", ``code_commune`` 5-character strings, no
``voie_professionnelle``, contacts nor dates); the full layout and order of the machine names from
a real API record quoted in the README of the public map project published at
odoucet.github.io/cartescolaire (UAI 0783774D, ``date_maj_ligne`` 2024-12-31, 72 fields,
``code_departement`` on 3 characters: "078"); the label names from public code reading the CSV
download: ``eurostat/basic-services`` (``src/gisco_java/.../education/cntr/FR.java``:
``use_labels_for_header=true``, ``;``, ``Identifiant_de_l_etablissement``, ``Code postal``…) and
``annuaire-entreprises-data-gouv-fr/search-infra`` (``workflows/data_pipelines/uai/
task_functions.py``: ``Identifiant_de_l_etablissement``, ``Code_postal``, ``SIREN_SIRET``, ``;``).
The labelled export is known from code only: it is read tolerantly (case, ``_`` or space).

National file: the region's rows are kept first — by ``code_region`` when the file has it and the
region is given, otherwise by the commune code (communes of the region's départements, and former
communes that the accepted codes map to a current commune of the region, e.g. 79224 → Cholet) —
and only those rows are checked (UAI, commune codes, coordinates, duplicates): an establishment of
another region never stops the build. ``code_departement`` is not used: its form differs between
exports ("078" in the API, "1" or "02A" in a labelled download). A file with no row of the region
raises :class:`sources.common.NoRegionalRows` (the dataset is left out and its parts say why).

Coordinates may be missing: such establishments are placed by their commune code.

:func:`write` writes the API's CSV export from a frame of its own columns: the read is lossy (the
region's rows, the columns read, renamed), so the round-trip test states the tidy result it expects.
"""
from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd
import shapely

from .common import (cell_text, check_commune_codes, check_needs, csv_header, in_region, Loaded, Need, NoRegionalRows,
                     normalise_name, read_official_csv, region_departements, Source, SourceError, to_number)
from .common.writing import write_frame

# What the portraits read, and what each column feeds (indicators of the catalogue, blocks of
# portraits.report.BLOCKS).
_PLACED = ("schools", "lycees", "lycees_pro", "lycees_per_10k", "establishments", "establishment_points",
           "access_far_share_cio", "access_points", "training_initial", "trajectories_establishments")
NEEDS = (
    Need("identifiant_de_l_etablissement", _PLACED),
    Need("nom_etablissement", ("establishments", "access_points", "training_initial", "trajectories_establishments")),
    Need("type_etablissement", ("schools", "lycees", "lycees_pro", "lycees_per_10k", "establishments",
                                "establishment_points", "access_far_share_cio", "access_points", "training_initial")),
    Need("code_commune", _PLACED),
    Need("statut_public_prive", ("training_initial",), required=False),
    Need("nom_commune", ("access_contacts", "training_initial"), required=False),
    Need("voie_professionnelle", ("lycees_pro",), required=False),
    Need("latitude", ("establishment_points", "access_far_share_cio"), required=False),
    Need("longitude", ("establishment_points", "access_far_share_cio"), required=False),
    Need("adresse_1", ("access_contacts",), required=False),
    Need("code_postal", ("access_contacts",), required=False),
    Need("telephone", ("access_contacts",), required=False),
    Need("mail", ("access_contacts",), required=False),
    Need("web", ("access_contacts",), required=False),
)
# The official layout of the API's CSV export, in its order (machine names, from the real API
# record quoted in the module docstring). The demo writes it.
HEADER = [
    "identifiant_de_l_etablissement", "nom_etablissement", "type_etablissement", "statut_public_prive",
    "adresse_1", "adresse_2", "adresse_3", "code_postal", "code_commune", "nom_commune", "code_departement",
    "code_academie", "code_region", "ecole_maternelle", "ecole_elementaire", "voie_generale", "voie_technologique",
    "voie_professionnelle", "telephone", "fax", "web", "mail", "restauration", "hebergement", "ulis",
    "apprentissage", "segpa", "section_arts", "section_cinema", "section_theatre", "section_sport",
    "section_internationale", "section_europeenne", "lycee_agricole", "lycee_militaire", "lycee_des_metiers",
    "post_bac", "appartenance_education_prioritaire", "greta", "siren_siret", "nombre_d_eleves", "fiche_onisep",
    "position", "type_contrat_prive", "libelle_departement", "libelle_academie", "libelle_region",
    "coordx_origine", "coordy_origine", "epsg_origine", "nom_circonscription", "latitude", "longitude",
    "precision_localisation", "date_ouverture", "date_maj_ligne", "etat", "ministere_tutelle", "multi_uai",
    "rpi_concentre", "rpi_disperse", "code_nature", "libelle_nature", "code_type_contrat_prive", "pial",
    "etablissement_mere", "type_rattachement_etablissement_mere", "code_circonscription",
    "code_zone_animation_pedagogique", "libelle_zone_animation_pedagogique", "code_bassin_formation",
    "libelle_bassin_formation",
]
_NEEDED = {n.column for n in NEEDS}
KNOWN = (tuple(h for h in HEADER if h not in _NEEDED)
         # The GeoParquet copy's point; names of older labelled exports (eurostat/basic-services FR.java).
         + ("geometry", "coordonnee_X", "coordonnee_Y", "epsg", "etablissement_multi_lignes", "Code postal"))

SOURCE = Source(
    id="establishments",
    family="training",
    title="Annuaire de l'éducation",
    producer="Ministère de l'Éducation nationale (DEPP, DNE)",
    licence="Licence Ouverte v2.0 (Etalab)",
    url="https://data.education.gouv.fr/api/explore/v2.1/catalog/datasets/fr-en-annuaire-education/exports/csv?delimiter=%3B",
    page="https://data.education.gouv.fr/explore/dataset/fr-en-annuaire-education/",
    file_patterns=("fr-en-annuaire-education*.csv", "*annuaire*education*.parquet", "*annuaire_ecoles*.parquet"),
    demo_file="fr-en-annuaire-education.csv",
    download_name="fr-en-annuaire-education.csv",
    description="Établissements scolaires ouverts, avec type, statut, commune et coordonnées.",
    notes=("Le fichier national est réduit aux établissements de la région (code région, sinon commune) "
           "avant tout contrôle.",),
    needs=NEEDS,
    known_columns=KNOWN,
    evidence="réel",
    evidence_where="../shared/data/real/odis-annuaire_ecoles_france_mini_pdl.parquet (GeoParquet, noms machine) ; "
                   "ordre des colonnes de l'export CSV : un enregistrement réel de l'API (README de "
                   "odoucet.github.io/cartescolaire) ; en-têtes libellés : code public (eurostat/basic-services "
                   "FR.java, annuaire-entreprises-data-gouv-fr/search-infra uai/task_functions.py)",
)

# Official (machine) name → normalised name. The first four and code_commune are required.
COLUMNS = {
    "identifiant_de_l_etablissement": "uai",
    "nom_etablissement": "name",
    "type_etablissement": "type",
    "statut_public_prive": "status",
    "code_commune": "commune_code",
    "nom_commune": "commune_name",
    "voie_professionnelle": "vocational",
    "latitude": "lat",
    "longitude": "lon",
    "date_maj_ligne": "updated",
    "code_postal": "postcode",
    "adresse_1": "address",
    "telephone": "phone",
    "mail": "email",
    "web": "website",
    "code_region": "region",
}
OUTPUT = ["uai", "name", "type", "status", "address", "postcode", "commune_code", "commune_name", "vocational",
          "lat", "lon", "updated", "phone", "email", "website"]
# Types counted as places of initial training in the portraits.
TRAINING_TYPES = ("Collège", "Lycée", "EREA")
# The type of the CIO (centres d'information et d'orientation): access points of the SPRO.
GUIDANCE_TYPE = "Information et orientation"


def header_key(name: str) -> str:
    """Header matching key of this directory: case and accents ignored, ``_`` and space alike
    (``Code postal``, ``Code_postal`` and ``code_postal`` are one column)."""
    return normalise_name(str(name).replace("_", " "))


# Machine names first: the label variants of KNOWN ("Code postal") map to them.
_BY_KEY = {header_key(h): h for h in reversed((*HEADER, *KNOWN))}


def machine_names(header: list[str]) -> dict[str, str]:
    """Each header name of the file → its machine name (names the directory does not know are
    kept as they are)."""
    return {h: _BY_KEY.get(header_key(h), h) for h in header}


def _parquet(path: Path) -> tuple[list[str], pd.DataFrame]:
    """The columns of a (Geo)Parquet copy and its table, every cell as text (``None`` when empty),
    with ``lat``/``lon`` from the WKB ``geometry`` when the file has no latitude/longitude."""
    import pyarrow.parquet as pq
    try:
        table = pq.read_table(path)
    except Exception as exc:  # pyarrow raises several types for a corrupt file
        raise SourceError(path, f"GeoParquet illisible ({exc})") from exc
    header = [n for n in table.column_names if not n.startswith("__index_level")]
    names = machine_names(header)
    wanted = {h: COLUMNS[names[h]] for h in header if names[h] in COLUMNS}
    out = pd.DataFrame({new: [cell_text(v) or None for v in table.column(h).to_pylist()]
                        for h, new in wanted.items()}, dtype=object)
    out["_line"] = range(1, table.num_rows + 1)
    if "geometry" in header and not {"lat", "lon"} <= set(out.columns):
        pts = shapely.from_wkb(table.column("geometry").to_pylist())
        out["lon"] = [None if p is None or p.is_empty else f"{p.x!r}" for p in pts]
        out["lat"] = [None if p is None or p.is_empty else f"{p.y!r}" for p in pts]
    return header, out


def _csv(path: Path) -> tuple[list[str], pd.DataFrame]:
    header = csv_header(path)
    names = machine_names(header)
    df = read_official_csv(path, {h: COLUMNS[names[h]] for h in header if names[h] in COLUMNS})
    return header, df.replace({"": None})


def regional_rows(path: Path, df: pd.DataFrame, communes: "set[str] | Mapping[str, str] | None",
                  region: str | None) -> pd.DataFrame:
    """The rows of the region: by ``code_region`` (``region`` column) when the file has it and
    ``region`` is given; otherwise, and for rows without a region code, by commune code — a commune
    of a département of the region's current communes, or an accepted code (a former commune of
    the region, wherever its département). Nothing is filtered without either. Raises
    :class:`NoRegionalRows` when no row is left."""
    by_region = df.region.fillna("").astype(str).str.zfill(2) if region is not None else None
    if communes is None and (by_region is None or (by_region == "00").all()):
        return df
    departements: set[str] = set()
    keep = pd.Series(False, index=df.index)
    if communes is not None:
        departements = region_departements(communes)
        keep = in_region(df.commune_code, communes)
    if by_region is not None:
        keep = keep.where(by_region == "00", by_region == region)
    out = df[keep]
    if out.empty:
        raise NoRegionalRows(path, f"aucun établissement de la région {region}" if region is not None else
                             f"aucun établissement des départements {', '.join(sorted(departements))}")
    return out


def read(paths: list[Path], communes: "set[str] | Mapping[str, str] | None" = None,
         region: str | None = None) -> Loaded:
    """Read the newest file (CSV or GeoParquet) into one row per establishment of the region
    (columns :data:`OUTPUT`). ``communes``: accepted commune codes (a mapping brings former codes to
    current ones); ``region``: INSEE region code, matched with ``code_region``."""
    path = paths[-1]
    region = None if region is None else str(region).zfill(2)
    header, df = _parquet(path) if path.suffix.lower() == ".parquet" else _csv(path)
    official = list(machine_names(header).values())
    warnings: list[str] = []
    missing: list[dict] = []
    # The GeoParquet copy carries its coordinates in ``geometry``.
    needs = [n for n in NEEDS if not ("geometry" in official and n.column in ("latitude", "longitude"))]
    check_needs(path, official, SOURCE, warnings, missing, needs=needs)
    for col in COLUMNS.values():
        if col not in df.columns:
            df[col] = None

    # The vintage is the directory's: its latest update, over the whole file.
    dates = pd.to_datetime(df.updated, errors="coerce", format="%Y-%m-%d")
    vintage = f"mise à jour du {dates.max():%d/%m/%Y}" if dates.notna().any() else "extraction non datée"

    df = regional_rows(path, df, communes, region).copy()
    bad = ~df.uai.fillna("").astype(str).str.fullmatch(r"[0-9]{7}[A-Z]")
    if bad.any():
        i = bad.idxmax()
        raise SourceError(path, f"UAI invalide {df.at[i, 'uai']!r}", line=int(df.at[i, "_line"]))
    for col, limit in (("lat", 90), ("lon", 180)):
        df[col] = to_number(path, df.assign(**{col: df[col].fillna("")}), col, minimum=-limit, maximum=limit)
    if df.uai.duplicated().any():
        # The directory lists some establishments twice (a secondary site, e.g. a higher-education
        # campus, under the same UAI): the entry with the shortest name, the main one, is kept.
        dups = sorted(set(df.uai[df.uai.duplicated()]))
        warnings.append(f"{path.name} : UAI présents plusieurs fois ({', '.join(dups[:10])}) ; "
                        f"l'entrée principale (nom le plus court) est retenue")
        df = (df.assign(_len=df.name.astype(str).str.len()).sort_values(["uai", "_len", "_line"])
                .drop_duplicates("uai").drop(columns="_len").sort_values("_line"))
    df["commune_code"] = df.commune_code.fillna("")
    former = check_commune_codes(path, df, "commune_code", communes)
    if former:
        warnings.append(f"{path.name} : anciens codes communes rapportés à leur commune nouvelle : {', '.join(former)}")
    df["vocational"] = df.vocational.map(lambda v: {"1": True, "0": False}.get(cell_text(v)))
    nocoord = df.lat.isna() | df.lon.isna()
    if nocoord.any():
        warnings.append(f"{path.name} : {int(nocoord.sum())} établissements sans coordonnées, placés par leur commune")
    out = df[OUTPUT].reset_index(drop=True)
    for col in OUTPUT:
        if col not in ("lat", "lon", "vocational"):
            out[col] = out[col].astype(object)
    out["lat"] = out.lat.astype("Float64")
    out["lon"] = out.lon.astype("Float64")
    return Loaded(SOURCE, out, vintage=vintage, files=[path.name], warnings=warnings, missing=missing)


def write(path: Path, frame: pd.DataFrame) -> None:
    """Write ``frame`` (official columns of the directory, machine names: any of :data:`HEADER`) as
    the API's CSV export: ``;``, UTF-8, LF, the official columns in their order (:data:`HEADER`),
    those the frame does not have left empty, and ``code_departement`` on three characters as the
    API gives it ("044"). :func:`read` keeps the region's rows and the columns it reads:
    ``read(write(frame))`` is that tidy table."""
    out = frame.copy()
    if "code_departement" in out:
        out["code_departement"] = out.code_departement.map(lambda d: d if len(d) == 3 else d.zfill(3))
    write_frame(path, out.reindex(columns=HEADER, fill_value=""), sep=";")
