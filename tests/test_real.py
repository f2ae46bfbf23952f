"""Checks of the loaders against the real extracts of ../shared/data/real (skipped where absent).
Each asserted figure can be checked by hand in the file."""
from __future__ import annotations

import datetime as dt

import pytest

from portraits.geography import commune_codes
from sources import establishments, inserjeunes, jobseekers

pytestmark = pytest.mark.real


@pytest.fixture(scope="module")
def codes():
    return commune_codes("52")


def test_real_jobseekers(real_dir, codes):
    loaded = jobseekers.read([real_dir / "defm-communes-mensuel_pdl.csv"], communes=codes)
    df = loaded.frame
    nantes = df[(df.commune_code == "44109") & (df.month == dt.date(2020, 1, 1))].jobseekers
    assert nantes.tolist() == [37840]
    # 151 distinct codes in the file; Champtoceaux (49069) is counted as Orée d'Anjou (49126).
    assert df.commune_code.nunique() == 151
    assert "49069" in loaded.warnings[1] and "49126" in set(df.commune_code)
    assert loaded.vintage == "décembre 2024"
    dup_codes = {"49018", "49092", "49180", "49218", "49228", "49261", "85008", "85194"}
    assert all(c in loaded.warnings[0] for c in dup_codes)
    assert not df.duplicated(["commune_code", "month"]).any()


def test_real_annuaire(real_dir, codes):
    loaded = establishments.read([real_dir / "odis-annuaire_ecoles_france_mini_pdl.parquet"], communes=codes)
    df = loaded.frame
    assert len(df) == 3915 - 4                      # 4 UAI listed twice (secondary sites)
    assert any("0530068L" in w for w in loaded.warnings)
    assert df[df.uai == "0530068L"].name.tolist() == ["Lycée polyvalent Haute Follis"]
    assert (df.type == "Lycée").sum() == 335 - 4
    assert (df.type == "Information et orientation").sum() == 14
    assert df.lat.notna().all()


def test_real_inserjeunes_depp(real_dir):
    files = sorted(real_dir.glob("depp-inserjeunes-etablissements-*.csv"))
    df = inserjeunes.read(files).frame
    pro = df[df.route == "pro"]
    assert len(pro) == 288 and len(df[df.route == "apprentissage"]) == 178
    row = pro[(pro.uai == "0440001M") & (pro.population == "ensemble")].iloc[0]
    assert (row.employment_rate_6m, row.expected_rate_6m, row.value_added_6m) == (58, 51, 7)
    assert pro[(pro.uai == "0440001M") & (pro.population == "apprentis")].employment_rate_6m.isna().all()


def test_real_inserjeunes_cfa(real_dir):
    df = inserjeunes.read([real_dir / "fr-en-inserjeunes-cfa_pdl.csv"]).frame
    counts = df.millesime.value_counts()
    assert counts["2023-2024"] == 184 and counts["2018-2019"] == 51 and len(df) == 792


def test_real_inserjeunes_uais_placed_by_the_annuaire(real_dir, codes):
    annuaire = establishments.read([real_dir / "odis-annuaire_ecoles_france_mini_pdl.parquet"], communes=codes).frame
    pro = inserjeunes.read(sorted(real_dir.glob("depp-inserjeunes-etablissements-*-pro_pdl.csv"))).frame
    found = set(pro.uai) & set(annuaire.uai)
    assert len(set(pro.uai)) == 152 and len(found) == 151     # millésime 2022_2023
    assert set(pro.uai) - found == {"0851516L"}
