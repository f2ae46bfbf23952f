"""Territory sets: declared as data (``data/territories/sets.toml`` + one CSV per set), validated
against the region's communes, dissolved into territory boundaries."""
from __future__ import annotations

import csv
import re
import tomllib
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd

from .geography import LAMBERT93

DEFAULT_DIR = Path(__file__).resolve().parent.parent / "data" / "territories"


class TerritorySetError(ValueError):
    """A territory set that does not partition the region: the message names the codes."""


@dataclass(frozen=True)
class TerritorySet:
    key: str
    title: str
    short: str
    region: str
    indicative: bool
    method: str
    path: Path


def available_sets(folder: Path = DEFAULT_DIR) -> dict[str, TerritorySet]:
    with open(folder / "sets.toml", "rb") as f:
        decl = tomllib.load(f)
    return {k: TerritorySet(key=k, title=v["title"], short=v.get("short", "territoire"),
                            region=str(v["region"]), indicative=bool(v.get("indicative", False)),
                            method=" ".join(v.get("method", "").split()), path=folder / v["file"])
            for k, v in decl.items()}


def get_set(key: str, folder: Path = DEFAULT_DIR) -> TerritorySet:
    sets = available_sets(folder)
    if key not in sets:
        raise TerritorySetError(f"jeu de territoires inconnu : {key!r} (disponibles : {', '.join(sets)})")
    return sets[key]


def read_membership(path: Path) -> pd.DataFrame:
    """Read a set file: commune_code, territory_code, territory_name (UTF-8, ',' or ';')."""
    text = Path(path).read_text(encoding="utf-8-sig")
    first = text.splitlines()[0] if text.strip() else ""
    sep = ";" if first.count(";") > first.count(",") else ","
    rows = list(csv.DictReader(text.splitlines(), delimiter=sep))
    need = {"commune_code", "territory_code", "territory_name"}
    if not rows or not need <= set(rows[0]):
        raise TerritorySetError(f"{Path(path).name} : colonnes attendues {sorted(need)}, lues {first!r}")
    df = pd.DataFrame(rows, dtype=str)[["commune_code", "territory_code", "territory_name"]]
    for col in df.columns:
        df[col] = df[col].str.strip()
    return df


def validate(membership: pd.DataFrame, region_communes: set[str], name: str) -> None:
    """Every commune of the region in exactly one territory, no unknown code, one name per code."""
    problems = []
    dup = membership.commune_code[membership.commune_code.duplicated()]
    if len(dup):
        problems.append(f"communes dans plusieurs territoires : {', '.join(sorted(set(dup)))}")
    unknown = sorted(set(membership.commune_code) - region_communes)
    if unknown:
        problems.append(f"codes commune inconnus dans la région : {', '.join(unknown)}")
    missing = sorted(region_communes - set(membership.commune_code))
    if missing:
        problems.append(f"communes de la région sans territoire : {', '.join(missing)}")
    names = membership.groupby("territory_code").territory_name.nunique()
    if (names > 1).any():
        problems.append(f"territoires avec plusieurs noms : {', '.join(names[names > 1].index)}")
    empty = membership.territory_code.eq("") | membership.territory_name.eq("")
    if empty.any():
        problems.append(f"communes sans code ou nom de territoire : {', '.join(membership.commune_code[empty])}")
    # A territory's folder is named from the slug of its code: two codes with one slug would
    # write their pages into the same folder.
    codes = pd.Series(sorted(set(membership.territory_code) - {""}), dtype=str)
    clash = codes[codes.map(slug).duplicated(keep=False)]
    if len(clash):
        problems.append(f"codes de territoire donnant le même nom de dossier : {', '.join(repr(c) for c in clash)}")
    if problems:
        raise TerritorySetError(f"jeu de territoires {name} invalide : " + "; ".join(problems))


def load_membership(tset: TerritorySet, communes: pd.DataFrame) -> pd.DataFrame:
    membership = read_membership(tset.path)
    validate(membership, set(communes.code), tset.path.name)
    return membership.sort_values(["territory_code", "commune_code"], ignore_index=True)


def dissolve(membership: pd.DataFrame, communes: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Territory boundaries (EPSG:4326) with population and number of communes."""
    g = communes.merge(membership, left_on="code", right_on="commune_code")
    g = g.to_crs(LAMBERT93)
    out = g.dissolve(by=["territory_code", "territory_name"],
                     aggfunc={"population": "sum", "code": "count"}).reset_index()
    out = out.rename(columns={"code": "communes"})
    out["geometry"] = out.geometry.buffer(0)
    return out.to_crs("EPSG:4326").sort_values("territory_code", ignore_index=True)


def slug(text: str) -> str:
    """A safe file-name part from a territory code or name (ASCII, lower case, dashes)."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    return text[:60] or "territoire"
