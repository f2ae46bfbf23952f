"""One refresh at a time (``portraits.lock``), with real processes: a child process holds the lock
of a site as a run does; a second run (``portraits build`` or ``rollback`` through the CLI, the
refresh flow, or another child) stops at once naming it, or waits for it; once the holder is
killed (SIGKILL: nothing of it runs), its lock is taken over with a warning naming it.

Kept fast: the refused runs stop before any work, the takeover is checked in a child process at
the module level and by a ``rollback`` through the CLI; the one build (a copy of the session's
demo build with two territories to render again, run on the test harness's Prefect server) also
checks the progress lines the CLI prints."""
from __future__ import annotations

import json
import logging
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import ROOT
from portraits import lock

# Holds the locks of a refresh of sys.argv[1] (site) and sys.argv[2] (work), waiting at most
# sys.argv[3] seconds; says "pris" and the dead run it took over (JSON), then keeps the lock
# until its standard input is closed, or it is killed. Refused: the message, exit 75.
_HOLDER = """
import json, sys
from portraits import lock
try:
    with lock.hold(sys.argv[1], wait_seconds=float(sys.argv[3]), what="le site") as dead:
        with lock.hold(sys.argv[2], what="le dossier de travail"):
            print("pris", json.dumps(dead.__dict__ if dead else None), flush=True)
            sys.stdin.read()
except lock.RunInProgress as exc:
    print(exc, file=sys.stderr)
    sys.exit(75)
"""


class Holder:
    """A child process holding (or trying to take) the locks of ``site`` and ``work``."""

    def __init__(self, site: Path, work: Path, wait: float = 0.0):
        self.proc = subprocess.Popen([sys.executable, "-c", _HOLDER, str(site), str(work), str(wait)], cwd=ROOT,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
        self.pid = self.proc.pid
        line = self.proc.stdout.readline()           # blocks until it holds the lock, or exits
        self.took_over = json.loads(line.split(" ", 1)[1]) if line.startswith("pris ") else None
        self.holds = line.startswith("pris ")

    def release(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(20)

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(20)

    def stderr(self) -> str:
        self.proc.wait(20)
        return self.proc.stderr.read()


@pytest.fixture
def holders():
    started: list[Holder] = []

    def start(*args, **kwargs) -> Holder:
        h = Holder(*args, **kwargs)
        started.append(h)
        return h
    yield start
    for h in started:
        h.kill()


def cli(*args, env: dict | None = None) -> subprocess.CompletedProcess:
    """``portraits …`` as a user runs it, by the project's Python, in another process."""
    return subprocess.run([sys.executable, "-m", "portraits.cli", *map(str, args)], cwd=ROOT, capture_output=True,
                          text=True, timeout=300, env={**os.environ, **(env or {})})


def tree(folder: Path) -> dict[str, bytes | None]:
    """Every file (its bytes) and folder (None) under ``folder``, lock files included."""
    return {str(p.relative_to(folder)): (p.read_bytes() if p.is_file() else None) for p in sorted(folder.rglob("*"))}


def published_site(tmp_path: Path) -> Path:
    """A site with a previous edition (what a refresh or a rollback would change)."""
    for name, text in (("site", "édition publiée"), ("site.previous", "édition précédente")):
        (tmp_path / name).mkdir()
        (tmp_path / name / "index.html").write_text(text, encoding="utf-8")
    return tmp_path / "site"


def test_a_second_run_stops_at_once_naming_the_first(holders, tmp_path):
    site = published_site(tmp_path)
    first = holders(site, tmp_path / "work")
    assert first.holds
    before = tree(tmp_path)
    holder_line = f"processus {first.pid} sur « {socket.gethostname()} », démarré le "
    command = f"commande « {sys.executable} -c "
    for args, hint in ((["build", "--territories", "departements", "--formats", "html"], "portraits build --wait"),
                       (["rollback"], "portraits rollback --wait")):
        r = cli(*args, "--output", site)
        assert r.returncode == 75, r.stderr          # EX_TEMPFAIL: another run is in progress
        lines = r.stderr.splitlines()
        assert len(lines) == 1, r.stderr             # one line, no traceback; Prefect was never started
        assert f"erreur : une autre exécution de portraits est en cours sur le site {site} : " in lines[0]
        assert holder_line in lines[0] and command in lines[0] and hint in lines[0]
        assert re.search(r"démarré le \d\d/\d\d/\d{4} à \d\d:\d\d:\d\d \(il y a \d+ s\)", lines[0])
        assert "rien n'a été fait" in lines[0]
    # Nothing was touched: the site, the previous edition, the first run's lock records; no
    # staging or work folder was made.
    assert tree(tmp_path) == before
    assert json.loads((tmp_path / ".site.lock").read_text(encoding="utf-8"))["pid"] == first.pid


def test_a_run_waits_for_the_one_in_progress_up_to_its_maximum(holders, tmp_path, caplog):
    site, work = tmp_path / "site", tmp_path / "work"
    first = holders(site, work)
    caplog.set_level(logging.INFO, logger="portraits")
    with pytest.raises(lock.RunInProgress, match=rf"processus {first.pid} .* toujours en cours après 1 s d'attente"):
        with lock.hold(site, wait_seconds=1.2, what="le site"):
            pass
    assert f"processus {first.pid} sur" in caplog.text and "attente de sa fin, au plus 1 s" in caplog.text
    # Released by its run 1 s later: the waiting run goes on, without any warning.
    threading.Timer(1.0, first.release).start()
    t0 = time.monotonic()
    caplog.clear()
    with lock.hold(site, wait_seconds=30, what="le site") as dead:
        assert time.monotonic() - t0 >= 0.9
        assert dead is None
        assert json.loads(lock.lock_path(site).read_text(encoding="utf-8"))["pid"] == os.getpid()
    assert "attente de sa fin, au plus 30 s" in caplog.text and f"le site {site} est libre après" in caplog.text
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert lock.lock_path(site).read_text(encoding="utf-8") == ""        # emptied when released


def test_the_lock_of_a_killed_run_is_taken_over_with_a_warning(holders, tmp_path):
    site, work = tmp_path / "site", tmp_path / "work"
    first = holders(site, work)
    record = json.loads(lock.lock_path(site).read_text(encoding="utf-8"))
    first.kill()                                     # SIGKILL: the OS lets the lock go, the record stays
    assert json.loads(lock.lock_path(site).read_text(encoding="utf-8")) == record
    second = holders(site, work)                     # another real process
    assert second.holds and second.took_over == record
    assert json.loads(lock.lock_path(site).read_text(encoding="utf-8"))["pid"] == second.pid
    second.release()
    warnings = second.stderr()
    for folder in (site, work):
        assert f"verrou de {folder} repris : il avait été laissé par une exécution interrompue (processus " \
               f"{first.pid} sur « {socket.gethostname()} », démarré le " in warnings
    third = holders(site, work)                      # released normally: nothing to take over
    assert third.holds and third.took_over is None
    third.release()
    assert third.stderr() == ""


def test_rollback_takes_over_the_lock_of_a_killed_run(holders, tmp_path):
    site = published_site(tmp_path)
    first = holders(site, tmp_path / "work")
    first.kill()
    r = cli("rollback", "--output", site)
    assert r.returncode == 0, r.stderr
    assert f"verrou de {site} repris : il avait été laissé par une exécution interrompue (processus {first.pid} " \
           in r.stderr
    assert (site / "index.html").read_text(encoding="utf-8") == "édition précédente"
    assert (tmp_path / ".site.lock").read_text(encoding="utf-8") == ""


def test_two_sites_sharing_a_work_folder_are_not_refreshed_at_once(holders, tmp_path):
    """``--output a/x`` and ``--output a/y`` share ``a/work`` (warehouse, notes, run report)."""
    first = holders(tmp_path / "x", tmp_path / "work")
    with pytest.raises(lock.RunInProgress, match=rf"sur le dossier de travail {re.escape(str(tmp_path / 'work'))} : "
                                                 rf"processus {first.pid} "):
        with lock.hold_refresh(tmp_path / "y", tmp_path / "work"):
            pass
    assert lock.lock_path(tmp_path / "y").read_text(encoding="utf-8") == ""   # the site's lock let go


def test_the_lock_is_reentrant_within_a_process(holders, tmp_path):
    """``portraits build`` takes it, then the refresh flow it runs takes it again."""
    site, work = tmp_path / "site", tmp_path / "work"
    with lock.hold_refresh(site, work):
        record = lock.lock_path(site).read_text(encoding="utf-8")
        with lock.hold_refresh(site, work, run="exécution Prefect"):
            assert lock.lock_path(site).read_text(encoding="utf-8") == record   # still the outer's
        assert not holders(site, work).holds       # still held after the inner block
    assert holders(site, work).holds


def test_the_refresh_flow_refuses_to_run_while_another_run_holds_the_site(prefect_harness, holders, tmp_path):
    """However the flow is started (here directly, as a deployment run starts it)."""
    from flows.refresh import refresh
    from portraits.settings import Settings
    site = published_site(tmp_path)
    first = holders(site, tmp_path / "work")
    before = tree(tmp_path)
    state = refresh(Settings(territory_set="departements", output=site, formats=("html",)), return_state=True)
    assert state.is_failed()
    with pytest.raises(lock.RunInProgress, match=rf"en cours sur le site {re.escape(str(site))} : processus "
                                                 rf"{first.pid} .*paramètre wait_minutes du flux refresh"):
        state.result()
    assert tree(tmp_path) == before


def test_build_takes_over_a_killed_run_and_prints_its_progress(demo_build, prefect_harness, holders, tmp_path):
    """A real ``portraits build`` on a copy of the demo site whose holder was killed: the lock is
    taken over with a warning naming it, and the two territories to render again (their render
    key made stale) are counted out loud. It runs on the test harness's Prefect server."""
    from prefect.settings import PREFECT_API_URL
    settings, _ = demo_build
    site, work = tmp_path / "site", tmp_path / "work"
    shutil.copytree(settings.output, site)
    shutil.copytree(settings.work, work)
    manifest_path = site / "build-manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    for code in ("T05", "T12"):
        manifest["territories"][code]["key"] = "périmée"
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    first = holders(site, work)
    first.kill()
    r = cli("build", "--output", site, env={"PREFECT_API_URL": PREFECT_API_URL.value()})
    assert r.returncode == 0, r.stderr[-3000:]
    out = r.stderr
    assert f"verrou de {site} repris : il avait été laissé par une exécution interrompue (processus {first.pid} " in out
    assert f"verrou de {work} repris" in out
    # The progress: one line per territory as it completes (not a terminal: plain lines).
    assert re.search(r"^\d\d:\d\d:\d\d portraits à produire : 2 \(15 repris inchangés\)$", out, re.M), out
    first_done = re.search(r"^\d\d:\d\d:\d\d 1/2 (T05 Angers|T12 [^:]+) : page et PDF produits \(\d+\.\d s\) — "
                           r"écoulé \d+ s, reste environ \d+ s$", out, re.M)
    last_done = re.search(r"^\d\d:\d\d:\d\d 2/2 (T05 Angers|T12 [^:]+) : page et PDF produits \(\d+\.\d s\) — "
                          r"écoulé \d+ s$", out, re.M)
    assert first_done and last_done and first_done[1] != last_done[1], out
    assert "2 portraits produits, 15 repris inchangés" in out
    assert (tmp_path / ".site.lock").read_text(encoding="utf-8") == ""
