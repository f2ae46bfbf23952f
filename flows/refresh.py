"""The ``refresh`` flow: ingest → warehouse → render each territory as its own task → publish.

Flows and tasks only wire the plain functions of ``portraits.pipeline``; no pandas or SQL here.
Our own caching (input fingerprints, per-territory render keys) decides what is redone, so
Prefect's task caching is off.
"""
from __future__ import annotations

from prefect import flow, task
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
    inputs = locate_inputs(settings)
    rebuilt_warehouse = False
    if not warehouse_is_current(settings, inputs):
        datasets = ingest(settings, inputs)
        build_warehouse(settings, datasets, inputs)
        rebuilt_warehouse = True
    site = compute_site(settings)
    staging = prepare_staging(settings)
    futures = [render_territory.submit(settings, ctx, staging) for ctx in site.contexts]
    outcomes = [_outcome(f, ctx) for f, ctx in zip(futures, site.contexts)]
    summary = publish(settings, staging, site, outcomes)
    summary.update(warehouse_rebuilt=rebuilt_warehouse, missing=inputs.missing, warnings=site.warnings)
    return summary
