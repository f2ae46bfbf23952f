"""``portraits serve`` on a real Prefect server: ``prefect server start`` on loopback (its own
PREFECT_HOME in a temporary folder), the refresh deployment registered by a ``portraits serve``
process with the schedules of a configuration file, a run triggered through the API
(``run_deployment``) that completes, with its subflows and its run report artifact.

Kept cheap: the run refreshes a copy of the session's demo build (files hard-linked), so it
re-renders nothing; what is tested is the deployment and the server, not the rendering."""
from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import ROOT

pytestmark = pytest.mark.flow
STARTUP_S = 180          # a fresh Prefect database is migrated at the first start (~25 s here)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_healthy(url: str, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"le serveur Prefect s'est arrêté :\n{log.read_text(errors='replace')[-3000:]}")
        try:
            with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(f"{url}/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(1)
    pytest.fail(f"le serveur Prefect ne répond pas après {STARTUP_S} s :\n{log.read_text(errors='replace')[-3000:]}")


def _stop(proc: subprocess.Popen, sig=signal.SIGTERM) -> None:
    """Stop a process this test started, and its children (it leads its own process group)."""
    if proc.poll() is None:
        os.killpg(proc.pid, sig)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)


@pytest.fixture
def prefect_server(tmp_path):
    port = _free_port()
    api = f"http://127.0.0.1:{port}/api"
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect-home"), "PREFECT_API_URL": api,
           "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1", "PREFECT_UI_ENABLED": "false",
           "PREFECT_LOGGING_LEVEL": "WARNING", "PREFECT_RUNNER_POLL_FREQUENCY": "1"}
    log = tmp_path / "server.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([str(Path(sys.executable).parent / "prefect"), "server", "start", "--host",
                                 "127.0.0.1", "--port", str(port)], env=env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
    try:
        _wait_healthy(api, proc, log)
        yield api, env
    finally:
        _stop(proc)


def test_deployment_served_on_a_local_server_runs_through_the_api(demo_build, prefect_server, tmp_path):
    settings, _ = demo_build
    api, env = prefect_server
    site, work = tmp_path / "site", tmp_path / "work"
    shutil.copytree(settings.output, site, copy_function=os.link)
    shutil.copytree(settings.work, work, copy_function=os.link)
    (work / "run-report.json").unlink(missing_ok=True)
    config = tmp_path / "portraits.toml"
    config.write_text(f"""
[deployment]
name = "essai"
[deployment.parameters.settings]
territory_set = "{settings.territory_set}"
output = "{site}"
work_dir = "{work}"
[schedules.hebdomadaire]
cron = "0 6 * * 1"
timezone = "Europe/Paris"
active = false
[schedules.bmo]
cron = "0 7 25 4 *"
timezone = "Europe/Paris"
active = false
""", encoding="utf-8")
    log = tmp_path / "serve.log"
    with open(log, "wb") as out:
        serve = subprocess.Popen([sys.executable, "-m", "portraits.cli", "serve", "--config", str(config)], cwd=ROOT,
                                 env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        from prefect import get_client
        from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId
        from prefect.deployments import run_deployment
        from prefect.settings import PREFECT_API_URL, temporary_settings
        with temporary_settings(updates={PREFECT_API_URL: api}):
            deployment = _wait_for_deployment("refresh/essai", serve, log)
            schedules = sorted((s.schedule.cron, s.schedule.timezone, s.active) for s in deployment.schedules)
            # Paused here, so that no scheduled run (a Monday at 06:00) can start during the test.
            assert schedules == [("0 6 * * 1", "Europe/Paris", False), ("0 7 25 4 *", "Europe/Paris", False)]
            run = run_deployment("refresh/essai", timeout=STARTUP_S)
            assert run.state.is_completed(), (run.state, log.read_text(errors="replace")[-3000:])
            with get_client(sync_client=True) as client:
                runs = client.read_flow_runs()
                names = {client.read_flow(r.flow_id).name for r in runs if r.id != run.id}
                assert "render" in names, names
                # The warehouse steps are tasks of the refresh run itself (no subflow).
                tasks = client.read_task_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[run.id])))
                assert any(t.name.startswith("locate-inputs") for t in tasks), [t.name for t in tasks]
                artifact = client.read_latest_artifacts()
                md = next(a.data for a in artifact if a.key == "portraits-run-report")
                # The run's markdown report: datasets with vintage and rows, territories reused (nothing changed), timings.
                assert "## Données" in md and "| Demandeurs d'emploi inscrits à France Travail" in md
                assert "Produits (0) : aucun" in md and "Repris inchangés (17)" in md and "## Durées (s)" in md
            _register_on_a_work_pool(config, env)
    finally:
        _stop(serve, signal.SIGINT)
    report = json.loads((work / "run-report.json").read_text(encoding="utf-8"))
    manifest = json.loads((site / "build-manifest.json").read_text(encoding="utf-8"))
    assert not report["published"] and {t["code"] for t in report["territories"]} == set(manifest["territories"])
    assert not any(t["rendered"] for t in report["territories"])       # nothing changed: all reused


def _wait_for_deployment(name: str, serve: subprocess.Popen, log: Path):
    from prefect import get_client
    from prefect.exceptions import ObjectNotFound
    deadline = time.monotonic() + STARTUP_S
    with get_client(sync_client=True) as client:
        while time.monotonic() < deadline:
            if serve.poll() is not None:
                pytest.fail(f"portraits serve s'est arrêté :\n{log.read_text(errors='replace')[-3000:]}")
            try:
                return client.read_deployment_by_name(name)
            except ObjectNotFound:
                time.sleep(1)
    pytest.fail(f"déploiement {name} absent après {STARTUP_S} s :\n{log.read_text(errors='replace')[-3000:]}")



def _register_on_a_work_pool(config: Path, env: dict) -> None:
    """``portraits serve --work-pool``: the same deployment registered on a process work pool
    (for ``prefect worker start``), with the same schedules; a missing pool is a clear error."""
    from prefect import get_client
    from prefect.client.schemas.actions import WorkPoolCreate
    pooled = config.with_name("pool.toml")
    pooled.write_text(config.read_text(encoding="utf-8").replace('name = "essai"', 'name = "essai-pool"'),
                      encoding="utf-8")

    def register(pool: str):
        return subprocess.run([sys.executable, "-m", "portraits.cli", "serve", "--config", str(pooled),
                               "--work-pool", pool], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    r = register("absent")
    assert r.returncode == 2 and "Could not find work pool 'absent'" in r.stderr, r.stderr
    with get_client(sync_client=True) as client:
        client.create_work_pool(WorkPoolCreate(name="portraits", type="process"))
        r = register("portraits")
        assert r.returncode == 0, r.stderr
        d = client.read_deployment_by_name("refresh/essai-pool")
        assert d.work_pool_name == "portraits" and d.entrypoint == "flows/refresh.py:refresh"
        assert sorted(s.schedule.cron for s in d.schedules) == ["0 6 * * 1", "0 7 25 4 *"]
