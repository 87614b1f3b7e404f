"""Eight concurrent browser sessions on one running app, each with its own articles (issue 11 item 1): all
complete every page, no errors, one model load, no torch in the server, and the server stays under 650 MB."""

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
    from tools.load_test import TARGET_MB, run, summary

    result = run(sessions=8, backend="onnx")
    print(summary(result))
    assert result.errors == []
    assert len(result.times) == 8
    assert result.model_loads == 1
    assert result.heavy_libraries == []  # the ONNX server never maps libtorch (issue 16 item 3)
    assert 0 < result.peak_rss_mb < TARGET_MB
