"""Computation at the UI edge, shared by every session of one server process.

* **Deployment settings** (``deployment()``), read from environment variables. On Streamlit Community Cloud
  put them as root-level keys in the app's *Secrets* (or ``.streamlit/secrets.toml`` locally): Streamlit
  exports root-level secrets as environment variables when the server starts.
  ``NEWSCOMPARE_MODE`` ``shared`` (default) or ``local``; ``NEWSCOMPARE_BACKEND`` (the operator's model);
  ``NEWSCOMPARE_MAX_COMPARISONS``; ``NEWSCOMPARE_BUSY_WAIT``; ``NEWSCOMPARE_THREADS`` (``core.embed``).
* **The model loads once per process, in the background** (``start_background_loading``, called by
  ``app.py`` on every run; only the first starts anything): the embedding model, a warm-up encode, then
  spaCy. Pages draw at once; a page that needs the comparison shows the loading status where it will be.
* **Comparisons are cached per exact input** (the frozen ``Article``s, the frozen ``AlignConfig``, the
  backend) in one process-wide cache bounded by entries and by an estimate of their size. Two sessions
  asking for the same new comparison compute it once. Changing a threshold re-aligns from cached vectors.
* **At most ``max_comparisons`` comparisons compute at once** (a large one takes every slot); others wait
  with a visible status and, after ``busy_wait_s``, get "the server is busy" instead of piling up memory.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from core.config import DEFAULT_LIMITS, AlignConfig, Limits
from core.embed import BACKENDS, DEFAULT_BACKEND, CachingEmbedder, HashingEmbedder, load_embedder
from core.model import Article, Comparison
from core.pipeline import CompareError, check_limits, check_work, compare, embed_all, segment_all

log = logging.getLogger(__name__)

MODE_ENV = "NEWSCOMPARE_MODE"
BACKEND_ENV = "NEWSCOMPARE_BACKEND"
SLOTS_ENV = "NEWSCOMPARE_MAX_COMPARISONS"
WAIT_ENV = "NEWSCOMPARE_BUSY_WAIT"
SHARED, LOCAL = "shared", "local"
# What a visitor may choose in local mode; the word-hashing fake is for tests and only runs when the operator
# starts the server with it.
LOCAL_BACKENDS = ("onnx", "torch")
# A comparison of more characters than this takes every slot: it runs alone (its alignment and fact
# matrices grow with the text, and two of them at once would not fit a 690 MB server).
LARGE_COMPARISON_CHARS = 300_000
DEFAULT_BUSY_WAIT_S = 120.0
EMBEDDED_KEY = "_embedded_key"
# Nothing produces this warning any more (core.facts is part of the app); kept only while ui/page.py, which
# the UI work is changing, still imports it.
FACTS_MISSING = "Fact comparison (numbers, dates, names, quotes) is not available in this installation."
BUSY_MESSAGE = (
    "The server is busy comparing other visitors' sources, so yours could not start. Your sources are "
    "kept: try again in a moment."
)


# --------------------------------------------------------------------------------------------------
# Deployment settings


@dataclass(frozen=True, slots=True)
class Deployment:
    """How this server runs, fixed by its operator (see the module docstring for the variables).

    Attributes:
        mode: ``shared`` (many anonymous visitors; the default) or ``local`` (one trusted user).
        backend: The embedding backend the operator started the server with (default: ``onnx``).
        offered: Backends a visitor may pick: only ``backend`` in shared mode; ONNX and torch in local mode.
        max_comparisons: Comparisons computed at once by this process (others wait for a slot).
        busy_wait_s: How long a comparison waits for a slot before the user is told the server is busy.
        limits: Per-comparison limits (sources, characters, passage pairs), the command line's too.
    """

    mode: str
    backend: str
    offered: tuple[str, ...]
    max_comparisons: int
    busy_wait_s: float
    limits: Limits


def _env_number(name: str, default: float, *, low: float, high: float) -> float:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        log.warning("%s=%r is not a number; using %s", name, raw, default)
        return default
    if not low <= value <= high:  # also rejects nan
        log.warning("%s=%r is outside %s..%s; using %s", name, raw, low, high, default)
        return default
    return value


def _usable_cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def default_backend() -> str:
    """The backend named by ``NEWSCOMPARE_BACKEND``, else ``core.embed.DEFAULT_BACKEND`` (the command
    line's too, so the downloads are the same files as the command line's)."""
    name = os.environ.get(BACKEND_ENV, DEFAULT_BACKEND).strip().lower()
    return name if name in BACKENDS else DEFAULT_BACKEND


def deployment() -> Deployment:
    """The settings of this server, from the environment (cheap; read on every call)."""
    mode = os.environ.get(MODE_ENV, SHARED).strip().lower()
    if mode not in {SHARED, LOCAL}:
        log.warning("%s=%r is neither %r nor %r; using %r", MODE_ENV, mode, SHARED, LOCAL, SHARED)
        mode = SHARED
    backend = default_backend()
    offered = (backend,) if mode == SHARED else tuple(dict.fromkeys((backend, *LOCAL_BACKENDS)))
    # One comparison per core: each runs single-threaded (core.embed.runtime), so more only queue for CPU
    # while holding their memory.
    slots = int(_env_number(SLOTS_ENV, min(2, _usable_cores()), low=1, high=64))
    wait = _env_number(WAIT_ENV, DEFAULT_BUSY_WAIT_S, low=0, high=3600)
    return Deployment(mode, backend, offered, slots, wait, DEFAULT_LIMITS)


# --------------------------------------------------------------------------------------------------
# The model, loaded once per process in the background


class _ModelLoader:
    """Loads one backend in a daemon thread: the model, a warm-up encode, then spaCy for the facts."""

    def __init__(self, backend: str) -> None:
        self.backend = backend
        self.ready = threading.Event()
        self.embedder: CachingEmbedder | None = None
        self.fallback = ""
        self.started = time.monotonic()
        self.seconds = 0.0
        self._thread = threading.Thread(target=self._run, name=f"load-{backend}", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            inner = load_embedder(self.backend)
            inner.encode(["A first sentence warms the model up."])  # first-run allocations, off the page
        except Exception as exc:
            log.exception("embedding backend %s failed to load", self.backend)
            self.fallback = (
                f"The {self.backend} embedding model could not be loaded ({type(exc).__name__}); "
                "using the simple word-hashing backend instead, which aligns less well."
            )
            inner = HashingEmbedder()
        self.embedder = CachingEmbedder(inner)
        self.seconds = time.monotonic() - self.started
        self.ready.set()
        _preload_facts()


def _preload_facts() -> None:
    try:
        from core.facts.names import get_nlp  # noqa: PLC0415 - heavy; loaded once, off the page

        get_nlp()
    except Exception:  # an unusable spaCy costs names only; core.facts logs and carries on without them
        log.exception("preloading spaCy failed")


_loaders: dict[str, _ModelLoader] = {}
_registry_lock = threading.Lock()


def start_background_loading(backend: str) -> None:
    """Starts loading ``backend`` in a background thread unless this process already did (cheap)."""
    if backend not in _loaders:
        with _registry_lock:
            if backend not in _loaders:
                _loaders[backend] = _ModelLoader(backend)


def _loader(backend: str) -> _ModelLoader:
    start_background_loading(backend)
    return _loaders[backend]


def model_ready(backend: str) -> bool:
    """Whether ``backend`` has finished loading in this process (starts loading it if not started)."""
    return _loader(backend).ready.is_set()


def shared_embedder(backend: str) -> tuple[CachingEmbedder, str]:
    """The process-wide caching embedder of ``backend`` (waits for the background load), and a warning
    when it had to fall back to word hashing."""
    loader = _loader(backend)
    loader.ready.wait()
    assert loader.embedder is not None  # set before ready
    return loader.embedder, loader.fallback


def _ready_embedder(backend: str) -> CachingEmbedder:
    """``shared_embedder`` for a page: shows the loading status while the model loads."""
    loader = _loader(backend)
    if not loader.ready.is_set():
        with st.spinner(
            "Loading the language model (once after the server starts; usually a few seconds)…",
            show_time=True,
        ):
            loader.ready.wait()
    embedder, fallback = shared_embedder(backend)
    if fallback:
        st.warning(fallback, icon=":material/warning:")
    return embedder


# --------------------------------------------------------------------------------------------------
# Compute slots: at most ``max_comparisons`` comparisons at once in this process


class ServerBusyError(RuntimeError):
    """No compute slot became free within the deployment's wait."""


class ComputeSlots:
    """A pool of ``capacity`` slots; a comparison takes ``weight`` of them (a large one takes them all)."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self.used = 0
        self.waiting = 0
        self._cond = threading.Condition()

    def acquire(self, weight: int, timeout: float) -> bool:
        """Takes ``weight`` slots, waiting up to ``timeout`` seconds; False when they did not free up."""
        weight = min(weight, self.capacity)
        deadline = time.monotonic() + timeout
        with self._cond:
            self.waiting += 1
            try:
                while self.used + weight > self.capacity:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        return False
                    self._cond.wait(left)
                self.used += weight
                return True
            finally:
                self.waiting -= 1

    def release(self, weight: int) -> None:
        with self._cond:
            self.used -= min(weight, self.capacity)
            self._cond.notify_all()


_slot_pools: dict[int, ComputeSlots] = {}
_held = threading.local()


def compute_slots() -> ComputeSlots:
    """The process-wide slot pool for the deployment's ``max_comparisons``."""
    capacity = deployment().max_comparisons
    with _registry_lock:
        return _slot_pools.setdefault(capacity, ComputeSlots(capacity))


def _weight(articles: tuple[Article, ...], capacity: int) -> int:
    return capacity if sum(len(a.text) for a in articles) > LARGE_COMPARISON_CHARS else 1


@contextlib.contextmanager
def compute_slot(
    articles: tuple[Article, ...], *, on_wait: Callable[[ComputeSlots], None] | None = None
) -> Iterator[None]:
    """Holds compute slots for a comparison of ``articles`` (re-entrant within one thread).

    Args:
        articles: What will be compared (a large comparison takes every slot).
        on_wait: Called once, before waiting, when no slot is free (e.g. to show a status).

    Raises:
        ServerBusyError: No slot freed up within the deployment's ``busy_wait_s``.
    """
    if getattr(_held, "depth", 0):
        _held.depth += 1
        try:
            yield
        finally:
            _held.depth -= 1
        return
    pool = compute_slots()
    weight = _weight(articles, pool.capacity)
    if not pool.acquire(weight, 0.0):
        if on_wait is not None:
            on_wait(pool)
        if not pool.acquire(weight, deployment().busy_wait_s):
            raise ServerBusyError(BUSY_MESSAGE)
    _held.depth = 1
    try:
        yield
    finally:
        _held.depth = 0
        pool.release(weight)


# --------------------------------------------------------------------------------------------------
# The process-wide comparison cache

Key = tuple[tuple[Article, ...], AlignConfig, str]


def _size(cmp: Comparison) -> int:
    """A rough size of a comparison in items (sentences, passages, links, facts; ~0.7 KB each measured
    on 60 synthetic sources: 48,000 links and facts held 33 MB)."""
    sentences = sum(len(s) for s in cmp.sentences.values())
    passages = sum(len(c.passages) for c in cmp.claims)
    return sentences + passages + len(cmp.links) + len(cmp.facts) + len(cmp.unique)


class ComparisonCache:
    """Comparisons by exact input, least recently used first out, bounded by entries, total size and age.

    The newest entry always stays (its session is reading it). A comparison being computed is registered,
    so a second session asking for the same input waits for it instead of computing it again.
    """

    def __init__(self, *, max_entries: int = 24, max_items: int = 250_000, ttl_s: float = 6 * 3600) -> None:
        self.max_entries = max_entries
        self.max_items = max_items
        self.ttl_s = ttl_s
        self._entries: OrderedDict[Key, tuple[Comparison, int, float]] = OrderedDict()
        self._running: dict[Key, threading.Event] = {}
        self._lock = threading.Lock()

    def get(self, key: Key) -> Comparison | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if time.monotonic() - entry[2] > self.ttl_s:
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return entry[0]

    def wait_running(self, key: Key) -> bool:
        """Waits while another thread computes ``key``; False at once when none does."""
        with self._lock:
            event = self._running.get(key)
        if event is None:
            return False
        event.wait()
        return True

    def get_or_compute(self, key: Key, compute: Callable[[], Comparison]) -> Comparison:
        """The cached comparison, else the one another thread is computing, else ``compute()``'s."""
        while True:
            with self._lock:
                entry = self._entries.get(key)
                if entry is not None and time.monotonic() - entry[2] <= self.ttl_s:
                    self._entries.move_to_end(key)
                    return entry[0]
                event = self._running.get(key)
                if event is None:
                    event = self._running[key] = threading.Event()
                    break
            event.wait()  # then loop: the result is cached, or that computation failed and we try
        try:
            cmp = compute()
            self._store(key, cmp)
            return cmp
        finally:
            with self._lock:
                del self._running[key]
            event.set()

    def _store(self, key: Key, cmp: Comparison) -> None:
        with self._lock:
            self._entries[key] = (cmp, _size(cmp), time.monotonic())
            self._entries.move_to_end(key)
            total = sum(size for _, size, _ in self._entries.values())
            while len(self._entries) > 1 and (
                len(self._entries) > self.max_entries or total > self.max_items
            ):
                _, (_, size, _) = self._entries.popitem(last=False)
                total -= size

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


_comparisons = ComparisonCache()


def cached_comparison(articles: tuple[Article, ...], config: AlignConfig, backend: str) -> Comparison:
    """The comparison of exactly these articles with these settings, computed at most once per process
    while cached (raises ``CompareError``; ``ServerBusyError`` when no compute slot frees up)."""

    key: Key = (articles, config, backend)
    hit = _comparisons.get(key)
    if hit is not None:
        return hit
    embedder, _ = shared_embedder(backend)

    def run() -> Comparison:
        return compare(articles, embedder, config, limits=deployment().limits, with_facts=True)

    # The slot is taken before the computation is registered, so a thread that waits for another's
    # computation never holds up the slot that computation needs.
    with compute_slot(articles):
        return _comparisons.get_or_compute(key, run)


# --------------------------------------------------------------------------------------------------
# The comparison for a page


def _texts_key(articles: tuple[Article, ...], backend: str) -> str:
    digest = hashlib.blake2b(backend.encode(), digest_size=16)
    for a in articles:
        digest.update(a.source_id.encode("utf-8", "replace") + b"\x00")
        digest.update(a.text.encode("utf-8", "replace") + b"\x01")
    return digest.hexdigest()


def _warm_embeddings(articles: tuple[Article, ...], embedder: CachingEmbedder, backend: str) -> None:
    """Embeds every sentence once with a progress bar, so the cached comparison finds all vectors."""
    key = _texts_key(articles, backend)
    if st.session_state.get(EMBEDDED_KEY) == key:
        return
    bar = st.progress(0.0, text="Reading the sources…")
    sentences = segment_all(articles, limits=deployment().limits)
    problems = check_work(sentences, deployment().limits)  # the work budget, before any embedding
    if problems:
        bar.empty()
        raise CompareError("; ".join(problems))
    total = sum(len(s) for s in sentences.values())

    def report(done: int, todo: int) -> None:
        bar.progress(min(done / max(todo, 1), 1.0), text=f"Embedding {todo:,} new of {total:,} sentences…")

    embed_all(sentences, embedder, progress=report)
    bar.empty()
    st.session_state[EMBEDDED_KEY] = key


def _show_waiting(placeholder: DeltaGenerator, pool: ComputeSlots) -> None:
    placeholder.info(
        f"The server is busy: {pool.used} of {pool.capacity} comparison slots are in use and "
        f"{pool.waiting} other request(s) wait. Yours starts as soon as one is free.",
        icon=":material/hourglass_top:",
    )


def _busy() -> None:
    st.warning(BUSY_MESSAGE, icon=":material/hourglass_top:")
    st.button("Try again", icon=":material/refresh:", key="busy_retry")


def current_comparison(articles: tuple[Article, ...], config: AlignConfig, backend: str) -> Comparison | None:
    """The comparison for the page, or None after telling the user why there is none."""
    problems = check_limits(articles, deployment().limits)
    if problems:
        st.error("Cannot compare: " + "; ".join(problems) + ".", icon=":material/block:")
        return None
    if len(articles) < 2:
        st.info(
            "Load at least two sources to compare them. The **Sources** page takes pasted text, "
            "files and links, and can reload the demo set.",
            icon=":material/info:",
        )
        st.page_link("views/sources.py", label="Go to Sources", icon=":material/library_books:")
        return None
    key: Key = (articles, config, backend)
    hit = _comparisons.get(key)
    if hit is not None:
        return hit
    embedder = _ready_embedder(backend)
    with st.spinner("Aligning passages and comparing facts…", show_time=True):
        # Another session computes exactly this (the demo set, for everyone arriving after a restart).
        if _comparisons.wait_running(key) and (hit := _comparisons.get(key)) is not None:
            return hit
    try:
        waiting = st.empty()
        with compute_slot(articles, on_wait=lambda pool: _show_waiting(waiting, pool)):
            waiting.empty()
            _warm_embeddings(articles, embedder, backend)
            with st.spinner("Aligning passages and comparing facts…", show_time=True):
                return cached_comparison(articles, config, backend)
    except ServerBusyError:
        _busy()
        return None
    except CompareError as exc:
        st.warning(f"Cannot compare: {exc}.", icon=":material/warning:")
        return None
