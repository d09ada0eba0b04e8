"""Benchmark: the warm ``symbound report`` of the built-in example (issue #11, "Speed": under 5 s).

Runs ``python -m symbound.cli report --out DIR`` (with the PDF when pdflatex is installed, and with
``--no-pdf``) R times after one warm-up run (numba's on-disk cache filled, Python's bytecode
compiled), and prints for each the best wall time and the CPU time of the run (the process, its
forked workers and pdflatex: ``RUSAGE_CHILDREN``), with the load average: on a shared machine the
wall time follows the load, the CPU time does not.  Then the CPU time of the report's parts in one
process (``jobs=1``, no PDF): imports, the comparison tables, the figures.

Usage: python benchmarks/bench_report.py [--repeat R]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ap = argparse.ArgumentParser()
ap.add_argument("--repeat", type=int, default=3)
args = ap.parse_args()
ROOT = Path(__file__).resolve().parent.parent
ENV = dict(os.environ, PYTHONPATH=str(ROOT), NUMBA_THREADING_LAYER="workqueue")
# "warm" includes Python's bytecode cache, as an installed package has it (pip compiles on install):
# a shell that sets PYTHONDONTWRITEBYTECODE would otherwise recompile every module on every run
ENV.pop("PYTHONDONTWRITEBYTECODE", None)


def run_cli(extra: list[str]) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as out:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "symbound.cli", "report", "--out", out, *extra],
                       env=ENV, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wall = time.perf_counter() - t0
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


PARTS = r"""
import sys, time
from pathlib import Path
c0 = time.process_time()
import symbound as sb
from symbound.report import build, example_spec, figures, write_report
import symbound.numeric.orbit, matplotlib.figure  # what the report imports on the way
acc = {"imports (symbound, numba kernels, matplotlib)": time.process_time() - c0}
def wrap(mod, name, key):
    f = getattr(mod, name)
    def g(*a, **k):
        c = time.process_time(); r = f(*a, **k)
        acc[key] = acc.get(key, 0.0) + time.process_time() - c
        return r
    setattr(mod, name, g)
wrap(sb, "compare", "comparison tables (sb.compare)")
wrap(figures, "bound_vs_n", "figures: bound against n")
c1 = time.process_time()
write_report(example_spec(), Path(sys.argv[1]), pdf=False, jobs=1, quiet=True)
total = time.process_time() - c1
for k, v in acc.items():
    print(f"  {k:50s} {v:6.2f} s CPU")
print(f"  {'report without PDF, one process (all parts)':50s} {total:6.2f} s CPU")
"""

print(f"symbound report (built-in example), best of {args.repeat} after a warm-up run")
for label, extra in (("with PDF", []), ("--no-pdf", ["--no-pdf"])):
    run_cli(extra)
    best = min(run_cli(extra) for _ in range(args.repeat))
    print(f"  {label:10s} wall {best[0]:6.2f} s   CPU (process + workers + pdflatex) {best[1]:6.2f} s"
          f"   load average {os.getloadavg()[0]:.2f}   => TARGET (issue #11): wall / 5 s = "
          f"{best[0] / 5.0:.2f}; CPU / 5 s = {best[1] / 5.0:.2f}")
print("\nparts (CPU time, one process):")
with tempfile.TemporaryDirectory() as out:
    subprocess.run([sys.executable, "-c", PARTS, out], env=ENV, check=True)
