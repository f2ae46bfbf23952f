"""The settings of a refresh, its profiles and formats, and every path of its work and site
folders (with how the small JSON files kept there are read and written).

Imported by every step (``pipeline``, ``publish``, ``runreport``, ``fingerprints``, the flows,
the command line); imports none of them, nor the demo synthesis (``portraits.demo``): the demo
inputs are a folder here, prepared by the flow before the inputs are located.
"""
from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from .territories import TerritorySet, get_set

log = logging.getLogger("portraits")
ROOT = Path(__file__).resolve().parent.parent
MANIFEST = "build-manifest.json"
# The indicator values of the edition this one is compared with ("ce qui a changé"), published
# with the site so that a later run with nothing new keeps the same comparison.
COMPARISON = "comparaison-edition-precedente.json"
OPEN_DATA = "donnees-territoires"
PROFILES = ("demo", "official")
FORMATS = ("html", "pdf")   # what a portrait is published as; the HTML page always (the PDF is laid out from it)
# What lays the PDFs out from the page's HTML: Typst (portraits/typst_pdf.py, the default: about a
# tenth of the time) or WeasyPrint (portraits/render.py with pdf_tags; the engine before, kept to
# compare and as a fallback). README, "Performance".
PDF_ENGINES = ("typst", "weasyprint")
# The bundled demo inputs (written by ``portraits demo``, see portraits.demo) and their region.
DEMO_DIR = ROOT / "data" / "demo"
DEMO_REGION = "52"


@dataclass(frozen=True)
class Settings:
    territory_set: str = "spro17"
    profile: str = "demo"
    raw_dir: Path | None = None          # official files already downloaded (overrides the profile's folder)
    output: Path = Path("output/site")    # the published site
    work_dir: Path | None = None          # warehouse and staging; default: beside the site
    region: str | None = None             # INSEE region code; default: the set's region
    reach_km: float = 15.0                # distance beyond which a commune is "far" from an access point
    base_url: str = "http://localhost:8000/"   # public address of the site (absolute URLs of sitemap.xml)
    render_processes: int | None = None   # processes drawing and writing portraits side by side; default: one per core
    formats: tuple[str, ...] = FORMATS    # ("html",): pages without their PDF (a preview, 3 times faster)
    pdf_engine: str = "typst"             # PDF_ENGINES

    def __post_init__(self):
        unknown = [f for f in self.formats if f not in FORMATS]
        if unknown or "html" not in self.formats:
            raise ValueError(f"formats invalides : {', '.join(self.formats) or 'aucun'} "
                             f"(html obligatoire, pdf en option ; connus : {', '.join(FORMATS)})")
        if self.pdf_engine not in PDF_ENGINES:
            raise ValueError(f"moteur PDF inconnu : {self.pdf_engine!r} (connus : {', '.join(PDF_ENGINES)})")

    def processes(self) -> int:
        """How many portraits are drawn and written at once (at least 1)."""
        return max(1, self.render_processes or os.cpu_count() or 1)

    def indicator_params(self) -> dict:
        """Settings the indicator SQL uses as named parameters."""
        return {"reach_km": float(self.reach_km)}

    @property
    def work(self) -> Path:
        return Path(self.work_dir) if self.work_dir else Path(self.output).parent / "work"

    @property
    def inputs_dir(self) -> Path:
        if self.raw_dir:
            return Path(self.raw_dir)
        if self.profile != "demo":
            return self.work.parent / "raw"
        # The bundled demo inputs are those of one region; another region's are generated on first use.
        return DEMO_DIR if self.region_code() == DEMO_REGION else self.work / f"demo-{self.region_code()}"

    @property
    def is_demo(self) -> bool:
        return self.profile == "demo" and self.raw_dir is None

    @property
    def generated_demo(self) -> bool:
        """The inputs are demo inputs generated in the work folder (a region other than the bundled
        one's): ``portraits.demo.ensure_demo`` prepares them before they are located (the
        ``demo-inputs`` task of the refresh flow; ``portraits check`` calls it too)."""
        return self.is_demo and self.inputs_dir != DEMO_DIR

    def tset(self) -> TerritorySet:
        return get_set(self.territory_set)

    def region_code(self) -> str:
        return self.region or self.tset().region


# ----- The work folder -------------------------------------------------------------------------

def warehouse_path(settings: Settings) -> Path:
    return settings.work / f"warehouse-{settings.territory_set}.duckdb"


def edition_stamp_path(settings: Settings) -> Path:
    return settings.work / f"edition-{settings.territory_set}.json"


# ----- The site folder and its editions --------------------------------------------------------

def staging_dir(settings: Settings) -> Path:
    return Path(settings.output).parent / f".{Path(settings.output).name}.staging"


def editions(settings: Settings) -> tuple[Path, Path, Path, Path]:
    """The published site, the previous edition, and the two names used while swapping them
    (rollback: the previous edition on its way back; publish: the edition before the previous)."""
    out = Path(settings.output)
    return (out, out.parent / f"{out.name}.previous", out.parent / f".{out.name}.rollback",
            out.parent / f".{out.name}.retired")


def published_manifest(settings: Settings) -> dict:
    """The manifest of the published site (each territory's render key, slug and files), or an
    empty one when there is none or it cannot be read."""
    path = Path(settings.output) / MANIFEST
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def read_json(path: Path):
    """A JSON file of the published edition (or its stamp): ``None`` when it is absent, or
    unreadable (said in the log)."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        log.warning("fichier de l'édition publiée illisible, ignoré : %s (%s)", path, exc)
        return None


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` under a temporary name beside ``path``, then rename it: a reader sees the old
    file or the new one, never half of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
