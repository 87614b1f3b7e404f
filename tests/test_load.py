"""Eight concurrent browser sessions on one running app: all complete, no errors, one model load."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

if not Path("/usr/bin/chromium").exists():
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail("/usr/bin/chromium is required in CI", pytrace=False)
    pytest.skip("/usr/bin/chromium is not installed", allow_module_level=True)


def test_eight_concurrent_sessions() -> None:
    from bench.load_test import run

    result = run(sessions=8, backend="onnx")
    times = sorted(round(t, 1) for t in result.times)
    print(f"load test: times {times}, peak RSS {result.peak_rss_mb:.0f} MB")
    assert result.errors == []
    assert len(result.times) == 8
    assert result.model_loads == 1
