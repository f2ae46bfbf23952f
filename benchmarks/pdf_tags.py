"""Cost of ``portraits.pdf_tags`` (what the PDFs' PDF/UA tagging gets beyond WeasyPrint's) per
portrait PDF, on a site already built (its warehouse gives the pages' contexts).

    python -m benchmarks.pdf_tags [--output output/site] [--codes T01,T05] [--repeat 3]
    python -m benchmarks.pdf_tags --write T01 [--plain] [--output output/site]

The first form writes each portrait's PDF ``--repeat`` times as ``render.write_pdf`` does and times,
inside each write, the finisher (``pdf_tags.finish``) against the whole write; it prints one line a
portrait (pages, median write, median finisher) and the totals. The second writes one portrait's
PDF once, with the finisher or (``--plain``) without: a command to time from outside, the two
forms side by side. The PDFs go to a temporary folder, the site is not touched.
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from portraits import pdf_tags, pipeline
from portraits.settings import Settings


def contexts(site: Path, codes: list[str] | None) -> list[dict]:
    found = pipeline.compute_site(Settings(output=site)).contexts
    return [c for c in found if not codes or c["code"] in codes]


def write(ctx: dict, site: Path, target: Path, finisher) -> None:
    """The portrait's PDF as ``render.write_pdf`` writes it, with ``finisher`` (None: WeasyPrint's
    tagging alone)."""
    from weasyprint import HTML
    html = pipeline.pdf_page(Settings(output=site), ctx)
    HTML(string=html, base_url=str(site / ctx["slug"])).write_pdf(target, pdf_variant="pdf/ua-1", finisher=finisher)


def measure(site: Path, codes: list[str] | None, repeat: int) -> None:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for ctx in contexts(site, codes):
            writes, finishes, pages = [], [], []

            def timed(document, pdf):
                t = time.perf_counter()
                pdf_tags.finish(document, pdf)
                finishes.append(time.perf_counter() - t)
                pages.append(len(document.pages))
            for _ in range(repeat):
                t0 = time.perf_counter()
                write(ctx, site, Path(tmp) / "portrait.pdf", timed)
                writes.append(time.perf_counter() - t0)
            rows.append((ctx["code"], pages[0], statistics.median(writes), statistics.median(finishes)))
            code, pages, w, f = rows[-1]
            print(f"{code}  {pages:3d} pages  write {w:6.2f} s  finisher {1000 * f:6.1f} ms  ({100 * f / w:.1f} %)",
                  flush=True)
    w, f = sum(r[2] for r in rows), sum(r[3] for r in rows)
    print(f"{len(rows)} PDFs: write {w:.1f} s, finisher {1000 * f:.0f} ms ({100 * f / w:.1f} %), "
          f"{1000 * f / len(rows):.0f} ms a PDF")


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m benchmarks.pdf_tags")
    p.add_argument("--output", type=Path, default=Path("output/site"), help="a built site (default: output/site)")
    p.add_argument("--codes", type=lambda s: [c.strip() for c in s.split(",") if c.strip()], default=None)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--write", metavar="CODE", help="write this portrait's PDF once and stop")
    p.add_argument("--plain", action="store_true", help="with --write: without the finisher")
    args = p.parse_args(argv)
    if args.write:
        ctx, = contexts(args.output, [args.write])
        with tempfile.TemporaryDirectory() as tmp:
            write(ctx, args.output, Path(tmp) / "portrait.pdf", None if args.plain else pdf_tags.finish)
        return
    measure(args.output, args.codes, args.repeat)


if __name__ == "__main__":
    main()
