"""The run report: what a refresh did (datasets and vintages, row counts, warnings, territories
rebuilt and skipped, timings per stage), as plain data, written as JSON and HTML into the work
folder and the published site, and as Markdown for Prefect's artifact."""
from __future__ import annotations

import json
from pathlib import Path

import sources
from sources.download import redact

from . import check, render
from .pipeline import RenderOutcome, Site
from .ingest import Inputs
from .settings import Settings, write_atomically

RUN_REPORT_FILES = {"run-report.json", "run-report.html"}
UNCHANGED_NOTE = (" — mêmes données, même code et mêmes réglages que l’édition publiée : "
                  "indicateurs non recalculés")


def report_datasets(site: Site) -> list[dict]:
    """The datasets of the run report: title, vintage, files, rows and warnings of each."""
    first = site.contexts[0] if site.contexts else {}
    return ([{"id": p["id"], "title": p["title"], "vintage": p["vintage"], "files": p["files"], "rows": p["rows"],
              "warnings": p["warnings"], "missing": p.get("missing", []), "unexpected": p.get("unexpected", [])}
             for p in first.get("sources", [])]
            + [{"id": p["id"], "title": p["title"], "vintage": "–", "files": p["files"], "rows": 0,
                "warnings": [p["reason"]], "missing": [], "unexpected": [], "unusable": p["reason"]}
               for p in first.get("unusable_sources", [])])


def run_report(settings: Settings, inputs: Inputs, datasets: list[dict], warnings: list[str],
               outcomes: list[RenderOutcome], summary: dict, timings: dict[str, float]) -> dict:
    """What a refresh did: datasets and vintages (:func:`report_datasets`), row counts, warnings,
    territories rebuilt and skipped, timings per stage. Plain data (JSON), also rendered as HTML
    and Markdown."""
    return _redacted({
        "territory_set": settings.territory_set, "profile": settings.profile, "inputs": inputs.folder,
        "published": summary.get("published", False), "warehouse_rebuilt": summary.get("warehouse_rebuilt", False),
        "unchanged_edition": summary.get("unchanged_edition", False),
        "missing": inputs.missing, "datasets": datasets, "warnings": warnings,
        # The table of `portraits check`, from what this run read.
        "check": check.rows_from_datasets([d for d in datasets if d["id"] in sources.REGISTRY], inputs.missing),
        "territories": [{"code": o.code, "name": o.name, "rendered": o.rendered, "seconds": round(o.seconds, 2)}
                        for o in outcomes],
        "timings": {k: round(v, 2) for k, v in timings.items()},
    })


def _redacted(report: dict) -> dict:
    """The report with any credentials (URL user:password@, token parameters) masked: it is
    published, logged and kept as a Prefect artifact."""
    return json.loads(redact(json.dumps(report, ensure_ascii=False)))


def report_markdown(report: dict) -> str:
    lines = [f"# Rafraîchissement des portraits — jeu {report['territory_set']}, profil {report['profile']}", "",
             f"Site publié : {'oui' if report['published'] else 'non (rien n’a changé)'}"
             f"{UNCHANGED_NOTE if report.get('unchanged_edition') else ''} ; entrepôt reconstruit : "
             f"{'oui' if report['warehouse_rebuilt'] else 'non'}", "", "## Données", "",
             "| donnée | millésime | lignes | fichiers |", "|---|---|---|---|"]
    lines += [f"| {d['title']} | {d['vintage']} | {d['rows'] if d['rows'] is not None else '–'} | "
              f"{', '.join(d['files'])} |" for d in report["datasets"]]
    if report["missing"]:
        lines += ["", "Absentes : " + ", ".join(report["missing"])]
    if report.get("check"):
        lines += ["", "## Contrôle des fichiers", "", "| donnée | verdict | colonnes nécessaires absentes | "
                  "colonnes inconnues |", "|---|---|---|---|"]
        lines += [f"| {c['id']} | {c['verdict']} | {', '.join(c['missing']) or '–'} | {', '.join(c['unexpected']) or '–'} |"
                  for c in report["check"]]
    lines += ["", "## Avertissements", ""] + [f"- {w}" for w in report["warnings"] or ["aucun"]]
    rebuilt = [t["code"] for t in report["territories"] if t["rendered"]]
    skipped = [t["code"] for t in report["territories"] if not t["rendered"]]
    lines += ["", "## Territoires", "", f"Produits ({len(rebuilt)}) : {', '.join(rebuilt) or 'aucun'}",
              "", f"Repris inchangés ({len(skipped)}) : {', '.join(skipped) or 'aucun'}",
              "", "## Durées (s)", "", "| étape | s |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in report["timings"].items()]
    return "\n".join(lines) + "\n"


def write_run_report(settings: Settings, report: dict) -> list[Path]:
    """The report as JSON and HTML in the work folder, and in the published site when this run
    published a new edition (files written under a temporary name, then renamed)."""
    folders = [settings.work] + ([Path(settings.output)] if report["published"] else [])
    report = _redacted(report)
    html_text = render.render_html("run-report.html.j2", report=report)
    written = []
    for folder in folders:
        for name, text in (("run-report.json", json.dumps(report, ensure_ascii=False, indent=1)),
                           ("run-report.html", html_text)):
            write_atomically(folder / name, text)
            written.append(folder / name)
    return written
