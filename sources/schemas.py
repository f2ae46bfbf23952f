"""The declared contract of every normalised dataset: one pandera schema per registered source.

Each loader's ``read()`` returns a :class:`sources.common.Loaded` whose ``frame`` is the tidy table
the warehouse loads. :data:`SCHEMAS` declares, for each registry key, that frame's columns (no
more, no less), their types, which may be missing, the values they may take (counts ≥ 0, rates
and shares within 0–100, commune codes, UAI, years and months plausible…) and the key that
identifies a row when the loader guarantees it (duplicates are resolved or refused by the loader,
as its docstring says). The loaders keep their own line-level checks, which name the line of the
official file; the schema is checked after them, on what is actually handed to the warehouse.

:func:`validate` runs a schema (all checks, ``lazy``) and turns its failures into a
:class:`sources.common.SourceError` in French naming the file(s), the first failing column, check
and value, and the row (by its key columns), e.g.::

    defm-communes-mensuel.csv : contrôle du tableau normalisé « jobseekers » : colonne jobseekers :
    valeur négative : -3 (commune_code 44109, month 2024-01-01) — 1 écart en tout

The mobility loader writes its (regional, aggregated) flows to a Parquet file instead of a frame:
that file is validated by batches, so it is never held in memory whole.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from .common import Loaded, SourceError
from .census import KEPT as CENSUS_VARIABLES
from .service_public import NETWORK_PIVOTS

COMMUNE = r"^[0-9][0-9AB][0-9]{3}$"
UAI = r"^[0-9]{7}[A-Z]$"
NSF = r"^[0-9]{3}$"
FAP = r"^[A-Z][0-9A-Z]{2}[0-9]{2}$"
MILLESIME = r"^(?:19|20)[0-9]{2}-(?:19|20)[0-9]{2}$"
FIRST_YEAR, LAST_YEAR = 1960, 2100          # plausible years of any dataset read here
PARQUET_BATCH = 500_000                    # rows per batch when a Parquet output is validated
BCN_CODE_LENGTH = "longueur du code incohérente avec sa nature (cfd 8, mefstat11 11, niveau 3)"


# ---------------------------------------------------------------------------------------------
# Column kinds, with the French wording of each check (shown in the error messages).

def _is_bool(s: pd.Series) -> pd.Series:
    return s.map(lambda v: isinstance(v, (bool, np.bool_)))


def text(pattern: str | None = None, *, nullable: bool = False, isin: tuple[str, ...] | None = None,
         what: str = "valeur") -> pa.Column:
    """A text column: strings (object, ``str`` or ``string`` dtype), optionally matching ``pattern``
    or one of ``isin``. A required column (not ``nullable``) may not hold empty strings either; an
    optional one may (some loaders keep the official file's empty cells as they are)."""
    checks = [] if nullable else [pa.Check(lambda s: s.str.len() > 0, error="texte vide")]
    if pattern is not None:
        checks.append(pa.Check.str_matches(pattern, error=f"{what} invalide (attendu {pattern})"))
    if isin is not None:
        listed = f" (attendu : {', '.join(isin)})" if len(isin) <= 6 else ""
        checks.append(pa.Check.isin(list(isin), error=f"{what} hors de la liste{listed}"))
    return pa.Column(str, checks=checks, nullable=nullable)


def commune(nullable: bool = False) -> pa.Column:
    return text(COMMUNE, nullable=nullable, what="code commune")


def count(*, integer: bool = True, nullable: bool = True) -> pa.Column:
    """A count (missing when secret, never negative)."""
    return pa.Column(pa.Int if integer else "Float64", pa.Check.ge(0, error="valeur négative"), nullable=nullable)


def rate(low: float = 0, high: float = 100, *, nullable: bool = True, what: str = "taux") -> pa.Column:
    """A rate or share in percent (or a bounded difference of rates)."""
    return pa.Column("Float64", pa.Check.in_range(low, high, error=f"{what} hors de l'intervalle {low:g} à {high:g}"),
                     nullable=nullable)


def year(dtype=pa.Int) -> pa.Column:
    return pa.Column(dtype, pa.Check.in_range(FIRST_YEAR, LAST_YEAR, error=f"année invraisemblable (attendu "
                                                                           f"{FIRST_YEAR}–{LAST_YEAR})"))


def coordinate(limit: float) -> pa.Column:
    word = "latitude" if limit == 90 else "longitude"
    return pa.Column("Float64", pa.Check.in_range(-limit, limit, error=f"{word} hors de ±{limit:g}"), nullable=True)


def boolean(nullable: bool = False) -> pa.Column:
    """True/False, whatever the dtype (numpy bool, pandas boolean, or object when some are missing)."""
    return pa.Column(checks=pa.Check(_is_bool, error="booléen attendu"), nullable=nullable)


def _month_check(s: pd.Series) -> pd.Series:
    return s.map(lambda d: isinstance(d, dt.date) and d.day == 1 and FIRST_YEAR <= d.year <= LAST_YEAR)


def _known_network(s: pd.Series) -> pd.Series:
    return s.isin(list(NETWORK_PIVOTS))


# Error of a frame check → the columns it compares (shown with the failing row).
_FRAME_CHECK_COLUMNS: dict[str, list[str]] = {}


def at_most(small: str, large: str, error: str) -> pa.Check:
    """Frame check: ``small`` ≤ ``large`` on rows where both are known."""
    _FRAME_CHECK_COLUMNS[error] = [small, large]
    return pa.Check(lambda d: d[small].isna() | d[large].isna() | (d[small] <= d[large]), error=error)


def unique_where(columns: list[str], present: str) -> pa.Check:
    """Frame check: ``columns`` identify the rows where ``present`` is known."""
    def check(d: pd.DataFrame) -> pd.Series:
        known = d[present].notna()
        return ~(known & d.duplicated(columns, keep=False))
    return pa.Check(check, error=f"clé en double ({', '.join(columns)})")


def schema(key: str, columns: dict[str, pa.Column], unique: list[str] | None = None,
           checks: list[pa.Check] | None = None, key_columns: list[str] | None = None) -> pa.DataFrameSchema:
    """``unique``: the columns that identify a row (checked); ``key_columns``: the columns naming a
    row in error messages (default ``unique``)."""
    return pa.DataFrameSchema(columns, unique=unique, checks=checks, strict=True, name=key,
                              metadata={"key": key_columns if key_columns is not None else unique or []})


# ---------------------------------------------------------------------------------------------
# One schema per registered dataset (the registry key).

SCHEMAS: dict[str, pa.DataFrameSchema] = {
    "cog": schema("cog", {
        "old_code": commune(), "current_code": commune(), "source": text(),
    }, unique=["old_code", "current_code", "source"]),

    "census": schema("census", {
        "commune_code": commune(), "year": year(),
        "variable": text(isin=tuple(CENSUS_VARIABLES), what="variable du recensement"),
        "value": count(integer=False),
    }, unique=["commune_code", "year", "variable"]),

    "populations": schema("populations", {
        "commune_code": commune(), "population": count(nullable=False), "population_total": count(nullable=False),
        "year": year(),
    }, unique=["commune_code", "year"],
        checks=[at_most("population", "population_total", "population municipale supérieure à la population totale")]),

    "jobseekers": schema("jobseekers", {
        "commune_code": commune(),
        "month": pa.Column(checks=pa.Check(_month_check, error="mois invalide (date du 1er du mois attendue)")),
        "jobseekers": count(),
    }, unique=["commune_code", "month"]),

    "urssaf": schema("urssaf", {
        "commune_code": commune(), "year": year(), "ape_code": text(r"^[0-9]{4}[A-Z]$", what="code APE"),
        "na17_code": text(r"^[A-Z0-9]{2}$", what="code NA17"), "na17_label": text(),
        "na38_code": text(r"^[A-Z0-9]{2}$", what="code NA38"), "na38_label": text(),
        "establishments": count(integer=False), "employees": count(integer=False),
    }, unique=["commune_code", "ape_code", "year"]),

    "unemployment": schema("unemployment", {
        # ZEP: the part of an interregional zone d'emploi in the region, under the zone's code
        "area_type": text(isin=("ZE", "ZEP", "DEP", "REG"), what="type de zone"),
        "area_code": text(r"^(?:[0-9]{2}|2[AB]|97[0-9]|[0-9]{4})$", what="code de zone"),
        # an annual average ("2023") or a quarter ("2025-T2")
        "period": text(r"^(?:19|20)[0-9]{2}(?:-T[1-4])?$", what="période"), "rate": rate(what="taux de chômage"),
    }, unique=["area_type", "area_code", "period"]),

    "bmo": schema("bmo", {
        "year": year(), "bassin_code": text(r"^[0-9]{4}$", what="code bassin"), "bassin_name": text(nullable=True),
        "fap_code": text(FAP, what="code métier FAP"), "fap_name": text(nullable=True),
        "family_code": text(nullable=True), "family_name": text(nullable=True),
        "dep": text(nullable=True),
        "projects": count(integer=False), "difficult": count(integer=False), "seasonal": count(integer=False),
    }, unique=["year", "bassin_code", "fap_code"],
        checks=[at_most("difficult", "projects", "projets difficiles supérieurs aux projets"),
                at_most("seasonal", "projects", "projets saisonniers supérieurs aux projets")]),

    "bmo_bassins": schema("bmo_bassins", {
        "commune_code": commune(), "bassin_code": text(r"^[0-9]{4}$", what="code bassin"), "bassin_name": text(),
    }, unique=["commune_code"]),

    "jobseekers_profile": schema("jobseekers_profile", {
        "area_type": text(isin=("region", "departement", "bassin"), what="type de zone"),
        "area_code": text(r"^(?:[0-9]{2,4}|2[AB])$", what="code de zone"), "area_name": text(nullable=True),
        "category": text(what="catégorie"),
        "quarter": pa.Column(checks=pa.Check(lambda s: _month_check(s) & s.map(lambda d: d.month % 3 == 1),
                                             error="trimestre invalide (date du 1er jour du trimestre attendue)")),
        "period_label": text(), "characteristic_type": text(), "characteristic_code": text(),
        "characteristic_label": text(nullable=True),
        "grp": text(nullable=True, isin=("total", "women", "men", "under25", "age25_49", "age50plus", "short_term",
                                         "long_term"), what="groupe"),
        "count": count(integer=False), "masked": boolean(),
    }, unique=["area_type", "area_code", "category", "quarter", "characteristic_type", "characteristic_code"]),

    "fap": schema("fap", {
        "fap_code": text(FAP, what="code FAP-228"), "fap_name": text(),
        "fap86_code": text(r"^[A-Z][0-9A-Z]{2}$", what="code FAP-86"), "fap86_name": text(),
        "fap22_code": text(r"^[A-Z]$", what="code FAP-22"), "fap22_name": text(),
    }, unique=["fap_code"]),

    "tension": schema("tension", {
        "geo_level": text(isin=("dep", "reg", "nat"), what="niveau géographique"),
        "geo_code": text(r"^(?:[0-9]{2}|2[AB]|97[0-9]|FR)$", what="code de zone"),
        "fap_level": pa.Column(pa.Int, pa.Check.in_range(10, 999, error="niveau FAP invraisemblable")),
        "fap_code": text(r"^[A-Z][0-9A-Z]{2}(?:[0-9]{2})?$", what="code FAP"), "fap_name": text(nullable=True),
        "nomenclature": text(isin=("FAP-2009", "FAP-2021"), what="nomenclature"), "year": year(),
        "indicator": text(isin=("tension", "intensite_embauches", "manque_main_oeuvre", "non_durabilite",
                                "conditions_travail", "inadequation_geo", "lien_formation_emploi"), what="indicateur"),
        "value": pa.Column("Float64", nullable=True),
        "quintile": pa.Column("Int64", pa.Check.in_range(1, 5, error="classe hors de 1 à 5"), nullable=True),
    }, unique=["geo_level", "geo_code", "fap_code", "indicator"]),

    "establishments": schema("establishments", {
        "uai": text(UAI, what="UAI"), "name": text(), "type": text(nullable=True), "status": text(nullable=True),
        "address": text(nullable=True), "postcode": text(nullable=True),
        "commune_code": commune(), "commune_name": text(nullable=True),
        "vocational": boolean(nullable=True),
        "lat": coordinate(90), "lon": coordinate(180),
        "updated": text(nullable=True),
        "phone": text(nullable=True), "email": text(nullable=True), "website": text(nullable=True),
    }, unique=["uai"]),

    "training_offer": schema("training_offer", {
        "formation_id": text(nullable=True), "action_id": text(nullable=True), "title": text(nullable=True),
        "formacode": text(nullable=True), "formacodes": text(nullable=True),
        "nsf": text(NSF, nullable=True, what="code NSF"), "rncp": text(nullable=True),
        "certifinfo": text(nullable=True),
        "level": pa.Column(pa.Int, pa.Check.in_range(3, 8, error="niveau hors de 3 à 8"), nullable=True),
        "apprenticeship": boolean(),
        "organism_siret": text(nullable=True), "postcode": text(nullable=True), "town": text(nullable=True),
        "commune_code": commune(nullable=True),
        "lat": coordinate(90), "lon": coordinate(180),
        "sessions": count(nullable=False),
        "first_start": pa.Column("datetime64[ns]", nullable=True),
    }, checks=[unique_where(["formation_id", "action_id"], "action_id")], key_columns=["formation_id", "action_id"]),

    "onisep_formations": schema("onisep_formations", {
        "onisep_id": text(r"^FOR\.[0-9]+$", what="identifiant Onisep"),
        "type_code": text(nullable=True), "type_label": text(nullable=True), "title": text(nullable=True),
        "rncp": text(r"^[0-9]+$", nullable=True, what="code RNCP"),
        "rncp_level": pa.Column(pa.Int, pa.Check.in_range(1, 8, error="niveau RNCP hors de 1 à 8"), nullable=True),
        "rncp_level_label": text(nullable=True), "duration": text(nullable=True),
        "cfd": text(r"^[0-9A-Z]{8}$", nullable=True, what="code formation diplôme"),
        "domains": text(nullable=True), "nsf": text(NSF, nullable=True, what="code NSF"), "url": text(),
    }, unique=["onisep_id"]),

    "onisep_actions": schema("onisep_actions", {
        "action_id": text(r"^AF\.[0-9]+$", what="identifiant d'action Onisep"),
        "onisep_id": text(r"^FOR\.[0-9]+$", what="identifiant Onisep de formation"),
        "uai": text(UAI, what="UAI"), "title": text(nullable=True), "type": text(nullable=True),
        "exit_level": text(nullable=True), "establishment": text(nullable=True), "town": text(nullable=True),
        "postcode": text(nullable=True), "status": text(nullable=True),
    }, unique=["action_id"]),

    "organisms": schema("organisms", {
        "nda": text(), "name": text(nullable=True),
        "siren": text(r"^[0-9]{9}$", nullable=True, what="SIREN"),
        "siret": text(r"^[0-9]{14}$", nullable=True, what="SIRET"),
        "address": text(nullable=True), "postcode": text(nullable=True), "town": text(nullable=True),
        "qualiopi_training": boolean(nullable=True), "qualiopi_skills_review": boolean(nullable=True),
        "qualiopi_vae": boolean(nullable=True), "qualiopi_apprenticeship": boolean(nullable=True),
        "nsf_codes": text(nullable=True),
        "trainees": count(), "trainers": count(),
    }, unique=["nda"]),

    "bcn": schema("bcn", {
        "code": text(r"^[0-9A-Z]{3}(?:[0-9A-Z]{5}|[0-9A-Z]{8})?$", what="code BCN"),
        "code_kind": text(isin=("cfd", "mefstat11", "niveau"), what="nature de code"),
        "cfd": text(r"^[0-9A-Z]{8}$", nullable=True, what="code formation diplôme"),
        "label": text(), "diploma_type": text(nullable=True), "diploma_type_label": text(nullable=True),
        "rncp_level": pa.Column(pa.Int, pa.Check.in_range(1, 8, error="niveau RNCP hors de 1 à 8"), nullable=True),
        "level_label": text(nullable=True), "nsf_group": text(nullable=True),
        "duration": count(),
        "closed": pa.Column(checks=pa.Check(lambda s: s.map(lambda d: isinstance(d, dt.date)),
                                            error="date attendue"), nullable=True),
    }, unique=["code_kind", "code"],
        checks=[pa.Check(lambda d: d.code.str.len() == d.code_kind.map({"cfd": 8, "mefstat11": 11, "niveau": 3}),
                         error=BCN_CODE_LENGTH)]),

    "inserjeunes": schema("inserjeunes", {
        "uai": text(UAI, what="UAI"), "name": text(nullable=True),
        "population": text(isin=("ensemble", "apprentis", "scolaires"), what="population"),
        "millesime": text(MILLESIME, what="millésime"),
        "route": text(isin=("pro", "apprentissage"), what="voie"),
        **{c: rate() for c in ("further_study_rate", "employment_rate_6m", "expected_rate_6m",
                               "employment_rate_12m", "employment_rate_18m", "employment_rate_24m")},
        **{c: rate(what="part") for c in ("share_further_study", "share_employed_6m", "share_other")},
        "value_added_6m": rate(-100, 100, what="valeur ajoutée"),
    }, unique=["uai", "route", "population", "millesime"]),

    "inserjeunes_formations": schema("inserjeunes_formations", {
        "millesime": text(MILLESIME, what="millésime"), "region": text(r"^[0-9]{2}$", what="code région"),
        "route": text(isin=("scolaire", "apprentissage"), what="voie"),
        "cfd": text(r"^[0-9A-Z]{8}$", nullable=True, what="code formation diplôme"),
        "mefstat11": text(r"^[0-9A-Z]{11}$", nullable=True, what="code MEFSTAT11"),
        "formation_code": text(r"^[0-9A-Z]{8}(?:[0-9A-Z]{3})?$", what="code formation"),
        "code_kind": text(isin=("cfd", "mefstat11"), what="nature de code"),
        **{c: count() for c in ("final_year", "leavers", "further_study", "employed_6m", "employed_12m",
                                "employed_18m", "employed_24m")},
        **{c: rate() for c in ("employment_rate_6m", "employment_rate_12m", "employment_rate_18m",
                               "employment_rate_24m", "further_study_rate")},
        "below_threshold": boolean(), "further_study_below_threshold": boolean(),
    }, unique=["millesime", "region", "route", "formation_code"],
        checks=[at_most("leavers", "final_year", "sortants plus nombreux que les inscrits en année terminale"),
                at_most("further_study", "final_year", "poursuites d'études plus nombreuses que les inscrits en "
                                                       "année terminale"),
                *(at_most(f"employed_{m}", "leavers", f"en emploi à {m} plus nombreux que les sortants")
                  for m in ("6m", "12m", "18m", "24m"))]),

    # Frame of the Parquet file the loader writes (validated by batches, see validate()).
    "mobility": schema("mobility", {
        "kind": text(isin=("travail", "etudes"), what="type de flux"), "year": year("int32"),
        "origin": commune(), "destination": text(r"^[0-9A-Z]{5}$", what="code commune de destination"),
        "flow": pa.Column("Float64", pa.Check.ge(0, error="flux négatif")),
    }, unique=["kind", "year", "origin", "destination"]),

    "service_public": schema("service_public", {
        "id": text(), "network": pa.Column(str, pa.Check(_known_network, error="réseau hors de la liste "
                                                                        "(sources/service_public.py NETWORK_PIVOTS)")),
        "name": text(),
        "address": text(nullable=True), "postcode": text(nullable=True), "town": text(nullable=True),
        "commune_code": commune(), "lat": coordinate(90), "lon": coordinate(180),
        "phone": text(nullable=True), "email": text(nullable=True), "website": text(nullable=True),
        "url_service_public": text(nullable=True), "updated": text(nullable=True),
    }, unique=["id", "network"]),
}


# ---------------------------------------------------------------------------------------------
# Running a schema

_BUILTIN = {
    "not_nullable": "valeur manquante",
    "column_in_dataframe": "colonne absente",
    "column_in_schema": "colonne non déclarée dans le schéma",
    "field_uniqueness": "valeur en double",
    "multiple_fields_uniqueness": "clé en double",
}
_STRUCTURE = ("column_in_dataframe", "column_in_schema")


def _check_label(check: str) -> str:
    if check in _BUILTIN:
        return _BUILTIN[check]
    if check.startswith(("dtype(", "coerce_dtype(")):
        return f"type {check.split('(', 1)[1][:-1].strip(chr(39))} attendu"
    return check


def _value(v) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, str):
        return repr(v)
    return str(v)


def _plain(v) -> str:
    return str(v) if isinstance(v, str) else _value(v)


def _missing(v) -> bool:
    return v is None or v is pd.NA or (isinstance(v, float) and v != v)


def _row(frame: pd.DataFrame, index, columns: list[str]) -> str:
    """`` (commune_code 44109, month 2024-01-01)``: the row named by its key columns (and, for a
    frame check, the columns it compares), else by its position in the normalised table."""
    if _missing(index) or index not in frame.index:
        return ""
    known = [c for c in dict.fromkeys(columns) if c in frame.columns]
    if not known:
        return f" (ligne {int(index) + 1} du tableau normalisé)"
    row = frame.loc[index, known]
    return " (" + ", ".join(f"{c} {'vide' if _missing(row[c]) else _plain(row[c])}" for c in known) + ")"


def _message(key: str, frame: pd.DataFrame, cases: pd.DataFrame, s: pa.DataFrameSchema) -> str:
    """French summary of pandera's failure cases: the first failure in full, then the count of
    failing rows by column and check."""
    cases = cases.reset_index(drop=True)
    checks = cases.check.astype(str)
    # A frame-level check reports every cell of a failing row: one failure per row is kept.
    frame_level = (cases.schema_context.astype(str) == "DataFrameSchema") & ~checks.isin(_STRUCTURE)
    cases = cases.assign(_check=checks, _column=cases.column.where(~frame_level, None).astype(object),
                         _index=cases["index"].astype(object))
    cases = cases.drop_duplicates(["_check", "_column", "_index"])
    # Structure first (a missing or undeclared column, a wrong type): it explains the rest.
    rank = cases._check.map(lambda c: 0 if c in _STRUCTURE else 1 if c.startswith("dtype(") else 2)
    cases = cases.assign(_rank=rank).sort_values(["_rank"], kind="stable")
    first = cases.iloc[0]
    check, value = first._check, first.failure_case
    column = None if _missing(first._column) else first._column
    label = _check_label(check)
    keys = list((s.metadata or {}).get("key", []))
    if check in _STRUCTURE:
        text = f"{label} : {value}"
    elif check.startswith("dtype("):
        text = f"colonne {column} : {label}, {value} trouvé"
    elif column is None:         # a check on whole rows: uniqueness, comparisons between columns
        text = f"{label}{_row(frame, first._index, keys + _FRAME_CHECK_COLUMNS.get(check, []))}"
    else:
        shown = "" if check == "not_nullable" else f" : {_value(value)}"
        text = f"colonne {column} : {label}{shown}{_row(frame, first._index, keys)}"
    groups = cases.groupby([cases._column.fillna("lignes").astype(str), cases._check], sort=False).size()
    total = int(groups.sum())
    more = ""
    if len(groups) > 1:
        more = " (" + " ; ".join(f"{c} : {_check_label(k)} ×{n}" for (c, k), n in list(groups.items())[:6]) \
               + (" …" if len(groups) > 6 else "") + ")"
    return (f"contrôle du tableau normalisé « {key} » : {text} — {total} écart{'s' if total > 1 else ''} "
            f"en tout{more}")


def _files(loaded: Loaded) -> Path:
    return Path(", ".join(loaded.files) if loaded.files else loaded.source.id)


def _validate_frame(key: str, s: pa.DataFrameSchema, frame: pd.DataFrame, loaded: Loaded) -> None:
    try:
        s.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        raise SourceError(_files(loaded), _message(key, frame, exc.failure_cases, s)) from None


def validate(key: str, loaded: Loaded) -> Loaded:
    """Check ``loaded.frame`` (or the Parquet file it names) against the schema of dataset ``key``;
    raise :class:`SourceError` naming the file(s), the column, the check, the value and the row
    of the first failure. Returns ``loaded`` unchanged. A dataset without a schema is a
    programming error (``LookupError``): every registered dataset declares one."""
    if key not in SCHEMAS:
        raise LookupError(f"aucun schéma déclaré pour la donnée {key!r} dans sources/schemas.py")
    s = SCHEMAS[key]
    frame = loaded.frame
    if isinstance(frame, pd.DataFrame):
        _validate_frame(key, s, frame, loaded)
        return loaded
    import pyarrow.parquet as pq
    offset = 0
    with pq.ParquetFile(frame) as pf:
        for batch in pf.iter_batches(batch_size=PARQUET_BATCH):
            part = batch.to_pandas()
            part.index = range(offset, offset + len(part))
            _validate_frame(key, s, part, loaded)
            offset += len(part)
    return loaded
