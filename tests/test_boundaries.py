"""The package's two boundaries, read from the source (an AST scan of every import):

- `grader/sandbox/` runs untrusted: it imports nothing of `grader` outside `grader/sandbox/`, nor
  the reference (the worker must never load expected values, comparison code or solutions);
- `grader/instructor/` never reaches a student bundle: `grader release` leaves the whole folder
  out, and nothing that ships imports it or the reference, except the two doors
  (`release.DOORS`), lazily, where the folder is installed.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import grader
from grader.instructor import release

GRADER = Path(grader.__file__).resolve().parent


def _modules(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.py") if "__pycache__" not in p.parts)


def sandbox_crossings(root: Path = GRADER) -> list[str]:
    out = []
    for path in _modules(root / "sandbox"):
        rel = path.relative_to(root.parent).as_posix()
        module = rel.removesuffix(".py").removesuffix("/__init__").replace("/", ".")
        for line, name, _ in release.imports(path.read_text(encoding="utf-8"), module):
            parts = name.split(".")
            outside = parts[0] == "grader" and not (
                len(parts) == 1 or parts[1] in ("sandbox", "__version__")
            )
            if outside or parts[0] == "reference":
                out.append(f"{rel}:{line}: imports {name}")
    return out


def instructor_crossings(root: Path = GRADER) -> list[str]:
    out = []
    for path in _modules(root):
        rel = path.relative_to(root).as_posix()
        if release._bundled(rel):
            out += release.crossings(f"grader/{rel}", path.read_text(encoding="utf-8"))
    return out


def test_the_sandbox_imports_nothing_of_the_grader_outside_it():
    assert (GRADER / "sandbox" / "worker.py").is_file()
    assert sandbox_crossings() == []


def test_nothing_the_bundle_ships_imports_the_instructor_folder():
    assert instructor_crossings() == []
    shipped = [p.relative_to(GRADER).as_posix() for p in _modules(GRADER)]
    assert [p for p in shipped if p.startswith("instructor/")]
    assert not [p for p in shipped if p.startswith("instructor/") and release._bundled(p)]
    assert release._bundled("sandbox/worker.py") and release._bundled("spec.py")


@pytest.mark.parametrize(
    ("where", "line", "check"),
    [
        ("sandbox/extra.py", "from grader import compare\n", sandbox_crossings),
        ("sandbox/extra.py", "from ..diagnose import Raised\n", sandbox_crossings),
        ("sandbox/extra.py", "def f():\n    import grader.score\n", sandbox_crossings),
        ("sandbox/extra.py", "import reference.dropout\n", sandbox_crossings),
        ("extra.py", "from grader.instructor.specs import dropout\n", instructor_crossings),
        ("extra.py", "from .instructor import release\n", instructor_crossings),
        ("extra.py", "import reference\n", instructor_crossings),
        (
            "extra.py",
            "import importlib\ndef f(x):\n    importlib.import_module(f'grader.instructor.{x}')\n",
            instructor_crossings,
        ),
        ("cli.py", "from grader.instructor import release\n", instructor_crossings),  # not lazy
    ],
)
def test_a_crossing_is_found(tmp_path, where, line, check):
    """The scans fail when a boundary is crossed: a copy of the package with one more import."""
    copy = tmp_path / "grader"
    shutil.copytree(GRADER, copy, ignore=shutil.ignore_patterns("__pycache__"))
    target = copy / where
    target.write_text(line + (target.read_text() if target.exists() else ""))
    found = check(copy)
    assert found and all(where in f for f in found)


def test_the_worker_loads_nothing_of_the_grader_outside_the_sandbox():
    """What the worker process actually loads, not only what its source says; and grading code
    (execute) reads tags without loading nbformat or jsonschema."""
    code = (
        "import sys\n"
        "import grader.sandbox.worker\n"
        "bad = sorted(m for m in sys.modules if m.startswith(('grader.', 'reference')) "
        "and not m.startswith('grader.sandbox'))\n"
        "import grader.execute\n"
        "heavy = sorted(m for m in ('nbformat', 'jsonschema') if m in sys.modules)\n"
        "print(bad, heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[] []"
