"""Security: names from the data are text, never markup (HTML and PDF); territory codes and names
become file paths only through a safe slug; downloads go only to the official hosts over HTTPS;
credentials never reach the logs or the run report.

The hostile build: a copy of four demo inputs (directory, InserJeunes, training offer, DGEFP
list) where a lycée and every training organism carry markup in their names, and a territory set
whose codes and names are path traversals and markup. It is built through the pipeline
functions, and only the two hostile territories are rendered (about 15 s).
"""
from __future__ import annotations

import csv
import html
import io
import json
import logging
import re
import shutil
import urllib.error
import urllib.request
from html.parser import HTMLParser

import pandas as pd
import pytest

from conftest import ROOT

# Each name tries one way out of the text: a script element, an attribute (quotes), an entity.
TERRITORY_NAME = 'Angers <script>alert("t")</script> & "co"'
LYCEE_NAME = 'Lycée <script>alert("ij")</script> "Les Sables" & <b>gras</b>'
ORGANISM_SUFFIX = ' <img src=x onerror="alert(1)">'
DATASETS = ["fr-en-annuaire-education.csv", "depp-inserjeunes-etablissements-2022_2023-pro.csv",
            "liste-publique-des-organismes-de-formation.csv", "offre-formation-lheo-pdl.xml"]
HOSTILE_CODES = {"T05": ("../../etc", TERRITORY_NAME),          # a path traversal as code
                 "T06": ("T06/../../x", "../../../tmp/evil")}    # traversal in code and name


class Tags(HTMLParser):
    """The elements of a page, with their attributes."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def parse(page: str) -> Tags:
    p = Tags()
    p.feed(page)
    return p


def _quote(field: str) -> str:
    return '"' + field.replace('"', '""') + '"'


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    from portraits import pipeline, publish, render, territories
    from portraits import ingest
    from portraits.settings import Settings, warehouse_path
    from portraits.demo import DEFAULT_DIR
    tmp = tmp_path_factory.mktemp("hostile")
    raw = tmp / "raw"
    raw.mkdir()
    for name in DATASETS:      # only what shows establishment and organism names: a 4-dataset build
        shutil.copy(DEFAULT_DIR / name, raw / name)

    # A territory set whose codes and names are hostile.
    sets = tmp / "sets"
    sets.mkdir()
    m = pd.read_csv(ROOT / "data/territories/spro17.csv", dtype=str)
    for code, (new_code, new_name) in HOSTILE_CODES.items():
        m.loc[m.territory_code == code, ["territory_code", "territory_name"]] = [new_code, new_name]
    m.to_csv(sets / "hostile.csv", index=False)
    (sets / "sets.toml").write_text('[hostile]\nfile = "hostile.csv"\ntitle = "Jeu <i>hostile</i>"\nregion = "52"\n',
                                    encoding="utf-8")

    # One lycée of T05 (by its commune) renamed in the InserJeunes file (CRLF, ';').
    annuaire = pd.read_csv(raw / "fr-en-annuaire-education.csv", sep=";", dtype=str)
    t05 = set(m.commune_code[m.territory_code == "../../etc"])
    in_t05 = set(annuaire.identifiant_de_l_etablissement[annuaire.code_commune.isin(t05)])
    f = raw / "depp-inserjeunes-etablissements-2022_2023-pro.csv"
    lines = f.read_bytes().decode("utf-8").split("\r\n")
    uai = next(line[:8] for line in lines[1:] if line[:8] in in_t05 and ";ensemble;" in line)
    lines = [";".join([c[0], _quote(LYCEE_NAME)] + c[2:]) if line.startswith(uai) else line
             for line in lines for c in [line.split(";")]]
    f.write_bytes("\r\n".join(lines).encode("utf-8"))

    # Every training organism's name carries an element with an event handler.
    f = raw / "liste-publique-des-organismes-de-formation.csv"
    rows = list(csv.reader(io.StringIO(f.read_text(encoding="utf-8")), delimiter=";"))
    col = rows[0].index("denomination")
    for r in rows[1:]:
        if len(r) > col:
            r[col] += ORGANISM_SUFFIX
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\n").writerows(rows)
    f.write_text(out.getvalue(), encoding="utf-8")

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("portraits.settings.get_set", lambda key: territories.get_set(key, folder=sets))
        settings = Settings(territory_set="hostile", raw_dir=raw, output=tmp / "site", work_dir=tmp / "work")
        inputs = ingest.locate_inputs(settings)
        datasets = ingest.ingest(settings, inputs)
        pipeline.build_warehouse(settings, datasets, inputs)
        site = pipeline.compute_site(settings)
        staging = publish.prepare_staging(settings)
        ctxs = {c["code"]: c for c in site.contexts}
        outcomes = [pipeline.render_territory(settings, ctxs[code], staging) for code, _ in HOSTILE_CODES.values()]
        assert all(o.rendered and not o.error for o in outcomes)
        # The index page as publish() writes it.
        con = pipeline.connect(warehouse_path(settings), read_only=True)
        md = render.MapData.from_warehouse(con)
        con.close()
        links = {c["code"]: f"{c['slug']}/index.html" for c in site.contexts}
        index = render.render_html("index.html.j2", map_svg=render.index_map_svg(md.territories, links),
                                   **site.index)
    return {"tmp": tmp, "staging": staging, "ctx": ctxs, "index": index, "uai": uai}


def test_autoescaping_is_on_for_every_html_template():
    from portraits.render import TEMPLATES, environment, render_html
    env = environment()
    names = [str(p.relative_to(TEMPLATES)) for p in TEMPLATES.rglob("*.j2")]
    assert "portrait.html.j2" in names and "index.html.j2" in names
    for name in names:
        assert env.autoescape(name) is True, name
    # A value is escaped even where a template puts it in an attribute.
    page = render_html("run-report.html.j2", report={
        "territory_set": '"><script>x</script>', "profile": "demo", "inputs": "", "published": False,
        "warehouse_rebuilt": False, "missing": [], "datasets": [], "warnings": [], "territories": [], "timings": {}})
    assert "<script>x" not in page and "&lt;script&gt;x" in page


def test_hostile_names_are_text_in_the_page(hostile):
    ctx = hostile["ctx"]["../../etc"]
    page = (hostile["staging"] / ctx["slug"] / "index.html").read_text(encoding="utf-8")
    tags = parse(page)
    # Nothing injected: no element of the names, and the only scripts are the site's own three files (the
    # map to explore, the reference chooser and its data), each loaded once, by src and defer alone.
    assert not [t for t, a in tags.tags if t in ("b", "i")]
    scripts = [a for t, a in tags.tags if t == "script"]
    assert all(set(a) == {"src", "defer"} for a in scripts)
    assert sorted(a["src"] for a in scripts) == ["../assets/explore.js", "../assets/reference.js", "../chiffres-cles.js"]
    assert not [a for t, a in tags.tags if t == "img" and ("onerror" in a or a.get("src") == "x")]
    assert "&lt;script&gt;alert(" in page and "&lt;img src=x onerror=" in page
    text = "".join(tags.text)
    for name in (TERRITORY_NAME, LYCEE_NAME, "Jeu <i>hostile</i>"):
        assert name in text, name                                                      # shown as written
    assert ORGANISM_SUFFIX.strip() in text
    title = re.search(r"<title>(.*?)</title>", page, re.S).group(1)
    assert html.unescape(title).startswith(f"Portrait du territoire {TERRITORY_NAME}")


def test_hostile_names_are_text_in_the_pdf(hostile):
    from pypdf import PdfReader
    ctx = hostile["ctx"]["../../etc"]
    reader = PdfReader(hostile["staging"] / ctx["slug"] / f"portrait-{ctx['slug']}.pdf")
    text = re.sub(r"\s+", " ", "\n".join(p.extract_text() or "" for p in reader.pages))
    for name in (TERRITORY_NAME, LYCEE_NAME):
        assert re.sub(r"\s+", " ", name) in text, name
    assert 'onerror="alert(1)"' in text


def test_hostile_names_are_text_in_the_index(hostile):
    page = hostile["index"]
    tags = parse(page)
    assert not [t for t, _ in tags.tags if t in ("script", "b", "i")]
    assert TERRITORY_NAME in "".join(tags.text)
    hrefs = [a["href"] for t, a in tags.tags if t == "a" and a.get("href", "").endswith("/index.html")]
    assert len(hrefs) >= 2 * 17 - 1                                                 # list and map
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*/index\.html", h) for h in hrefs), hrefs


def test_territory_codes_and_names_become_paths_only_through_a_slug(hostile):
    staging, tmp = hostile["staging"], hostile["tmp"]
    folders = sorted(p.name for p in staging.iterdir())
    assert folders == sorted(["assets", hostile["ctx"]["../../etc"]["slug"], hostile["ctx"]["T06/../../x"]["slug"]])
    assert hostile["ctx"]["../../etc"]["slug"].startswith("etc-angers-script")
    assert hostile["ctx"]["T06/../../x"]["slug"] == "t06-x-tmp-evil"
    for p in staging.rglob("*"):
        assert p.resolve().is_relative_to(staging.resolve())
        if "assets" not in p.relative_to(staging).parts:
            assert re.fullmatch(r"[a-z0-9][a-z0-9.-]*", p.name), p
    # Nothing was written beside the build folders (no etc/, x, tmp/evil…).
    assert sorted(p.name for p in tmp.iterdir()) == [".site.staging", "raw", "sets", "work"]
    assert not (tmp.parent / "etc").exists() and not (tmp.parent / "x").exists()
    data = json.loads((staging / hostile["ctx"]["../../etc"]["slug"] / f"donnees-{hostile['ctx']['../../etc']['slug']}.json")
                      .read_text(encoding="utf-8"))
    assert {r["territory_name"] for r in data} == {TERRITORY_NAME}


@pytest.mark.parametrize("codes", [("T-1", "T 1"), ("..", "/"), ("A" * 70 + "1", "A" * 70 + "2")],
                         ids=["punctuation", "nothing-left", "cut-at-60"])
def test_codes_that_would_share_a_folder_are_refused(codes):
    from portraits.territories import TerritorySetError, validate
    m = pd.DataFrame([("44109", codes[0], "Nantes"), ("49007", codes[1], "Angers")],
                     columns=["commune_code", "territory_code", "territory_name"])
    with pytest.raises(TerritorySetError, match="même nom de dossier"):
        validate(m, {"44109", "49007"}, "jeu.csv")


def test_unknown_set_key_is_never_a_path():
    from portraits.territories import TerritorySetError, get_set
    with pytest.raises(TerritorySetError, match="jeu de territoires inconnu : '../../etc'"):
        get_set("../../etc")


# ---------------------------------------------------------------------------------------------
# Downloads: official hosts over HTTPS only

@pytest.mark.parametrize("url", [
    "http://www.insee.fr/fr/statistiques/fichier/8377162/v_commune_2025.csv",        # plain HTTP
    "https://evil.example/v_commune_2025.csv",                                       # not official
    "https://www.insee.fr.evil.example/v_commune_2025.csv",                          # official name as prefix
    "https://www.insee.fr@evil.example/v_commune_2025.csv",                          # official name as user
    "https://evil.example/?u=https://www.insee.fr/",                                  # official name in the query
    "ftp://www.insee.fr/v_commune_2025.csv",
    "file:///etc/passwd",
])
def test_downloads_refuse_other_hosts_and_plain_http(url, monkeypatch, tmp_path):
    from sources import download

    def no_network(*args, **kwargs):
        raise AssertionError("the network was reached")
    monkeypatch.setattr(download, "_open", no_network)
    with pytest.raises(download.DownloadError, match="téléchargement refusé"):
        download.download(url, tmp_path / "f.csv")
    assert list(tmp_path.iterdir()) == []


def test_every_registered_download_url_passes_the_check():
    """The configured URLs are the only ones fetched: each is HTTPS on an official host (or a page
    to download by hand, never fetched)."""
    from sources import REGISTRY, download
    for key, module in REGISTRY.items():
        s = module.SOURCE
        if s.url != s.page and s.download_name:
            try:
                download.check_url(s.url)
            except download.DownloadError:
                pytest.fail(f"{key} : URL de téléchargement hors des hôtes officiels : {s.url}")


@pytest.mark.parametrize("target, allowed", [
    ("https://static.data.gouv.fr/resources/bmo/2024/base.zip", True),      # data.gouv.fr's file host
    ("https://www.insee.fr/fr/statistiques/fichier/1/f.zip", True),
    ("http://static.data.gouv.fr/resources/bmo/2024/base.zip", False),      # downgrade to HTTP
    ("https://evil.example/base.zip", False),
    ("https://gouv.fr.evil.example/base.zip", False),
])
def test_redirects_only_to_official_https_hosts(target, allowed):
    from sources import download
    req = urllib.request.Request("https://www.data.gouv.fr/fr/datasets/r/4319f5e8")
    handler = download.OfficialRedirects()
    if allowed:
        assert handler.redirect_request(req, io.BytesIO(), 302, "Found", {}, target).full_url == target
    else:
        with pytest.raises(download.DownloadError, match="redirection refusée"):
            handler.redirect_request(req, io.BytesIO(), 302, "Found", {}, target)


# ---------------------------------------------------------------------------------------------
# Credentials: never in logs, error messages or the run report

SECRET_URL = "https://etl-bot:S3cr3t-pw@www.insee.fr/fichier/v_commune_2025.csv?token=TOK-123&annee=2025"
SECRETS = ("S3cr3t-pw", "TOK-123", "etl-bot")


def test_redact_masks_credentials_and_keeps_the_rest():
    from sources.download import redact
    text = redact(f"échec {SECRET_URL} ; Authorization: Bearer abc.def ; ?api_key=K1&x=1")
    assert not any(s in text for s in (*SECRETS, "abc.def", "K1"))
    assert "https://***@www.insee.fr/fichier/v_commune_2025.csv?token=***&annee=2025" in text
    assert "x=1" in text
    url = "https://statistiques.francetravail.org/stmt/defmexp?lk=0&mm=0&pp=202001-&ss=1"   # nothing secret
    assert redact(url) == url


class ListHandler(logging.Handler):
    def __init__(self):
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(self.format(record))


def test_download_errors_and_logs_carry_no_credentials(monkeypatch, tmp_path):
    from sources import download

    def refused(url, timeout):
        raise urllib.error.URLError(f"connexion refusée pour {url}")
    monkeypatch.setattr(download, "_open", refused)
    monkeypatch.setattr(download, "BACKOFF_SECONDS", 0.0)
    handler = ListHandler()
    logger = logging.getLogger("portraits")
    logger.addHandler(handler)
    level = logger.level
    logger.setLevel(logging.INFO)
    try:
        with pytest.raises(download.DownloadError) as err:
            download.download(SECRET_URL, tmp_path / "v_commune_2025.csv", attempts=2)
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    assert handler.lines and "***" in handler.lines[0]
    for text in handler.lines + [str(err.value)]:
        assert not any(s in text for s in SECRETS), text


def test_command_line_log_lines_carry_no_credentials():
    from portraits.cli import RedactingFormatter
    record = logging.LogRecord("portraits", logging.ERROR, __file__, 1, "échec : %s", (SECRET_URL,), None)
    line = RedactingFormatter("%(message)s").format(record)
    assert line.startswith("échec : https://***@www.insee.fr/") and not any(s in line for s in SECRETS)


def test_run_report_carries_no_credentials(tmp_path):
    from portraits import runreport
    from portraits.pipeline import Site
    from portraits.ingest import Inputs
    from portraits.settings import Settings
    settings = Settings(output=tmp_path / "site", work_dir=tmp_path / "work")
    (tmp_path / "site").mkdir()
    site = Site(contexts=[], index={}, warnings=[f"Annuaire : lien {SECRET_URL} cité dans le fichier"])
    inputs = Inputs(folder=str(tmp_path), found={}, missing=[], fingerprint="x")
    report = runreport.run_report(settings, inputs, runreport.report_datasets(site), site.warnings, [],
                                  {"published": True}, {"ingest": 1.0})
    written = runreport.write_run_report(settings, report)
    assert len(written) == 4
    for text in [p.read_text(encoding="utf-8") for p in written] + [runreport.report_markdown(report)]:
        assert "www.insee.fr/fichier/v_commune_2025.csv" in text
        assert not any(s in text for s in SECRETS), text
