"""Run a command and measure its wall time and the peak memory of its whole process tree.

The tree's resident memory is sampled every 50 ms with psutil: the RSS of
the process plus every descendant, summed.  Pages that forked workers share
copy-on-write with their parent are counted once per process, so the sum
can overstate what the tree really holds; ``ru_maxrss`` (reported by the
worker) gives the largest single process instead.  The tree's *proportional*
set size (PSS, from ``/proc/PID/smaps_rollup`` on Linux) is sampled too: a
shared page counts once in total, split between the processes sharing it,
so the PSS sum is what the tree really holds; paradup's worker results
waiting in ``/dev/shm`` (not yet mapped by any process) are added to it.  It is sampled once a second,
or less often when one sample takes longer than 20 ms (counting it stalls the measured process:
see :data:`PSS_SHARE`), so a run shorter than a second has none.  Peaks shorter than 50 ms (RSS)
or than the time between two PSS samples can be missed.  Without psutil only that single-process figure is known.
"""

from __future__ import annotations

import contextlib
import glob
import os
import signal
import subprocess
import time
from dataclasses import dataclass

POLL_SECONDS = 0.05
# Polls between two PSS samples.  Counting PSS walks the process's page tables
# under its memory-map lock, which stalls its allocations: sampled every 50 ms
# it slowed a 1e6-paragraph scan by 20% (33.5 s against 27.6 s).
PSS_EVERY = 20
# At most this share of the run is spent counting PSS: at 1e7 paragraphs (a 12 GB tree) one sample
# takes long enough that once a second slowed the scan by 10-15% (106-120 s against 91 s unmeasured).
PSS_SHARE = 0.02
# A sample takes about this long per GB of the tree's RSS, and at most this long beyond; one that takes
# longer was stalled (the machine, not the tree), and is not let put off the next sample by more than
# PSS_SHARE allows of that (a 1e6 scan's sampler once waited past the run's end and missed its peak).
PSS_SECONDS_PER_GB = 0.02
PSS_SECONDS_BASE = 0.05


@dataclass(frozen=True)
class Measured:
    returncode: int | None  # None: killed at the timeout
    wall_seconds: float
    peak_tree_rss_mb: float | None
    stderr: str
    peak_tree_pss_mb: float | None = None


def _tree_rss(proc) -> int:
    import psutil

    total = 0
    try:
        members = [proc, *proc.children(recursive=True)]
    except psutil.Error:
        return 0
    for p in members:
        try:
            total += p.memory_info().rss
        except psutil.Error:
            pass
    return total


def _tree_pss(proc) -> int | None:
    """Sum the proportional set size of the tree (Linux only; None elsewhere)."""
    import psutil

    try:
        members = [proc, *proc.children(recursive=True)]
    except psutil.Error:
        return 0
    total = 0
    for p in members:
        try:
            with open(f"/proc/{p.pid}/smaps_rollup", "rb") as f:
                for line in f:
                    if line.startswith(b"Pss:"):
                        total += int(line.split()[1]) * 1024
                        break
        except FileNotFoundError:
            if not os.path.exists("/proc/self/smaps_rollup"):
                return None
        except OSError:
            pass
    return total + _spilled_bytes()


SPILL_GLOB = "/dev/shm/paradup-*/*"


def _spilled_bytes() -> int:
    """Bytes of paradup's workers' results waiting in shared memory, not yet mapped by any process.

    (paradup.parallel's ``spill``: a mapped file is unlinked at once, and
    counted in its process's PSS from then on.)
    """
    total = 0
    for path in glob.glob(SPILL_GLOB):
        with contextlib.suppress(OSError):
            total += os.stat(path).st_blocks * 512
    return total


def run_measured(cmd: list[str], timeout: float, env: dict | None = None, memory: bool = True) -> Measured:
    """Run ``cmd`` in its own session; kill its process group after ``timeout`` seconds.

    Without ``memory`` nothing is sampled (both peaks None): sampling takes
    about 5% of a core (psutil walks /proc for the tree every 50 ms) and
    each PSS sample stalls the measured process, so a run that uses every
    core is timed best without it.
    """
    try:
        import psutil
    except ImportError:
        psutil = None
    if not memory:
        psutil = None
    began = time.perf_counter()
    with open(os.devnull, "wb") as devnull:
        popen = subprocess.Popen(cmd, stdout=devnull, stderr=subprocess.PIPE, env=env, start_new_session=True)
    err_chunks: list[bytes] = []
    import threading

    reader = threading.Thread(target=lambda: err_chunks.append(popen.stderr.read()), daemon=True)
    reader.start()
    handle = psutil.Process(popen.pid) if psutil else None
    peak = 0
    peak_pss: int | None = 0
    returncode = None
    pss_samples = 0
    next_pss = began + PSS_EVERY * POLL_SECONDS
    while True:
        if handle is not None:
            peak = max(peak, _tree_rss(handle))
            if peak_pss is not None and time.perf_counter() >= next_pss:
                sampled = time.perf_counter()
                pss = _tree_pss(handle)
                took = time.perf_counter() - sampled
                took = min(took, PSS_SECONDS_BASE + PSS_SECONDS_PER_GB * peak / 2**30)
                next_pss = sampled + max(PSS_EVERY * POLL_SECONDS, took / PSS_SHARE)
                if pss is None:
                    peak_pss = None
                elif pss > 0:  # 0: the tree ended while it was read, a sample of nothing
                    peak_pss, pss_samples = max(peak_pss, pss), pss_samples + 1
        code = popen.poll()
        if code is not None:
            returncode = code
            break
        if time.perf_counter() - began > timeout:
            os.killpg(popen.pid, signal.SIGKILL)
            popen.wait()
            break
        time.sleep(POLL_SECONDS)
    wall = time.perf_counter() - began
    reader.join(timeout=5)
    stderr = b"".join(err_chunks).decode("utf-8", errors="replace")
    known = handle is not None and peak_pss is not None and pss_samples > 0  # runs under a second have none
    return Measured(returncode, wall, round(peak / 2**20, 1) if handle is not None else None, stderr,
                    round(peak_pss / 2**20, 1) if known else None)
