"""The systems the harness compares, one module each, all with the same entry point.

Each module defines ``SUMMARY`` (one line for the table legend),
``REQUIRES`` (import names that must be installed), ``imports()`` (imports
the heavy libraries, timed apart as ``import``) and
``run(docs_dir, jobs) -> Outcome``; it imports nothing heavy at module level.  ``run`` gets the folder of plain-text
documents and returns what the system found in gid space
(:mod:`benchmarks.units`), with its own stage timings.  The worker process
(:mod:`benchmarks.worker`) times ``run`` end to end; the ``glue`` stage
(translating the system's output to gids) is reported but left out of it.
"""

from __future__ import annotations

import importlib
import importlib.util
import time
from contextlib import contextmanager
from dataclasses import dataclass, field

from benchmarks.metrics import Prediction

#: Module name under ``benchmarks.systems`` for every system name, in table order.
SYSTEMS = {
    "paradup": "paradup_default",
    "paradup-exact": "paradup_exact",
    "brute-force": "brute",
    "datasketch": "datasketch_lsh",
    "rensa": "rensa_lsh",
    "datatrove": "datatrove_minhash",
    "dolma": "dolma_paragraphs",
}
#: Systems run when ``--systems`` is not given and they are installed.
DEFAULT_SYSTEMS = tuple(SYSTEMS)


@dataclass
class Outcome:
    """What ``run`` returns: the prediction and seconds per stage."""

    prediction: Prediction
    stages: dict[str, float] = field(default_factory=dict)
    notes: str = ""


@contextmanager
def stage(stages: dict[str, float], name: str):
    """Add the seconds spent in the ``with`` body to ``stages[name]``."""
    start = time.perf_counter()
    yield
    stages[name] = stages.get(name, 0.0) + time.perf_counter() - start


def load(name: str):
    """Import the module of system ``name``."""
    if name not in SYSTEMS:
        raise KeyError(f"unknown system {name!r}; choose from {', '.join(SYSTEMS)}")
    return importlib.import_module(f"benchmarks.systems.{SYSTEMS[name]}")


def missing(name: str) -> str | None:
    """Return why system ``name`` cannot run here (a missing package or tool), or None."""
    module = load(name)
    for package in module.REQUIRES:
        if importlib.util.find_spec(package) is None:
            return f"{package} is not installed (pip install -e '.[bench]')"
    probe = getattr(module, "unavailable", None)
    return probe() if probe else None
