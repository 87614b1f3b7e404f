"""End-to-end tests in Debian's Chromium driven by Playwright (no downloaded browser).

The app runs as ``streamlit run app.py`` on 127.0.0.1 with the hashing backend. Skipped when
/usr/bin/chromium is missing, unless CI=true, where a missing browser is a failure.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tools.screenshot import CHROMIUM, CHROMIUM_ARGS, serve_app

TIMEOUT_MS = 60_000
EVIL_NAME = "evil<img src=x onerror=alert(2)>"
EVIL_TEXT = (
    "<script>document.title='pwned'</script> The landslide near Kellan Bridge blocked the Tarrow Valley "
    'railway, officials said. <img src=x onerror="alert(1)"> Repairs will cost 14 million euros '
    ":red[now] $$x$$."
)

if not Path(CHROMIUM).exists():
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{CHROMIUM} is required in CI (apt-get install -y chromium)", pytrace=False)
    pytest.skip(f"{CHROMIUM} is not installed", allow_module_level=True)

sync_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.slow
# Expectations wait as long as page actions do: Playwright's 5 s default fails on a loaded machine.
sync_api.expect.set_options(timeout=TIMEOUT_MS)


@pytest.fixture(scope="module")
def app_url() -> Iterator[str]:
    """The base URL of ``streamlit run app.py`` (fake embedder) on a free local port, stopped after the
    module."""
    with serve_app("hashing") as url:
        yield url


@pytest.fixture
def page(app_url: str) -> Iterator[Any]:
    """A fresh Chromium page (own profile directory) that records every JavaScript dialog."""
    with tempfile.TemporaryDirectory(prefix="chromium-") as profile, sync_api.sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            profile,
            executable_path=CHROMIUM,
            args=CHROMIUM_ARGS,
            headless=True,
            viewport={"width": 1440, "height": 1000},
        )
        try:
            pg = context.new_page()
            pg.set_default_timeout(TIMEOUT_MS)
            pg.dialogs = []  # type: ignore[attr-defined]

            def on_dialog(dialog: Any) -> None:
                pg.dialogs.append(dialog.message)  # type: ignore[attr-defined]
                dialog.dismiss()

            pg.on("dialog", on_dialog)
            pg.goto(app_url + "/", timeout=TIMEOUT_MS)
            yield pg
        finally:
            context.close()


def _settle(pg: Any) -> None:
    """Waits until the script run is over (no running indicator) and the DOM has caught up."""
    pg.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidgetRunningIcon\"]')", timeout=TIMEOUT_MS
    )
    pg.wait_for_timeout(500)


def _go(pg: Any, path: str, marker: str) -> None:
    pg.locator(f'[data-testid="stSidebarNav"] a[href$="/{path}"]').first.click()
    pg.get_by_text(marker, exact=False).first.wait_for()
    _settle(pg)


def test_demo_comparison_and_highlighted_conflict(page: Any) -> None:
    page.get_by_text("Claim coverage").first.wait_for()
    _settle(page)
    metrics = page.locator('[data-testid="stMetric"]')
    assert metrics.filter(has_text="Sources").first.inner_text().split()[-1] == "4"
    claims = metrics.filter(has_text="Claim groups").first.inner_text().split()[-1]
    assert int(claims) > 0
    # Plotly loads lazily: wait for the three figures (two heatmaps and the coverage matrix) to be drawn.
    sync_api.expect(page.locator('[data-testid="stPlotlyChart"] .main-svg').first).to_be_visible()
    sync_api.expect(page.locator('[data-testid="stPlotlyChart"]')).to_have_count(3, timeout=TIMEOUT_MS)
    assert page.get_by_text("eastmere_post").count() > 0

    _go(page, "side_by_side", "aligned claim rows")
    page.locator(".nc-row").nth(3).wait_for()
    conflict = page.locator(".nc details.nc-f > summary:has(> mark.rel-conflict)").first
    conflict.wait_for()
    title = conflict.get_attribute("title") or ""
    assert "conflict" in title  # the hover says what differs ...
    assert "vs " in title  # ... and against which source
    assert page.locator(".nc-legend mark.rel-only").count() == 1


def test_pasted_markup_is_shown_as_text_not_run(page: Any) -> None:
    page.get_by_text("Claim coverage").first.wait_for()
    _settle(page)
    title = page.title()
    _go(page, "sources", "Edit a source")
    page.get_by_label("Name", exact=True).first.fill(EVIL_NAME)
    page.get_by_label("Headline (optional)").fill("<img src=y onerror=alert(3)>Headline")
    page.get_by_label("Article text").fill(EVIL_TEXT)
    page.get_by_role("button", name="Add source").click()
    page.get_by_text("Loaded sources (5)").wait_for()
    _settle(page)

    for path, marker in (
        ("", "Claim coverage"),
        ("side_by_side", "aligned claim rows"),
        ("claims", "claim groups"),
    ):
        if path:
            _go(page, path, marker)
        else:
            page.locator('[data-testid="stSidebarNav"] a').first.click()
            page.get_by_text(marker).first.wait_for()
            _settle(page)
        assert page.title() == title
        assert page.dialogs == []  # type: ignore[attr-defined]

    _go(page, "side_by_side", "aligned claim rows")
    grid = page.locator(".nc").first
    assert EVIL_NAME in grid.inner_text()  # the name is shown literally ...
    assert "<script>document.title='pwned'</script>" in grid.inner_text()  # ... and so is the text
    assert page.locator(".nc script, .nc img").count() == 0  # no element was created from it
    page.wait_for_timeout(1000)
    assert page.title() == title
    assert page.dialogs == []  # type: ignore[attr-defined]


def _pick(pg: Any, label: str, option: str) -> None:
    """Chooses ``option`` in the multiselect labelled ``label`` and closes its list."""
    pg.locator('[data-testid="stMultiSelect"]').filter(has_text=label).locator("input").click()
    pg.get_by_role("option", name=option, exact=True).click()
    pg.keyboard.press("Escape")
    _settle(pg)


def test_filters_survive_page_changes_and_removal_can_be_undone(page: Any) -> None:
    page.get_by_text("Claim coverage").first.wait_for()
    _settle(page)
    _go(page, "claims", "Open a claim side by side")
    page.get_by_label("Search the passages").fill("rail")
    page.get_by_label("Search the passages").press("Enter")
    _settle(page)
    _pick(page, "Carried by", "metro_daily")
    _pick(page, "Agreement", "conflict")
    count = page.get_by_text(" of 9 claim groups", exact=False).first.inner_text()

    _go(page, "divergences", "compared facts")
    _go(page, "claims", "Open a claim side by side")
    assert page.get_by_label("Search the passages").input_value() == "rail"
    chips = page.locator('[data-testid="stMultiSelect"]').all_inner_texts()
    assert any("metro_daily" in c for c in chips)
    assert any("conflict" in c for c in chips)
    assert page.get_by_text(" of 9 claim groups", exact=False).first.inner_text() == count

    _go(page, "sources", "Edit a source")
    box = page.locator('[data-testid="stSelectbox"]').last
    box.scroll_into_view_if_needed()
    box.click()
    page.get_by_role("option").filter(has_text="national_wire").first.click()
    _settle(page)
    # On a loaded machine the edit form can lag the choice: remove only once it shows national_wire.
    page.wait_for_function(
        "() => [...document.querySelectorAll('input[aria-label=\"Name\"]')]"
        ".some(i => i.value === 'national_wire')",
        timeout=TIMEOUT_MS,
    )
    page.get_by_role("button", name="Remove source").click()
    page.get_by_text("Removed “national_wire”").first.wait_for()
    _settle(page)
    assert page.get_by_text("Loaded sources (3)").count() == 1
    page.get_by_role("button", name="Undo").click()
    page.get_by_text("Loaded sources (4)").wait_for()
    _settle(page)
    # The restored source is selected again in the edit form ...
    assert page.get_by_label("Name", exact=True).last.input_value() == "national_wire"
    box = page.locator('[data-testid="stSelectbox"]').last
    box.scroll_into_view_if_needed()
    box.click()
    options = page.get_by_role("option").all_inner_texts()
    assert options == ["eastmere_post", "metro_daily", "national_wire", "valley_courier"]  # ... in its place
    page.keyboard.press("Escape")


def test_keyboard_opens_what_differs_and_print_writes_it_out(page: Any) -> None:
    """Issue 11 item 3: the explanation of a highlighted fact is content, not only a hover title."""
    page.get_by_text("Claim coverage").first.wait_for()
    _settle(page)
    _go(page, "side_by_side", "aligned claim rows")
    page.locator(".nc details.nc-f").first.wait_for()
    # Focus order: from the last control above the grid, Tab reaches the first highlight of row 1.
    page.get_by_role("combobox", name="Word diff against").focus()
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.matches('details.nc-f > summary')"):
            break
    first = page.locator(".nc details.nc-f > summary").first
    assert page.evaluate("() => document.activeElement.matches('details.nc-f > summary')")
    assert first.evaluate("el => el === document.activeElement")
    panel = page.locator(".nc details.nc-f").first.locator(":scope > .nc-why")
    assert not panel.is_visible()
    page.keyboard.press("Enter")
    sync_api.expect(panel).to_be_visible()
    assert "vs " in panel.inner_text()  # against which source, in words
    page.keyboard.press("Enter")  # Enter again closes it
    sync_api.expect(panel).to_be_hidden()

    # A conflict clicked with the mouse says what differs, in a panel anyone can read (and copy).
    conflict = page.locator(".nc details.nc-f:has(> summary > mark.rel-conflict)").first
    conflict.locator(":scope > summary").click()
    why = conflict.locator(":scope > .nc-why")
    sync_api.expect(why).to_be_visible()
    assert "conflict" in why.inner_text()

    # Printed (or saved as PDF), every row lists what differs under it; the panels do not overlap text.
    page.emulate_media(media="print")
    notes = page.locator(".nc-notes").first
    sync_api.expect(notes).to_be_visible()
    assert "vs " in notes.inner_text()
    assert not why.is_visible()


def test_a_new_session_on_the_same_address_says_the_sources_are_gone(page: Any, app_url: str) -> None:
    """Issue 15 item 11: a server restart (here: a fresh session opened on the same address) must not
    silently replace the user's sources with the demo set."""
    page.get_by_text("Claim coverage").first.wait_for()
    _settle(page)
    _go(page, "sources", "Edit a source")
    page.get_by_label("Name", exact=True).first.fill("herald")
    page.get_by_label("Article text").fill("A landslide blocked the railway near Kellan Bridge in March.")
    page.get_by_role("button", name="Add source").click()
    page.get_by_text("Loaded sources (5)").wait_for()
    _settle(page)
    page.wait_for_function("() => new URL(location.href).searchParams.get('sources') === '5'")
    address = page.url
    assert "herald" not in address  # only a count goes into the address

    fresh = page.context.new_page()  # the old session is gone; the browser comes back to the same address
    fresh.set_default_timeout(TIMEOUT_MS)
    fresh.goto(address, timeout=TIMEOUT_MS)
    fresh.get_by_text("Your sources are gone").first.wait_for()
    assert "5 sources you had loaded" in fresh.locator('[data-testid="stAlert"]').first.inner_text()
    assert fresh.get_by_text("Loaded sources (0)").count() == 1  # not the demo set
    fresh.close()
