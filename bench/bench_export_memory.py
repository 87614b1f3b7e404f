"""Peak memory of the exports on a big synthetic story: the CLI end to end, and the export alone.

    python bench/bench_export_memory.py [--sources 100] [--backend onnx] [--repo PATH]

1. **CLI** (at most 60 sources, its limit): writes the synthetic story (``bench.bench.synthetic_story``:
   demo sentences reworded) as .txt files, runs ``python -m core compare DIR --out OUT`` in a child
   process and reports its peak RSS (``ru_maxrss`` of that child) and the size of what it wrote.
2. **Export alone**: in a child process, compares the same story, then resets the kernel's high-water
   mark and writes every table: the increment is what exporting costs on top of the comparison.

``--repo`` runs another checkout's code (e.g. ``git archive main | tar -x -C /tmp/before``) on the same
story, for before/after numbers. Prints a table; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _status_kib(field: str) -> int:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def write_story(n_sources: int, folder: Path) -> None:
    sys.path.insert(0, str(ROOT))
    from bench.bench import synthetic_story

    for art in synthetic_story(n_sources, []):
        (folder / f"{art.source_id}.txt").write_text(art.text, encoding="utf-8")


def run_cli(repo: Path, story: Path, out: Path, backend: str) -> dict[str, object]:
    cmd = [sys.executable, "-m", "core", "compare", str(story), "--out", str(out), "--backend", backend]
    env = {**os.environ, "PYTHONPATH": str(repo)}
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=repo, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    stdout = proc.stdout.read().decode() if proc.stdout else ""
    sizes = {p.name: p.stat().st_size for p in out.iterdir()} if out.is_dir() else {}
    return {
        "exit": proc.returncode,
        "wall_s": time.perf_counter() - started,
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "peak_mb": usage.ru_maxrss / 1024,
        "json_mb": sizes.get("comparison.json", 0) / 1e6,
        "files": len(sizes),
        "stdout_tail": stdout.strip().splitlines()[-1:] if stdout else [],
    }


def export_only(story: Path, out: Path, backend: str) -> None:
    """Child-process body: compare, reset the high-water mark, export; prints JSON numbers."""
    from core.config import Limits
    from core.embed import CachingEmbedder, load_embedder
    from core.export import write_tables
    from core.ingest import expand_paths, load_path
    from core.pipeline import compare

    arts = [load_path(p) for p in expand_paths([story])]
    # Past the app's 60 sources (the CLI's limit too), as the scale benchmark compares 100 and 200.
    big = Limits(max_sources=1000, max_total_chars=100_000_000)
    cmp = compare(arts, CachingEmbedder(load_embedder(backend)), limits=big)
    before = _status_kib("VmRSS") / 1024
    try:
        Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM to the current RSS
        reset = True
    except OSError:
        reset = False
    t0 = time.process_time()
    write_tables(cmp, out)
    cpu = time.process_time() - t0
    peak = _status_kib("VmHWM") / 1024
    print(json.dumps({"rss_before_mb": before, "export_peak_mb": peak, "increment_mb": peak - before,
                      "export_cpu_s": cpu, "hwm_reset": reset}))  # fmt: skip


def run_export_only(repo: Path, story: Path, out: Path, backend: str) -> dict[str, object]:
    code = (
        "import sys; from pathlib import Path; sys.path.insert(0, sys.argv[1]); "
        "sys.path.insert(0, sys.argv[2]); from bench_export_memory import export_only; "
        "export_only(Path(sys.argv[3]), Path(sys.argv[4]), sys.argv[5])"
    )
    cmd = [sys.executable, "-c", code, str(repo), str(ROOT / "bench"), str(story), str(out), backend]
    res = subprocess.run(cmd, cwd=repo, capture_output=True, text=True, check=False)
    lines = [ln for ln in res.stdout.splitlines() if ln.startswith("{")]
    if not lines:
        return {"error": res.stderr.strip().splitlines()[-1:] if res.stderr else "no output"}
    return dict(json.loads(lines[-1]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=int, default=100)
    parser.add_argument("--backend", default="onnx", choices=["onnx", "torch", "hashing"])
    parser.add_argument(
        "--repo", type=Path, default=ROOT, help="checkout whose code runs (default: this one)"
    )
    parser.add_argument("--skip-cli", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="nc-export-") as tmp:
        story = Path(tmp) / "story"
        story.mkdir()
        write_story(args.sources, story)
        print(f"story: {args.sources} sources, backend {args.backend}, code from {args.repo}")
        if not args.skip_cli and args.sources <= 60:
            cli = run_cli(args.repo.resolve(), story, Path(tmp) / "cli", args.backend)
            print("CLI  ", json.dumps(cli))
        alone = run_export_only(args.repo.resolve(), story, Path(tmp) / "alone", args.backend)
        print("export", json.dumps(alone))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
