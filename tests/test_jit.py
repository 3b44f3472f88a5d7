"""The compiled kernels' helpers: loading numba's array functions without scipy.linalg."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ARTICLE = Path(__file__).parent / "data" / "peru-protests-article.txt"


def _run(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_the_cli_scans_without_importing_scipy_linalg_and_scipy_linalg_still_imports(tmp_path):
    out = tmp_path / "report.json"
    code = f"""
import sys
sys.argv = ["paradup", "scan", {str(ARTICLE)!r}, "-f", "json", "-o", {str(out)!r}]
from paradup.cli import main
try:
    main()
except SystemExit as exc:
    print(exc.code, "scipy.linalg" in sys.modules)
import numba.np.arraymath, scipy.linalg
print(numba.np.arraymath._HAVE_BLAS, scipy.linalg.norm([3.0, 4.0]))
"""
    assert _run(code).splitlines() == ["0 False", "False 5.0"]
    assert '"clusters": [' in out.read_text(encoding="utf-8")


def test_a_library_caller_keeps_numbas_blas_check():
    code = f"""
import paradup, numba.np.arraymath, sys
paradup.scan([{str(ARTICLE)!r}])
print(numba.np.arraymath._HAVE_BLAS, "scipy.linalg" in sys.modules)
"""
    assert _run(code) == "True True"
