"""Score core.facts date normalisation on ESC v1.5 TIMEX values (prints; asserts nothing).

Data: ``../shared/eval/esc_timex/timex.jsonl`` relative to the repo root (never copied into the repo).
Scope: DATE expressions of documents with a creation date (DCT). For each gold expression we run our
grammar on its sentence with ``published = DCT`` and take the extracted date overlapping the gold
span; its TIMEX3 value is compared with the gold value (unpadded gold values are padded first).
Baseline: dateparser on the gold string with ``RELATIVE_BASE = DCT``, formatted at the period
dateparser reports (day / week / month / year).

Usage: ``python bench/timex_eval.py``
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from core.facts.dates import find_dates  # noqa: E402

DATA = ROOT.parent / "shared" / "eval" / "esc_timex" / "timex.jsonl"
SUPPORTED = re.compile(
    r"^(?:\d{4}(?:-\d{2}(?:-\d{2})?)?|\d{4}-W\d{2}|\d{4}-(?:SP|SU|FA|WI|Q[1-4]|H[12])|\d{3}X)$"
)


def pad_value(v: str) -> str:
    """Pad unpadded months/days of a gold value ("2009-12-7" -> "2009-12-07"); keep others as is."""
    m = re.match(r"^(\d{4})-(\d{1,2})(?:-(\d{1,2}))?$", v)
    if not m:
        return v
    out = f"{m.group(1)}-{int(m.group(2)):02d}"
    return out + (f"-{int(m.group(3)):02d}" if m.group(3) else "")


def parse_dct(s: str) -> dt.date | None:
    """Date part of a DCT value such as "2013-05-03T16:56Z" or "2009-12-6T00:28Z"."""
    m = re.match(r"^(\d{4})-(\d{1,2})-(\d{1,2})", s or "")
    if not m:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def ours(sentence: str, start: int, end: int, dct: dt.date) -> str | None:
    """Our TIMEX value for the date overlapping [start, end) of the sentence, or None."""
    best, best_overlap = None, 0
    for d in find_dates(sentence, published=dct):
        overlap = min(end, d.end) - max(start, d.start)
        if overlap > best_overlap:
            best, best_overlap = d, overlap
    return best.value.timex if best is not None else None


def baseline(text: str, dct: dt.date) -> str | None:
    """dateparser's value for the gold string, formatted at the period it reports."""
    import dateparser
    from dateparser.date import DateDataParser

    base = dt.datetime(dct.year, dct.month, dct.day, 12, 0)
    parser = DateDataParser(languages=["en"], settings={"RELATIVE_BASE": base})
    try:
        data = parser.get_date_data(text)
    except Exception:  # noqa: BLE001 - a baseline must not stop the run
        return None
    d = data.date_obj if data else None
    if d is None:
        d = dateparser.parse(text, settings={"RELATIVE_BASE": base})
        if d is None:
            return None
        return d.strftime("%Y-%m-%d")
    period = data.period or "day"
    if period == "year":
        return f"{d.year:04d}"
    if period == "month":
        return f"{d.year:04d}-{d.month:02d}"
    if period == "week":
        iso = d.isocalendar()
        return f"{iso[0]:04d}-W{iso[1]:02d}"
    return d.strftime("%Y-%m-%d")


def main() -> None:
    """Run the evaluation and print a small table."""
    if not DATA.exists():
        print(f"no data at {DATA}")
        return
    rows = [json.loads(line) for line in DATA.open(encoding="utf-8")]
    gold = [r for r in rows if r["type"] == "DATE" and r.get("value") and parse_dct(r.get("dct") or "")]
    t0 = time.perf_counter()
    n = covered = ok = 0
    n_sup = ok_sup = 0
    n_nodct = ok_nodct = 0
    misses: Counter[str] = Counter()
    for r in gold:
        dct = parse_dct(r["dct"])
        assert dct is not None
        value = pad_value(r["value"])
        got = ours(r["sentence"], r["start"], r["end"], dct)
        n += 1
        covered += got is not None
        hit = got == value
        ok += hit
        if SUPPORTED.match(value):
            n_sup += 1
            ok_sup += hit
        if not r["is_dct"]:
            n_nodct += 1
            ok_nodct += hit
        if not hit and len(misses) < 400:
            misses[f"{r['text']!r} gold={value} ours={got}"] += 1
    t_ours = time.perf_counter() - t0
    t0 = time.perf_counter()
    b_ok = b_sup = b_nodct = b_cov = 0
    for r in gold:
        dct = parse_dct(r["dct"])
        assert dct is not None
        value = pad_value(r["value"])
        got = baseline(r["text"], dct)
        b_cov += got is not None
        hit = got == value
        b_ok += hit
        b_sup += hit and bool(SUPPORTED.match(value))
        b_nodct += hit and not r["is_dct"]
    t_base = time.perf_counter() - t0

    def pct(a: int, b: int) -> str:
        return f"{100 * a / b:5.1f}% ({a}/{b})" if b else "n/a"

    print(f"ESC v1.5 DATE expressions with a DCT: {n} ({n_nodct} not the DCT mention itself)")
    print(f"{'':34}{'core.facts':>22}{'dateparser':>22}")
    print(f"{'value accuracy, all':34}{pct(ok, n):>22}{pct(b_ok, n):>22}")
    print(f"{'value accuracy, supported values':34}{pct(ok_sup, n_sup):>22}{pct(b_sup, n_sup):>22}")
    print(f"{'value accuracy, non-DCT mentions':34}{pct(ok_nodct, n_nodct):>22}{pct(b_nodct, n_nodct):>22}")
    print(f"{'coverage (some value produced)':34}{pct(covered, n):>22}{pct(b_cov, n):>22}")
    print(f"{'time (s)':34}{t_ours:>22.3f}{t_base:>22.3f}")
    print(
        "(ours extracts from the sentence; dateparser is handed the gold string, so its coverage is easier)"
    )
    print("\nsample misses (ours):")
    for line, _ in misses.most_common(25):
        print("  ", line)


if __name__ == "__main__":
    main()
