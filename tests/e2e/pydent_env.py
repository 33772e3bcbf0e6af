"""Build, once per machine, the virtualenv that holds unmodified pydent 1.0.11.

The venv lives in ``<repo>/.pydent-venv/venv`` so the end-to-end tests can run the official
client in its own interpreter, with nothing of this repository importable. Several pytest-xdist
workers may ask for it at the same moment: they serialise on an ``fcntl`` lock and trust only an
atomically written ``ready`` marker, so a half-built venv (a killed run) is rebuilt, never used.

The one failure that is not an error is "pip cannot reach the package index" (an offline
machine): it raises :class:`PydentIndexUnreachable`, which the fixtures turn into a skip.
Everything else raises :class:`PydentSetupError` with pip's full output.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_ROOT = REPO_ROOT / ".pydent-venv"
REQUIREMENTS = Path(__file__).with_name("pydent-requirements.txt")
PYDENT_VERSION = "1.0.11"

PIP_TIMEOUT_SECONDS = 30
INSTALL_DEADLINE_SECONDS = 900

# Phrases pip/urllib3 print when the index cannot be contacted at all (DNS, refused, timeout,
# proxy, TLS interception). Only these turn a failed install into a skip.
UNREACHABLE_SIGNATURES = (
    "Failed to establish a new connection",
    "Temporary failure in name resolution",
    "Name or service not known",
    "Network is unreachable",
    "No route to host",
    "Connection refused",
    "ConnectTimeoutError",
    "Read timed out",
    "ProxyError",
    "Could not fetch URL",
    "SSLError",
)

# pip's final words when a download was impossible; needed together with a signature above so a
# transient retry warning before an unrelated failure (a broken build) is not taken for offline.
GAVE_UP_PHRASES = (
    "No matching distribution found",
    "Could not install packages due to an OSError",
)


class PydentSetupError(RuntimeError):
    """The pydent venv could not be built for a reason other than an unreachable index."""


class PydentIndexUnreachable(RuntimeError):
    """pip could not contact the package index, so pydent cannot be installed here."""


@dataclass(frozen=True)
class PydentEnv:
    """A ready venv: its interpreter and how long the build took (0 when reused)."""

    python: Path
    build_seconds: float


def _recipe_fingerprint(requirements: Path, base_python: str) -> str:
    """Identify what the venv was built from: the requirement pins and the base interpreter."""
    probe = subprocess.run(
        [base_python, "-c", "import sys; print(sys.version)"],
        capture_output=True,
        text=True,
        check=True,
    )
    digest = hashlib.sha256(requirements.read_bytes())
    digest.update(probe.stdout.encode())
    return digest.hexdigest()


def _read_marker(marker: Path) -> dict[str, object] | None:
    try:
        data = json.loads(marker.read_text())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _write_marker(marker: Path, content: dict[str, object]) -> None:
    """Write the ready marker so that readers see either nothing or the whole file."""
    tmp = marker.with_name(f"{marker.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(content, indent=2))
    os.replace(tmp, marker)


def _venv_python(venv: Path) -> Path:
    return venv / "bin" / "python"


def _is_ready(root: Path, fingerprint: str) -> bool:
    marker = _read_marker(root / "ready")
    return (
        marker is not None
        and marker.get("fingerprint") == fingerprint
        and _venv_python(root / "venv").exists()
    )


def pip_environment() -> dict[str, str]:
    """The environment of a pip or venv run: nothing of this repository's Python path, and pip
    neither asking questions nor checking for its own updates."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env.update(PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_NO_INPUT="1")
    return env


def _run(cmd: list[str], what: str) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(
            cmd,
            capture_output=True,
            text=True,
            env=pip_environment(),
            timeout=INSTALL_DEADLINE_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise PydentSetupError(
            f"{what} did not finish within {INSTALL_DEADLINE_SECONDS}s: {' '.join(cmd)}"
        ) from exc


def _build(root: Path, requirements: Path, base_python: str) -> None:
    """Create ``root/venv`` from scratch and install the pinned requirements into it.

    The venv is made ``--without-pip`` (ensurepip costs seconds) and filled by the base
    interpreter's pip through ``pip --python`` (pip >= 22.3), so it holds only pydent's set.
    """
    venv = root / "venv"
    if venv.exists():
        shutil.rmtree(venv)
    made = _run([base_python, "-m", "venv", "--without-pip", str(venv)], "creating the venv")
    if made.returncode != 0:
        raise PydentSetupError(
            f"`{base_python} -m venv --without-pip {venv}` failed (is the venv module installed "
            f"for this Python?):\n{made.stdout}{made.stderr}"
        )
    install = _run(
        [
            base_python,
            "-m",
            "pip",
            "--python",
            str(_venv_python(venv)),
            "install",
            "--retries",
            "2",
            "--timeout",
            str(PIP_TIMEOUT_SECONDS),
            "-r",
            str(requirements),
        ],
        "pip install of pydent",
    )
    if install.returncode != 0:
        log = install.stdout + install.stderr
        if index_unreachable(log):
            raise PydentIndexUnreachable(
                "pip cannot reach the package index, so pydent "
                f"{PYDENT_VERSION} cannot be installed: {_last_error_line(log)}"
            )
        raise PydentSetupError(
            f"pip could not install {requirements} into {venv}; "
            f"fix the pins or the environment and rerun:\n{log}"
        )
    check = _run(
        [str(_venv_python(venv)), "-c", "import pydent; print(pydent.__version__)"],
        "importing pydent",
    )
    if check.returncode != 0 or check.stdout.strip() != PYDENT_VERSION:
        raise PydentSetupError(
            f"pydent installed but does not import as version {PYDENT_VERSION}:\n"
            f"{check.stdout}{check.stderr}"
        )


def index_unreachable(pip_log: str) -> bool:
    """True when pip gave up because it could not contact the index, not for any other reason."""
    gave_up = any(phrase in pip_log for phrase in GAVE_UP_PHRASES)
    return gave_up and any(sig in pip_log for sig in UNREACHABLE_SIGNATURES)


def _last_error_line(log: str) -> str:
    errors = [line for line in log.splitlines() if line.startswith(("ERROR", "WARNING: Retry"))]
    return errors[-1] if errors else log.strip().splitlines()[-1]


def ensure_pydent_env(
    root: Path = DEFAULT_ROOT,
    requirements: Path = REQUIREMENTS,
    base_python: str = sys.executable,
) -> PydentEnv:
    """Return the pydent venv under ``root``, building it first if it is missing or stale.

    Safe to call from many processes at once: one builds while the others wait on the lock,
    then all reuse the result. Raises :class:`PydentIndexUnreachable` when offline and
    :class:`PydentSetupError` for any other failure.
    """
    root.mkdir(parents=True, exist_ok=True)
    fingerprint = _recipe_fingerprint(requirements, base_python)
    python = _venv_python(root / "venv")
    if _is_ready(root, fingerprint):
        return PydentEnv(python=python, build_seconds=0.0)
    with open(root / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if _is_ready(root, fingerprint):
                return PydentEnv(python=python, build_seconds=0.0)
            (root / "ready").unlink(missing_ok=True)
            started = time.monotonic()
            _build(root, requirements, base_python)
            seconds = round(time.monotonic() - started, 2)
            _write_marker(
                root / "ready",
                {
                    "fingerprint": fingerprint,
                    "pydent": PYDENT_VERSION,
                    "base_python": base_python,
                    "build_seconds": seconds,
                },
            )
            return PydentEnv(python=python, build_seconds=seconds)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
