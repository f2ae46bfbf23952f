"""Shared fixtures: Prefect's test harness (one per session: its database takes ~30 s to start
here) and one demo build of the site, reused by the tests that read its outputs."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT.parent / "shared" / "data" / "real"

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
os.environ.setdefault("MPLCONFIGDIR", str(ROOT / ".cache" / "matplotlib"))


def pytest_collection_modifyitems(config, items):
    if not REAL.is_dir():
        skip = pytest.mark.skip(reason=f"real extracts absent ({REAL})")
        for item in items:
            if "real" in item.keywords:
                item.add_marker(skip)


@pytest.fixture(scope="session")
def prefect_harness():
    from prefect.testing.utilities import prefect_test_harness
    with prefect_test_harness(server_startup_timeout=180):
        yield


@pytest.fixture(scope="session")
def demo_build(tmp_path_factory, prefect_harness):
    """The demo site built once by the refresh flow: (settings, summary of the first run)."""
    from flows.refresh import refresh
    from portraits.settings import Settings
    out = tmp_path_factory.mktemp("demo") / "site"
    settings = Settings(output=out)
    summary = refresh(settings)
    return settings, summary


@pytest.fixture
def real_dir():
    return REAL


def copy_demo_inputs(dest: Path) -> Path:
    """A private copy of the bundled demo inputs, for tests that alter them."""
    from portraits.demo import DEFAULT_DIR
    shutil.copytree(DEFAULT_DIR, dest)
    return dest
