"""The demo inputs are inputs like any other: preparing them is a step before locating them (the
``demo-inputs`` task of the refresh flow; ``portraits check`` does the same), and the demo
synthesis (``portraits/demo/``) enters no fingerprint: editing a demo generator changes neither
an official edition nor an official portrait's render key (only the demo files it writes, which
a demo build hashes as its inputs)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from portraits import cli, demo, fingerprints
from portraits.settings import DEMO_DIR, DEMO_REGION, ROOT, Settings

# A plain context of an official edition (the render key hashes it as JSON: any small dict does).
OFFICIAL_CTX = {"code": "T05", "name": "Angers", "slug": "t05-angers", "demo": False,
                "figures": {"population": {"value": 318_000.0, "text": "318 000"}}}


@pytest.fixture
def tree(tmp_path, monkeypatch):
    """A copy of what the fingerprints read (the code of sources/ and portraits/, the bundled
    tables), which they then read instead of the project's."""
    for part in ("sources", "portraits", "data/training", "data/territories"):
        shutil.copytree(ROOT / part, tmp_path / part, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(fingerprints, "ROOT", tmp_path)
    return tmp_path


def _fingerprints() -> tuple[str, str, str]:
    settings = Settings(profile="official", raw_dir=Path("raw"))
    return (fingerprints.inputs_fingerprint(settings, {}), fingerprints.edition_fingerprint(settings, "inputs"),
            fingerprints.render_key(OFFICIAL_CTX))


def test_editing_the_demo_synthesis_changes_no_official_fingerprint(tree):
    before = _fingerprints()
    generator = tree / "portraits" / "demo" / "__init__.py"
    generator.write_text(generator.read_text(encoding="utf-8").replace("SEED = 20240101", "SEED = 1"),
                         encoding="utf-8")                                   # a generator edited
    (tree / "portraits" / "demo" / "bassins.py").write_text("ZONES = 3\n", encoding="utf-8")   # one added
    assert _fingerprints() == before


def test_editing_a_loader_or_the_portraits_code_does_change_them(tree):
    # The control of the test above: the same copy, an edit where it counts.
    before = _fingerprints()
    report = tree / "portraits" / "report" / "summary.py"
    report.write_text(report.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    after = _fingerprints()
    assert after[1] != before[1]                                 # the code of portraits/: a new edition
    assert (after[0], after[2]) == (before[0], before[2])        # not code that loads inputs or draws pages
    loader = tree / "sources" / "cog.py"
    loader.write_text(loader.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    again = _fingerprints()
    assert again[0] != after[0] and again[2] != after[2]         # loading code: new inputs, new render keys


def test_one_way_to_hash_files(tmp_path):
    # Name and bytes of each file, in the order of their paths: the same files in another order
    # give the same hash; a renamed file another.
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_bytes(b"x;1\n")
    b.write_bytes(b"y;2\n")
    assert fingerprints.hash_files([b, a]).hexdigest() == fingerprints.hash_files([a, b]).hexdigest()
    first = fingerprints.hash_files([a, b]).hexdigest()
    b.rename(tmp_path / "c.csv")
    assert fingerprints.hash_files([a, tmp_path / "c.csv"]).hexdigest() != first
    assert fingerprints.manifest_digest(tmp_path) is None                  # no manifest: no digest


def test_the_settings_name_the_bundled_demo_inputs_as_the_demo_package_writes_them():
    # Declared twice until portraits.demo takes them from portraits.settings: they must agree.
    assert (DEMO_DIR, DEMO_REGION) == (demo.DEFAULT_DIR, demo.DEMO_REGION)
    assert Settings().inputs_dir == DEMO_DIR and not Settings().generated_demo
    other = Settings(region="02", territory_set="epci", output=Path("/tmp/x/site"))
    assert other.generated_demo and other.inputs_dir == Path("/tmp/x/work/demo-02")
    assert not Settings(region="02", territory_set="epci", raw_dir=Path("raw")).generated_demo


def test_portraits_check_prepares_generated_demo_inputs_before_locating_them(monkeypatch, tmp_path):
    calls = []
    monkeypatch.setattr(cli, "ensure_demo", lambda dest, region: calls.append(("demo", dest, region)))
    monkeypatch.setattr(cli, "check_inputs", lambda settings: calls.append(("check", settings.inputs_dir)) or [])
    monkeypatch.setattr(cli.check, "format_table", lambda rows, folder: "")
    out = tmp_path / "site"
    assert cli.main(["check", "--territories", "epci", "--region", "02", "--output", str(out)]) == 0
    assert calls == [("demo", tmp_path / "work" / "demo-02", "02"), ("check", tmp_path / "work" / "demo-02")]
    calls.clear()
    assert cli.main(["check", "--output", str(out)]) == 0                     # the bundled inputs: nothing to prepare
    assert calls == [("check", DEMO_DIR)]
