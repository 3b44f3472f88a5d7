"""The README's commands run, and its example output is what paradup prints."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_names_the_install_and_test_commands_ci_runs():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert 'pip install -e ".[dev]"' in README and 'pip install -e ".[dev]"' in ci
    assert "python -m pytest" in README and "python -m pytest" in ci


def test_readme_example_output_matches_a_real_run():
    out = subprocess.run(
        [sys.executable, "-m", "paradup", "scan", "tests/data/peru-protests-article.txt", "--no-timings"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout.splitlines()
    block = re.search(r"```text\n(.*?)```", README, re.S).group(1).splitlines()
    shown = [line for line in block if line.strip() != "..."]
    assert shown and all(line in out for line in shown), [line for line in shown if line not in out]


def test_readme_params_table_matches_paradup_params():
    for threshold, column in (("0.3", 1), ("0.4", 2), ("0.5", 3)):
        out = subprocess.run([sys.executable, "-m", "paradup", "params", "--threshold", threshold],
                             capture_output=True, text=True, check=True).stdout
        for row in re.findall(r"^\| (0\.\d) \| (.*) \|$", README, re.M):
            similarity, cells = row[0], [c.strip() for c in row[1].split("|")]
            printed = re.search(rf"^  {similarity}\s+(\d\.\d+)", out, re.M).group(1)
            assert abs(float(printed) - float(cells[column - 1])) < 0.0006


def test_readme_commands_show_help():
    for command in ("scan", "compare", "params"):
        assert f"paradup {command}" in README
        result = subprocess.run([sys.executable, "-m", "paradup", command, "--help"], capture_output=True, text=True)
        assert result.returncode == 0 and "--help" in result.stdout
