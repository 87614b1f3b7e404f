"""Concurrent browser sessions against one app server: ``python bench/load_test.py --sessions 8 12``.

The harness lives in ``tools/load_test.py`` (the slow test ``tests/test_load.py`` runs it too, and tests
never import ``bench/``); this is its command-line entry among the other benchmarks.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tools.load_test import main  # noqa: E402 - needs the path above

if __name__ == "__main__":
    main()
