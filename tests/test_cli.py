"""The command-line tool as a user calls it."""
from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import ROOT


def run(*args):
    return subprocess.run([sys.executable, "-m", "portraits.cli", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)


@pytest.mark.parametrize("command", [[], ["build"], ["territories"], ["fetch"], ["demo"], ["rollback"]])
def test_help_of_every_command(command):
    r = run(*command, "--help")
    assert r.returncode == 0, r.stderr
    assert "usage: portraits" in r.stdout
    if command in (["build"], ["territories"]):
        for opt in ("--territories", "--profile", "--raw-dir", "--output"):
            assert opt in r.stdout


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
