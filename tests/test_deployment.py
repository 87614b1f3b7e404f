"""Deployment mode and per-process limits of the shared server (issue 11 item 1, issue 15 item 8).

Fast: the hashing backend stands for the operator's model, as in ``tests/test_app.py``.
"""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core.config import DEFAULT_ALIGN
from core.demo import demo_articles
from core.model import Article, Comparison
from ui import compute
from ui.compute import ComparisonCache, ComputeSlots

APP = Path(__file__).resolve().parents[1] / "app.py"


@pytest.fixture(autouse=True)
def _operator_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(compute.BACKEND_ENV, "hashing")
    for name in (compute.MODE_ENV, compute.SLOTS_ENV, compute.WAIT_ENV):
        monkeypatch.delenv(name, raising=False)


def _start(articles: list[Article] | None = None, *, session: dict[str, object] | None = None) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60)
    if articles is not None:
        at.session_state["articles"] = articles
    for key, value in (session or {}).items():
        at.session_state[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def _fresh_articles(tag: str) -> list[Article]:
    """The demo set with one sentence added, so its comparison is not in the process cache yet."""
    arts = demo_articles()
    extra = f"{arts[0].text}\n\nA spokesperson for the council said on {tag} that the review continues."
    return [replace(arts[0], text=extra), *arts[1:]]


# --------------------------------------------------------------------------------------------------
# Which backends a visitor may choose


def test_shared_mode_is_the_default_and_offers_only_the_operators_backend() -> None:
    dep = compute.deployment()
    assert dep.mode == compute.SHARED
    assert dep.offered == ("hashing",)
    at = _start()
    assert [s for s in at.selectbox if s.key == "backend"] == []  # no model menu for visitors
    assert "Chosen by the server's operator" in "\n".join(str(c.value) for c in at.caption)
    assert at.session_state["backend"] == "hashing"


def test_a_visitor_cannot_switch_to_torch_in_shared_mode() -> None:
    """Issue 15 item 8: choosing torch took the server from 535 to 791 MB for everyone."""
    at = _start(session={"backend": "torch"})  # as if a widget had been forced to torch
    assert at.session_state["backend"] == "hashing"
    assert "torch" not in compute._loaders  # the app never started loading it


def test_local_mode_offers_onnx_and_torch_but_never_the_test_backend(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(compute.MODE_ENV, "local")
    monkeypatch.setenv(compute.BACKEND_ENV, "onnx")
    assert compute.deployment().offered == ("onnx", "torch")
    monkeypatch.setenv(compute.BACKEND_ENV, "hashing")  # an operator's (or a test's) choice is offered
    assert compute.deployment().offered == ("hashing", "onnx", "torch")


def test_local_mode_shows_the_backend_menu(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(compute.MODE_ENV, "local")
    at = _start()
    (menu,) = [s for s in at.selectbox if s.key == "backend"]
    assert menu.options == ["Word hashing (test backend)", "MiniLM int8 (ONNX runtime)", "MiniLM (torch)"]


@pytest.mark.parametrize(
    ("env", "value", "field", "expected"),
    [
        (compute.MODE_ENV, "public", "mode", "shared"),  # unknown: the safe mode
        (compute.SLOTS_ENV, "0", "max_comparisons", 2),
        (compute.SLOTS_ENV, "nan", "max_comparisons", 2),
        (compute.SLOTS_ENV, "3", "max_comparisons", 3),
        (compute.WAIT_ENV, "-5", "busy_wait_s", compute.DEFAULT_BUSY_WAIT_S),
        (compute.WAIT_ENV, "7.5", "busy_wait_s", 7.5),
    ],
)
def test_bad_settings_fall_back_to_safe_defaults(
    monkeypatch: pytest.MonkeyPatch, env: str, value: str, field: str, expected: object
) -> None:
    monkeypatch.setattr(compute, "_usable_cores", lambda: 2)
    monkeypatch.setenv(env, value)
    assert getattr(compute.deployment(), field) == expected


# --------------------------------------------------------------------------------------------------
# Compute slots


def test_slots_admit_up_to_capacity_and_a_large_comparison_runs_alone() -> None:
    pool = ComputeSlots(2)
    assert pool.acquire(1, 0) and pool.acquire(1, 0)
    assert not pool.acquire(1, 0.05)
    pool.release(1)
    assert not pool.acquire(2, 0.05)  # a large comparison waits for every slot
    pool.release(1)
    assert pool.acquire(2, 0)
    assert not pool.acquire(1, 0)
    pool.release(2)
    assert pool.used == 0


def test_a_waiting_comparison_starts_when_a_slot_frees() -> None:
    pool = ComputeSlots(1)
    assert pool.acquire(1, 0)
    got: list[bool] = []
    waiter = threading.Thread(target=lambda: got.append(pool.acquire(1, 30)))
    waiter.start()
    time.sleep(0.1)
    assert pool.waiting == 1
    pool.release(1)
    waiter.join(10)
    assert got == [True]


def test_large_comparisons_take_every_slot() -> None:
    small = demo_articles()
    big = [replace(a, text=a.text * (compute.LARGE_COMPARISON_CHARS // len(a.text) + 1)) for a in small]
    assert compute._weight(tuple(small), 2) == 1
    assert compute._weight(tuple(big), 2) == 2


def test_busy_server_says_so_and_keeps_the_sources(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every slot taken: the page says the server is busy (no crash, no pile-up), the sources stay, and
    "Try again" computes once a slot is free."""
    monkeypatch.setenv(compute.SLOTS_ENV, "1")
    monkeypatch.setenv(compute.WAIT_ENV, "0.3")
    pool = compute.compute_slots()
    articles = _fresh_articles("busy-test")
    assert pool.acquire(1, 5)
    try:
        at = _start(articles)
        assert compute.BUSY_MESSAGE in "\n".join(str(w.value) for w in at.warning)
        assert [b.label for b in at.button if b.key == "busy_retry"] == ["Try again"]
        assert [a.source_id for a in at.session_state["articles"]] == [a.source_id for a in articles]
        assert not at.metric
    finally:
        pool.release(1)
    at.button(key="busy_retry").click().run()
    assert not at.exception
    assert {m.label: m.value for m in at.metric}["Sources"] == "4"


def test_slot_is_released_when_the_comparison_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(compute.SLOTS_ENV, "1")
    pool = compute.compute_slots()
    one = [demo_articles()[0], replace(demo_articles()[0], source_id="copy", text="")]
    with pytest.raises(compute.CompareError):
        compute.cached_comparison(tuple(one), DEFAULT_ALIGN, "hashing")
    assert pool.used == 0


# --------------------------------------------------------------------------------------------------
# The process-wide comparison cache


def _cmp(n_links: int = 0) -> Comparison:
    """A stand-in comparison whose size (``compute._size``) is ``n_links``."""
    return Comparison(articles=(), sentences={}, claims=(), links=(None,) * n_links, unique=())  # type: ignore[arg-type]


def test_concurrent_requests_for_one_comparison_compute_it_once() -> None:
    cache = ComparisonCache()
    calls: list[int] = []
    key = ((), DEFAULT_ALIGN, "x")

    def slow() -> Comparison:
        calls.append(1)
        time.sleep(0.3)
        return _cmp()

    results: list[Comparison] = []
    threads = [
        threading.Thread(target=lambda: results.append(cache.get_or_compute(key, slow))) for _ in range(6)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert calls == [1]
    assert len(results) == 6
    assert all(r is results[0] for r in results)


def test_a_failed_computation_lets_the_next_request_try() -> None:
    cache = ComparisonCache()
    key = ((), DEFAULT_ALIGN, "x")

    def broken() -> Comparison:
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        cache.get_or_compute(key, broken)
    assert not cache.wait_running(key)
    assert cache.get_or_compute(key, _cmp).links == ()


def test_cache_is_bounded_by_entries_and_size_but_keeps_the_newest() -> None:
    cache = ComparisonCache(max_entries=3, max_items=100)
    keys = [((), DEFAULT_ALIGN, str(i)) for i in range(5)]
    for k in keys[:4]:
        cache.get_or_compute(k, lambda: _cmp(10))
    assert [cache.get(k) is not None for k in keys[:4]] == [False, True, True, True]
    cache.get_or_compute(keys[4], lambda: _cmp(500))
    assert [cache.get(k) is not None for k in keys] == [False, False, False, False, True]


def test_cached_comparison_is_the_same_object_on_every_page_change() -> None:
    """A warm page change reads the comparison from the process cache: no copy, no recomputation."""
    articles = tuple(_fresh_articles("same-object"))
    first = compute.cached_comparison(articles, DEFAULT_ALIGN, "hashing")
    assert compute.cached_comparison(articles, DEFAULT_ALIGN, "hashing") is first


# --------------------------------------------------------------------------------------------------
# Loading status


def test_pages_draw_while_the_model_loads(monkeypatch: pytest.MonkeyPatch) -> None:
    """The sidebar says the model is loading instead of blocking the page; the Sources page draws."""
    gate = threading.Event()
    real = compute.load_embedder

    def slow_load(backend: str) -> object:
        gate.wait(30)
        return real(backend)

    monkeypatch.setattr(compute, "load_embedder", slow_load)
    loader = compute._ModelLoader("hashing")  # this process's loader, as if the server had just started
    monkeypatch.setitem(compute._loaders, "hashing", loader)
    try:
        at = AppTest.from_file(str(APP), default_timeout=60)
        at.switch_page("views/sources.py").run()
        assert not at.exception
        assert not loader.ready.is_set()
        captions = "\n".join(str(c.value) for c in at.caption)
        assert "loading in the background" in captions
        assert [a.source_id for a in at.session_state["articles"]]
    finally:
        gate.set()
        loader.ready.wait(30)
    assert compute.model_ready("hashing")
