"""The ``refresh`` flow: ingest → warehouse → render each territory as its own task → publish.

Flows and tasks only wire the plain functions of ``portraits.pipeline``; no pandas or SQL here.
Our own caching (input fingerprints, per-territory render keys) decides what is redone, so
Prefect's task caching is off.
"""
from __future__ import annotations

import time

from prefect import flow, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NONE
from prefect.task_runners import ThreadPoolTaskRunner

from portraits import pipeline
from portraits.pipeline import Inputs, RenderOutcome, Settings, Site

TASK = dict(cache_policy=NONE, persist_result=False)


@task(name="locate-inputs", **TASK)
def locate_inputs(settings: Settings) -> Inputs:
    return pipeline.locate_inputs(settings)


@task(name="warehouse-is-current", **TASK)
def warehouse_is_current(settings: Settings, inputs: Inputs) -> bool:
    return pipeline.warehouse_is_current(settings, inputs)


@task(name="ingest", **TASK)
def ingest(settings: Settings, inputs: Inputs):
    return pipeline.ingest(settings, inputs)


@task(name="build-warehouse", **TASK)
def build_warehouse(settings: Settings, datasets, inputs: Inputs):
    return pipeline.build_warehouse(settings, datasets, inputs)


@task(name="compute-indicators", **TASK)
def compute_site(settings: Settings) -> Site:
    return pipeline.compute_site(settings)


@task(name="prepare-staging", **TASK)
def prepare_staging(settings: Settings):
    return pipeline.prepare_staging(settings)


@task(name="render-territory", task_run_name="render-{ctx[code]}", **TASK)
def render_territory(settings: Settings, ctx: dict, staging) -> RenderOutcome:
    return pipeline.render_territory(settings, ctx, staging)


@task(name="publish", **TASK)
def publish(settings: Settings, staging, site: Site, outcomes: list[RenderOutcome]) -> dict:
    return pipeline.publish(settings, staging, site, outcomes)


@task(name="run-report", **TASK)
def run_report(settings: Settings, inputs: Inputs, site: Site, outcomes: list[RenderOutcome], summary: dict,
               timings: dict) -> dict:
    """Write the run report (JSON, HTML) and publish it as a Prefect markdown artifact."""
    report = pipeline.run_report(settings, inputs, site, outcomes, summary, timings)
    pipeline.write_run_report(settings, report)
    create_markdown_artifact(markdown=pipeline.report_markdown(report), key="portraits-run-report",
                             description="Rapport du rafraîchissement des portraits")
    return report


def _outcome(future, ctx: dict) -> RenderOutcome:
    """One territory failing does not stop the others: its error is kept, and publish refuses
    to publish an incomplete site, naming it."""
    try:
        return future.result()
    except Exception as exc:  # any failure of one territory's rendering is isolated
        return RenderOutcome(ctx["code"], ctx["name"], rendered=False, seconds=0.0,
                             error=f"{type(exc).__name__}: {exc}")


@flow(name="refresh", task_runner=ThreadPoolTaskRunner(max_workers=1), log_prints=False)
def refresh(settings: Settings = Settings()) -> dict:
    """Rebuild the portraits of a territory set and publish them when everything succeeded."""
    clock = _Clock()
    inputs = locate_inputs(settings)
    rebuilt_warehouse = False
    if not warehouse_is_current(settings, inputs):
        clock.lap("locate")
        datasets = ingest(settings, inputs)
        clock.lap("ingest")
        build_warehouse(settings, datasets, inputs)
        rebuilt_warehouse = True
    clock.lap("warehouse")
    site = compute_site(settings)
    clock.lap("indicators")
    staging = prepare_staging(settings)
    futures = [render_territory.submit(settings, ctx, staging) for ctx in site.contexts]
    outcomes = [_outcome(f, ctx) for f, ctx in zip(futures, site.contexts)]
    clock.lap("render")
    summary = publish(settings, staging, site, outcomes)
    clock.lap("publish")
    summary.update(warehouse_rebuilt=rebuilt_warehouse, missing=inputs.missing, warnings=site.warnings)
    run_report(settings, inputs, site, outcomes, summary, clock.laps)
    return summary


class _Clock:
    """Wall time of each stage of the flow, for the run report."""

    def __init__(self):
        self.laps: dict[str, float] = {}
        self._t = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name] = self.laps.get(name, 0.0) + now - self._t
        self._t = now
