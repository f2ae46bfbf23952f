"""The schedule definition of ``portraits serve``: read from the configuration file, turned into
Prefect's own cron schedules, in the Europe/Paris time zone (daylight saving included); and the
choice of the task runner of the per-territory rendering."""
from __future__ import annotations

import datetime as dt

import pytest

from portraits import deployment

UTC = dt.timezone.utc


def test_the_bundled_configuration():
    spec = deployment.load()                       # portraits.toml at the root of the repository
    assert spec.name == "portraits"
    crons = {s.slug: (s.cron, s.timezone) for s in spec.schedules}
    assert crons == {"hebdomadaire": ("0 6 * * 1", "Europe/Paris"), "bmo": ("0 7 25 4 *", "Europe/Paris")}
    assert spec.parameters["settings"]["profile"] == "official" and spec.parameters["fetch"] is True
    schedules = deployment.prefect_schedules(spec)
    from prefect.schedules import Schedule
    assert all(isinstance(s, Schedule) for s in schedules)
    assert [(s.cron, s.timezone, s.slug) for s in schedules] == [("0 6 * * 1", "Europe/Paris", "hebdomadaire"),
                                                                 ("0 7 25 4 *", "Europe/Paris", "bmo")]


def test_monday_six_o_clock_paris_time_across_daylight_saving():
    weekly = next(s for s in deployment.load().schedules if s.slug == "hebdomadaire")
    # Summer time starts on Sunday 29 March 2026: 06:00 in Paris is 05:00 UTC before, 04:00 after.
    runs = deployment.next_runs(weekly, 2, after=dt.datetime(2026, 3, 20, tzinfo=UTC))
    assert [r.weekday() for r in runs] == [0, 0] and all((r.hour, r.minute) == (6, 0) for r in runs)
    assert [r.astimezone(UTC).hour for r in runs] == [5, 4]
    assert runs[0].date() == dt.date(2026, 3, 23)


def test_yearly_bmo_run():
    bmo = next(s for s in deployment.load().schedules if s.slug == "bmo")
    runs = deployment.next_runs(bmo, 2, after=dt.datetime(2026, 5, 1, tzinfo=UTC))
    assert [(r.year, r.month, r.day, r.hour) for r in runs] == [(2027, 4, 25, 7), (2028, 4, 25, 7)]


def _config(tmp_path, schedules: str):
    p = tmp_path / "portraits.toml"
    p.write_text('[deployment]\nname = "essai"\n[deployment.parameters.settings]\nterritory_set = "departements"\n'
                 + schedules, encoding="utf-8")
    return p


def test_schedule_options_and_parameter_overrides(tmp_path):
    spec = deployment.load(_config(tmp_path, '[schedules.nuit]\ncron = "30 2 * * *"\nactive = false\n'
                                             '[schedules.nuit.parameters]\nfetch = false\n'))
    (s,) = deployment.prefect_schedules(spec)
    # The time zone defaults to Europe/Paris; inactive schedules are kept (Prefect pauses them).
    assert (s.cron, s.timezone, s.active, s.parameters) == ("30 2 * * *", "Europe/Paris", False, {"fetch": False})
    assert spec.parameters == {"settings": {"territory_set": "departements"}}


@pytest.mark.parametrize("schedules, message", [
    ('[schedules.x]\ncron = "0 25 * * *"\n', r"\[schedules\.x\] : expression cron invalide '0 25 \* \* \*'"),
    ('[schedules.x]\ncron = "0 6 * * 1"\ntimezone = "Paris"\n', r"\[schedules\.x\] : fuseau horaire inconnu : 'Paris'"),
    ('[schedules.x]\ntimezone = "Europe/Paris"\n', r"\[schedules\.x\] : « cron » manquant"),
], ids=["hour-25", "not-an-iana-zone", "no-cron"])
def test_bad_schedule_is_a_clear_error(tmp_path, schedules, message):
    with pytest.raises(deployment.ConfigError, match=message):
        deployment.load(_config(tmp_path, schedules))


def test_config_without_deployment_name(tmp_path):
    p = tmp_path / "portraits.toml"
    p.write_text('[schedules.x]\ncron = "0 6 * * 1"\n', encoding="utf-8")
    with pytest.raises(deployment.ConfigError, match=r"portraits\.toml : table \[deployment\] sans « name »"):
        deployment.load(p)


def test_every_source_family_is_ingested():
    # The warehouse flow ingests the families of ingest.FAMILIES: a source declared with a new
    # family would otherwise be silently left out of the warehouse.
    import sources
    from portraits.ingest import FAMILIES
    assert {m.SOURCE.family for m in sources.REGISTRY.values()} == set(FAMILIES) | {"geography"}
    assert [k for k, m in sources.REGISTRY.items() if m.SOURCE.family == "geography"] == ["cog"]


def test_task_runner_selection():
    from prefect.task_runners import ThreadPoolTaskRunner
    from prefect_dask import DaskTaskRunner

    from flows.refresh import task_runner_for
    assert isinstance(task_runner_for("threads"), ThreadPoolTaskRunner)
    local = task_runner_for("dask", workers=2)
    assert isinstance(local, DaskTaskRunner) and local.address is None
    assert local.cluster_kwargs == {"n_workers": 2, "threads_per_worker": 1, "processes": True,
                                    "dashboard_address": None}
    remote = task_runner_for("dask", "tcp://10.0.0.5:8786")
    assert remote.address == "tcp://10.0.0.5:8786"
    with pytest.raises(ValueError, match="exécuteur de tâches inconnu : 'ray'"):
        task_runner_for("ray")
    with pytest.raises(ValueError, match="--dask-address ne s'emploie qu'avec --task-runner dask"):
        task_runner_for("threads", "tcp://10.0.0.5:8786")
