"""Training offer against recruitment needs (training_bmo_domains.sql) on tiny inline tables, and
the bundled NSF → FAP-2021 correspondence. Each row says which case it exists for."""
from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from portraits import indicators
from portraits.warehouse import CORRESPONDENCES, load_correspondences


def table(con, name, rows, columns):
    con.register(f"{name}_df", pd.DataFrame(rows, columns=columns))
    con.execute(f"CREATE TABLE {name} AS SELECT * FROM {name}_df")


@pytest.fixture
def con():
    c = duckdb.connect()
    table(c, "fap_domains", [("A", "Agriculture"), ("M", "Informatique"), ("R", "Commerce")],
          ["fap_domain", "fap_domain_label"])
    table(c, "nsf_fap", [("210", "A"), ("326", "M"), ("312", "R"),
                         ("100", None)],                        # general training: no target domain
          ["nsf", "fap_domain"])
    table(c, "bassin_territory", [
        ("B1", "T1", 1.0),
        ("B2", "T1", 0.25), ("B2", "T2", 0.75),                # a bassin shared by two territories
    ], ["bassin_code", "territory_code", "weight"])
    table(c, "bmo", [
        ("B1", "A0X40", 60.0), ("B1", "M2X90", 40.0),          # T1: 60 A + 40 M
        ("B2", "R1Z60", 80.0),                                 # shared: 20 R to T1, 60 R to T2
        ("B2", "M1X80", None),                                 # secret cell: not a zero, left out
        ("B9", "R1Z60", 500.0),                                # bassin of no territory: not in the region either
    ], ["bassin_code", "fap_code", "projects"])
    table(c, "training_actions", [
        ("T1", "326"), ("T1", "326"), ("T1", "326"), ("T1", "210"),   # T1: 3 M, 1 A
        ("T1", "100"),                                               # general: counted in the total only
        ("T1", None),                                                # no NSF: counted in the total only
        ("T2", "312"),                                               # T2: 1 R
        (None, "312"),                                               # not placed: nowhere, not in the region
    ], ["territory_code", "nsf"])
    return c


def test_shares_side_by_side(con):
    df = indicators.run(con, "training_bmo_domains.sql")
    t1 = df[df.unit == "T1"].set_index("fap_domain")
    assert t1.projects.to_dict() == {"A": 60, "M": 40, "R": 20}
    assert t1.projects_share.round(4).to_dict() == {"A": 50.0, "M": 33.3333, "R": 16.6667}
    assert t1.actions.to_dict() == {"A": 1, "M": 3, "R": 0}
    assert t1.actions_share.to_dict() == {"A": 25.0, "M": 75.0, "R": 0.0}
    assert (t1.actions_total.iloc[0], t1.actions_mapped.iloc[0]) == (6, 4)
    t2 = df[df.unit == "T2"].set_index("fap_domain")
    assert t2.projects_share.to_dict() == {"A": 0.0, "M": 0.0, "R": 100.0} and t2.actions_share["R"] == 100.0
    region = df[df.unit == "_REGION"].set_index("fap_domain")
    assert region.projects.to_dict() == {"A": 60, "M": 40, "R": 80}    # B9 is outside every territory
    assert region.actions.to_dict() == {"A": 1, "M": 3, "R": 1} and region.actions_total.iloc[0] == 7


def test_bundled_correspondence():
    c = duckdb.connect()
    load_correspondences(c)
    domains = dict(c.execute("SELECT fap_domain, fap_domain_label FROM fap_domains").fetchall())
    assert len(domains) == 22 and "I" not in domains and "O" not in domains
    nsf = c.execute("SELECT nsf, fap_domain FROM nsf_fap").fetchall()
    assert len({n for n, _ in nsf}) == len(nsf) == 93                     # one row per NSF speciality
    assert all(len(n) == 3 and n.isdigit() for n, _ in nsf)
    assert {d for _, d in nsf if d} <= set(domains)                     # only FAP-2021 letters
    assert dict(nsf)["326"] == "M" and dict(nsf)["100"] is None          # informatique; general training
    assert set(CORRESPONDENCES) == {"nsf_fap", "fap_domains"}
