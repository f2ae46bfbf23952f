"""The Prefect server of a ``portraits build`` (``portraits.prefect_api``), started before the
flows are imported: as a user runs the command (another process, no ``PREFECT_API_URL``), the
build reports to it and leaves no server behind; a server that cannot start is a clear error and
the published site is left as it was; a configured server is used as it is."""
from __future__ import annotations

import os
import re
import subprocess
import sys
import urllib.error
import urllib.request

from prefect.settings import PREFECT_API_URL, PREFECT_SERVER_ALLOW_EPHEMERAL_MODE, temporary_settings

from conftest import ROOT
from portraits import prefect_api


def build(*args, env: dict | None = None) -> subprocess.CompletedProcess:
    """``portraits build …`` in another process, without the tests' Prefect server."""
    base = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    return subprocess.run([sys.executable, "-m", "portraits.cli", "build", *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, timeout=600, env={**base, **(env or {})})


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/health", timeout=2) as r:
            return r.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def test_a_build_reports_to_its_own_server_and_stops_it(tmp_path):
    site = tmp_path / "site"
    r = build("--territories", "departements", "--formats", "html", "--output", site)
    assert r.returncode == 0, r.stderr
    ready = re.search(r"Prefect prêt \([\d.]+ s, serveur local temporaire (http://127\.0\.0\.1:\d+/api)\)", r.stderr)
    assert ready, r.stderr
    assert "5 portraits produits" in r.stderr
    assert not answers(ready.group(1))          # stopped with the build
    assert len(list(site.glob("*/index.html"))) == 5


def test_a_server_that_cannot_start_is_a_clear_error_and_the_site_stays(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("édition précédente", encoding="utf-8")
    # Its database in a folder that cannot exist (under a file): the server stops at start-up.
    (tmp_path / "file").write_text("", encoding="utf-8")
    r = build("--territories", "departements", "--formats", "html", "--output", site,
              env={"PREFECT_API_DATABASE_CONNECTION_URL": f"sqlite+aiosqlite:///{tmp_path / 'file' / 'prefect.db'}"})
    assert r.returncode == 1
    assert "le serveur Prefect local s'est arrêté au démarrage" in r.stderr, r.stderr
    assert "n'a pas été modifié" in r.stderr
    assert [p.name for p in site.iterdir()] == ["index.html"]
    assert (site / "index.html").read_text(encoding="utf-8") == "édition précédente"


def test_a_configured_server_is_used_as_it_is(prefect_harness, monkeypatch):
    # The tests' harness is a configured server (PREFECT_API_URL in Prefect's settings): nothing
    # is started, and the environment is left alone.
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    assert prefect_api.api_url()
    assert prefect_api.start_local_server() is None
    assert "PREFECT_API_URL" not in os.environ


def test_ephemeral_mode_turned_off_starts_nothing():
    with temporary_settings(updates={PREFECT_SERVER_ALLOW_EPHEMERAL_MODE: False}, restore_defaults={PREFECT_API_URL}):
        assert prefect_api.start_local_server() is None

