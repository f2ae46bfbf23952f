"""The PDF engines side by side: the same portrait pages printed by WeasyPrint (as the build does,
with ``portraits.pdf_tags``) and by headless Chromium (Playwright, one browser kept open, tagged
output), each PDF timed and checked by the PDF/UA checker of the tests (outloud).

    python -m benchmarks.pdf_engines [--output output/site] [--codes T01,T05] [--repeat 1]

Needs a site already built in ``--output`` (its warehouse gives the pages' contexts and its
folders the images). For each portrait: the HTML the PDF is laid out from (``pipeline.pdf_page``) is
written beside the portrait's images in a temporary copy of its folder, then printed by each engine
``--repeat`` times (the median is kept). Printed: one line a portrait (pages, seconds, checker
errors by engine), the totals, the ratio, and the checker's error rules by engine with their counts.
Chromium is Debian's (``/usr/bin/chromium``, installed by ``scripts/system-deps.sh``); the CPU time
of its own processes is not seen from here, only the wall time of each print, which is what a
build would wait for.
"""
from __future__ import annotations

import argparse
import collections
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


def weasyprint_pdf(html_path: Path, target: Path) -> None:
    render.write_pdf(html_path.read_text(encoding="utf-8"), html_path.parent, target, title="portrait")


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
    ap.add_argument("--keep", help="dossier où garder les PDF des deux moteurs, pour les regarder")
    args = ap.parse_args(argv)
    site = args.output
    codes = set(args.codes.split(",")) if args.codes else None
    settings = Settings(output=site)
    contexts = [c for c in pipeline.compute_site(settings).contexts
                if not codes or c["code"] in codes]
    totals = {"weasyprint": 0.0, "chromium": 0.0}
    rules = {"weasyprint": collections.Counter(), "chromium": collections.Counter()}
    ratios = []
    keep = Path(args.keep) if args.keep else None
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page()
        shutil.copytree(site / "assets", Path(tmp) / "assets")     # the pages' style sheets, as on the site
        render.write_pdf("<p>échauffement</p>", Path(tmp), Path(tmp) / "warm.pdf", title="x")   # imports, fonts
        for ctx in contexts:
            folder = Path(tmp) / ctx["slug"]
            shutil.copytree(site / ctx["slug"], folder)
            html = folder / "pdf.html"
            html.write_text(pipeline.pdf_page(settings, ctx), encoding="utf-8")
            w_pdf, c_pdf = folder / "weasyprint.pdf", folder / "chromium.pdf"
            w = timed(lambda: weasyprint_pdf(html, w_pdf), args.repeat)
            c = timed(lambda: chromium_pdf(page, html, c_pdf), args.repeat)
            we, ce = errors(w_pdf), errors(c_pdf)
            totals["weasyprint"] += w
            totals["chromium"] += c
            rules["weasyprint"] += we
            rules["chromium"] += ce
            ratios.append(w / c)
            if keep:
                keep.mkdir(parents=True, exist_ok=True)
                shutil.copy(w_pdf, keep / f"{ctx['slug']}-weasyprint.pdf")
                shutil.copy(c_pdf, keep / f"{ctx['slug']}-chromium.pdf")
            print(f"{ctx['code']:>6}  WeasyPrint {pages(w_pdf):3d} p. {w:6.2f} s {sum(we.values()):4d} err.   "
                  f"Chromium {pages(c_pdf):3d} p. {c:6.2f} s {sum(ce.values()):4d} err.   ratio {w / c:4.2f}",
                  flush=True)
        browser.close()
    n = len(contexts)
    print(f"{n} PDFs: WeasyPrint {totals['weasyprint']:.1f} s, Chromium {totals['chromium']:.1f} s; "
          f"WeasyPrint / Chromium: median {statistics.median(ratios):.2f} (min {min(ratios):.2f}, max {max(ratios):.2f})")
    for engine, counter in rules.items():
        listed = ", ".join(f"{r} {k}" for r, k in counter.most_common()) or "aucune"
        print(f"checker errors, {engine}: {sum(counter.values())} ({listed})")


if __name__ == "__main__":
    main()
