"""A smoke run of the benchmark harness, so that it never rots (no timing assertions)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from benchmarks import plots
from benchmarks.__main__ import main
from benchmarks.harness import DATA_DIR
from benchmarks.metrics import Prediction, Truth, adjusted_rand_index, block_scores, score

SYSTEMS = ("paradup", "paradup-exact", "brute-force", "datasketch")  # all installed by pip install -e ".[dev]"
OUTPUTS = ("results.jsonl", "table.md", "time_vs_size.png", "recall_by_kind.png", "memory_vs_size.png", "machine.json")


@pytest.fixture(scope="module")
def smoke(tmp_path_factory) -> tuple[Path, list[dict]]:
    out = tmp_path_factory.mktemp("bench") / "smoke"
    cache = out.parent / "corpora"
    code = main(["run", "--suite", "smoke", "--systems", ",".join(SYSTEMS), "--out", str(out), "--cache", str(cache),
                 "--jobs", "2"])  # fmt: skip
    assert code == 0
    rows = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    return out, rows


def synthetic(rows: list[dict], system: str) -> dict:
    return next(r for r in rows if r["system"] == system and r["corpus"] == "synthetic")


def test_smoke_run_writes_every_output_file(smoke):
    out, _ = smoke
    if plots.missing():  # matplotlib comes with the bench extra; the table says the plots were skipped
        assert "no plots" in (out / "table.md").read_text()
        names = [n for n in OUTPUTS if not n.endswith(".png")]
    else:
        names = list(OUTPUTS)
        assert (out / "time_vs_size.png").read_bytes()[:4] == b"\x89PNG"
    for name in names:
        assert (out / name).stat().st_size > 0, name


def test_every_row_names_its_system_corpus_and_size_and_scores_in_range(smoke):
    _, rows = smoke
    ok = [r for r in rows if r.get("status") == "ok"]
    assert {r["system"] for r in ok} == set(SYSTEMS)
    for r in ok:
        for key in ("system", "corpus", "size", "seconds", "para_per_s", "stages", "peak_rss_mb", "commit"):
            assert key in r, key
        for key in ("precision", "recall", "f1", "ari"):
            assert r[key] is None or -1 <= r[key] <= 1, (r["system"], key)
        for kind, values in r["per_kind"].items():
            for key in ("precision", "recall", "false_match_rate"):
                v = values.get(key)
                assert v is None or 0 <= v <= 1, (r["system"], kind, key)


def test_paradup_finds_every_exact_copy_and_the_brute_force_ceiling_is_perfect_on_them(smoke):
    _, rows = smoke
    assert synthetic(rows, "paradup")["per_kind"]["exact"]["recall"] == 1.0
    assert synthetic(rows, "brute-force")["per_kind"]["exact"]["recall"] == 1.0
    assert synthetic(rows, "paradup")["block_recall"] is not None


@pytest.mark.skipif(not (DATA_DIR / "seed").is_dir(), reason="shared/data is not next to the repository")
def test_seed_article_is_scored_against_its_labels(smoke):
    _, rows = smoke
    seed = next(r for r in rows if r["system"] == "paradup" and r["corpus"] == "seed")
    assert seed["per_kind"]["exact"]["recall"] == 1.0
    assert seed["blocks"] == 1


def test_table_lists_every_system_and_the_speed_caveat(smoke):
    out, _ = smoke
    table = (out / "table.md").read_text()
    for system in SYSTEMS:
        assert f"| {system} |" in table
    assert "ratios within one run" in table
    assert json.loads((out / "machine.json").read_text())["cores"] >= 1


def test_smoke_results_stay_out_of_the_repository(smoke):
    out, _ = smoke
    assert not str(out).startswith(str(Path(__file__).resolve().parents[1] / "benchmarks"))


def test_metrics_on_a_hand_made_case():
    # Paragraphs 0-5; truth: 0~1 exact, 2~3 edit, negative 4~5; one block 0-1 ~ 2-3 of another doc.
    truth = Truth(("exact", "edit", "negative"), np.array([0, 2, 4]), np.array([1, 3, 5]), np.array([0, 1, 2]), (),
                  ((0, 0, 1, 1, 0, 1),))  # fmt: skip
    # The system groups 0~1 (right) and 3~4 (wrong), misses 2~3, and reports the block reversed.
    pred = Prediction(np.array([[0, 1], [3, 4]]), [], [(1, 0, 1, 0, 0, 1)])
    s = score(truth, pred, 6)
    assert s["per_kind"]["exact"] == {"pairs": 1, "precision": 1.0, "recall": 1.0, "f1": 1.0}
    assert s["per_kind"]["edit"]["recall"] == 0.0 and s["per_kind"]["edit"]["precision"] == 0.0
    assert s["per_kind"]["negative"]["false_match_rate"] == 0.0
    assert s["precision"] == 0.5 and s["recall"] == 0.5
    assert s["pairs_precision"] == 0.5
    assert s["block_recall"] == 1.0
    assert block_scores(truth.blocks, None)["block_recall"] is None


def test_adjusted_rand_index_is_one_for_equal_partitions_and_symmetric():
    a = np.array([0, 0, 1, 1, 2, 3])
    b = np.array([1, 1, 0, 0, 2, 2])
    assert adjusted_rand_index(a, a) == 1.0
    assert adjusted_rand_index(a, b) == pytest.approx(adjusted_rand_index(b, a))
    assert adjusted_rand_index(a, b) < 1.0


def test_the_scale_run_measures_a_scan_and_its_report_without_the_harness(tmp_path, capsys):
    from benchmarks import scale

    assert scale.main([str(Path(__file__).parent / "data" / "legal"), "--jobs", "2", "--out", str(tmp_path)]) == 0
    row = json.loads((tmp_path / "results.jsonl").read_text())
    assert row["paragraphs"] > 20 and row["clusters"] > 0 and row["jobs"] == 2
    assert set(row["stages"]) >= {"read", "sketch", "verify", "blocks", "report"}
    assert row["peak_pss_mb"] is None or row["peak_pss_mb"] > 10
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results.jsonl"]  # report and stats cleaned up
    assert json.loads(capsys.readouterr().out)["paragraphs"] == row["paragraphs"]


def test_the_scale_run_records_the_machines_two_process_speed_up_when_asked(tmp_path, capsys):
    from benchmarks import scale

    docs = str(Path(__file__).parent / "data" / "legal")
    assert scale.main([docs, "--jobs", "1", "--no-memory", "--out", str(tmp_path)]) == 0
    assert scale.main([docs, "--jobs", "1", "--no-memory", "--probe", "--out", str(tmp_path)]) == 0
    plain, probed = (json.loads(line) for line in (tmp_path / "results.jsonl").read_text().splitlines())
    assert "machine_speedup" not in plain
    assert len(probed["machine_speedup"]) == 2 and all(isinstance(x, float) and x > 0 for x in probed["machine_speedup"])


def test_the_bucket_check_runs_and_a_repeated_footer_is_one_cluster(capsys):
    from benchmarks import buckets

    assert buckets.main(["300", "--kind", "exact", "--jobs", "1"]) == 0
    assert "'clusters': 1," in capsys.readouterr().out


def test_the_tree_pss_counts_what_a_process_holds():
    psutil = pytest.importorskip("psutil")
    import subprocess
    import sys

    from benchmarks.measure import _tree_pss

    code = "import sys, time; b = bytearray(50 * 2**20); print(flush=True); time.sleep(30)"
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        child.stdout.readline()  # its 50 MB are allocated and touched
        held = _tree_pss(psutil.Process(child.pid))
        if held is None:  # no /proc/PID/smaps_rollup: not Linux
            pytest.skip("PSS is read from Linux's /proc")
        assert 50 * 2**20 <= held < 200 * 2**20
    finally:
        child.kill()
        child.wait()


def test_the_tree_pss_counts_worker_results_waiting_in_shared_memory(monkeypatch, tmp_path):
    from benchmarks import measure

    spill = tmp_path / "paradup-test"
    spill.mkdir()
    (spill / "1-0").write_bytes(b"x" * 3_000_000)
    monkeypatch.setattr(measure, "SPILL_GLOB", str(tmp_path / "paradup-*" / "*"))
    assert 3_000_000 <= measure._spilled_bytes() < 3_100_000
