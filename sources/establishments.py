"""Établissements d'enseignement: the Éducation nationale directory (annuaire de l'éducation).

Official export: ``fr-en-annuaire-education`` on data.education.gouv.fr, as a ``;`` CSV (column
names as the Opendatasoft API gives them, e.g. ``identifiant_de_l_etablissement``) or as the
GeoParquet some re-users keep (same names, a WKB point ``geometry`` in EPSG:4326). Headers are
matched without regard to case, so the labelled export (``Identifiant_de_l_etablissement``) reads
too. Coordinates may be missing: such establishments are placed by their commune code.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import shapely

from .base import Loaded, Source, SourceError, check_commune_codes, read_official_csv, to_number, uai_key, uai_prefix, write_csv

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
)

COLUMNS = {
    "identifiant_de_l_etablissement": "uai",
    "nom_etablissement": "name",
    "type_etablissement": "type",
    "statut_public_prive": "status",
    "code_commune": "commune_code",
    "nom_commune": "commune_name",
}
OPTIONAL = {"voie_professionnelle": "vocational", "latitude": "lat", "longitude": "lon",
            "date_maj_ligne": "updated", "code_postal": "postcode", "adresse_1": "address",
            "telephone": "phone", "mail": "email", "web": "website"}
# Types counted as places of initial training in the portraits.
TRAINING_TYPES = ("Collège", "Lycée", "EREA")
# The type of the CIO (centres d'information et d'orientation): access points of the SPRO.
GUIDANCE_TYPE = "Information et orientation"


def _read_parquet(path: Path) -> pd.DataFrame:
    import pyarrow.parquet as pq
    try:
        table = pq.read_table(path)
    except Exception as exc:  # pyarrow raises several types for a corrupt file
        raise SourceError(path, f"GeoParquet illisible ({exc})") from exc
    df = table.to_pandas()
    df.columns = [c.lower() for c in df.columns]
    missing = [c for c in COLUMNS if c not in df.columns]
    if missing:
        raise SourceError(path, f"colonne(s) absente(s) : {', '.join(missing)}")
    out = df[list(COLUMNS)].rename(columns=COLUMNS).astype(object)
    out["_line"] = range(1, len(out) + 1)
    if "geometry" in df.columns:
        pts = shapely.from_wkb([g if g is not None else None for g in df.geometry])
        out["lon"] = [None if p is None or p.is_empty else p.x for p in pts]
        out["lat"] = [None if p is None or p.is_empty else p.y for p in pts]
    for col in ("vocational", "updated", "postcode", "address", "phone", "email", "website"):
        out[col] = None
    return out


def read(paths: list[Path], communes: set[str] | dict[str, str] | None = None) -> Loaded:
    path = paths[-1]
    if path.suffix.lower() == ".parquet":
        df = _read_parquet(path)
        vintage = "extraction non datée"
    else:
        df = read_official_csv(path, {**COLUMNS, **{k: v for k, v in OPTIONAL.items()
                                                     if k in _header(path)}})
        for col in OPTIONAL.values():
            if col not in df.columns:
                df[col] = None
        for col in ("lat", "lon"):
            df[col] = df[col].fillna("")
            df[col] = to_number(path, df, col, minimum=-90 if col == "lat" else -180,
                                maximum=90 if col == "lat" else 180)
        dates = pd.to_datetime(df.updated, errors="coerce", format="%Y-%m-%d")
        vintage = f"mise à jour du {dates.max():%d/%m/%Y}" if dates.notna().any() else "extraction non datée"
    bad = ~df.uai.astype(str).str.fullmatch(r"[0-9]{7}[A-Z]")
    if bad.any():
        i = bad.idxmax()
        raise SourceError(path, f"UAI invalide {df.at[i, 'uai']!r}", line=int(df.at[i, "_line"]))
    warnings = []
    if df.uai.duplicated().any():
        # The directory lists some establishments twice (a secondary site, e.g. a higher-education
        # campus, under the same UAI): the entry with the shortest name, the main one, is kept.
        dups = sorted(set(df.uai[df.uai.duplicated()]))
        warnings.append(f"{path.name} : UAI présents plusieurs fois ({', '.join(dups[:10])}) ; "
                        f"l'entrée principale (nom le plus court) est retenue")
        df = (df.assign(_len=df.name.astype(str).str.len()).sort_values(["uai", "_len", "_line"])
                .drop_duplicates("uai").drop(columns="_len").sort_values("_line"))
    # The national file covers France; keep the region's communes (codes are checked when known).
    if communes is not None:
        departements = {c[:2] for c in communes}
        df = df[df.commune_code.astype(str).str[:2].isin(departements)]
    df = df.copy()
    former = check_commune_codes(path, df, "commune_code", communes)
    if former:
        warnings.append(f"{path.name} : anciens codes communes rapportés à leur commune nouvelle : {', '.join(former)}")
    df["vocational"] = df.vocational.map({"1": True, "0": False, 1: True, 0: False})
    nocoord = df.lat.isna() | df.lon.isna()
    if nocoord.any():
        warnings.append(f"{path.name} : {int(nocoord.sum())} établissements sans coordonnées, placés par leur commune")
    out = df.drop(columns=["_line"]).reset_index(drop=True)
    out["lat"] = out.lat.astype("Float64")
    out["lon"] = out.lon.astype("Float64")
    return Loaded(SOURCE, out, vintage=vintage, files=[path.name], warnings=warnings)


def _header(path: Path) -> set[str]:
    from .base import normalise_name, read_text, sniff_separator
    first = read_text(path).splitlines()[0]
    return {normalise_name(h).strip('"') for h in first.split(sniff_separator(first))}


# ---------------------------------------------------------------------------------------------
# Demo profile

DEMO_HEADER = ["identifiant_de_l_etablissement", "nom_etablissement", "type_etablissement",
               "statut_public_prive", "adresse_1", "code_postal", "code_commune", "nom_commune",
               "code_departement", "code_region", "voie_generale", "voie_technologique",
               "voie_professionnelle", "apprentissage", "latitude", "longitude", "date_maj_ligne",
               "telephone", "mail"]


def _demo_contact(uai: str) -> tuple[str, str]:
    """A phone number and an address of the form the directory gives (ce.<UAI>@ac-nantes.fr)."""
    return f"02 {40 + int(uai[1:3]) % 14} {uai[3:5]} {uai[5:7]} 00", f"ce.{uai.lower()}@ac-nantes.fr"


DEMO_NAMES = ["Jules Verne", "Aristide Briand", "Jean Moulin", "Marie Curie", "Victor Hugo",
              "Georges Clemenceau", "Simone Veil", "Gaston Lesnard", "René Descartes", "Jean Jaurès",
              "Joachim du Bellay", "Olympe de Gouges", "Pierre Mendès France", "Ambroise Paré",
              "Émile Zola", "Françoise Dolto", "Jacques Prévert", "Camille Claudel"]


def random_point(geom, rng: np.random.Generator):
    """A reproducible random point inside a polygon (rejection sampling in its bounds)."""
    minx, miny, maxx, maxy = geom.bounds
    for _ in range(200):
        p = shapely.Point(rng.uniform(minx, maxx), rng.uniform(miny, maxy))
        if geom.contains(p):
            return p
    return geom.representative_point()


def demo_establishments(communes, rng: np.random.Generator) -> pd.DataFrame:
    """Synthetic establishments placed in real communes, in proportion to population."""
    rows = []
    serial = {}
    for c in communes.sort_values("code").itertuples():
        n_col = rng.poisson(c.population / 6500) if c.population > 1500 else 0
        n_lyc = rng.poisson(c.population / 14000) if c.population > 4000 else 0
        n_pro = rng.poisson(c.population / 22000) if c.population > 4000 else 0
        n_erea = 1 if (c.population > 60000 and rng.random() < 0.5) else 0
        kinds = ([("Collège", "Collège", "0", "0")] * n_col + [("Lycée", "Lycée", "1", "0")] * n_lyc
                 + [("Lycée", "Lycée professionnel", "0", "1")] * n_pro + [("EREA", "EREA", "0", "1")] * n_erea)
        for typ, label, general, pro in kinds:
            dep3 = uai_prefix(c.dep)
            serial[dep3] = serial.get(dep3, 0) + 1
            digits = f"{dep3}{serial[dep3]:04d}"
            uai = digits + uai_key(digits)
            status = "Public" if rng.random() < 0.7 else "Privé"
            p = random_point(c.geometry, rng)
            lat, lon = (f"{p.y:.6f}", f"{p.x:.6f}")
            if rng.random() < 0.02:  # the real file has a few rows without coordinates
                lat = lon = ""
            person = DEMO_NAMES[int(rng.integers(len(DEMO_NAMES)))]
            rows.append([uai, f"{label} {person} ({c.name})",
                         typ, status, f"{int(rng.integers(1, 90))} rue de l'École", c.postcode, c.code, c.name,
                         c.dep, c.region, general, general, pro, "1" if pro == "1" and rng.random() < 0.4 else "0",
                         lat, lon, "2025-09-01", *_demo_contact(uai)])
    return pd.DataFrame(rows, columns=DEMO_HEADER)


def demo_guidance_centres(communes, rng: np.random.Generator) -> pd.DataFrame:
    """Synthetic CIO ("Information et orientation"): one in each town of more than 25,000
    inhabitants and in the biggest town of each département, two in the biggest cities."""
    from .postcodes import official_names
    from .service_public import of_town
    names = official_names()
    big = communes.sort_values(["population", "code"], ascending=[False, True])
    hosts = big[(big.population > 25000) | ~big.dep.duplicated()]
    rows, serial = [], {}
    for c in hosts.sort_values("code").itertuples():
        for k in range(2 if c.population > 140000 else 1):
            dep3 = uai_prefix(c.dep)
            serial[dep3] = serial.get(dep3, 0) + 1
            digits = f"{dep3}{9000 + serial[dep3]:04d}"
            uai = digits + uai_key(digits)
            p = random_point(c.geometry, rng)
            name = f"CIO {of_town(names.get(c.code, c.name))}" + (f" {('Centre', 'Est')[k]}" if c.population > 140000 else "")
            rows.append([uai, name, GUIDANCE_TYPE, "Public", f"{int(rng.integers(1, 90))} boulevard de l'Orientation",
                         c.postcode, c.code, c.name, c.dep, c.region, "", "", "", "",
                         f"{p.y:.6f}", f"{p.x:.6f}", "2025-09-01", *_demo_contact(uai)])
    return pd.DataFrame(rows, columns=DEMO_HEADER)


def write_demo(path: Path, establishments: pd.DataFrame) -> None:
    write_csv(path, DEMO_HEADER, establishments[DEMO_HEADER].values.tolist(), sep=";")
