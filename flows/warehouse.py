"""The warehouse steps of the ``refresh`` flow: (generate the demo inputs of a region other than
the bundled one,) find the input files, and when they (or the loading code) changed, ingest them (one task per dataset, named with its source family) and
build the DuckDB warehouse.

Tasks of the refresh flow run, not a subflow: a Prefect subflow costs 1.5 to 2.5 s of
orchestration on 2 cores, paid by every run, the one with nothing changed included. Only
wiring: the work is in ``portraits.pipeline``, ``portraits.demo`` and ``sources/``.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

from prefect import task
from prefect.cache_policies import NONE
from prefect.utilities.annotations import quote

from portraits import pipeline
from portraits import ingest
from portraits.demo import ensure_demo
from portraits.ingest import Inputs
from portraits.settings import Settings

from .ingest import commune_reference, read_datasets

TASK = dict(cache_policy=NONE, persist_result=False)


@dataclass
class WarehouseRun:
    """What the warehouse steps did: the inputs found, whether it rebuilt, its time per stage."""
    inputs: Inputs
    rebuilt: bool
    timings: dict[str, float] = field(default_factory=dict)


@task(name="demo-inputs", **TASK)
def demo_inputs(settings: Settings) -> None:
    """Generate the demo inputs of a region other than the bundled one into the work folder
    (``Settings.generated_demo``), unless a complete generation by the same code is there."""
    ensure_demo(settings.inputs_dir, settings.region_code())


@task(name="locate-inputs", **TASK)
def locate_inputs(settings: Settings) -> Inputs:
    """Find each registered dataset's files in the inputs folder by their official names."""
    return ingest.locate_inputs(settings)


@task(name="warehouse-is-current", **TASK)
def warehouse_is_current(settings: Settings, inputs: Inputs) -> bool:
    """True when the warehouse was built from these very inputs and code (fingerprint)."""
    return pipeline.warehouse_is_current(settings, inputs)


@task(name="read-territory-set", **TASK)
def read_territory_set(settings: Settings, codes: dict[str, str]):
    """Read and check the territory set before the datasets: a bad set file fails the run at once."""
    return ingest.set_membership(settings, codes)


@task(name="build-warehouse", **TASK)
def build_warehouse(settings: Settings, datasets: dict, inputs: Inputs, membership):
    """Load the datasets, communes and territories into the DuckDB warehouse (atomically)."""
    return pipeline.build_warehouse(settings, datasets, inputs, membership)


def warehouse(settings: Settings) -> WarehouseRun:
    """Bring the warehouse of ``settings.territory_set`` up to date with the inputs folder of
    ``settings.profile`` (or ``settings.raw_dir``): nothing is read when it already is."""
    t0 = time.perf_counter()
    if settings.generated_demo:       # before locating them: the inputs are the files it writes
        demo_inputs(settings)
    inputs = locate_inputs(settings)
    if warehouse_is_current(settings, inputs):
        return WarehouseRun(inputs, False, {"locate": time.perf_counter() - t0})
    t1 = time.perf_counter()
    codes, datasets = commune_reference(settings, inputs)
    membership = read_territory_set(settings, quote(codes))
    datasets.update(read_datasets(settings, inputs, codes))
    t2 = time.perf_counter()
    build_warehouse(settings, quote(datasets), quote(inputs), membership)
    return WarehouseRun(inputs, True, {"locate": t1 - t0, "ingest": t2 - t1, "warehouse": time.perf_counter() - t2})
