"""``portraits build --task-runner dask --dask-address`` on a real Dask cluster: a ``dask
scheduler`` and two ``dask worker`` processes started from the project's environment on
loopback (one thread each, a Prefect home of their own, as on another machine), the CLI run as a
user runs it on the 5 départements of the demo profile.

What would fail if the feature broke: the portraits are published (HTML and PDF); each render
task ran on a worker (the workers' logs name them; both workers took some); the tasks reported
to the flow's own Prefect API (its database holds them, completed; no worker started a Prefect
server of its own: on one machine, such a server would share the flow's database, so the
workers' child processes are what tells)."""
from __future__ import annotations

import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from distributed import Client

from conftest import ROOT

pytestmark = pytest.mark.flow
BIN = Path(sys.executable).parent
DEPARTEMENTS = {"44", "49", "53", "72", "85"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _stop(proc: subprocess.Popen) -> None:
    """Stop a process this test started (it leads its own process group), and wait for it."""
    if proc.poll() is None:
        os.killpg(proc.pid, 15)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, 9)
            proc.wait(10)


@pytest.fixture
def dask_cluster(tmp_path):
    """(scheduler address, {worker pid: its log file}); every process stopped and waited for."""
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    # The workers' own Prefect home: were they not given the flow's API, they would start a
    # Prefect server there (and record the tasks in its database).
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "worker-prefect"), "PREFECT_LOGGING_LEVEL": "INFO"}
    procs: list[subprocess.Popen] = []
    logs: dict[subprocess.Popen, Path] = {}

    def start(name: str, args: list[str]) -> subprocess.Popen:
        log = tmp_path / f"{name}.log"
        with open(log, "wb") as out:
            proc = subprocess.Popen([str(BIN / "dask"), *args], cwd=ROOT, env=env, stdout=out,
                                    stderr=subprocess.STDOUT, start_new_session=True)
        procs.append(proc)
        logs[proc] = log
        return proc

    try:
        start("scheduler", ["scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"])
        for i in (1, 2):
            start(f"worker{i}", ["worker", address, "--host", "127.0.0.1", "--nthreads", "1", "--no-nanny",
                                 "--no-dashboard", "--name", f"w{i}", "--local-directory", str(tmp_path / f"w{i}")])
        with Client(address, timeout=120) as client:
            client.wait_for_workers(2, timeout=120)
            pids = set(client.run(os.getpid).values())
        workers = {p.pid: logs[p] for p in procs[1:]}
        assert pids == set(workers), (pids, workers)      # the two processes started here, no others
        yield address, workers
    finally:
        for proc in reversed(procs):
            _stop(proc)


def test_build_on_a_dask_scheduler_and_two_workers(dask_cluster, tmp_path):
    address, workers = dask_cluster
    site = tmp_path / "site"
    flow_home = Path(os.environ.get("PREFECT_HOME", ROOT / ".prefect"))
    started = time.time()
    r = subprocess.run([str(BIN / "portraits"), "build", "--task-runner", "dask", "--dask-address", address,
                        "--territories", "departements", "--output", str(site)],
                       cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stderr[-4000:]
    assert "5 portraits produits" in r.stderr

    portraits = [d for d in site.iterdir() if (d / "index.html").is_file()]
    assert len(portraits) == 5
    for d in portraits:
        assert (d / f"portrait-{d.name}.pdf").read_bytes()[:5] == b"%PDF-"

    # Each render task ran on one of the two workers, and each worker took some.
    ran = {pid: set(re.findall(r"Task run 'render-(\w+)' - Finished in state Completed", log.read_text()))
           for pid, log in workers.items()}
    assert set().union(*ran.values()) == DEPARTEMENTS, ran
    assert all(ran.values()), ran
    # ...and reported to the flow's Prefect API (the ephemeral server of the build): no worker
    # started a Prefect server of its own (it would be the worker's child process until it exits).
    assert not {pid: [c.cmdline() for c in psutil.Process(pid).children(recursive=True)] for pid in workers
                if psutil.Process(pid).children(recursive=True)}
    assert not any("temporary server" in log.read_text() for log in workers.values())
    with sqlite3.connect(flow_home / "prefect.db") as db:
        rows = db.execute("SELECT name, state_type FROM task_run WHERE created >= ? AND name IN (?, ?, ?, ?, ?)",
                          (time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(started - 1)),
                           *(f"render-{c}" for c in sorted(DEPARTEMENTS)))).fetchall()
    assert sorted(rows) == sorted((f"render-{c}", "COMPLETED") for c in DEPARTEMENTS), rows
