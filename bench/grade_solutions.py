"""Benchmark: grade the four solution notebooks repeatedly and compare with nbconvert.

    python bench/grade_solutions.py [--rounds 10]

Prints the time per notebook for `grader` (warm worker, public and hidden tests, JSON written)
and for `jupyter nbconvert --execute` on the same notebooks in the same run (demonstration cells
removed, so both run the same code), and their ratio. Figures, not assertions: the machines are
shared and noisy, so compare ratios from one run rather than absolute times across runs."""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from coursekit.notebooks import ASSIGNMENTS, DEMO_TAG
from grader.execute import Sandbox
from grader.pipeline import grade_notebook
from grader.record import write_result
from reference.solved import solved_notebook


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10, help="grader passes over the notebooks")
    parser.add_argument("--nbconvert-rounds", type=int, default=1)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        paths = []
        for a in ASSIGNMENTS:
            nb = solved_notebook(a)
            nb.cells = [c for c in nb.cells if DEMO_TAG not in c.metadata.get("tags", [])]
            path = root / "class" / "ada" / f"{a}.ipynb"
            path.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, path)
            paths.append(path)

        t0 = time.perf_counter()
        sandbox = Sandbox()
        per_nb: list[float] = []
        with sandbox:
            grade_notebook(paths[0], sandbox=sandbox)  # starts the warm worker
            startup = time.perf_counter() - t0
            for _ in range(args.rounds):
                for p in paths:
                    t = time.perf_counter()
                    result = grade_notebook(p, sandbox=sandbox)
                    write_result(result, root / "out")
                    per_nb.append(time.perf_counter() - t)
                    assert result.score == result.max_score, (p, result.error)

        nbc: list[float] = []
        for _ in range(args.nbconvert_rounds):
            for p in paths:
                t = time.perf_counter()
                subprocess.run(
                    [
                        sys.executable,
                        "-m",
                        "jupyter",
                        "nbconvert",
                        "--to",
                        "notebook",
                        "--execute",
                        "--output-dir",
                        str(root / "nbc"),
                        str(p),
                    ],
                    check=True,
                    capture_output=True,
                )
                nbc.append(time.perf_counter() - t)

    g = statistics.median(per_nb)
    n = statistics.median(nbc)
    print(
        f"notebooks: {len(paths)} solution notebooks, {args.rounds} grader rounds, "
        f"{args.nbconvert_rounds} nbconvert round(s)"
    )
    print(f"grader worker start-up (once):    {startup * 1000:8.1f} ms")
    print(
        f"grader per notebook (median):     {g * 1000:8.1f} ms  "
        f"(min {min(per_nb) * 1000:.1f}, max {max(per_nb) * 1000:.1f}; public+hidden tests, "
        "mutant diagnosis, JSON)"
    )
    print(f"nbconvert --execute per notebook: {n * 1000:8.1f} ms  (execution only, no grading)")
    print(f"ratio nbconvert / grader:         {n / g:8.1f}x")


if __name__ == "__main__":
    main()
