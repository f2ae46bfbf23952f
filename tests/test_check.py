"""Needed columns (``Source.needs``) and the check before a refresh (``portraits check``)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import sources
from portraits import check
from portraits.report import figures
from portraits.cli import main
from portraits.indicators import catalogue
from portraits.ingest import commune_reference, ingest_dataset, locate_inputs
from portraits.settings import Settings
from sources.common import (EVIDENCE_LEVELS, Need, Source, SourceError, check_needs, files_matching, header_of,
                          missing_needs, normalise_name, unexpected_columns)

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "data" / "demo"
REAL = ROOT.parent / "shared" / "data" / "real"

TOY = Source(id="toy", family="employment", title="Jeu d'essai", producer="P", licence="L", url="u", page="p",
             file_patterns=("toy*.csv",), demo_file="toy.csv",
             needs=(Need("CODGEO", ("jobs",)),                       # required: without it nothing can be placed
                    Need("P{yy}_EMPLT", ("jobs", "jobs_change")),    # a year in the name
                    Need("P{yy}_POP90P", ("ages",), required=False)),  # the portrait goes without it
             known_columns=("LIBGEO",))


def test_needs_match_official_names_with_their_year():
    header = ["\ufeffcodgeo ", "P20_EMPLT", "P14_EMPLT", "LIBGEO", "MED19"]
    assert [n.column for n in missing_needs(TOY, header)] == ["P{yy}_POP90P"]
    assert unexpected_columns(TOY, header) == ["MED19"]
    assert not Need("P{yy}_EMPLT", ("jobs",)).found_in(["P2020_EMPLT", "XP20_EMPLT"])


def test_a_required_column_missing_is_an_error_naming_file_and_column():
    with pytest.raises(SourceError, match=r"base\.csv, ligne 1 : colonne\(s\) nécessaire\(s\) absente\(s\) : "
                                          r"P\{yy\}_EMPLT \(en-tête lu : CODGEO, P20_POP90P\)"):
        check_needs(Path("base.csv"), ["CODGEO", "P20_POP90P"], TOY, [], [])


def test_an_optional_column_missing_is_a_named_warning_and_a_note_in_its_block():
    warnings, missing = [], []
    check_needs(Path("base.csv"), ["CODGEO", "P20_EMPLT"], TOY, warnings, missing)
    assert warnings == ["base.csv : colonne P{yy}_POP90P absente ; non calculé : ages"]
    assert missing == [{"column": "P{yy}_POP90P", "file": "base.csv", "feeds": ["ages"]}]
    prov = {"census": {"missing": missing}}
    assert figures.missing_notes(prov, ("census",)) == [
        "Colonne P{yy}_POP90P absente du fichier base.csv ; non calculé : la structure par âge de la population."]


def test_an_indicator_without_its_column_says_which_one():
    ind = catalogue()["employment_rate"]
    prov = {"census": {"missing": [{"column": "P18_ACTOCC1564", "file": "base_cc_comparateur.CSV",
                                    "feeds": ["employment_rate"]}]}}
    assert figures.why_missing(ind, prov) == ("non calculable : colonne P18_ACTOCC1564 absente du fichier "
                                                 "base_cc_comparateur.CSV")
    assert figures.why_missing(ind, {"census": {"missing": []}}) == "non calculable ou non diffusé"


def test_every_declared_need_feeds_a_known_indicator_or_block():
    known = set(catalogue()) | set(figures.BLOCKS)
    for key, module in sources.REGISTRY.items():
        src = module.SOURCE
        assert not src.evidence or src.evidence in EVIDENCE_LEVELS, key
        for n in src.needs:
            assert set(n.feeds) <= known, (key, n.column, set(n.feeds) - known)


def test_headers_of_the_official_layouts(tmp_path):
    (tmp_path / "a.csv").write_bytes("\ufeffcodgeo;YEAR;Demandeurs_Emploi\r\n44109;janvier_2020;10\r\n".encode())
    (tmp_path / "b.csv").write_bytes("CODGEO,Libellé\n44109,Nantes\n".encode("cp1252"))   # Windows-1252
    assert header_of(tmp_path / "a.csv") == ["codgeo", "YEAR", "Demandeurs_Emploi"]
    assert header_of(tmp_path / "b.csv") == ["CODGEO", "Libellé"]


def test_check_of_the_demo_inputs_passes(capsys):
    assert main(["check", "--raw-dir", str(DEMO)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"Contrôle des fichiers de {DEMO}")
    lines = {line.split()[0]: line for line in out.splitlines()[3:] if line and not line.startswith(" ")}
    assert set(sources.REGISTRY) <= set(lines)
    assert "refusé" not in out and "un rafraîchissement peut être lancé" in out
    assert max(len(line) for line in out.splitlines()) <= 100


def test_check_refuses_a_folder_whose_refresh_would_fail(tmp_path, capsys):
    """A file the loader refuses: verdict refusé, the loader's message, exit code 1; the other
    datasets are still checked."""
    for name in ("defm-communes-mensuel.csv", "donnees_communes.csv"):
        shutil.copy(DEMO / name, tmp_path / name)
    text = (tmp_path / "defm-communes-mensuel.csv").read_text(encoding="utf-8")
    (tmp_path / "defm-communes-mensuel.csv").write_text(text.replace("Demandeurs_Emploi", "Effectif"), encoding="utf-8")
    assert main(["check", "--raw-dir", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "jobseekers             refusé" in out
    assert "erreur : defm-communes-mensuel.csv, ligne 1 : colonne(s) absente(s) : Demandeurs_Emploi" in out
    assert "colonne(s) nécessaire(s) absente(s) : Demandeurs_Emploi" in out
    assert "populations            bon" in out
    assert "un rafraîchissement échouerait" in out


def test_run_report_table_from_what_the_refresh_read():
    datasets = [{"id": "jobseekers", "title": "DEFM", "vintage": "décembre 2024", "files": ["defm.csv"], "rows": 10,
                 "warnings": [], "missing": [], "unexpected": ["Total"]},
                {"id": "urssaf", "title": "Urssaf", "vintage": "–", "files": ["urssaf-76.csv"], "rows": 0,
                 "warnings": ["aucune ligne"], "missing": [], "unexpected": [], "unusable": "aucune ligne"}]
    rows = {r["id"]: r for r in check.rows_from_datasets(datasets, ["mobility"])}
    assert rows["jobseekers"]["verdict"] == "à vérifier" and rows["jobseekers"]["unexpected"] == ["Total"]
    assert rows["urssaf"]["verdict"] == "hors région" and rows["urssaf"]["vintage"] is None
    assert rows["mobility"]["verdict"] == "absent"
    assert "populations" not in rows           # neither read nor missing: not part of this run


@pytest.mark.real
@pytest.mark.skipif(not REAL.is_dir(), reason="../shared/data/real absent")
def test_check_of_the_real_extracts(capsys):
    """The real folder: every extract read; the Urssaf format sample (Seine-Maritime) has no row of
    the region, which leaves the dataset out without failing."""
    assert main(["check", "--raw-dir", str(REAL)]) == 0
    out = capsys.readouterr().out
    assert "urssaf                 hors région" in out
    assert "refusé" not in out.split("Bilan")[0]


def test_readme_says_how_each_format_is_known():
    """The README's evidence table has one row per registered dataset, with the level and the
    evidence its SOURCE declares."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    table = text.split("### How each format is known", 1)[1].split("\n\n| dataset | level | evidence |", 1)[1]
    rows = [line for line in table.split("\n\n", 1)[0].splitlines() if line.startswith("| `")]
    cells = {r.split(" | ")[0].strip("| `"): r.split(" | ", 2)[1:] for r in rows}
    assert list(cells) == list(sources.REGISTRY)
    for key, module in sources.REGISTRY.items():
        level, where = cells[key]
        assert level == module.SOURCE.evidence in EVIDENCE_LEVELS, key
        assert where.rstrip(" |") == module.SOURCE.evidence_where, key


def _csv_demo_files(key: str) -> list[str]:
    src = sources.REGISTRY[key].SOURCE
    return [p.name for p in files_matching(src, DEMO) if p.suffix.lower() == ".csv"]


def _required_in_demo(key: str) -> bool:
    src = sources.REGISTRY[key].SOURCE
    return any(n.found_in(header_of(DEMO / name)) for name in _csv_demo_files(key) for n in src.required_columns())


# Sources read in alternative layouts declare no column required of every layout (sources.common.
# union_needs): their per-layout messages are tested in tests/test_formats_national2.py.
PER_LAYOUT = {"onisep_formations", "inserjeunes"}


def test_every_text_dataset_has_a_required_column_or_per_layout_tests():
    assert {k for k in sources.REGISTRY if _csv_demo_files(k) and not _required_in_demo(k)} == PER_LAYOUT


@pytest.mark.parametrize("key", [k for k in sources.REGISTRY if _csv_demo_files(k) and k not in PER_LAYOUT])
def test_each_dataset_names_a_required_column_missing_from_its_file(tmp_path, key):
    """For every dataset whose demo file is a delimited text: the first required column found in
    its header is renamed; the loader refuses the file, naming it and the column."""
    src = sources.REGISTRY[key].SOURCE
    folder = tmp_path / "raw"
    folder.mkdir()
    for p in files_matching(src, DEMO):
        shutil.copy(p, folder / p.name)
    target, need = next((folder / name, n) for name in _csv_demo_files(key)
                        for n in src.required_columns() if n.found_in(header_of(folder / name)))
    raw = target.read_bytes()
    column = next(h for h in header_of(target) if need.pattern.fullmatch(normalise_name(h)))
    first, rest = raw.split(b"\n", 1)
    target.write_bytes(first.replace(column.encode("utf-8"), b"Colonne_renommee", 1) + b"\n" + rest)
    settings = Settings(raw_dir=folder, output=tmp_path / "site")
    inputs = locate_inputs(settings)
    codes, _ = commune_reference(settings, inputs) if key != "cog" else ({}, None)
    with pytest.raises(SourceError) as err:
        if key == "cog":
            sources.REGISTRY["cog"].read([Path(p) for p in inputs.found["cog"]])
        else:
            ingest_dataset(settings, key, inputs.found[key], codes)
    message = str(err.value)
    assert target.name in message and (column in message or need.column in message), message
