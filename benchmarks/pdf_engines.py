"""The PDF engines side by side: the same portrait pages printed by Typst (as the build does,
``portraits.typst_pdf``), by WeasyPrint (``--pdf-engine weasyprint``, with ``portraits.pdf_tags``)
and by headless Chromium (Playwright, one browser kept open, tagged output), each PDF timed and
checked by the PDF/UA checker of the tests (outloud).

    python -m benchmarks.pdf_engines [--output output/site] [--codes T01,T05] [--repeat 1] [--no-chromium]

Needs a site already built in ``--output`` (its warehouse gives the pages' contexts and its
folders the images). For each portrait: the HTML the PDF is laid out from (``pipeline.pdf_page``) is
written beside the portrait's images in a temporary copy of its folder, then printed by each engine
``--repeat`` times (the median is kept). Printed: one line a portrait (pages, seconds, checker
errors by engine), the totals, the ratios to Typst, and the checker's error rules by engine with
their counts.
Chromium is Debian's (``/usr/bin/chromium``, installed by ``scripts/system-deps.sh``); the CPU time
of its own processes is not seen from here, only the wall time of each print, which is what a
build would wait for.
"""
from __future__ import annotations

import argparse
import collections
import contextlib
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import outloud
import pikepdf
from playwright.sync_api import sync_playwright

from portraits import pipeline, render
from portraits.settings import Settings

CHROMIUM_ARGS = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def errors(pdf: Path) -> collections.Counter:
    """The checker's findings of error level in ``pdf``, counted by rule."""
    result = outloud.check(str(pdf))
    if result.error:
        return collections.Counter({f"(checker failed: {result.error})": 1})
    return collections.Counter(f.rule for f in result.findings if str(f.severity).lower().endswith("error"))


def engine_pdf(engine: str, html_path: Path, target: Path) -> None:
    render.write_pdf(html_path.read_text(encoding="utf-8"), html_path.parent, target, title="portrait", engine=engine)


def chromium_pdf(page, html_path: Path, target: Path) -> None:
    page.goto(html_path.as_uri(), wait_until="load")
    page.emulate_media(media="print")
    page.pdf(path=str(target), prefer_css_page_size=True, print_background=True, tagged=True, outline=True)


def pages(pdf: Path) -> int:
    with pikepdf.open(pdf) as p:
        return len(p.pages)


def timed(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--output", type=Path, default=Path("output/site"))
    ap.add_argument("--codes", help="territoires, séparés par des virgules (défaut : tous)")
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--no-chromium", action="store_true", help="Typst et WeasyPrint seulement")
    ap.add_argument("--keep", help="dossier où garder les PDF des moteurs, pour les regarder")
    args = ap.parse_args(argv)
    site = args.output
    codes = set(args.codes.split(",")) if args.codes else None
    settings = Settings(output=site)
    contexts = [c for c in pipeline.compute_site(settings).contexts
                if not codes or c["code"] in codes]
    engines = ["typst", "weasyprint"] + ([] if args.no_chromium else ["chromium"])
    totals = {e: 0.0 for e in engines}
    rules = {e: collections.Counter() for e in engines}
    ratios = {e: [] for e in engines[1:]}
    keep = Path(args.keep) if args.keep else None
    with tempfile.TemporaryDirectory() as tmp, contextlib.ExitStack() as stack:
        page = None
        if "chromium" in engines:
            p = stack.enter_context(sync_playwright())
            browser = p.chromium.launch(executable_path=shutil.which("chromium"), headless=True, args=CHROMIUM_ARGS)
            stack.callback(browser.close)
            page = browser.new_page()
        shutil.copytree(site / "assets", Path(tmp) / "assets")     # the pages' style sheets, as on the site
        for engine in engines[:2]:                                  # imports, fonts
            render.write_pdf("<p>échauffement</p>", Path(tmp), Path(tmp) / "warm.pdf", title="x", engine=engine)
        for ctx in contexts:
            folder = Path(tmp) / ctx["slug"]
            shutil.copytree(site / ctx["slug"], folder)
            html = folder / "pdf.html"
            html.write_text(pipeline.pdf_page(settings, ctx), encoding="utf-8")
            line = [f"{ctx['code']:>6}"]
            seconds = {}
            for engine in engines:
                target = folder / f"{engine}.pdf"
                if engine == "chromium":
                    seconds[engine] = timed(lambda: chromium_pdf(page, html, target), args.repeat)
                else:
                    seconds[engine] = timed(lambda: engine_pdf(engine, html, target), args.repeat)
                found = errors(target)
                totals[engine] += seconds[engine]
                rules[engine] += found
                if keep:
                    keep.mkdir(parents=True, exist_ok=True)
                    shutil.copy(target, keep / f"{ctx['slug']}-{engine}.pdf")
                line.append(f"{engine} {pages(target):3d} p. {seconds[engine]:6.2f} s {sum(found.values()):3d} err.")
            for engine in engines[1:]:
                ratios[engine].append(seconds[engine] / seconds["typst"])
            print("   ".join(line), flush=True)
    n = len(contexts)
    print(f"{n} PDFs: " + ", ".join(f"{e} {totals[e]:.1f} s" for e in engines) + "; "
          + "; ".join(f"{e} / typst: median {statistics.median(r):.2f} (min {min(r):.2f}, max {max(r):.2f})"
                      for e, r in ratios.items()))
    for engine, counter in rules.items():
        listed = ", ".join(f"{r} {k}" for r, k in counter.most_common()) or "aucune"
        print(f"checker errors, {engine}: {sum(counter.values())} ({listed})")


if __name__ == "__main__":
    main()
