"""The schema contract of the normalised datasets (sources/schemas.py): every registered dataset
declares one, the bundled demo inputs meet them all, and a frame that breaks one is refused with a
French message naming the file, the column, the check, the value and the row."""
from __future__ import annotations

import copy
import re
from pathlib import Path

import pandas as pd
import pytest

import sources
from sources import schemas
from sources.common import SourceError


def test_every_registered_dataset_has_a_schema():
    missing = sorted(set(sources.REGISTRY) - set(schemas.SCHEMAS))
    assert not missing, (f"datasets registered without a schema: {', '.join(missing)} — declare the columns of "
                         f"their normalised frame (Loaded.frame of read()) in sources/schemas.py SCHEMAS")
    stale = sorted(set(schemas.SCHEMAS) - set(sources.REGISTRY))
    assert not stale, f"schemas of datasets no longer registered: {', '.join(stale)}"
    for key, s in schemas.SCHEMAS.items():
        assert s.strict is True and s.columns, key             # the whole frame is declared, nothing more


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """Every dataset read from the bundled demo inputs by the pipeline's ingest (which validates
    each against its schema as it reads it)."""
    from portraits.ingest import ingest, locate_inputs
    from portraits.settings import Settings
    tmp = tmp_path_factory.mktemp("schemas")
    settings = Settings(output=tmp / "site", work_dir=tmp / "work")
    inputs = locate_inputs(settings)
    return inputs, ingest(settings, inputs)


def test_demo_inputs_meet_every_schema(demo):
    inputs, datasets = demo
    assert inputs.missing == [], "the demo should hold a file of every registered dataset"
    assert set(datasets) == set(sources.REGISTRY)
    for key, loaded in datasets.items():
        assert schemas.validate(key, loaded) is loaded


def _copy(loaded, change):
    out = copy.copy(loaded)
    out.frame = loaded.frame.copy()
    change(out.frame)
    return out


def _set(column, value, row=0):
    def change(df):
        df.loc[df.index[row], column] = value
    return change


BROKEN = [
    # (dataset, change to its demo frame, what the message says after "contrôle du tableau normalisé « key » : ")
    pytest.param("jobseekers", _set("jobseekers", -3, row=5),
                 r"colonne jobseekers : valeur négative : -3 \(commune_code 44001, month 2023-06-01\)", id="negative"),
    pytest.param("inserjeunes", _set("employment_rate_6m", 150.0),
                 r"colonne employment_rate_6m : taux hors de l'intervalle 0 à 100 : 150 \(uai \d{7}[A-Z], route pro, "
                 r"population ensemble, millesime 2022-2023\)", id="rate-above-100"),
    pytest.param("unemployment", _set("rate", -0.5), r"colonne rate : taux de chômage hors de l'intervalle 0 à 100 : "
                 r"-0\.5 \(area_type DEP, area_code 44, period 1982-T1\)", id="rate-below-0"),
    pytest.param("establishments", _set("commune_code", "4410"),
                 r"colonne commune_code : code commune invalide \(attendu .*\) : '4410' \(uai 0440001M\)",
                 id="commune-pattern"),
    pytest.param("establishments", _set("uai", "044000M"), r"colonne uai : UAI invalide .* : '044000M'", id="uai-pattern"),
    pytest.param("populations", lambda df: df.__setitem__("commune_code", df.commune_code.where(df.index != 1, "44001")),
                 r"clé en double \(commune_code 44001, year 2022\)", id="duplicate-key"),
    pytest.param("populations", _set("population", pd.NA, row=2),
                 r"colonne population : valeur manquante \(commune_code 44003, year 2022\)", id="missing-value"),
    pytest.param("census", lambda df: df.pop("value"),
                 r"colonne absente : value", id="missing-column"),
    pytest.param("urssaf", lambda df: df.insert(0, "extra", 1), r"colonne non déclarée dans le schéma : extra",
                 id="undeclared-column"),
    pytest.param("urssaf", lambda df: df.__setitem__("year", df.year.astype("float64")),
                 r"colonne year : type int64 attendu, float64 trouvé", id="wrong-dtype"),
    pytest.param("jobseekers", _set("month", pd.Timestamp("2024-01-15").date(), row=1),
                 r"colonne month : mois invalide .* : 2024-01-15", id="month-not-first-day"),
    pytest.param("bmo", lambda df: df.__setitem__("seasonal", df.seasonal.where(df.index != 1, df.projects + 1)),
                 r"projets saisonniers supérieurs aux projets \(year 2024, bassin_code \d{4}, fap_code \w{5}, "
                 r"seasonal \d+, projects \d+\)", id="frame-check"),
    pytest.param("training_offer", lambda df: df.__setitem__("action_id", df.action_id.where(df.index != 1,
                                                                                                df.action_id.iloc[0])),
                 r"clé en double \(formation_id, action_id\) \(formation_id \w+, action_id \w+\)", id="partial-key"),
    pytest.param("census", _set("variable", "POP2030", row=3), r"colonne variable : variable du recensement hors de la liste : "
                 r"'POP2030'", id="unknown-code-list"),
]


@pytest.mark.parametrize("key, change, message", BROKEN)
def test_a_frame_breaking_its_schema_is_refused(demo, key, change, message):
    _, datasets = demo
    loaded = _copy(datasets[key], change)
    with pytest.raises(SourceError) as err:
        schemas.validate(key, loaded)
    text = str(err.value)
    assert text.startswith(", ".join(loaded.files) + f" : contrôle du tableau normalisé « {key} » : "), text
    assert re.search(message, text), text
    assert re.search(r"— \d+ écarts? en tout", text), text


def test_the_mobility_parquet_is_validated_by_batches(demo, tmp_path, monkeypatch):
    """The mobility frame is a Parquet file: it is read by batches (here of 1,000 rows), and a
    failure in a later batch names its row."""
    _, datasets = demo
    loaded = datasets["mobility"]
    assert isinstance(loaded.frame, Path)
    monkeypatch.setattr(schemas, "PARQUET_BATCH", 1000)
    schemas.validate("mobility", loaded)
    bad = tmp_path / "mobility.parquet"
    flows = pd.read_parquet(loaded.frame)
    assert len(flows) > 2500
    flows.loc[2500, "flow"] = -flows.loc[2500, "flow"] - 1          # in the third batch
    flows.to_parquet(bad, index=False)
    broken = copy.copy(loaded)
    broken.frame = bad
    with pytest.raises(SourceError, match=r"« mobility » : colonne flow : flux négatif : -[\d.]+ \(kind \w+, year \d{4}, "
                                          r"origin \w{5}, destination \w{5}\)"):
        schemas.validate("mobility", broken)


def test_a_dataset_without_schema_is_a_programming_error(demo):
    _, datasets = demo
    with pytest.raises(LookupError, match="aucun schéma déclaré pour la donnée 'nouvelle'"):
        schemas.validate("nouvelle", datasets["fap"])
