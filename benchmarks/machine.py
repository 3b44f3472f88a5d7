"""Describe the machine and software a run used: results name them."""

from __future__ import annotations

import os
import platform
import subprocess
from importlib import metadata
from pathlib import Path

#: Distributions whose versions every result names (missing ones are left out).
PACKAGES = (
    "paradup", "datasketch", "rapidfuzz", "numpy", "scipy", "rensa", "datatrove", "psutil", "matplotlib",
)  # fmt: skip
REPO = Path(__file__).resolve().parents[1]


def cpu_model() -> str:
    """Return the CPU model name from /proc/cpuinfo (or the platform's guess)."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def memory_gib() -> float | None:
    """Return the total memory in GiB from /proc/meminfo."""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 2**20, 1)
    except OSError:
        pass
    return None


def git_commit(short: bool = False) -> str | None:
    """Return ``git rev-parse HEAD`` of the repository (with ``+dirty`` if files changed: any but the
    benchmark results, which each run appends to)."""
    try:
        head = subprocess.run(["git", "rev-parse", *(["--short"] if short else []), "HEAD"], cwd=REPO,
                              capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no", "--", ".",
                                ":(exclude)benchmarks/results"], cwd=REPO,
                               capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
    except (OSError, subprocess.CalledProcessError):
        return None
    return head + ("+dirty" if dirty else "")


def versions() -> dict[str, str]:
    out = {}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            pass
    return out


def describe() -> dict:
    """Return cores, memory, CPU, OS, Python, library versions and the git commit."""
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        usable = os.cpu_count()
    return {
        "cpu": cpu_model(), "cores": os.cpu_count(), "usable_cores": usable, "memory_gib": memory_gib(),
        "os": platform.platform(), "python": platform.python_version(), "versions": versions(),
        "commit": git_commit(), "commit_short": git_commit(short=True),
    }  # fmt: skip


def summary(m: dict) -> str:
    """One line naming the machine, for tables."""
    return (f"{m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB, Python {m['python']}, "
            f"commit {m['commit_short']}")  # fmt: skip
