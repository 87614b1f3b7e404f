"""The README's two commands, .ci/run and the requirements stay in step."""

from __future__ import annotations

import re

from tests.conftest import REPO


def readme_commands() -> list[str]:
    text = (REPO / "README.md").read_text()
    head = text[: text.index("\n## ")]
    return re.findall(r"```(?:bash|sh)\n(.+?)\n```", head, re.S)


def test_readme_opens_with_two_commands() -> None:
    install_run, test = readme_commands()[:2]
    assert "pip install -r requirements.txt" in install_run and "streamlit run app.py" in install_run
    assert "pytest" in test


def test_ci_runs_the_readme_test_command() -> None:
    test = readme_commands()[1].strip()
    assert test in (REPO / ".ci" / "run").read_text().splitlines()


def test_requirements_are_pinned() -> None:
    for name in ("requirements.txt", "requirements-dev.txt"):
        for raw in (REPO / name).read_text().splitlines():
            line = raw.split("#")[0].strip()
            if line and not line.startswith("-"):
                assert "==" in line, f"{name}: {line} is not pinned"


def test_no_stray_lock_file_for_streamlit_cloud() -> None:
    # Community Cloud reads the first of these it finds; a stray one would silently win.
    for name in ("uv.lock", "Pipfile", "environment.yml", "poetry.lock"):
        assert not (REPO / name).exists()


def test_upload_cap_matches_limits() -> None:
    import tomllib

    from core.config import DEFAULT_LIMITS

    config = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] * 1024 * 1024 == DEFAULT_LIMITS.max_upload_bytes
