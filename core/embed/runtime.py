"""Thread counts for the compute libraries, chosen for small shared machines (2 cores on Streamlit Cloud).

Measured on 2 cores shared with other jobs (CPU-s; wall times were inflated by the other jobs):

* onnxruntime, one text per run: the 223 seed sentences took 1.68 CPU-s with one intra-op thread and 2.98
  with two (4.5 s vs 6.1 s wall): a sentence is too small a matrix to split, and the second thread spins.
* BLAS (numpy's OpenBLAS, used by alignment's matrix products): a warm re-run of the seeds (every vector
  cached) took 0.14-0.18 CPU-s with one thread and 0.39-0.47 with the library default of one per core
  (0.5-0.8 s vs 1.5-1.8 s wall).

With several visitors at once every comparison already has a core to itself, so one thread each is the
setting that never oversubscribes. ``NEWSCOMPARE_THREADS`` raises it for a single-user machine with cores
to spare.
"""

from __future__ import annotations

import logging
import os
import threading

THREADS_ENV = "NEWSCOMPARE_THREADS"

log = logging.getLogger(__name__)
_configured: set[int] = set()
_lock = threading.Lock()


def compute_threads() -> int:
    """Threads per compute library: ``$NEWSCOMPARE_THREADS`` (a whole number >= 1), else 1."""
    raw = os.environ.get(THREADS_ENV, "").strip()
    try:
        n = int(raw) if raw else 1
    except ValueError:
        log.warning("%s=%r is not a whole number; using 1 thread", THREADS_ENV, raw)
        return 1
    return max(1, n)


def limit_blas_threads(threads: int | None = None) -> int:
    """Limits BLAS (numpy's OpenBLAS or MKL) to ``threads`` for the rest of the process, once.

    Args:
        threads: Threads to allow; default ``compute_threads()``.

    Returns:
        The limit now in force.
    """
    n = threads or compute_threads()
    with _lock:
        if n not in _configured:
            # Imported only by processes that compute; threadpoolctl ships no type information.
            from threadpoolctl import threadpool_limits  # noqa: PLC0415

            threadpool_limits(limits=n, user_api="blas")
            _configured.clear()
            _configured.add(n)
    return n
