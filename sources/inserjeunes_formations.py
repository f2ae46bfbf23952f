"""InserJeunes (DEPP, Dares) by region × formation: what becomes of vocational leavers, by diploma.

Layout read (the InserJeunes exposition API flattened to CSV, one line per millésime × region ×
route × formation): UTF-8 with or without BOM, ``;`` (or ``,``), LF or CRLF; headers matched by
name (case, accents, trailing spaces ignored)::

    id;millesime;code_region_ij;code_region;voie;cfd;mefstat11;nb_annee_term;nb_en_emploi_12_mois;
    nb_en_emploi_18_mois;nb_en_emploi_24_mois;nb_en_emploi_6_mois;nb_poursuite_etudes;nb_sortant;
    taux_emploi_12_mois;taux_emploi_18_mois;taux_emploi_24_mois;taux_emploi_6_mois;taux_poursuite_etudes

- ``voie`` ``scolaire`` lines are keyed on ``mefstat11`` (11 characters, ``cfd`` empty),
  ``apprentissage`` lines on ``cfd`` (8 characters, ``mefstat11`` empty); label both with
  :mod:`sources.bcn` (join ``formation_code`` / ``code_kind`` to the ``bcn`` table);
- ``millesime`` ``2022_2023`` is the pair of cumulated cohorts of leavers (→ ``2022-2023``);
- ``code_region`` is the INSEE region code (``52``); ``code_region_ij`` InserJeunes' own (``17``);
- counts are integers, rates percentages (0–100). Empty, ``nd``… cells are **not published**
  (missing), never zero.

Rule on small numbers: a rate computed on fewer than 20 leavers is "non calculable". The employment
rates are computed on ``nb_sortant`` (leavers): ``below_threshold`` is true when ``nb_sortant`` is
below 20 or not published; published values are kept as they are (in the real file no employment
rate is published below 20 leavers). The further-study rate is computed on ``nb_annee_term``
(pupils or apprentices in their final year), and published by the producer from 20 of them even
when there are fewer than 20 leavers: ``further_study_below_threshold`` applies the same rule to
it (``nb_annee_term`` below 20 or not published).

Output columns: ``millesime`` ('2022-2023'), ``region`` (INSEE code), ``route`` ('scolaire' |
'apprentissage'), ``cfd``, ``mefstat11`` (NA when empty), ``formation_code`` (the key of the line:
mefstat11 for scolaire, cfd for apprentissage) and ``code_kind`` ('mefstat11' | 'cfd'); counts
(Int64, NA when not published) ``final_year`` (nb_annee_term), ``leavers`` (nb_sortant),
``further_study`` (nb_poursuite_etudes), ``employed_6m``, ``employed_12m``, ``employed_18m``,
``employed_24m``; rates (Float64, NA when not published) ``employment_rate_6m`` …
``employment_rate_24m``, ``further_study_rate``; booleans ``below_threshold`` and
``further_study_below_threshold``.

Two lines for the same millésime, region, route and formation (two files, or a copy) are reported
and the first read is kept. Vintage: ``sortants 2022 et 2023`` (latest millésime).

National file (40,322 lines, every region): ``region`` (keyword, INSEE code; the pipeline gives it)
keeps the region's lines first, those whose ``code_region`` is the region or whose
``code_region_ij`` is its InserJeunes code (:data:`REGIONS_IJ`: ``52`` ↔ ``17``); codes, values and
duplicates are then checked on those lines only, so that a line of another region never stops the
build. A file without a line of the region is left aside with a warning; when no file has one the
dataset is left out (``NoRegionalRows``). Without ``region`` every line is kept.

Needed columns (``SOURCE.needs``): the keys (``millesime``, ``code_region``, ``voie``, ``cfd``,
``mefstat11``) are required; a count column missing is a named warning, its counts are missing
and the regional rates say why (the portraits recompute the rates from the counts, the published
rates are read but not shown).

Evidence (réel): ../shared/data/real/inserjeunes-region-formation_pdl.csv (lines of the national
file kept byte for byte, PROVENANCE.md §3), and the national file it comes from,
mission-apprentissage/tjp-pilotage ``server/static/files/ij_region_data.csv`` (commit 5b5e68ac),
which also gave the pairs ``code_region_ij`` ↔ ``code_region`` of :data:`REGIONS_IJ`.
"""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from .common import (Loaded, Need, NoRegionalRows, Source, SourceError, check_needs, csv_header, normalise_name,
                     read_official_csv, read_text, to_number)
from .common.writing import write_frame

# Official header of the flattened file (what write writes).
HEADER = ["id", "millesime", "code_region_ij", "code_region", "voie", "cfd", "mefstat11", "nb_annee_term",
          "nb_en_emploi_12_mois", "nb_en_emploi_18_mois", "nb_en_emploi_24_mois", "nb_en_emploi_6_mois",
          "nb_poursuite_etudes", "nb_sortant", "taux_emploi_12_mois", "taux_emploi_18_mois", "taux_emploi_24_mois",
          "taux_emploi_6_mois", "taux_poursuite_etudes"]
_REGION_BLOCK = ("trajectories_region",)
NEEDS = (
    Need("millesime", _REGION_BLOCK), Need("code_region", _REGION_BLOCK), Need("voie", _REGION_BLOCK),
    Need("cfd", _REGION_BLOCK), Need("mefstat11", _REGION_BLOCK),
    *(Need(c, _REGION_BLOCK, required=False) for c in
      ("nb_annee_term", "nb_sortant", "nb_poursuite_etudes", "nb_en_emploi_6_mois", "nb_en_emploi_12_mois",
       "nb_en_emploi_18_mois", "nb_en_emploi_24_mois")),
)

SOURCE = Source(
    id="inserjeunes_formations",
    family="trajectories",
    title="InserJeunes : insertion des sortants de la voie professionnelle, par région et par formation",
    producer="DEPP, Dares (InserJeunes)",
    licence="Licence Ouverte v2.0 (Etalab)",
    # Served by the InserJeunes API (authenticated: /api/v1.0/region/<code région IJ>/millesime/<AAAA_AAAA>),
    # no public file: the flattened CSV is dropped by hand into the input folder.
    url="https://www.inserjeunes.education.gouv.fr/",
    page="https://www.inserjeunes.education.gouv.fr/",
    file_patterns=("inserjeunes-region-formation*.csv", "ij_region_data*.csv"),
    demo_file="inserjeunes-region-formation.csv",
    download_name="inserjeunes-region-formation.csv",
    description="Taux d'emploi salarié en France 6, 12, 18 et 24 mois après la sortie et taux de poursuite "
                "d'études des sortants de CAP, bac pro, BTS…, par région, voie (scolaire, apprentissage) et "
                "formation, sur deux cohortes de sortants cumulées.",
    needs=NEEDS,
    # Read and kept in the table, not shown: the portraits recompute the rates from the counts.
    known_columns=("id", "code_region_ij", "taux_emploi_6_mois", "taux_emploi_12_mois", "taux_emploi_18_mois",
                   "taux_emploi_24_mois", "taux_poursuite_etudes"),
    evidence="réel",
    evidence_where="../shared/data/real/inserjeunes-region-formation_pdl.csv (lignes du fichier national "
                   "mission-apprentissage/tjp-pilotage server/static/files/ij_region_data.csv)",
    notes=("Données de l'API InserJeunes (https://www.inserjeunes.education.gouv.fr/api/v1.0/region/"
           "<code région InserJeunes>/millesime/<AAAA_AAAA>, accès authentifié), aplaties en CSV.",
           "Un taux calculé sur moins de 20 sortants est « non calculable » (colonne below_threshold)."),
)

COLUMNS = {
    "millesime": "millesime_raw",
    "code_region": "region",
    "voie": "route",
    "cfd": "cfd",
    "mefstat11": "mefstat11",
    "nb_annee_term": "final_year",
    "nb_sortant": "leavers",
    "nb_poursuite_etudes": "further_study",
    "nb_en_emploi_6_mois": "employed_6m",
    "nb_en_emploi_12_mois": "employed_12m",
    "nb_en_emploi_18_mois": "employed_18m",
    "nb_en_emploi_24_mois": "employed_24m",
    "taux_emploi_6_mois": "employment_rate_6m",
    "taux_emploi_12_mois": "employment_rate_12m",
    "taux_emploi_18_mois": "employment_rate_18m",
    "taux_emploi_24_mois": "employment_rate_24m",
    "taux_poursuite_etudes": "further_study_rate",
}
COUNTS = ["final_year", "leavers", "further_study", "employed_6m", "employed_12m", "employed_18m", "employed_24m"]
RATES = ["employment_rate_6m", "employment_rate_12m", "employment_rate_18m", "employment_rate_24m",
         "further_study_rate"]
THRESHOLD = 20
ROUTES = {"scolaire": ("mefstat11", r"[0-9A-Z]{11}"), "apprentissage": ("cfd", r"[0-9A-Z]{8}")}
OUTPUT_COLUMNS = ["millesime", "region", "route", "cfd", "mefstat11", "formation_code", "code_kind", *COUNTS,
                  *RATES, "below_threshold", "further_study_below_threshold"]
_MILLESIME = re.compile(r"(\d{4})[_-](\d{4})")
# INSEE region code → InserJeunes' own region code (the API's), as paired on every line of the
# national file (mission-apprentissage/tjp-pilotage server/static/files/ij_region_data.csv).
REGIONS_IJ = {"84": "01", "27": "02", "53": "03", "24": "04", "94": "05", "44": "06", "01": "07", "03": "08",
              "32": "09", "11": "10", "04": "11", "02": "12", "28": "14", "75": "15", "76": "16", "52": "17",
              "93": "18"}


def _read_file(path: Path, region: str | None, warnings: list[str], missing: list[dict]) -> pd.DataFrame:
    """The region's lines of one file (every line when ``region`` is None), checked."""
    text = read_text(path)
    header = csv_header(path, text)
    check_needs(path, header, SOURCE, warnings, missing)
    keys = {normalise_name(h) for h in header}
    columns = {k: v for k, v in {**COLUMNS, "code_region_ij": "region_ij"}.items() if normalise_name(k) in keys}
    df = read_official_csv(path, columns, text=text)
    if region is not None:
        mine = df.region.str.strip() == region
        if "region_ij" in df and region in REGIONS_IJ:
            mine |= df.region_ij.str.strip() == REGIONS_IJ[region]
        df = df[mine].reset_index(drop=True)
        if df.empty:
            return df
    years = df.millesime_raw.str.fullmatch(_MILLESIME.pattern)
    if not years.all():
        i = (~years).idxmax()
        raise SourceError(path, f"millésime illisible {df.at[i, 'millesime_raw']!r} (attendu AAAA_AAAA)",
                          line=int(df.at[i, "_line"]))
    parts = df.millesime_raw.str.extract(_MILLESIME)
    df["millesime"] = parts[0] + "-" + parts[1]
    bad = ~df.region.str.fullmatch(r"[0-9]{2,3}")
    if bad.any():
        i = bad.idxmax()
        raise SourceError(path, f"code région invalide {df.at[i, 'region']!r}", line=int(df.at[i, "_line"]))
    df["route"] = df.route.str.lower()
    unknown = ~df.route.isin(ROUTES)
    if unknown.any():
        i = unknown.idxmax()
        raise SourceError(path, f"voie inconnue {df.at[i, 'route']!r} (attendu : scolaire ou apprentissage)",
                          line=int(df.at[i, "_line"]))
    df["code_kind"] = df.route.map({r: k for r, (k, _) in ROUTES.items()})
    df["formation_code"] = np.where(df.route == "scolaire", df.mefstat11, df.cfd)
    for route, (column, pattern) in ROUTES.items():
        rows = df.route == route
        bad = rows & ~df[column].str.fullmatch(pattern)
        if bad.any():
            i = bad.idxmax()
            what = "code MEFSTAT11" if column == "mefstat11" else "code formation diplôme (CFD)"
            raise SourceError(path, f"{what} invalide {df.at[i, column]!r} pour la voie {route}",
                              line=int(df.at[i, "_line"]))
    for col in COUNTS:
        df[col] = (to_number(path, df, col, integer=True, minimum=0) if col in df
                   else pd.Series([pd.NA] * len(df), dtype="Int64"))
    for col in RATES:
        df[col] = (to_number(path, df, col, minimum=0, maximum=100) if col in df
                   else pd.Series([pd.NA] * len(df), dtype="Float64"))
    for col in ("cfd", "mefstat11"):
        df[col] = df[col].astype("string").replace("", pd.NA)
    return df


def read(paths: list[Path], communes=None, region: str | None = None) -> Loaded:
    """Read every file given (each holds one or more millésimes). ``communes`` is not used (the
    file has no commune); ``region``: keep only that INSEE region code (see the module's docstring)."""
    frames, names, warnings, missing = [], [], [], []
    for path in map(Path, paths):
        names.append(path.name)
        df = _read_file(path, region, warnings, missing)
        if df.empty:
            warnings.append(f"{path.name} : aucune ligne de la région {region} ; fichier non retenu")
            continue
        frames.append(df)
    if not frames:
        ij = f", code_region_ij {REGIONS_IJ[region]}" if region in REGIONS_IJ else ""
        raise NoRegionalRows(Path(paths[-1]), f"aucune ligne de la région {region} (code_region {region}{ij})")
    out = pd.concat(frames, ignore_index=True)
    dup = out.duplicated(["millesime", "region", "route", "formation_code"])
    if dup.any():
        codes = sorted(set(out.formation_code[dup]))
        warnings.append(f"InserJeunes par formation : {int(dup.sum())} lignes en double (millésime, région, voie, "
                        f"formation), la première lue est retenue ({', '.join(codes[:5])}{' …' if len(codes) > 5 else ''})")
        out = out[~dup].reset_index(drop=True)
    out["below_threshold"] = (out.leavers.fillna(0) < THRESHOLD).astype("boolean")
    out["further_study_below_threshold"] = (out.final_year.fillna(0) < THRESHOLD).astype("boolean")
    for col in ("millesime", "region", "route", "formation_code", "code_kind"):
        out[col] = out[col].astype("string")
    out = out[OUTPUT_COLUMNS].sort_values(["millesime", "region", "route", "formation_code"], ignore_index=True)
    latest = out.millesime.max()
    return Loaded(SOURCE, out, vintage=f"sortants {latest.replace('-', ' et ')}", files=names, warnings=warnings,
                  missing=missing)


def write(path: Path, frame: pd.DataFrame) -> None:
    """Write ``frame`` (the columns of the flattened file, :data:`HEADER`; text cells, empty where
    not published) in the official layout: UTF-8 with BOM, ``;``, LF. :func:`read` keeps the
    region's lines and derives its own columns: ``read(write(frame))`` is that tidy table."""
    write_frame(path, frame, sep=";", bom=True)
