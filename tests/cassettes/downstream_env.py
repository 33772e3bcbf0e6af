"""A fresh virtualenv with this repository installed from its wheel, as a downstream lab has it.

The dependencies are downloaded once per machine into a wheelhouse in the system temp dir
(keyed by the dependency list and the interpreter, guarded by an ``fcntl`` lock and an
atomically written ``ready`` marker, like ``tests/e2e/pydent_env.py``). Each call then builds
the wheel from a copy of the sources (nothing is written into the repository), creates a new
venv and installs the wheel from the wheelhouse without touching the network.

Only "pip cannot reach the package index" is not an error: it raises
:class:`DownstreamIndexUnreachable`, which the test turns into a skip.
"""

from __future__ import annotations

import fcntl
import hashlib
import importlib.metadata
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from e2e.pydent_env import index_unreachable, pip_environment

REPO = Path(__file__).resolve().parents[2]
SOURCES = ("pyproject.toml", "README.md", "aqsession", "aqfake")
#: The build backend, fetched into the wheelhouse so the wheel builds offline too.
BUILD_REQUIREMENTS = ("setuptools>=77",)
PIP_TIMEOUT_SECONDS = 30
DEADLINE_SECONDS = 900


class DownstreamSetupError(RuntimeError):
    """The venv could not be prepared for a reason other than an unreachable index."""


class DownstreamIndexUnreachable(RuntimeError):
    """pip could not contact the package index to fetch the dependencies."""


def _run(command: list[str], what: str, cwd: Path | None = None) -> str:
    try:
        done = subprocess.run(
            command,
            capture_output=True,
            text=True,
            env=pip_environment(),
            cwd=cwd,
            timeout=DEADLINE_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise DownstreamSetupError(f"{what} took longer than {DEADLINE_SECONDS}s") from exc
    log = done.stdout + done.stderr
    if done.returncode != 0:
        if index_unreachable(log):
            raise DownstreamIndexUnreachable(f"{what}: pip cannot reach the package index")
        raise DownstreamSetupError(f"{what} failed: {' '.join(command)}\n{log}")
    return log


def requirements() -> list[str]:
    """This project's runtime dependencies and its ``testing`` extra (as installed, from its
    metadata; a downstream lab installs ``aqsession[testing]``) plus the build backend; the
    ``test`` extra (this repository's own tools) is left out."""
    declared = importlib.metadata.requires("aqsession") or []
    wanted = [
        r.split(";")[0].strip()
        for r in declared
        if "extra ==" not in r or 'extra == "testing"' in r
    ]
    return [*wanted, *BUILD_REQUIREMENTS]


def wheelhouse(root: Path | None = None) -> Path:
    """The directory of dependency wheels, downloaded on first use."""
    wanted = requirements()
    key = hashlib.sha256(json.dumps([wanted, sys.version]).encode()).hexdigest()[:16]
    base = (root or Path(tempfile.gettempdir()) / "aqsession-downstream") / key
    base.mkdir(parents=True, exist_ok=True)
    wheels, marker = base / "wheels", base / "ready"
    if marker.exists():
        return wheels
    with open(base / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if marker.exists():
                return wheels
            shutil.rmtree(wheels, ignore_errors=True)
            _run(
                [
                    sys.executable, "-m", "pip", "download", "--dest", str(wheels),
                    "--retries", "2", "--timeout", str(PIP_TIMEOUT_SECONDS), *wanted,
                ],
                "downloading the dependencies",
            )  # fmt: skip
            temporary = marker.with_name(f"ready.{os.getpid()}.tmp")
            temporary.write_text(json.dumps({"requirements": wanted}))
            os.replace(temporary, marker)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return wheels


def build_wheel(wheels: Path, workdir: Path) -> Path:
    """Build this repository's wheel from a copy of its sources; returns the wheel file."""
    source = workdir / "source"
    for name in SOURCES:
        origin = REPO / name
        if origin.is_dir():
            shutil.copytree(
                origin, source / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
            )
        else:
            source.mkdir(parents=True, exist_ok=True)
            shutil.copy2(origin, source / name)
    dist = workdir / "dist"
    _run(
        [
            sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-index",
            "--find-links", str(wheels), "--wheel-dir", str(dist), str(source),
        ],
        "building the wheel",
    )  # fmt: skip
    (wheel,) = dist.glob("aqsession-*.whl")
    return wheel


def fresh_venv(workdir: Path) -> Path:
    """A new venv in ``workdir`` with this repository's wheel installed; its ``bin`` dir."""
    wheels = wheelhouse()
    wheel = build_wheel(wheels, workdir)
    venv = workdir / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], "creating the venv")
    _run(
        [
            sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install",
            "--no-index", "--find-links", str(wheels), f"{wheel}[testing]",
        ],
        "installing the wheel",
    )  # fmt: skip
    return venv / "bin"
