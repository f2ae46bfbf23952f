"""Trajectory loaders against the real extracts of ../shared/data/real (skipped where absent).
Each asserted figure can be checked by hand in the files (PROVENANCE.md items 3 and 13)."""
from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path

import pandas as pd
import pytest

from sources import bcn, inserjeunes_formations as ijf

pytestmark = pytest.mark.real


@lru_cache(maxsize=None)
def _ij(folder: Path):
    # As the pipeline reads it: the region's lines kept first (all of this extract's).
    return ijf.read([folder / "inserjeunes-region-formation_pdl.csv"], region="52")


@lru_cache(maxsize=None)
def _bcn(folder: Path):
    return bcn.read([folder / "bcn-n_formation_diplome.csv", folder / "bcn-n_mef.csv",
                     folder / "bcn-n_niveau_formation_diplome.csv"])


@pytest.fixture
def ij(real_dir):
    return _ij(real_dir)


@pytest.fixture
def labels(real_dir):
    return _bcn(real_dir)


def test_real_region_formation_rows_by_millesime(ij):
    df = ij.frame
    assert df.groupby("millesime").size().to_dict() == {"2019-2020": 643, "2020-2021": 690, "2021-2022": 721,
                                                        "2022-2023": 762}
    assert set(df.region) == {"52"} and ij.vintage == "sortants 2022 et 2023" and not ij.warnings and not ij.missing
    assert (df.route == "scolaire").sum() == 936 and (df.route == "apprentissage").sum() == 1880
    # Rule: no employment rate is published below 20 leavers; the further-study rate (on final-year
    # pupils) is, 399 times: 398 lines with 1-19 leavers and "2020_2021_17_apprentissage_56M23413"
    # (27 apprentices, all 27 going on studying: nb_sortant empty, rate 100).
    assert df.employment_rate_6m[df.below_threshold].isna().all()
    assert df.further_study_rate[df.below_threshold].notna().sum() == 399
    assert df.further_study_rate[df.below_threshold & df.leavers.notna()].notna().sum() == 398
    assert df.further_study_rate[df.further_study_below_threshold].isna().all()
    assert int(df.below_threshold.sum()) == 1385


def test_real_hand_checkable_rows(ij, labels):
    df = ij.frame.set_index(["millesime", "route", "formation_code"])
    # Line "2022_2023_17_scolaire_23830031107": 225 in final year, 89 go on studying (40 %), 136
    # leavers of whom 99 employed at 6 months (73 %) and 123 at 12 months (90 %); no 18/24 months.
    row = df.loc[("2022-2023", "scolaire", "23830031107")]
    assert (row.final_year, row.further_study, row.leavers, row.employed_6m, row.employed_12m) == (225, 89, 136, 99, 123)
    assert (row.employment_rate_6m, row.employment_rate_12m, row.further_study_rate) == (73, 90, 40)
    assert pd.isna(row.employment_rate_18m) and not row.below_threshold
    # Line "2019_2020_17_scolaire_23220023317": 15 leavers, employment rates not published, the
    # further-study rate (61 %, 23 of 38 final-year pupils) is.
    small = df.loc[("2019-2020", "scolaire", "23220023317")]
    assert small.leavers == 15 and small.below_threshold and pd.isna(small.employment_rate_6m)
    assert small.further_study_rate == 61 and not small.further_study_below_threshold
    # Labelled with the BCN: MEFSTAT11 23830031107 → MEF of CFD 40031107.
    lab = labels.frame.set_index(["code_kind", "code"]).loc[("mefstat11", "23830031107")]
    assert lab.cfd == "40031107" and lab.label == "CONDUCTEUR TRANSPORT ROUTIER MARCHANDISES (BAC PRO)"
    assert (lab.diploma_type, lab.rncp_level, lab.level_label, lab.duration) == ("BAC PRO", 4, "niveau 4 (bac)", 3)


def test_real_bcn_tables(labels):
    df = labels.frame
    assert df.code_kind.value_counts().to_dict() == {"mefstat11": 10066, "cfd": 4023, "niveau": 212}
    assert not df.duplicated(["code_kind", "code"]).any()
    by = df.set_index(["code_kind", "code"])
    # N_FORMATION_DIPLOME is Windows-1252: its accented labels are decoded.
    assert by.loc[("cfd", "51025405"), "label"] == "REALISATION D'OUVRAGES DE METALLERIE DU BÂTIMENT (BEP)"
    assert by.loc[("niveau", "56T"), "diploma_type"] == "TH5-T"
    assert by.loc[("cfd", "40031107"), "closed"] == dt.date(2027, 8, 31)
    assert labels.vintage == "BCN, mise à jour du 29/08/2025"


def test_real_formation_codes_found_in_the_bcn(ij, labels):
    df = ij.frame
    lab = labels.frame
    scolaire = df[df.route == "scolaire"]
    assert scolaire.mefstat11.isin(lab.code[lab.code_kind == "mefstat11"]).all()           # 100 % (936 rows)
    app = df[df.route == "apprentissage"]
    found = app.cfd.isin(lab.code[lab.code_kind == "cfd"])
    # 1,433 of the 1,880 apprentissage rows (76.2 %; 455 of 622 distinct CFDs, 73.2 %): the others
    # are titres professionnels (56T, 46T, 36T…) and other non-Éducation nationale diplomas.
    assert (int(found.sum()), len(app)) == (1433, 1880)
    assert round(found.mean() * 100, 1) == 76.2
    assert (app.cfd[found].nunique(), app.cfd.nunique()) == (455, 622)
    # Every CFD is typed through its first three characters (NIVEAU_FORMATION_DIPLOME).
    assert app.cfd.str[:3].isin(lab.code[lab.code_kind == "niveau"]).all()
    assert set(app.cfd[~found].str[:3]) >= {"56T", "46T", "36T"}


def test_real_inserjeunes_every_vintage_of_every_file(real_dir):
    """The CFA export (6 cumulative vintages) and the DEPP files by establishment read together."""
    from sources import inserjeunes
    files = [real_dir / "fr-en-inserjeunes-cfa_pdl.csv", *sorted(real_dir.glob("depp-inserjeunes-etablissements-*.csv"))]
    loaded = inserjeunes.read(files, region="52")         # as the pipeline reads them: every line is the region's
    df = loaded.frame
    assert not loaded.missing
    sizes = df.groupby(["route", "millesime"]).size().to_dict()
    # PROVENANCE.md: PDL CFA by vintage 51 / 68 / 138 / 173 / 178 / 184; DEPP pro 2022_2023: 288 lines.
    assert sizes == {("apprentissage", "2018-2019"): 51, ("apprentissage", "2019-2020"): 68,
                     ("apprentissage", "2020-2021"): 138, ("apprentissage", "2021-2022"): 173,
                     ("apprentissage", "2022-2023"): 178, ("apprentissage", "2023-2024"): 184,
                     ("pro", "2022-2023"): 288}
    # The 178 lines of the DEPP apprentissage file 2022_2023 are the CFA export's cumul 2022-2023:
    # reported once, the first file read (the export, with its 12-month rates) is kept.
    assert len(loaded.warnings) == 1 and "178 lignes" in loaded.warnings[0]
    assert df.employment_rate_12m[(df.route == "apprentissage") & (df.millesime == "2022-2023")].notna().sum() == 121
    # The vintage named is that of the lycée file, the one the portraits show.
    assert loaded.vintage == "sortants 2022 et 2023"
    # One CFA, cumul 2023-2024 (0721427K, Maison Familiale Rurale de Verneil-le-Chétif): 6 months 67 %, 12 months 79 %.
    row = df[(df.uai == "0721427K") & (df.millesime == "2023-2024")].iloc[0]
    assert (row.employment_rate_6m, row.employment_rate_12m, row.further_study_rate) == (67, 79, 53)
    assert pd.isna(row.employment_rate_18m)


def test_real_regional_rates_by_route_from_counts(ij):
    """The regional benchmark of the portraits: employed / leavers summed over the formations
    whose counts are published, latest millésime of each measure."""
    import duckdb
    from portraits.indicators import run
    from portraits.report.sections.trajectories import _region_routes
    con = duckdb.connect()
    con.register("frame", ij.frame)
    con.execute("CREATE TABLE inserjeunes_formations AS SELECT * FROM frame")
    t = run(con, "ij_region_routes.sql").set_index(["route", "measure"])
    assert tuple(t.loc[("scolaire", "employment_6m"), ["millesime", "num", "den"]]) == ("2022-2023", 7893, 14385)
    assert tuple(t.loc[("apprentissage", "employment_12m"), ["num", "den"]]) == (19567, 24524)
    # No 18/24-month count in 2022-2023 or 2021-2022: those come from 2020-2021.
    assert t.loc[("scolaire", "employment_24m"), "millesime"] == "2020-2021"
    rates = _region_routes(t.reset_index())
    assert rates["school"]["employment_6m"]["text"] == "55\u00a0%"          # 7893 / 14385 = 54.9 %
    assert rates["apprentices"]["employment_6m"]["text"] == "74\u00a0%"     # 18257 / 24524 = 74.4 %
