"""Tests for paradup.cli: the ``paradup`` command, in-process and as a real program."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from paradup import __version__
from paradup.cli import main

DATA = Path(__file__).parent / "data"
ARTICLE = DATA / "peru-protests-article.txt"
LEGAL = DATA / "legal"
NO_REPEATS = LEGAL / "ca1851-nomatch.txt"

CSV_COLUMNS = [
    "cluster", "kind", "size", "representative", "doc", "path", "index", "line_start", "line_end",
    "char_start", "char_end", "words", "match_kind", "similarity", "jaccard", "containment", "preview",
]  # fmt: skip
PARAMS_KEYS = {"bands", "rows", "seed", "num_perm", "threshold", "scheme", "hash", "effective_threshold"}

REPEATED = "This paragraph is repeated word for word in the file so that paradup finds a cluster."
OTHER = "Another paragraph of plain words that appears exactly once and matches nothing else here."


def run(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    """Run ``paradup ARGS`` in-process; return the exit code, stdout and stderr."""
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_error_line(err: str) -> None:
    assert err.endswith("\n")
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("Error: ")
    assert "Traceback" not in err


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def script() -> str:
    """Return the installed ``paradup`` console script, next to this Python if there is one."""
    beside = Path(sys.executable).parent / "paradup"
    found = str(beside) if beside.exists() else shutil.which("paradup")
    assert found, "the paradup console script is not installed (pip install -e .)"
    return found


def run_program(*args: str | Path, via: str = "script", **kwargs) -> subprocess.CompletedProcess[str]:
    """Run paradup as a separate program: the console script or ``python -m paradup``."""
    head = [script()] if via == "script" else [sys.executable, "-m", "paradup"]
    return subprocess.run([*head, *map(str, args)], capture_output=True, text=True, encoding="utf-8",
                          timeout=120, **kwargs)


def curve(out: str) -> list[tuple[float, float]]:
    """Parse the ``jaccard  P(candidate)`` table that ``paradup params`` prints."""
    rows = re.findall(r"^  (\d\.\d)\s+(\d\.\d{4})", out, flags=re.MULTILINE)
    return [(float(s), float(p)) for s, p in rows]


# --- version and help ----------------------------------------------------------


def test_version_prints_the_package_version(capsys):
    code, out, err = run(capsys, "--version")
    assert code == 0
    assert out == f"paradup {__version__}\n"
    assert err == ""


@pytest.mark.parametrize("flag", ["-h", "--help"])
def test_app_help_lists_every_command(capsys, flag):
    code, out, err = run(capsys, flag)
    assert code == 0
    assert out.startswith("Usage: paradup")
    for command in ("scan", "compare", "params"):
        assert re.search(rf"^\s+{command}\s", out, flags=re.MULTILINE), command
    assert "--version" in out
    assert err == ""


def test_no_arguments_shows_the_help_and_exits_0(capsys):
    code, out, err = run(capsys)
    assert code == 0
    assert "Usage: paradup" in out
    assert "scan" in out and "compare" in out and "params" in out
    assert "Error" not in err


@pytest.mark.parametrize("flag", ["-h", "--help"])
@pytest.mark.parametrize(
    "command, options",
    [
        ("scan", ["--format", "--output", "-o", "--threshold", "--num-perm", "--seed", "--shingle-size",
                  "--min-words", "--min-similarity", "--min-containment", "--include", "--exclude",
                  "--text-field", "--hidden", "--no-timings", "--fail-on-duplicates"]),
        ("compare", ["--format", "--threshold", "--num-perm", "--seed", "--shingle-size", "--min-similarity",
                     "--min-containment"]),
        ("params", ["--threshold", "--num-perm", "--bands", "--rows"]),
    ],
)
def test_every_command_help_mentions_each_of_its_options(capsys, flag, command, options):
    code, out, err = run(capsys, command, flag)
    assert code == 0
    assert out.startswith(f"Usage: paradup {command}")
    for option in options:
        assert re.search(rf"(?<![\w-]){re.escape(option)}(?![\w-])", out), option
    assert err == ""


def test_compare_help_offers_only_the_formats_compare_accepts(capsys):
    code, out, _ = run(capsys, "compare", "--help")
    assert code == 0
    format_help = " ".join(out[out.index("--format"):out.index("--threshold")].split())
    # compare refuses csv (below), so its help must not offer csv for compare.
    assert "csv" not in format_help or "compare: text or json" in format_help
    code, _, err = run(capsys, "compare", f"{ARTICLE}:47", f"{ARTICLE}:115", "--format", "csv")
    assert code == 2
    assert_one_error_line(err)


# --- scan: formats and where the report goes ------------------------------------


def test_scan_writes_the_text_report_to_stdout_and_nothing_to_stderr(capsys):
    code, out, err = run(capsys, "scan", ARTICLE)
    assert code == 0
    assert err == ""
    assert out.startswith(f"paradup {__version__}: 1 document, 94 paragraphs")
    assert "37 bands x 3 rows" in out
    assert "Seconds: " in out  # timings are on by default
    assert "Block 0: peru-protests-article.txt [22-32] lines 45-65" in out
    assert "peru-protests-article.txt [56-66] lines 113-133" in out
    assert re.search(r"^  Cluster 1 \(near, 3 paragraphs", out, flags=re.MULTILINE)


def test_scan_json_has_the_documented_keys(capsys):
    code, out, err = run(capsys, "scan", ARTICLE, "--format", "json")
    assert code == 0
    assert err == ""
    report = json.loads(out)
    assert {"schema_version", "version", "params", "stats", "documents", "clusters", "matches",
            "blocks"} <= report.keys()
    assert report["schema_version"] == 1
    assert report["version"] == __version__
    assert PARAMS_KEYS <= report["params"].keys()
    assert (report["params"]["bands"], report["params"]["rows"]) == (37, 3)
    assert report["params"]["threshold"] == 0.3
    assert report["params"]["effective_threshold"] == pytest.approx((1 / 37) ** (1 / 3), abs=1e-4)
    assert "seconds" in report["stats"]
    assert [d["id"] for d in report["documents"]] == ["peru-protests-article.txt"]
    assert len(report["clusters"]) == 14
    assert len(report["blocks"]) == 1


def test_scan_csv_has_a_header_then_one_row_per_cluster_member(capsys):
    code, out, err = run(capsys, "scan", ARTICLE, "-f", "csv")
    assert code == 0
    assert err == ""
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == CSV_COLUMNS
    body = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    assert all(len(row) == len(CSV_COLUMNS) for row in rows)
    code, out, _ = run(capsys, "scan", ARTICLE, "-f", "json")
    clusters = json.loads(out)["clusters"]
    assert len(body) == sum(c["size"] for c in clusters) == 31
    assert [(int(r["cluster"]), int(r["index"])) for r in body] == [
        (c["id"], m["index"]) for c in clusters for m in c["members"]
    ]


def test_output_option_writes_the_file_and_nothing_to_stdout(capsys, tmp_path):
    target = tmp_path / "report.json"
    code, out, err = run(capsys, "scan", ARTICLE, "-f", "json", "--no-timings", "-o", target)
    assert code == 0
    assert out == ""
    assert err == ""
    _, on_stdout, _ = run(capsys, "scan", ARTICLE, "-f", "json", "--no-timings")
    assert target.read_text(encoding="utf-8") == on_stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.json"]  # no temporary file left


def test_output_option_replaces_an_existing_report(capsys, tmp_path):
    target = write(tmp_path / "report.txt", "old report\n")
    code, out, _ = run(capsys, "scan", ARTICLE, "--output", target, "--no-timings")
    assert code == 0
    assert out == ""
    assert target.read_text(encoding="utf-8").startswith(f"paradup {__version__}: 1 document")


def test_output_onto_the_input_file_is_refused_and_the_input_is_unchanged(capsys, tmp_path):
    article = tmp_path / "article.txt"
    shutil.copyfile(ARTICLE, article)
    before = article.read_bytes()
    code, out, err = run(capsys, "scan", article, "-o", article)
    assert code == 2
    assert out == ""
    assert_one_error_line(err)
    assert "input" in err
    assert article.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["article.txt"]


def test_output_onto_the_input_spelled_another_way_is_refused(capsys, tmp_path, monkeypatch):
    article = tmp_path / "article.txt"
    shutil.copyfile(ARTICLE, article)
    before = article.read_bytes()
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")
    code, _, err = run(capsys, "scan", "../article.txt", "-o", "./../sub/../article.txt")
    assert code == 2
    assert_one_error_line(err)
    assert article.read_bytes() == before


def test_output_onto_a_file_inside_a_scanned_folder_is_refused(capsys, tmp_path):
    corpus = tmp_path / "corpus"
    write(corpus / "a.txt", f"{REPEATED}\n\n{REPEATED}\n")
    old = write(corpus / "old-report.txt", "an earlier report, which this scan reads as input\n")
    code, _, err = run(capsys, "scan", corpus, "-o", old)
    assert code == 2
    assert_one_error_line(err)
    assert old.read_text(encoding="utf-8") == "an earlier report, which this scan reads as input\n"


def test_output_into_a_missing_folder_is_refused(capsys, tmp_path):
    target = tmp_path / "missing" / "report.txt"
    code, out, err = run(capsys, "scan", ARTICLE, "-o", target)
    assert code == 2
    assert out == ""
    assert_one_error_line(err)
    assert "does not exist" in err
    assert not target.parent.exists()


def test_output_onto_a_folder_is_refused(capsys, tmp_path):
    code, _, err = run(capsys, "scan", ARTICLE, "-o", tmp_path)
    assert code == 2
    assert_one_error_line(err)
    assert "folder" in err


def test_a_failed_write_of_the_output_file_is_one_error_line(capsys, tmp_path, monkeypatch):
    # A full disk or a permission problem surfaces as an OSError from the write.
    import paradup.output

    def refuse(src, dst):
        raise PermissionError(13, "Permission denied", str(dst))

    monkeypatch.setattr(paradup.output.os, "replace", refuse)
    target = tmp_path / "report.txt"
    code, out, err = run(capsys, "scan", ARTICLE, "-o", target)
    assert code == 2
    assert out == ""
    assert_one_error_line(err)
    assert "Permission denied" in err
    assert list(tmp_path.iterdir()) == []  # the temporary file is cleaned up


def test_stdin_is_read_for_a_dash(capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO(ARTICLE.read_text(encoding="utf-8")))
    code, out, err = run(capsys, "scan", "-", "-f", "json", "--no-timings")
    assert code == 0
    assert err == ""
    report = json.loads(out)
    assert [(d["id"], d["path"]) for d in report["documents"]] == [("-", "-")]
    assert len(report["clusters"]) == 14
    assert report["blocks"][0]["a"]["line_start"] == 45
    assert report["blocks"][0]["b"]["line_end"] == 133


def test_fail_on_duplicates_exits_1_when_the_article_repeats_itself(capsys):
    code, out, err = run(capsys, "scan", ARTICLE, "--fail-on-duplicates")
    assert code == 1
    assert "Clusters (14)" in out  # the report is still written
    assert err == ""


def test_fail_on_duplicates_exits_0_on_a_file_without_repeats(capsys):
    code, out, err = run(capsys, "scan", NO_REPEATS, "--fail-on-duplicates", "--no-timings")
    assert code == 0
    assert "Found: 0 clusters (0 paragraphs), 0 blocks, 0 matches" in out
    assert "Cluster " not in out
    assert err == ""


def test_without_fail_on_duplicates_duplicates_still_exit_0(capsys):
    code, _, _ = run(capsys, "scan", ARTICLE)
    assert code == 0


# --- scan: bad input ---------------------------------------------------------


def test_threshold_out_of_range_is_refused_with_a_fix(capsys):
    code, out, err = run(capsys, "scan", ARTICLE, "--threshold", "1.5")
    assert code == 2
    assert out == ""
    assert_one_error_line(err)
    assert "threshold must be in (0, 1]" in err
    assert "1.5" in err


def test_threshold_of_one_is_accepted_as_the_range_0_to_1_includes_it(capsys):
    # The error message above says (0, 1], so 1 itself is a valid threshold.
    code, out, err = run(capsys, "scan", ARTICLE, "--threshold", "1", "--no-timings")
    assert code == 0, err
    assert "LSH: threshold 1.0" in out


@pytest.mark.parametrize(
    "args, message",
    [
        (["--num-perm", "1"], "num_perm must be in [2, 4096]"),
        (["--min-similarity", "0"], "min_similarity must be in (0, 1]"),
        (["--shingle-size", "0"], "shingle_size must be in [1, 16]"),
        (["--num-perm", "many"], "--num-perm"),
    ],
)
def test_other_bad_settings_are_one_error_line(capsys, args, message):
    code, out, err = run(capsys, "scan", ARTICLE, *args)
    assert code == 2
    assert out == ""
    assert_one_error_line(err)
    assert message in err


def test_unknown_option_is_one_error_line(capsys):
    code, out, err = run(capsys, "scan", ARTICLE, "--frobnicate")
    assert code == 2
    assert out == ""
    assert_one_error_line(err)
    assert "--frobnicate" in err


def test_unknown_command_is_one_error_line(capsys):
    code, out, err = run(capsys, "frobnicate")
    assert code == 2
    assert out == ""
    assert_one_error_line(err)


def test_missing_path_is_one_error_line(capsys, tmp_path):
    missing = tmp_path / "no-such-article.txt"
    code, out, err = run(capsys, "scan", missing)
    assert code == 2
    assert out == ""
    assert_one_error_line(err)
    assert "no-such-article.txt" in err


def test_scan_without_paths_is_a_usage_error(capsys):
    code, out, err = run(capsys, "scan")
    assert code == 2
    assert out == ""
    assert_one_error_line(err)


def test_unknown_format_is_refused(capsys):
    code, out, err = run(capsys, "scan", ARTICLE, "--format", "xml")
    assert code == 2
    assert out == ""
    assert_one_error_line(err)
    assert "xml" in err


def test_binary_file_in_a_folder_is_a_warning_naming_it_and_the_scan_goes_on(capsys, tmp_path):
    write(tmp_path / "blob.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00binary")
    write(tmp_path / "good.txt", f"{REPEATED}\n\n{OTHER}\n\n{REPEATED}\n")
    code, out, err = run(capsys, "scan", tmp_path, "-f", "json")
    assert code == 0
    lines = err.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("Warning: blob.txt: ")
    assert "binary" in lines[0]
    report = json.loads(out)
    assert [d["id"] for d in report["documents"]] == ["good.txt"]
    assert [[m["index"] for m in c["members"]] for c in report["clusters"]] == [[0, 2]]
    assert report["problems"] == [{"path": "blob.txt", "message": "binary file skipped"}]


def test_include_restricts_the_files_read_from_a_folder(capsys, tmp_path):
    write(tmp_path / "a.txt", f"{REPEATED}\n\n{REPEATED}\n")
    write(tmp_path / "b.md", f"{REPEATED}\n\n{OTHER}\n")
    write(tmp_path / "sub" / "c.txt", f"{OTHER}\n")
    _, out, _ = run(capsys, "scan", tmp_path, "-f", "json")
    assert [d["id"] for d in json.loads(out)["documents"]] == ["a.txt", "b.md", "sub/c.txt"]
    code, out, err = run(capsys, "scan", tmp_path, "-f", "json", "--include", "*.txt")
    assert code == 0
    assert err == ""
    report = json.loads(out)
    assert [d["id"] for d in report["documents"]] == ["a.txt", "sub/c.txt"]
    assert [[(m["doc"], m["index"]) for m in c["members"]] for c in report["clusters"]] == [
        [("a.txt", 0), ("a.txt", 1)]
    ]


# --- scan: determinism ---------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "text", "csv"])
def test_no_timings_output_is_identical_across_runs(capsys, fmt):
    _, first, _ = run(capsys, "scan", ARTICLE, LEGAL, "-f", fmt, "--no-timings")
    _, second, _ = run(capsys, "scan", ARTICLE, LEGAL, "-f", fmt, "--no-timings")
    assert first == second
    assert "seconds" not in first.lower()


def test_json_output_is_identical_across_processes_with_different_hash_seeds():
    outputs = set()
    for hash_seed in ("0", "1", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        done = run_program("scan", ARTICLE, LEGAL, "-f", "json", "--no-timings", env=env)
        assert done.returncode == 0, done.stderr
        outputs.add(done.stdout)
    assert len(outputs) == 1


# --- compare ---------------------------------------------------------------------


def test_compare_explains_the_reprinted_lead_paragraph(capsys):
    code, out, err = run(capsys, "compare", f"{ARTICLE}:47", f"{ARTICLE}:115")
    assert code == 0
    assert err == ""
    assert "verdict: MATCH (near)" in out
    assert f"a: {ARTICLE}:47-47 [23]" in out
    assert f"b: {ARTICLE}:115-115 [57]" in out
    differences = out[out.index("differences (word level):"):]
    assert "continuedas" in differences
    assert "none" not in differences


def test_compare_of_the_lead_and_its_exact_reprint_shows_no_differences(capsys):
    code, out, _ = run(capsys, "compare", f"{ARTICLE}:3", f"{ARTICLE}:115")
    assert code == 0
    assert "verdict: MATCH (exact)" in out
    assert "similarity   1.0000" in out
    assert out.rstrip().endswith("differences (word level):\n  none")


def test_compare_of_a_blank_line_is_an_error(capsys):
    code, out, err = run(capsys, "compare", f"{ARTICLE}:46", f"{ARTICLE}:115")
    assert code == 2
    assert out == ""
    assert_one_error_line(err)
    assert "line 46" in err


@pytest.mark.parametrize("place", ["{a}", "{a}:0", "{a}:x", "{a}:9999"])
def test_compare_of_a_bad_place_is_an_error(capsys, place):
    code, out, err = run(capsys, "compare", place.format(a=ARTICLE), f"{ARTICLE}:115")
    assert code == 2
    assert out == ""
    assert_one_error_line(err)


def test_compare_json_has_scores_in_0_to_1(capsys):
    code, out, err = run(capsys, "compare", f"{ARTICLE}:47", f"{ARTICLE}:115", "--format", "json")
    assert code == 0
    assert err == ""
    explanation = json.loads(out)
    for key in ("similarity", "jaccard", "containment", "estimated_jaccard", "candidate_probability"):
        assert 0 <= explanation[key] <= 1, key
    assert explanation["kind"] == "near"
    assert explanation["candidate"] is True
    assert (explanation["a"]["line_start"], explanation["b"]["line_start"]) == (47, 115)
    assert explanation["similarity"] > explanation["jaccard"] > 0


@pytest.mark.parametrize("lines", [(5, 83), (7, 83)])
def test_compare_of_unrelated_paragraphs_says_no_match(capsys, lines):
    # Line 5 is the short "rom thefreeonline ..." byline, 7 the story's opening,
    # 83 a paragraph on the ministry's thanks for US support.
    first, second = lines
    code, out, err = run(capsys, "compare", f"{ARTICLE}:{first}", f"{ARTICLE}:{second}")
    assert code == 0
    assert err == ""
    assert "verdict: NO MATCH" in out
    assert "LSH candidate: no" in out


# --- params ----------------------------------------------------------------------


def test_params_shows_the_bands_and_rows_for_a_threshold(capsys):
    code, out, err = run(capsys, "params", "--threshold", "0.5", "--num-perm", "128")
    assert code == 0
    assert err == ""
    assert "25 bands x 5 rows" in out
    assert "(125 of 128 values used)" in out
    assert f"= {(1 / 25) ** (1 / 5):.4f}" in out


def test_params_probabilities_follow_the_formula_and_grow_with_jaccard(capsys):
    _, out, _ = run(capsys, "params", "--threshold", "0.5", "--num-perm", "128")
    table = curve(out)
    assert [s for s, _ in table] == pytest.approx([0.1 * i for i in range(1, 11)])
    chances = [p for _, p in table]
    assert chances == sorted(chances)
    assert chances[0] < 0.01 < 0.99 < chances[-1]
    for s, p in table:
        assert p == pytest.approx(1 - (1 - s**5) ** 25, abs=5e-5)


def test_params_honours_bands_and_rows_given_together(capsys):
    code, out, _ = run(capsys, "params", "--bands", "20", "--rows", "6")
    assert code == 0
    assert "20 bands x 6 rows" in out
    assert "(120 of 128 values used)" in out
    for s, p in curve(out):
        assert p == pytest.approx(1 - (1 - s**6) ** 20, abs=5e-5)


def test_params_bands_without_rows_is_an_error(capsys):
    code, out, err = run(capsys, "params", "--bands", "20")
    assert code == 2
    assert out == ""
    assert_one_error_line(err)
    assert "bands and rows" in err


def test_params_more_values_than_num_perm_is_an_error(capsys):
    code, out, err = run(capsys, "params", "--bands", "100", "--rows", "100")
    assert code == 2
    assert out == ""
    assert_one_error_line(err)
    assert "num_perm" in err


# --- the real program ------------------------------------------------------------


@pytest.mark.parametrize("via", ["script", "module"])
def test_real_program_reports_to_stdout_with_exit_0(via):
    done = run_program("scan", ARTICLE, "-f", "json", "--no-timings", via=via)
    assert done.returncode == 0
    assert done.stderr == ""
    assert json.loads(done.stdout)["schema_version"] == 1


@pytest.mark.parametrize("via", ["script", "module"])
def test_real_program_missing_path_is_one_error_line_without_traceback(via, tmp_path):
    done = run_program("scan", tmp_path / "nonexistent.txt", via=via)
    assert done.returncode == 2
    assert done.stdout == ""
    assert len(done.stderr.splitlines()) == 1
    assert done.stderr.startswith("Error:")
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("via", ["script", "module"])
def test_real_program_version_and_usage_errors(via):
    done = run_program("--version", via=via)
    assert (done.returncode, done.stdout, done.stderr) == (0, f"paradup {__version__}\n", "")
    done = run_program("scan", ARTICLE, "--bogus", via=via)
    assert done.returncode == 2
    assert done.stderr.startswith("Error:") and len(done.stderr.splitlines()) == 1


def test_real_program_exit_code_1_with_fail_on_duplicates():
    done = run_program("scan", ARTICLE, "--fail-on-duplicates")
    assert done.returncode == 1
    assert "Clusters (14)" in done.stdout
    assert done.stderr == ""


def test_real_program_reads_stdin_for_a_dash():
    done = run_program("scan", "-", "-f", "csv", input=ARTICLE.read_text(encoding="utf-8"))
    assert done.returncode == 0
    assert done.stderr == ""
    rows = list(csv.reader(io.StringIO(done.stdout)))
    assert rows[0] == CSV_COLUMNS
    assert {row[4] for row in rows[1:]} == {"-"}
    assert len(rows) == 1 + 31


def test_real_program_binary_file_warning_goes_to_stderr(tmp_path):
    write(tmp_path / "blob.txt", b"\x00\x01\x02binary")
    write(tmp_path / "good.txt", f"{REPEATED}\n\n{REPEATED}\n")
    done = run_program("scan", tmp_path, "-f", "json")
    assert done.returncode == 0
    assert done.stderr == "Warning: blob.txt: binary file skipped\n"
    assert json.loads(done.stdout)["documents"][0]["id"] == "good.txt"


def test_real_program_stops_quietly_when_the_reader_closes_the_pipe():
    # `paradup scan docs/ | head -1`: the reader goes away before the report is written.
    process = subprocess.Popen([script(), "scan", str(ARTICLE)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stdout.close()
    err = process.stderr.read().decode("utf-8", "replace")
    process.stderr.close()
    code = process.wait(timeout=120)
    assert "Traceback" not in err
    assert "Exception" not in err
    assert code == 0  # cli.main maps BrokenPipeError to 0


def test_real_program_unusable_lsh_setting_is_no_traceback():
    # datasketch finds no banding with two or more bands for threshold 0.99 at 128 permutations.
    done = run_program("params", "--threshold", "0.99")
    assert "Traceback" not in done.stderr
    assert done.returncode in (0, 2)
    if done.returncode == 2:
        assert done.stderr.startswith("Error:") and len(done.stderr.splitlines()) == 1


def test_output_file_gets_ordinary_permissions_and_a_replaced_file_keeps_its_own(tmp_path):
    out = tmp_path / "report.txt"
    assert main(["scan", str(ARTICLE), "-o", str(out)]) == 0
    umask = os.umask(0)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~umask
    out.chmod(0o640)
    assert main(["scan", str(ARTICLE), "-o", str(out)]) == 0
    assert out.stat().st_mode & 0o777 == 0o640


def test_output_over_the_index_named_by_against_is_refused(tmp_path, capsys):
    index = tmp_path / "archive.paradup"
    assert main(["index", "add", str(ARTICLE), "--index", str(index)]) == 0
    before = index.read_bytes()
    code, out, err = run(capsys, "scan", ARTICLE, "--against", index, "-o", index)
    assert code == 2 and err.startswith("Error: ") and "one of the inputs" in err
    assert index.read_bytes() == before


def test_compare_never_matches_paragraphs_with_nothing_left_after_normalisation(tmp_path, capsys):
    stars = tmp_path / "stars.txt"
    stars.write_text("***\n\nA line between.\n\n---\n", encoding="utf-8")
    code, out, _ = run(capsys, "compare", f"{stars}:1", f"{stars}:5")
    assert code == 0 and "verdict: NO MATCH" in out


def test_report_reaches_a_pipe_whose_locale_cannot_encode_it(tmp_path):
    done = subprocess.run([sys.executable, "-m", "paradup", "scan", str(ARTICLE), "--no-timings"],
                          capture_output=True, env={**os.environ, "PYTHONIOENCODING": "ascii"})
    assert done.returncode == 0 and b"Traceback" not in done.stderr
    assert "Peru’s".encode() in done.stdout


@pytest.mark.parametrize("raised", [KeyboardInterrupt(), SystemError("kernel returned a result with an exception set")])
def test_ctrl_c_even_inside_a_compiled_kernel_is_one_interrupted_line(raised, capsys, monkeypatch):
    import paradup.api

    def interrupted(*args, **kwargs):
        if isinstance(raised, SystemError):
            try:
                raise SystemError("_numba_unpickle returned a result with an exception set") from KeyboardInterrupt()
            except SystemError as inner:  # what numba hands back when Ctrl-C lands in a kernel
                raise raised from inner
        raise raised

    monkeypatch.setattr(paradup.api, "scan", interrupted)
    assert main(["scan", str(ARTICLE)]) == 130
    assert capsys.readouterr().err == "Error: interrupted\n"


def test_ctrl_c_that_python_swallows_still_stops_the_command_with_130(capsys, monkeypatch):
    import signal
    import time
    import weakref

    import paradup.api

    real_scan = paradup.api.scan

    class Anything:
        pass

    def scan_interrupted_in_a_weakref_callback(*args, **kwargs):
        obj = Anything()
        ref = weakref.ref(obj, lambda _: signal.raise_signal(signal.SIGINT))  # raised in the callback: Python ignores it
        del obj
        assert ref() is None
        report = real_scan(*args, **kwargs)
        time.sleep(2)  # a scan still working when the interrupt comes back
        return report

    reached = []
    monkeypatch.setattr(paradup.api, "scan", scan_interrupted_in_a_weakref_callback)
    monkeypatch.setattr("paradup.index.match_archive", lambda report, against: reached.append(1) or report)
    assert main(["scan", str(ARTICLE)]) == 130
    err = capsys.readouterr().err
    assert err == "Error: interrupted\n"  # no "Exception ignored" traceback
    assert not reached  # delivered again: the command stopped, it did not go on to the end
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # restored


def test_sigterm_unwinds_like_ctrl_c_with_one_line_and_exit_143(capsys, monkeypatch):
    import signal

    import paradup.api

    def terminated(*args, **kwargs):
        signal.raise_signal(signal.SIGTERM)  # without the CLI's handler this would kill the test run
        raise AssertionError("not reached: SIGTERM raises KeyboardInterrupt")

    monkeypatch.setattr(paradup.api, "scan", terminated)
    assert main(["scan", str(ARTICLE)]) == 143
    assert capsys.readouterr().err == "Error: terminated\n"
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL  # restored


def test_workers_ignore_ctrl_c_and_die_on_sigterm():
    import signal

    from paradup.parallel import map_shared

    def handlers(_shared, _part):
        held = signal.pthread_sigmask(signal.SIG_BLOCK, [])
        return signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM), signal.SIGINT in held or signal.SIGTERM in held

    this, worker = map_shared(handlers, None, [0, 1], jobs=2)
    assert this == (signal.default_int_handler, signal.SIG_DFL, False)
    assert worker == (signal.SIG_IGN, signal.SIG_DFL, False)  # held back while forking, then let through


def test_any_other_failure_is_one_internal_error_line(capsys, monkeypatch):
    import paradup.api

    def broken(*args, **kwargs):
        raise SystemError("something of ours")

    monkeypatch.setattr(paradup.api, "scan", broken)
    assert main(["scan", str(ARTICLE)]) == 2
    assert capsys.readouterr().err.startswith("Error: internal error (SystemError: something of ours)")


def test_the_stage_line_starts_with_the_stage_asked_for_on_a_terminal_and_is_silent_elsewhere(monkeypatch):
    import io

    from paradup.progress import stage_reporter

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    with stage_reporter("writing the report") as progress:
        assert progress is not None
    assert "paradup: writing the report" in terminal.getvalue()
    monkeypatch.setattr("sys.stderr", io.StringIO())
    with stage_reporter("writing the report") as progress:
        assert progress is None
