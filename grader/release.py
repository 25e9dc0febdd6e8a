"""`grader release`: the student bundle, which checks work without holding the solutions.

The bundle is a folder a student can `pip install` (or use as the template of a submission
repository). It holds the student notebooks, the course helper module (`coursekit`), the grader
without its secrets, the public tests as data (grader.stored), a student README and a CI
workflow. It holds no reference code, no hidden test, no mutant code: the grader's spec and mutant
modules are left out, and what the public tests need from them (inputs, expected outputs, each
catalogued mistake's outputs) is computed here, on the instructor's side, and stored as data.

The bundle is built in a temporary folder beside `out` and swapped in whole, so a failed release
never leaves half a bundle, and it is checked for leaks before it is swapped in.
"""

from __future__ import annotations

import ast
import json
import shutil
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import jinja2

import grader
from grader import __version__, edition, wire
from grader.errors import GraderError, UsageError
from grader.model import Raised
from grader.oracle import available, load
from grader.stored import FOLDER, SCHEMA, encode_output

MARKER = ".grader-release"
"""A file at the top of every bundle: `release` replaces a folder only if it holds one."""

#: Paths inside the `grader` package that never go into a bundle: the specs (hidden cases and
#: the builders of their inputs), the mutants (code of the catalogued mistakes), the sample class
#: (which imports the reference), this module, and the templates only this module uses.
LEFT_OUT = (
    "specs/",
    "mutants/",
    "sampleclass.py",
    "release.py",
    "templates/release/",
    FOLDER + "/",
)
KEPT_UNDER_LEFT_OUT = ("specs/__init__.py",)
#: Imports that would mean a bundle module reaches for something secret: these packages, or
#: anything inside them (the `grader.specs` package itself is an empty shell in a bundle).
SECRET_PACKAGES = ("reference", "grader.mutants")
SECRET_INSIDE = ("grader.specs.",)

_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("grader", "templates/release"),
    autoescape=False,  # TOML, YAML and text, never HTML
    undefined=jinja2.StrictUndefined,
    keep_trailing_newline=True,
)


class ReleaseError(GraderError):
    """The bundle could not be made, or would have leaked something."""

    kind = "release"


@dataclass(frozen=True)
class Release:
    """What `build_release` made."""

    out: Path
    """The bundle's folder."""
    assignments: tuple[str, ...]
    """The assignments it checks."""
    public_cases: int
    """Public test cases stored as data."""
    mistakes: int
    """Catalogued mistakes the bundle can name (on public inputs)."""
    files: int
    """Files in the bundle."""


def source_root() -> Path:
    """The instructor's checkout: the folder that holds the `grader` package, `assignments/` and
    `docs/students.md` (an editable install, as the instructors' guide sets up)."""
    root = Path(grader.__file__).resolve().parent.parent
    missing = [
        p for p in ("assignments", "coursekit", "docs/students.md") if not (root / p).exists()
    ]
    if missing:
        raise UsageError(
            f"grader release needs the course's source checkout (an editable install, "
            f"pip install -e .); {', '.join(missing)} not found in {root}"
        )
    return root


def freeze(assignment: str) -> dict[str, Any]:
    """The public tests of an assignment as a stored document (grader.stored): inputs, expected
    outputs (probes' too, which the recognisers compare), and every mutant's outputs on them,
    which the recognisers read as the mistaken formulas' results."""
    spec, oracle = load(assignment)
    functions = []
    for f in spec.functions:
        cases = [c for c in f.cases if c.visibility == "public"]
        if not cases:
            continue
        if any(c.check is not None for c in cases):
            raise ReleaseError(
                f"{assignment}.{f.name}: a public property check is code, not data, and cannot "
                "be stored in a bundle"
            )
        public_ids = {c.id for c in cases}
        expected = {c.id: oracle.expected(f, c) for c in cases}
        for cid, value in expected.items():
            if isinstance(value, Raised):
                raise ReleaseError(f"the reference raised on {assignment}.{f.name}/{cid}")
        mutants = [
            {
                "id": run.id,
                "spelling": run.spelling,
                "outputs": {c.id: encode_output(run.outputs[c.id]) for c in cases},
            }
            for run in oracle.mutants(f)
        ]
        functions.append(
            {
                "name": f.name,
                "points": f.points,
                "draws": f.draws,
                "returns": list(f.returns),
                "cases": [
                    {
                        "id": c.id,
                        "visibility": c.visibility,
                        "weight": c.weight,
                        "seed": c.seed,
                        "bindings": dict(c.bindings),
                        "tol": asdict(c.tol),
                        "same_inputs_as": c.same_inputs_as
                        if c.same_inputs_as in public_ids
                        else None,
                        "summary": c.summary,
                        "probe": c.probe,
                        "inputs": wire.encode(oracle.inputs(f, c)),
                        "expected": encode_output(expected[c.id]),
                    }
                    for c in cases
                ],
                "mutants": mutants,
            }
        )
    return {
        "schema": SCHEMA,
        "assignment": assignment,
        "grader": __version__,
        "functions": functions,
    }


def _bundled(relative: str) -> bool:
    """Whether a file of the `grader` package goes into the bundle."""
    if "__pycache__" in relative or relative.endswith((".pyc", ".pyo")):
        return False
    if relative in KEPT_UNDER_LEFT_OUT:
        return True
    return not any(relative == p or relative.startswith(p) for p in LEFT_OUT)


def _copy_package(src: Path, dest: Path, keep: Any) -> None:
    for path in sorted(src.rglob("*")):
        rel = path.relative_to(src).as_posix()
        if path.is_dir() or "__pycache__" in rel or not keep(rel):
            continue
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)


def _secret(module: str) -> bool:
    return any(module == p or module.startswith(p + ".") for p in SECRET_PACKAGES) or any(
        module.startswith(p) for p in SECRET_INSIDE
    )


def leaks(bundle: Path) -> list[str]:
    """What in a bundle could hand out a solution: secret modules, their imports, hidden tests."""
    found = []
    for path in sorted(bundle.rglob("*.py")):
        rel = path.relative_to(bundle).as_posix()
        if rel.startswith(("reference/", "grader/mutants/")) or (
            rel.startswith("grader/specs/") and rel != "grader/specs/__init__.py"
        ):
            found.append(f"{rel}: a secret module")
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=rel)):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            for name in names:
                if _secret(name):
                    found.append(f"{rel}:{node.lineno}: imports {name}")
    for path in sorted((bundle / "grader" / FOLDER).glob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        for f in doc["functions"]:
            for c in f["cases"]:
                if c["visibility"] != "public":
                    found.append(f"{path.name}: {f['name']}/{c['id']} is not public")
    return found


def _replaceable(out: Path) -> None:
    if not out.exists():
        return
    if not out.is_dir():
        raise UsageError(f"{out} exists and is not a folder")
    if any(out.iterdir()) and not (out / MARKER).is_file():
        raise UsageError(
            f"{out} is not empty and is not a bundle made by grader release; "
            "choose a new or empty folder"
        )


def build_release(*, out: Path) -> Release:
    """Make the student bundle in `out` (new, empty, or an earlier bundle, which it replaces)."""
    root = source_root()
    out = out.resolve()
    _replaceable(out)
    assignments = tuple(sorted(available()))
    documents = {a: freeze(a) for a in assignments}
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        _copy_package(Path(grader.__file__).parent, tmp / "grader", _bundled)
        _copy_package(root / "coursekit", tmp / "coursekit", lambda rel: rel.endswith(".py"))
        data = tmp / "grader" / FOLDER
        data.mkdir()
        for a, doc in documents.items():
            (data / f"{a}.json").write_text(json.dumps(doc, separators=(",", ":")), "utf-8")
            notebook = root / "assignments" / f"{a}.ipynb"
            if not notebook.is_file():
                raise ReleaseError(f"no student notebook {notebook}")
            (tmp / "assignments").mkdir(exist_ok=True)
            shutil.copyfile(notebook, tmp / "assignments" / notebook.name)
        shutil.copyfile(root / "docs" / "students.md", tmp / "README.md")
        context = {
            "version": __version__,
            "assignments": assignments,
            "distribution": edition.STUDENT,
            "instructor": edition.INSTRUCTOR,
        }
        for template, target in (
            ("pyproject.toml.j2", "pyproject.toml"),
            ("grade.yml.j2", ".github/workflows/grade.yml"),
            ("gitignore.j2", ".gitignore"),
        ):
            (tmp / target).parent.mkdir(parents=True, exist_ok=True)
            (tmp / target).write_text(_ENV.get_template(template).render(**context), "utf-8")
        (tmp / MARKER).write_text(f"grader {__version__}\n", "utf-8")
        files = sum(1 for p in tmp.rglob("*") if p.is_file())
        found = leaks(tmp)
        if found:
            raise ReleaseError("the bundle would leak: " + "; ".join(found[:5]))
        tmp.chmod(0o755)
        if out.exists():
            old = out.with_name(f".{out.name}.old")
            shutil.rmtree(old, ignore_errors=True)
            out.rename(old)
            tmp.rename(out)
            shutil.rmtree(old, ignore_errors=True)
        else:
            tmp.rename(out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return Release(
        out=out,
        assignments=assignments,
        public_cases=sum(len(f["cases"]) for d in documents.values() for f in d["functions"]),
        mistakes=sum(len(f["mutants"]) for d in documents.values() for f in d["functions"]),
        files=files,
    )
