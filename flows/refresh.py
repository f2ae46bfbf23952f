"""The ``refresh`` flow: (download) → the ``warehouse`` steps (one ingest task per dataset, then
the DuckDB warehouse) → the ``render`` subflow (one task per territory) → publish → run report. When the published
site is already the edition these inputs, code and settings make (``unchanged-edition``), the
render flow and publish are skipped.

Flows and tasks only wire the plain functions of ``portraits`` (``pipeline``, ``publish``,
``runreport``, ``demo``) and ``sources``; no pandas or SQL here. Our own caching (input
fingerprints, per-territory render keys) decides what is redone, so Prefect's task caching is off.

``portraits build`` calls ``refresh`` directly; ``portraits serve`` serves it as a deployment with
the schedules of ``portraits.toml`` (``portraits/deployment.py``). However it is started, a run
holds the lock of its site and work folders from start to end (``portraits.lock``): a second run
on the same site stops at once naming the first, or waits ``wait_minutes`` for it.
"""
from __future__ import annotations

import os
import time
from contextlib import contextmanager
from typing import Literal

from prefect import flow, get_run_logger, runtime, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NONE
from prefect.context import get_run_context
from prefect.settings import PREFECT_API_URL, temporary_settings
from prefect.task_runners import ThreadPoolTaskRunner
from prefect.utilities.annotations import quote

from portraits import lock, publish as publishing, runreport
from portraits.pipeline import RenderOutcome, Site
from portraits.ingest import Inputs
from portraits.settings import Settings
from sources.download import fetch_all

from .render import render
from .warehouse import warehouse

TASK = dict(cache_policy=NONE, persist_result=False)
TASK_RUNNERS = ("threads", "dask")


def task_runner_for(name: str = "threads", address: str | None = None, workers: int | None = None):
    """The task runner of the per-territory rendering: ``threads`` (the default: ``workers``
    threads, default one, each handing its portrait's drawing and writing to a worker process of
    ``pipeline.render_pool``), or ``dask``: a Dask cluster, the one at ``address``
    (``tcp://host:8786``) or else a local cluster of ``workers`` processes (default: one per core)."""
    if name == "threads":
        if address:
            raise ValueError("--dask-address ne s'emploie qu'avec --task-runner dask")
        return ThreadPoolTaskRunner(max_workers=workers or 1)
    if name != "dask":
        raise ValueError(f"exécuteur de tâches inconnu : {name!r} (connus : {', '.join(TASK_RUNNERS)})")
    try:
        from prefect_dask import DaskTaskRunner
    except ImportError as exc:
        raise RuntimeError("--task-runner dask demande prefect-dask : installer l'extra « dask » "
                           "(uv sync --extra dask, ou pip install 'portraits[dask]')") from exc
    if address:
        return DaskTaskRunner(address=address)
    # Processes, one thread each: matplotlib and WeasyPrint hold the GIL. No dashboard (no bokeh).
    return DaskTaskRunner(cluster_class="distributed.LocalCluster",
                          cluster_kwargs={"n_workers": workers or os.cpu_count() or 1, "threads_per_worker": 1,
                                          "processes": True, "dashboard_address": None})


@task(name="fetch-sources", **TASK)
def fetch_sources(settings: Settings) -> list[dict]:
    """Download the official files into the inputs folder (profile official): an unchanged file
    (HTTP 304) is kept; a failed download keeps the previous file and is reported."""
    if settings.is_demo:
        raise ValueError("le téléchargement (fetch) ne concerne que le profil official ou un dossier --raw-dir")
    results = fetch_all(settings.inputs_dir, region=settings.region_code())
    logger = get_run_logger()
    for r in results:
        if r["error"]:
            logger.warning("%s : %s", r["id"], r["error"])
    return results


@task(name="unchanged-edition", **TASK)
def unchanged_edition(settings: Settings, inputs: Inputs) -> dict | None:
    """What was noted of the published edition when these inputs, code and settings made it
    (then nothing is computed nor rendered); otherwise None."""
    return publishing.unchanged_edition(settings, inputs)


@task(name="publish", **TASK)
def publish(settings: Settings, staging, site: Site, outcomes: list[RenderOutcome], edition: str) -> dict:
    """Swap the staging folder in place of the site when every territory succeeded (the previous
    edition is kept); otherwise fail naming the territories, the site untouched."""
    return publishing.publish(settings, staging, site, outcomes, edition)


@task(name="run-report", **TASK)
def run_report(settings: Settings, inputs: Inputs, datasets: list[dict], warnings: list[str],
               outcomes: list[RenderOutcome], summary: dict, timings: dict) -> dict:
    """Write the run report (JSON, HTML) and publish it as a Prefect markdown artifact."""
    report = runreport.run_report(settings, inputs, datasets, warnings, outcomes, summary, timings)
    runreport.write_run_report(settings, report)
    create_markdown_artifact(markdown=runreport.report_markdown(report), key="portraits-run-report",
                             description="Rapport du rafraîchissement des portraits")
    return report


@flow(name="refresh", persist_result=False, log_prints=False)
def refresh(settings: Settings = Settings(), fetch: bool = False,
            task_runner: Literal["threads", "dask"] = "threads", dask_address: str | None = None,
            wait_minutes: float = 0.0) -> dict:
    """Rebuild the portraits of a territory set and publish them when everything succeeded.

    settings: territory set, profile (demo | official), inputs folder, site folder, region,
        reach distance (the options of ``portraits build``).
    fetch: first download the official files (profile official; unchanged ones are not
        downloaded again).
    task_runner: ``threads`` (default) or ``dask`` for the per-territory rendering;
        dask_address: an existing Dask scheduler (default: a local cluster).
    wait_minutes: when another run (a build, a rollback, another deployment run) holds the same
        site, wait for its end up to this long; 0 (default): fail at once, naming it.
    """
    # A bad choice fails before any work. Threads: as many as render processes (settings.processes()).
    runner = task_runner_for(task_runner, dask_address, settings.processes() if task_runner == "threads" else None)
    with lock.hold_refresh(settings.output, settings.work, wait_seconds=60 * wait_minutes, run=_run_label(),
                           hint="pour attendre sa fin : paramètre wait_minutes du flux refresh, "
                                "ou portraits build --wait"):
        return _refresh(settings, fetch, task_runner, runner)


@contextmanager
def _workers_report_here(task_runner: str):
    """Under Dask, the render tasks run on the workers report to this flow's Prefect API (the
    ephemeral server of ``portraits build``, or the server of ``PREFECT_API_URL``): its address
    travels with each task in the settings Prefect sends along (a worker without it would start
    an ephemeral server of its own and record the tasks there, away from this flow run)."""
    if task_runner != "dask":
        yield
        return
    with temporary_settings({PREFECT_API_URL: str(get_run_context().client.api_url)}):
        yield


def _run_label() -> str:
    """The Prefect flow run holding the lock, as the message of a refused run names it."""
    label = f"exécution Prefect « {runtime.flow_run.name} » ({runtime.flow_run.id})"
    return label + (f" du déploiement « {runtime.deployment.name} »" if runtime.deployment.name else "")


def _refresh(settings: Settings, fetch: bool, task_runner: str, runner) -> dict:
    downloads = fetch_sources(settings) if fetch else []
    built = warehouse(settings)
    t0 = time.perf_counter()
    unchanged = unchanged_edition(settings, built.inputs)
    if unchanged is not None:
        outcomes, summary = publishing.unchanged_run(unchanged)
        datasets, warnings = unchanged["datasets"], unchanged["warnings"]
        timings = {**built.timings, "unchanged_edition": time.perf_counter() - t0}
    else:
        with _workers_report_here(task_runner):
            rendered = render.with_options(task_runner=runner)(settings, in_processes=task_runner == "threads").unquote()
        t0 = time.perf_counter()
        # quote(): the site (every page's context) is passed as it is, not walked through by Prefect.
        summary = publish(settings, rendered.staging, quote(rendered.site), rendered.outcomes, built.inputs.edition)
        outcomes, datasets, warnings = rendered.outcomes, runreport.report_datasets(rendered.site), rendered.site.warnings
        timings = {**built.timings, **rendered.timings, "publish": time.perf_counter() - t0}
    summary.update(warehouse_rebuilt=built.rebuilt, missing=built.inputs.missing, warnings=warnings,
                   downloads=downloads)
    run_report(settings, built.inputs, datasets, warnings, outcomes, summary, timings)
    return summary
