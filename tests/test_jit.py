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


def test_the_warm_ups_load_every_kernel_a_scan_calls_with_the_types_it_calls_it_with():
    """A scan with threads loads every kernel early (paradup.jit.warm_up, while it reads); a kernel without a
    warm-up, or with one of other argument types, would still be loaded later, where the threads wait for it."""
    code = f"""
import sys, numba, paradup, paradup.pipeline
from paradup.jit import warm_up
from paradup.reports import render_chunks
warm_up()
def loaded():
    return {{f"{{m.__name__}}.{{name}}": len(k.signatures) for m in list(sys.modules.values())
            if getattr(m, "__name__", "").startswith("paradup") for name, k in vars(m).items()
            if isinstance(k, numba.core.registry.CPUDispatcher)}}
before = loaded()
report = paradup.scan([{str(ARTICLE.parent)!r}], jobs=1)
"".join(render_chunks(report, "json"))
after = loaded()
print(len(before) > 20, sorted(k for k in after if after[k] != before.get(k, 0)))
"""
    assert _run(code) == "True []"
