"""Demo commuting and study flows: plausible flows for the real communes of the region in the
official base-flux layout (written by :func:`sources.mobility.write`), and a national-size
``FD_MOBPRO``-like detail file for the benchmarks (:func:`write_large_demo`)."""
from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sources import mobility
from sources.datafrance import official_names
from sources.mobility import KIND_STUDY, KIND_WORK

DEMO_WORK_FILE = mobility.SOURCE.demo_file          # base-flux-mobilite-domicile-lieu-travail-2022.csv
DEMO_STUDY_FILE = "base-flux-mobilite-domicile-lieu-etude-2021.csv"

# Communes outside the region exchanging commuters with it: code, name, longitude, latitude,
# population (rounded; only used to weigh the invented flows).
OUTSIDE = (
    ("35238", "Rennes", -1.6778, 48.1173, 222000),
    ("37261", "Tours", 0.6892, 47.3941, 137000),
    ("79191", "Niort", -0.4594, 46.3237, 59000),
    ("61001", "Alençon", 0.0931, 48.4329, 26000),
)
PARIS = ("75056", "Paris", 2.3522, 48.8566, 2100000)
# Paris appears by arrondissement in the official files (re-aggregated by the loader).
PARIS_ARRONDISSEMENTS = (("75101", "Paris 1er Arrondissement"), ("75108", "Paris 8e Arrondissement"),
                         ("75109", "Paris 9e Arrondissement"), ("75113", "Paris 13e Arrondissement"),
                         ("75115", "Paris 15e Arrondissement"))

# Model parameters by kind: persons per inhabitant, own-commune share (intercept, slope on
# log10 of the population), attraction exponent of the population, share to Paris, inflow share
# of each outside commune's residents.
_DEMO_MODEL = {
    KIND_WORK: dict(rate=0.43, own=(0.10, 0.20, 0.10, 0.80), attraction=1.0, paris=0.004,
                    inflow={"35238": 0.020, "37261": 0.006, "79191": 0.030, "61001": 0.060, "75056": 0.001}),
    KIND_STUDY: dict(rate=0.23, own=(0.35, 0.15, 0.30, 0.90), attraction=1.3, paris=0.003,
                     inflow={"35238": 0.010, "37261": 0.004, "79191": 0.015, "61001": 0.030, "75056": 0.0003}),
}


def _lambert_km(lon, lat) -> np.ndarray:
    import geopandas as gpd
    pts = gpd.GeoSeries(gpd.points_from_xy(lon, lat), crs="EPSG:4326").to_crs("EPSG:2154")
    return np.column_stack([pts.x.to_numpy(), pts.y.to_numpy()]) / 1000.0


@dataclass
class _Places:
    """The region's communes (sorted by code) and the outside communes, in Lambert-93 km."""
    codes: np.ndarray
    xy: np.ndarray
    pop: np.ndarray
    out_xy: np.ndarray
    out_pop: np.ndarray
    paris_xy: np.ndarray


class _Flows(dict):
    """(origin, destination) → persons; flows under half a person are not kept."""

    def add(self, o: str, d: str, value: float) -> None:
        if value >= 0.5:
            self[(o, d)] = self.get((o, d), 0.0) + value


def _outflows(places: _Places, i: int, model: dict, rng: np.random.Generator, flows: _Flows) -> None:
    """The residents of commune ``i``: their own commune, the ~10 nearest larger communes and the
    poles within 80 km (gravity), three neighbours, the outside communes, Paris."""
    xy, pop, codes = places.xy, places.pop, places.codes
    intercept, slope, low, high = model["own"]
    persons = pop[i] * model["rate"] * rng.lognormal(0.0, 0.05)
    own = float(np.clip(intercept + slope * np.log10(max(pop[i], 1.0) / 300.0), low, high))
    d_out = np.hypot(*(places.out_xy - xy[i]).T)
    outside = 0.005 + 0.06 * float(np.exp(-d_out.min() / 25.0))
    paris = model["paris"] * (2.0 if pop[i] > 20000 else 1.0)
    rest = max(0.0, 1.0 - own - outside - paris)
    d = np.hypot(*(xy - xy[i]).T)
    larger = np.flatnonzero(pop > pop[i])
    if len(larger) < 5:
        larger = np.flatnonzero((pop > 0.1 * pop[i]) & (np.arange(len(pop)) != i))
    near = larger[np.argsort(d[larger], kind="stable")[:10]]
    # Regional poles (40,000 inhabitants or more) within 80 km attract too, by gravity.
    poles = np.flatnonzero((pop >= 40000) & (pop > pop[i]) & (d <= 80.0))
    near = np.union1d(near, poles)
    weights = pop[near] ** model["attraction"] / np.maximum(d[near], 3.0) ** 2 * rng.gamma(2.0, 1.0, len(near))
    neighbours = [j for j in np.argsort(d, kind="stable")[1:4]]
    flows.add(codes[i], codes[i], persons * own)
    for j, w in zip(near, weights / weights.sum()):
        flows.add(codes[i], codes[j], persons * rest * 0.95 * w)
    for j in neighbours:
        flows.add(codes[i], codes[j], persons * rest * 0.05 / 3)
    w_out = places.out_pop / np.maximum(d_out, 5.0) ** 2
    for (code, *_), w in zip(OUTSIDE, w_out / w_out.sum()):
        flows.add(codes[i], code, persons * outside * w)
    # Paris by arrondissement: one for small flows, several for large ones.
    if persons * paris < 10:
        flows.add(codes[i], PARIS_ARRONDISSEMENTS[int(rng.integers(len(PARIS_ARRONDISSEMENTS)))][0], persons * paris)
    else:
        shares = rng.dirichlet(np.ones(len(PARIS_ARRONDISSEMENTS)))
        for (code, _), s in zip(PARIS_ARRONDISSEMENTS, shares):
            flows.add(codes[i], code, persons * paris * s)


def _inflows(places: _Places, model: dict, rng: np.random.Generator, flows: _Flows) -> None:
    """Residents of outside communes working / studying in the region."""
    xy, pop, codes = places.xy, places.pop, places.codes
    origins = [(code, x, p) for (code, *_, p), x in zip(OUTSIDE, places.out_xy)] + [(PARIS[0], places.paris_xy, PARIS[4])]
    for code, oxy, opop in origins:
        total = opop * model["rate"] * model["inflow"][code]
        d = np.hypot(*(xy - oxy).T)
        attraction = pop / np.maximum(d, 5.0) ** 2
        top = np.argsort(-attraction, kind="stable")[:8]
        w = attraction[top] * rng.gamma(3.0, 1.0, len(top))
        sources = ([(code, 1.0)] if code != PARIS[0]
                   else list(zip([a for a, _ in PARIS_ARRONDISSEMENTS],
                                 rng.dirichlet(np.ones(len(PARIS_ARRONDISSEMENTS))))))
        for src, share in sources:
            for j, wj in zip(top, w / w.sum()):
                flows.add(src, codes[j], total * share * wj)


def _demo_rows(communes, rng: np.random.Generator, kind: str) -> list[list]:
    """The rows of a base-flux file (origin, its name, destination, its name, persons)."""
    model = _DEMO_MODEL[kind]
    com = communes.sort_values("code", ignore_index=True)
    names = official_names()
    label = {c: names.get(c, n) for c, n in zip(com.code, com.name)}
    centroids = com.geometry.to_crs("EPSG:2154").centroid
    places = _Places(codes=com.code.to_numpy(),
                     xy=np.column_stack([centroids.x.to_numpy(), centroids.y.to_numpy()]) / 1000.0,
                     pop=com.population.to_numpy().astype(float),
                     out_xy=_lambert_km([o[2] for o in OUTSIDE], [o[3] for o in OUTSIDE]),
                     out_pop=np.array([o[4] for o in OUTSIDE], dtype=float),
                     paris_xy=_lambert_km([PARIS[2]], [PARIS[3]])[0])
    flows = _Flows()
    for i in range(len(com)):
        if places.pop[i] > 0:
            _outflows(places, i, model, rng, flows)
    _inflows(places, model, rng, flows)
    arr_labels = dict(PARIS_ARRONDISSEMENTS)
    out_labels = {o[0]: o[1] for o in OUTSIDE}

    def name(code: str) -> str:
        return label.get(code) or arr_labels.get(code) or out_labels.get(code) or code

    return [[o, name(o), d, name(d), v] for (o, d), v in sorted(flows.items())]


def write_demo(dest_dir: Path, communes, rng: np.random.Generator) -> list[Path]:
    """Write both base-flux files (home→work, census 2022; home→study, census 2021) for the
    communes of the region, in the official layout (``;``, UTF-8, CRLF): most residents work or
    study in their own commune or in one of the ~10 nearest larger communes or the regional poles
    within 80 km (gravity: population over squared distance between centroids), a few percent go
    to communes outside the region
    (Rennes, Tours, Niort, Alençon, Paris by arrondissement), and residents of those communes come
    into the region. ``communes``: GeoDataFrame of :func:`portraits.geography.load_communes`.
    Deterministic: the same ``rng`` state gives the same bytes."""
    dest_dir = Path(dest_dir)
    work = dest_dir / DEMO_WORK_FILE
    mobility.write(work, pd.DataFrame(_demo_rows(communes, rng, KIND_WORK), dtype=object,
                                      columns=["CODGEO", "LIBGEO", "DCLT", "L_DCLT", "NBFLUX_C22_ACTOCC15P"]))
    study = dest_dir / DEMO_STUDY_FILE
    mobility.write(study, pd.DataFrame(_demo_rows(communes, rng, KIND_STUDY), dtype=object,
                                       columns=["CODGEO", "LIBGEO", "DCETU", "L_DCETU", "NBFLUX_C21_SCOL02P"]))
    return [work, study]


# ---------------------------------------------------------------------------------------------
# Benchmark input: a national-size detail file, written quickly.

@dataclass
class _Pool:
    """The communes of a large detail file (sorted codes), their residents' weights, and the
    codes written: the pool, then the arrondissements, 'ZZZZZ' (no arrondissement) and '99999'
    (abroad); rows are built as integer indexes into ``labels`` and taken by Arrow."""
    codes: np.ndarray
    p: np.ndarray            # probability of each commune as an origin
    cum: np.ndarray          # cumulative weights (départements are contiguous in the sorted pool)
    lo: np.ndarray           # the cumulative weight at the start of each commune's département
    hi: np.ndarray           # … at its end
    labels: object           # pyarrow array of the codes written
    arm_ranges: dict         # index of Paris, Lyon, Marseille → (first label index, count) of its arrondissements
    no_arm: int
    abroad: int


def _large_pool(codes, rng: np.random.Generator) -> _Pool:
    import pyarrow as pa

    real = sorted({str(c) for c in codes}) if codes is not None else []
    # Départements replaced by the real codes: those of the current communes when ``codes`` maps
    # codes to current ones (a former commune may lie in another département).
    current = codes.values() if isinstance(codes, Mapping) else real
    real_deps = {str(c)[:2] for c in current}
    deps = [f"{d:02d}" for d in range(1, 96) if d != 20] + ["2A", "2B"]
    pool = list(real)

    def synthetic(code: str) -> bool:      # never an arrondissement code, Paris is one commune
        return not ("69381" <= code <= "69389" or "13201" <= code <= "13216" or code in ("69123", "13055"))

    for dep in deps:
        if dep in real_deps or dep == "75":
            continue
        count = int(rng.integers(150, 600))
        pool += [code for code in (f"{dep}{n:03d}" for n in range(1, count + 1)) if synthetic(code)]
    pool += ["75056", "69123", "13055"]
    pool = np.array(sorted(set(pool)))
    n = len(pool)
    dep_of = np.array([c[:2] for c in pool])
    weight = rng.lognormal(0.0, 1.3, n)
    total = weight.sum()
    for big, share in (("75056", 0.030), ("69123", 0.008), ("13055", 0.013)):   # shares of all residents
        weight[np.searchsorted(pool, big)] = total * share
    cum = np.cumsum(weight)
    dep_start = {d: i for i, d in reversed(list(enumerate(dep_of)))}
    dep_end = {d: i for i, d in enumerate(dep_of)}
    arms = {"75056": [f"751{k:02d}" for k in range(1, 21)], "69123": [f"6938{k}" for k in range(1, 10)],
            "13055": [f"132{k:02d}" for k in range(1, 17)]}
    arm_ranges, offset = {}, n
    for big, codes_ in arms.items():
        arm_ranges[int(np.searchsorted(pool, big))] = (offset, len(codes_))
        offset += len(codes_)
    return _Pool(codes=pool, p=weight / weight.sum(), cum=cum,
                 lo=np.array([cum[dep_start[d]] - weight[dep_start[d]] for d in dep_of]),
                 hi=np.array([cum[dep_end[d]] for d in dep_of]),
                 labels=pa.array(list(pool) + [c for codes_ in arms.values() for c in codes_] + ["ZZZZZ", "99999"]),
                 arm_ranges=arm_ranges, no_arm=offset, abroad=offset + 1)


def _large_chunk(pool: _Pool, size: int, rng: np.random.Generator) -> bytes:
    """``size`` lines of the detail file: 35 % in their own commune, most others in their
    département, 1 % abroad; arrondissements drawn for Paris, Lyon and Marseille."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    n = len(pool.codes)
    origin = rng.choice(n, size=size, p=pool.p)
    mode = rng.random(size)
    target = np.searchsorted(pool.cum, pool.lo[origin] + rng.random(size) * (pool.hi[origin] - pool.lo[origin]),
                             side="left")
    anywhere = rng.choice(n, size=size, p=pool.p)
    dest = np.where(mode < 0.35, origin, np.where(mode < 0.90, np.minimum(target, n - 1), anywhere))
    arm = np.full(size, pool.no_arm)
    for big, (first, count) in pool.arm_ranges.items():
        home = origin == big
        arm[home] = first + rng.integers(0, count, int(home.sum()))
        work = dest == big
        dest[work] = first + rng.integers(0, count, int(work.sum()))
    dest[mode >= 0.99] = pool.abroad
    ipondi = np.round(rng.gamma(4.0, 0.6, size) + 0.8, 6)
    schema = pa.schema([("COMMUNE", pa.string()), ("ARM", pa.string()), ("DCLT", pa.string()),
                        ("IPONDI", pa.float64())])
    labels = pool.labels
    table = pa.table([labels.take(pa.array(origin)), labels.take(pa.array(arm)), labels.take(pa.array(dest)),
                      pa.array(ipondi)], schema=schema)
    buf = io.BytesIO()
    pacsv.write_csv(table, buf, write_options=pacsv.WriteOptions(include_header=False, delimiter=";",
                                                                 quoting_style="none"))
    return buf.getvalue()


def write_large_demo(path: Path, n_rows: int, rng: np.random.Generator, *, codes=None,
                     chunk_rows: int = 1_000_000) -> Path:
    """Write an ``FD_MOBPRO``-like detail file (``COMMUNE;ARM;DCLT;IPONDI``, ``;``, LF) of
    ``n_rows`` lines, for performance work: about 35,000 synthetic communes in every
    département (Paris, Lyon and Marseille with their arrondissements in ``ARM`` and ``DCLT``),
    population-like weights, 35 % working in their own commune, most others in their
    département, 1 % abroad (``99999``), weights ``IPONDI`` around 3. ``codes``: real commune
    codes (e.g. the region's mapping accepted code → current code, as given to
    :func:`sources.mobility.read`) used instead of synthetic ones for their départements, so that
    the file can be read with that mapping. Vectorised (numpy + pyarrow CSV writer), in chunks
    written as they are drawn (a national file does not go through one frame); deterministic for
    a given ``rng`` state."""
    pool = _large_pool(codes, rng)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as f:
        f.write(b"COMMUNE;ARM;DCLT;IPONDI\n")
        written = 0
        while written < n_rows:
            size = min(chunk_rows, n_rows - written)
            f.write(_large_chunk(pool, size, rng))
            written += size
    return path
