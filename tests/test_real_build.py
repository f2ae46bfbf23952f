"""A build pointed at a folder of real extracts (../shared/data/real): the portraits' BMO and
jobseeker figures match the files. Uses the pipeline's functions directly (no Prefect server)."""
from __future__ import annotations

import datetime as dt
import html
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from portraits import fmt
from portraits.pipeline import build_warehouse, compute_site, render_territory
from portraits.ingest import ingest, locate_inputs
from portraits.publish import prepare_staging
from portraits.settings import Settings
from portraits.warehouse import REGION_UNIT

pytestmark = pytest.mark.real

# The whole folder, as it is: the URSSAF file is a format sample of another region
# (Seine-Maritime), which leaves that dataset out of the build (no row of the region) and says so.
NOT_DATA = {"PROVENANCE.md"}
URSSAF_SAMPLE = "urssaf-etablissements-effectifs-commune-ape_SAMPLE-76.csv"


@pytest.fixture(scope="module")
def real_build(tmp_path_factory):
    real = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "real"
    raw = tmp_path_factory.mktemp("real-raw")
    for f in real.iterdir():
        if f.name not in NOT_DATA:
            (raw / f.name).symlink_to(f)        # links, not copies
    out = tmp_path_factory.mktemp("real") / "site"
    settings = Settings(output=out, raw_dir=raw)
    inputs = locate_inputs(settings)
    datasets = ingest(settings, inputs)
    build_warehouse(settings, datasets, inputs)
    return settings, inputs, compute_site(settings), real


def test_every_real_dataset_is_recognised(real_build):
    _, inputs, site, _ = real_build
    # No real extract of these in the folder (PROVENANCE.md): their sections say so. (No public
    # copy of the Dares tension workbook exists at all: sources/tension.py.)
    assert inputs.missing == ["jobseekers_profile", "training_offer", "onisep_actions", "organisms",
                              "mobility", "service_public", "tension"]
    # The URSSAF sample is found, read, and left out: no row of the region; the economy section says why.
    assert inputs.found["urssaf"][0].endswith(URSSAF_SAMPLE)
    nantes = site.contexts[0]
    assert [u["id"] for u in nantes["unusable_sources"]] == ["urssaf"]
    assert any(URSSAF_SAMPLE in n and "aucune ligne de la région" in n for n in nantes["economy"]["missing_notes"])
    assert any(f"{URSSAF_SAMPLE} : aucune ligne de la région 52" in w for w in site.warnings)
    # The métiers are shown, their tension column empty, and the section says why.
    assert nantes["metiers"]["available"] and not nantes["metiers"]["with_tension"]
    assert nantes["metiers"]["tension_reason"].startswith("Indicateurs de tension par métier (Dares)")


def test_real_cio_are_in_the_portraits(real_build):
    """The 14 CIO of the real annuaire de l'éducation are access points of the territories; without
    the DILA directory, the other networks are said to be unavailable."""
    settings, _, site, real = real_build
    a = pd.read_parquet(real / "odis-annuaire_ecoles_france_mini_pdl.parquet",
                        columns=["identifiant_de_l_etablissement", "nom_etablissement", "type_etablissement"])
    cio = a[a.type_etablissement == "Information et orientation"]
    listed = [r for c in site.contexts for r in c["access"]["rows"]]
    assert sorted(r["name"] for r in listed) == sorted(cio.nom_etablissement)
    assert {r["network"] for r in listed} == {"CIO"}
    nantes = site.contexts[0]
    cio_net = next(n for n in nantes["access"]["networks"] if n["code"] == "cio")
    assert cio_net["loaded"] and cio_net["far"]["value"] is not None and cio_net["far"]["region"] is not None
    assert all(not n["loaded"] for n in nantes["access"]["networks"] if n["code"] != "cio")
    assert nantes["figures"]["access_far_share"]["value"] is None    # needs the DILA directory too


def test_bmo_projects_match_the_workbook(real_build):
    _, _, site, real = real_build
    wb = openpyxl.load_workbook(real / "Base_open_data_BMO_2024_pdl.xlsx", read_only=True)
    rows = list(wb["BMO_2024_open_data"].iter_rows(values_only=True))
    col = rows[0].index("met")
    total = sum(float(r[col]) for r in rows[1:] if r[col] not in ("*", None))
    per_territory = [c["figures"]["bmo_projects"]["value"] for c in site.contexts]
    assert sum(per_territory) == pytest.approx(total)           # allocation keeps the regional total
    assert site.contexts[0]["figures"]["bmo_projects"]["region"] == pytest.approx(total)


def test_jobseekers_match_the_file(real_build):
    settings, _, site, real = real_build
    j = pd.read_csv(real / "defm-communes-mensuel_pdl.csv", dtype=str)
    j = j[j.YEAR == "decembre_2024"].drop_duplicates(["codgeo", "YEAR", "Demandeurs_Emploi"])
    j["n"] = j.Demandeurs_Emploi.astype(int)
    j = j.groupby("codgeo").n.max()                               # the file's duplicate rule: max per commune
    j.index = j.index.str.replace("49069", "49126")              # Champtoceaux is now part of Orée d'Anjou
    j = j.groupby(level=0).sum()
    m = pd.read_csv(Path(__file__).resolve().parent.parent / "data/territories/spro17.csv", dtype=str)
    expected = j.rename_axis("commune_code").reset_index().merge(m, on="commune_code").groupby("territory_code").n.sum()
    got = {c["code"]: c["figures"]["jobseekers"]["value"] for c in site.contexts}
    assert got == expected.to_dict()
    nantes = site.contexts[0]
    assert nantes["name"] == "Nantes" and nantes["figures"]["jobseekers"]["region"] == j.sum()
    staging = prepare_staging(settings)
    render_territory(settings, nantes, staging)
    page = html.unescape((staging / nantes["slug"] / "index.html").read_text(encoding="utf-8"))
    assert fmt.number(expected["T01"]) in page
    assert "Données de démonstration" not in page
    assert dt.date(2024, 12, 1).year == 2024
