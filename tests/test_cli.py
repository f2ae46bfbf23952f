"""The command-line tool as a user calls it."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from conftest import ROOT


def run(*args):
    return subprocess.run([sys.executable, "-m", "portraits.cli", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)


@pytest.mark.parametrize("command", [[], ["build"], ["serve"], ["territories"], ["fetch"], ["demo"], ["rollback"]])
def test_help_of_every_command(command):
    r = run(*command, "--help")
    assert r.returncode == 0, r.stderr
    assert "usage: portraits" in r.stdout
    if command in (["build"], ["territories"]):
        for opt in ("--territories", "--profile", "--raw-dir", "--output"):
            assert opt in r.stdout
    if command == ["build"]:
        assert "--task-runner {threads,dask}" in r.stdout and "--dask-address" in r.stdout
    if command in (["build"], ["rollback"]):
        assert "--wait [MINUTES]" in r.stdout                # another run on the same site: wait for it


def test_territories_lists_the_set():
    r = run("territories")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert "périmètres indicatifs" in lines[0]
    rows = [line for line in lines if line[:1] == "T" and line[1:3].isdigit()]
    assert len(rows) == 17
    assert rows[0].split()[:2] == ["T01", "Nantes"]
    assert lines[-1].split()[-4:] == ["1228", "3", "760", "060"]


def test_territories_of_the_ze2020_set():
    r = run("territories", "--territories", "ze2020")
    assert r.returncode == 0, r.stderr
    assert sum(1 for line in r.stdout.splitlines() if line[:1] in "05") == 23


def test_territories_of_the_epci_set_of_another_region():
    """The epci set is derived for any region: Martinique's three EPCI (9-digit SIREN codes)."""
    r = run("territories", "--territories", "epci", "--region", "02")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == "Intercommunalités (EPCI à fiscalité propre), Martinique (epci, 3 territoires)"
    assert lines[2].startswith("200041788 Communauté d'agglomération du Pays Nord Martinique ")
    assert lines[-1].split()[-4:] == ["total", "34", "372", "594"]


def test_unknown_set_is_a_clear_error():
    r = run("territories", "--territories", "nope")
    assert r.returncode == 2
    assert "jeu de territoires inconnu : 'nope'" in r.stderr and "spro17" in r.stderr


def test_rollback_swaps_editions(tmp_path):
    site, previous = tmp_path / "site", tmp_path / "site.previous"
    site.mkdir()
    (site / "index.html").write_text("nouvelle")
    r = run("rollback", "--output", str(site))
    assert r.returncode == 2 and "aucune édition précédente" in r.stderr
    previous.mkdir()
    (previous / "index.html").write_text("ancienne")
    r = run("rollback", "--output", str(site))
    assert r.returncode == 0, r.stderr
    assert (site / "index.html").read_text() == "ancienne"
    assert (previous / "index.html").read_text() == "nouvelle"


def test_serve_dry_run_lists_the_schedules_and_their_next_runs():
    r = run("serve", "--dry-run")
    assert r.returncode == 0, r.stderr
    lines = r.stderr.splitlines()
    weekly = next(line for line in lines if "planification hebdomadaire" in line)
    assert "« 0 6 * * 1 » (Europe/Paris)" in weekly and weekly.count(" 06:00 CE") == 3
    assert any("planification bmo" in line and "-04-25 07:00 CEST" in line for line in lines)


def test_serve_needs_a_prefect_server(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    r = subprocess.run([sys.executable, "-m", "portraits.cli", "serve"], cwd=ROOT, capture_output=True, text=True,
                       timeout=120, env={**env, "PREFECT_HOME": str(tmp_path / "prefect")})
    assert r.returncode == 2
    assert "aucun serveur Prefect (PREFECT_API_URL non défini)" in r.stderr


def test_serve_with_a_bad_configuration(tmp_path):
    bad = tmp_path / "portraits.toml"
    bad.write_text('[deployment]\nname = "x"\n[schedules.lundi]\ncron = "0 6 * * lundi"\n', encoding="utf-8")
    r = run("serve", "--dry-run", "--config", str(bad))
    assert r.returncode == 2
    assert "[schedules.lundi] : expression cron invalide '0 6 * * lundi'" in r.stderr


@pytest.mark.parametrize("formats", ["pdf", "html,docx", ""])
def test_formats_need_html_and_known_names(formats):
    # The PDF is laid out from the HTML page: "pdf" alone is refused, like an unknown format
    # and an empty list; the message names what is accepted.
    r = run("build", "--formats", formats, "--output", "/nonexistent/site")
    assert r.returncode == 2
    assert "formats invalides" in r.stderr and "html obligatoire" in r.stderr


def test_portrait_files_and_sitemap_follow_the_formats():
    from portraits.pipeline import Site, portrait_files
    from portraits.publish import sitemap_files
    from portraits.settings import Settings
    assert Settings(formats=("html",)).formats == ("html",)
    ctx = {"slug": "t05-angers", "population": {}, "economy": {}, "employment": {}, "training": {},
           "trajectories": {}, "offer": {}, "needs": {}, "mobility": {}, "access": {}, "map_points": [], "towns": []}
    assert "portrait-t05-angers.pdf" in portrait_files(ctx)            # contexts made before formats existed
    assert "portrait-t05-angers.pdf" in portrait_files({**ctx, "pdf": True})
    html_only = {**ctx, "pdf": False}
    assert not [f for f in portrait_files(html_only) if f.endswith(".pdf")]
    listed = sitemap_files(Site([html_only], {}))
    assert "t05-angers/index.html" in listed and not [f for f in listed if f.endswith(".pdf")]


def test_prefect_console_leaves_out_tracebacks_of_input_errors():
    """A bad input file fails `portraits build` with one French line ("échec : …"): Prefect's
    console does not print its traceback; any other failure keeps its own."""
    import logging

    from portraits.cli import NoInputErrorTraceback
    from portraits.territories import TerritorySetError

    def record(exc):
        try:
            raise exc
        except Exception:
            return logging.LogRecord("prefect.task_runs", logging.ERROR, "", 0, "Task run failed", None, sys.exc_info())
    f = NoInputErrorTraceback()
    assert not f.filter(record(TerritorySetError("jeu.csv, ligne 3 : 2 champs au lieu de 3")))
    assert f.filter(record(RuntimeError("bug")))
    assert f.filter(logging.LogRecord("prefect", logging.INFO, "", 0, "Prefect prêt", None, None))
