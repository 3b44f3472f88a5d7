from __future__ import annotations

import os
import sys
import time

import numpy as np
import pytest

from paradup import parallel
from paradup.parallel import map_shared

pytestmark = pytest.mark.skipif(not parallel.can_fork(), reason="workers are forked processes")


def arrays(shared: int, part: int) -> dict:
    big = np.arange(part * 10_000, dtype=np.int64) + shared  # spilled
    return {"big": big, "wide": np.ones((3, part * 5_000), dtype=np.uint64)[:, ::2], "small": np.arange(part),
            "text": f"part {part}", "nested": [big[:3], (part, np.float32(0.5))]}


def check(results: list[dict], shared: int = 7) -> None:
    for part, got in zip(range(1, 5), results):
        want = arrays(shared, part)
        assert np.array_equal(got["big"], want["big"]) and got["big"].dtype == np.int64
        assert np.array_equal(got["wide"], want["wide"]) and np.array_equal(got["small"], want["small"])
        assert got["text"] == want["text"] and np.array_equal(got["nested"][0], want["nested"][0])
        assert got["nested"][1] == want["nested"][1]
        got["big"][0] = -1  # the arrays are this process's to change


def test_large_arrays_come_back_through_shared_memory_and_the_files_go(monkeypatch):
    made = []
    monkeypatch.setattr(parallel, "_spill_dir", lambda: made.append(parallel.tempfile.mkdtemp(dir=parallel._SPILL_ROOT)) or made[-1])
    if not os.path.isdir(parallel._SPILL_ROOT):
        pytest.skip("no /dev/shm here: results come back through the pipe (tested below)")
    spilled = []
    restore = parallel._restore
    monkeypatch.setattr(parallel, "_restore", lambda r: spilled.append(isinstance(r, parallel._Spill)) or restore(r))
    check(map_shared(arrays, 7, [1, 2, 3, 4], jobs=2, spill=True))
    assert spilled == [True] * 2  # the worker's parts; this process computes the other two itself
    assert made and not os.path.exists(made[0])


def test_results_come_back_through_the_pipe_when_shared_memory_is_full_or_missing(monkeypatch):
    def full(self, obj):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(parallel._Spiller, "persistent_id", full)
    check(map_shared(arrays, 7, [1, 2, 3, 4], jobs=2, spill=True))
    monkeypatch.setattr(parallel, "_SPILL_ROOT", "/nonexistent/shm")
    check(map_shared(arrays, 7, [1, 2, 3, 4], jobs=2, spill=True))


def dies_in_a_worker(parent: int, part: int) -> int:
    if os.getpid() != parent:
        os._exit(3)  # killed, say, by the kernel for want of memory
    return part


def test_a_worker_that_dies_in_a_stage_fails_the_stage_instead_of_hanging():
    with pytest.raises(RuntimeError, match="worker process died"):
        map_shared(dies_in_a_worker, os.getpid(), list(range(6)), jobs=2)


def fails_here(parent: int, part: int) -> int:
    if os.getpid() == parent and part == 0:
        raise ValueError("this process's part failed")
    import time

    time.sleep(5)  # a worker's part still running
    return part


def test_a_stage_that_fails_here_stops_its_workers_at_once():
    import time

    began = time.perf_counter()
    with pytest.raises(ValueError, match="part failed"):
        map_shared(fails_here, os.getpid(), list(range(6)), jobs=2)
    assert time.perf_counter() - began < 4



def sends_half_a_result(shared, part: int) -> None:
    import struct
    import sys
    import time

    parent, sent = shared
    if os.getpid() == parent:
        assert sent.wait(20)
        raise KeyboardInterrupt  # Ctrl-C while the worker is half-way through sending its result
    frame = sys._getframe()
    while "result_queue" not in frame.f_locals:  # the executor's worker loop, which sends results
        frame = frame.f_back
    frame.f_locals["result_queue"]._writer._send(struct.pack("!i", 1000))  # a result's length, then nothing
    sent.set()
    time.sleep(60)


def test_a_worker_stopped_while_sending_its_result_leaves_no_thread_waiting_forever():
    import multiprocessing
    import threading
    import time

    before = set(threading.enumerate())
    sent = multiprocessing.get_context("fork").Event()
    with pytest.raises(KeyboardInterrupt):
        map_shared(sends_half_a_result, (os.getpid(), sent), [0, 1], jobs=2)
    left = [t for t in threading.enumerate() if t not in before]
    deadline = time.monotonic() + 10
    for thread in left:  # the executor's threads: Python's exit joins them, so they must end
        thread.join(max(0.0, deadline - time.monotonic()))
    assert not [t for t in left if t.is_alive()]


_KILLED_SCRIPT = """
import os, sys, time
from paradup.parallel import map_shared

MAIN = os.getpid()

def work(folder, part):
    if os.getpid() != MAIN:  # a worker: say who it is, then work for a minute
        open(os.path.join(folder, str(os.getpid())), "w").close()
    time.sleep(60)

map_shared(work, sys.argv[1], [0, 1], jobs=2)
"""


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/status") as status:
            return not any(line.startswith("State:") and "Z" in line for line in status)  # a zombie is dead
    except FileNotFoundError:
        return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl(PR_SET_PDEATHSIG) and /proc are Linux's")
def test_workers_die_with_a_scan_killed_outright(tmp_path):
    """A scan killed with SIGKILL cannot stop its workers; Linux does (they work for a minute here)."""
    import signal
    import subprocess
    import time

    script = tmp_path / "killed.py"
    script.write_text(_KILLED_SCRIPT)
    folder = tmp_path / "pids"
    folder.mkdir()
    main = subprocess.Popen([sys.executable, str(script), str(folder)])
    try:
        deadline = time.monotonic() + 30
        while not list(folder.iterdir()) and time.monotonic() < deadline:
            time.sleep(0.05)
        workers = [int(p.name) for p in folder.iterdir()]
        assert workers and all(_alive(pid) for pid in workers)
        main.send_signal(signal.SIGKILL)
        main.wait()
        deadline = time.monotonic() + 10
        while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not any(_alive(pid) for pid in workers)
    finally:
        main.kill()
        for pid in [int(p.name) for p in folder.iterdir()]:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)


def test_a_stage_removes_the_shared_memory_folders_of_scans_that_died_and_only_those(tmp_path, monkeypatch):
    import subprocess
    import sys

    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True)
    dead, alive = tmp_path / f"paradup-{int(gone.stdout)}-abc", tmp_path / f"paradup-{os.getppid()}-def"
    others = [tmp_path / "paradup-xyz", tmp_path / "paradup-99999999999999999999-x", tmp_path / "other-1-2"]
    for folder in [dead, alive, *others]:
        folder.mkdir()
        (folder / "result").write_bytes(b"x" * 100)
    monkeypatch.setattr(parallel, "_SPILL_ROOT", str(tmp_path))
    made = parallel._spill_dir()
    assert made is not None and os.path.basename(made).startswith(f"paradup-{os.getpid()}-")
    assert not dead.exists() and alive.exists() and all(f.exists() for f in others)
    parallel._remove(made)


def test_helpers_return_every_result_in_order_and_raise_the_first_parts_error():
    import threading

    from paradup.parallel import Helpers

    def work(n):
        if n in (7, 3):
            raise ValueError(f"part {n}")
        return n * n

    helpers = Helpers(lambda n: n * n, threads=2)
    for n in range(50):
        helpers.add(n)
    assert helpers.finish() == [n * n for n in range(50)]
    failing = Helpers(work, threads=2)
    for n in range(20):
        failing.add(n)
    with pytest.raises(ValueError, match="part 3"):
        failing.finish()
    assert not [t for t in threading.enumerate() if t.name.startswith("paradup-helper")]


def test_helpers_in_order_yield_every_result_in_order_and_raise_a_parts_error_at_its_turn():
    import threading

    from paradup.parallel import Helpers

    def work(n):
        if n == 13:
            raise ValueError(f"part {n}")
        return n * n

    helpers = Helpers(lambda n: n * n, threads=2)
    for n in range(60):
        helpers.add(n)
    assert list(helpers.in_order()) == [n * n for n in range(60)]
    failing, got = Helpers(work, threads=2), []
    for n in range(40):
        failing.add(n)
    with pytest.raises(ValueError, match="part 13"):
        for result in failing.in_order():
            got.append(result)
    assert got == [n * n for n in range(13)]  # every result before the failed part, none after
    assert not [t for t in threading.enumerate() if t.name.startswith("paradup-helper")]


def test_helpers_stop_at_once_when_this_thread_is_interrupted():
    """Ctrl-C while this thread does a part is not held back until every part is done: the parts not begun
    are dropped, and the helper threads end with the ones they had begun."""
    import threading
    import time

    from paradup.parallel import Helpers

    done, raised = [], []
    main = threading.current_thread()

    def work(n):
        if threading.current_thread() is main and not raised:
            raised.append(n)
            raise KeyboardInterrupt  # once: held back, this thread would go on with the other parts
        time.sleep(0.01)
        done.append(n)
        return n

    helpers = Helpers(work, threads=1)
    for n in range(200):
        helpers.add(n)
    with pytest.raises(KeyboardInterrupt):
        helpers.finish()
    assert len(done) < 190  # most parts never ran
    assert not [t for t in threading.enumerate() if t.name.startswith("paradup-helper")]


def test_map_threads_is_the_plain_map():
    from paradup.parallel import map_threads

    arrays = [np.arange(n) for n in range(30)]
    assert [a.tolist() for a in map_threads(lambda s, a: a * s, 3, arrays, jobs=2)] == [(a * 3).tolist() for a in arrays]
    assert map_threads(lambda s, a: s, 1, [], jobs=2) == []


@pytest.mark.parametrize("jobs", [1, 2, 3])
def test_map_threads_not_here_runs_every_part_in_jobs_other_threads(jobs):
    import threading

    from paradup.parallel import map_threads

    def part(_, n):
        time.sleep(0.002)  # long enough for every thread to take some
        return n, threading.get_ident()

    out = map_threads(part, None, list(range(40)), jobs=jobs, here=False)
    assert [n for n, _ in out] == list(range(40))
    threads = {ident for _, ident in out}
    assert threading.get_ident() not in threads
    assert 1 <= len(threads) <= jobs
    assert not [t for t in threading.enumerate() if t.name.startswith("paradup-helper")]


def test_freed_memory_is_kept_for_reuse_in_paradups_own_process():
    import subprocess

    # A child process (it changes its allocator for good): with glibc, arrays freed and made again reuse their
    # pages; a platform without glibc's mallopt is left as it is.
    script = (
        "import resource, sys, numpy as np\n"
        "from paradup.parallel import reuse_freed_memory\n"
        "applied = reuse_freed_memory()\n"
        "def faults():\n"
        "    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt\n"
        "keep = [np.ones(1 << 20) for _ in range(3)]\n"  # 8 MB arrays, freed in an order the heap cannot trim
        "del keep[0], keep[0]\n"
        "before = faults()\n"
        "again = [np.ones(1 << 20) for _ in range(2)]\n"
        "print(applied, faults() - before)\n"
    )
    applied, faults = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout.split()
    import platform

    if platform.libc_ver()[0] == "glibc":
        assert applied == "True" and int(faults) < 500  # about 1,000 pages of fresh memory without it, here
    else:
        assert applied == "False"
