"""A checkout under /tmp (as a CI runner may clone it) grades as any other: the allowlisted
folders there (the course module here; a virtual environment too, where it lives under /tmp)
are bound back inside the submission's private /tmp, read-only, and every layer still holds."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from grader.sandbox import jail

ROOT_DIR = Path(__file__).resolve().parent.parent
needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="the jail's mounts need root")

SCRIPT = r'''
import json, os
import grader
from grader.execute import Sandbox
from grader.model import CodeCell, Limits, ProbeCall

SOURCE = """
import os
import coursekit.data
def f():
    import numpy.polynomial, email.mime.text  # imported late, after the jail is up
    seen = {"uid": os.getuid(), "coursekit": coursekit.data.__file__}
    seen["course_source"] = os.path.exists(coursekit.data.__file__)
    try:
        open(coursekit.data.__file__, "a")
        seen["write"] = "ok"
    except OSError as exc:
        seen["write"] = exc.strerror
    try:
        import grader.pipeline
        seen["grader"] = "imported"
    except ImportError:
        seen["grader"] = "refused"
    top = os.path.dirname(os.path.dirname(coursekit.data.__file__))
    seen["grader_source"] = os.path.exists(os.path.join(top, "grader", "pipeline.py"))
    return seen
"""
with Sandbox(Limits(timeout_s=20)) as sb:
    ex = sb.run([CodeCell(0, SOURCE, ())], [ProbeCall("c", "f", (), {}, None, {})])
out = ex.outcomes["c"]
print(json.dumps({
    "grader": grader.__file__,
    "value": out.value if out.ok else None,
    "error": out.error,
    "cell": ex.cells[0].error if ex.cells else None,
    "layers": list(ex.isolation),
    "notes": list(ex.isolation_notes),
}))
'''


@pytest.fixture(scope="module")
def checkout():
    """The project's packages copied into a fresh folder under /tmp, on a path others may
    enter (as a clone there would be)."""
    top = Path(tempfile.mkdtemp(prefix="grader-checkout-", dir="/tmp"))
    top.chmod(0o755)
    for name in ("grader", "coursekit", "reference"):
        shutil.copytree(ROOT_DIR / name, top / name, ignore=shutil.ignore_patterns("__pycache__"))
    yield top
    shutil.rmtree(top, ignore_errors=True)


def _grade_from(checkout: Path, disable: str = "") -> dict:
    env = {k: v for k, v in os.environ.items() if k != "GRADER_TEST_DISABLE_LAYERS"}
    env["PYTHONPATH"] = str(checkout)
    if disable:
        env["GRADER_TEST_DISABLE_LAYERS"] = disable
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=checkout,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


@needs_root
def test_a_checkout_under_tmp_keeps_every_layer_and_the_course_module(checkout):
    seen = _grade_from(checkout)
    assert seen["grader"].startswith(str(checkout))  # the copy under /tmp is what ran
    assert seen["cell"] is None, seen["cell"]
    assert seen["error"] is None, seen["error"]
    value = seen["value"]
    assert value["coursekit"].startswith(str(checkout))
    assert value["uid"] >= 1_000_000  # the uid was dropped
    assert value["course_source"] is True  # its files are there (the zygote imported it)
    assert value["write"] in ("Read-only file system", "Permission denied")
    assert value["grader"] == "refused"
    assert value["grader_source"] is False  # the grader beside it stays out of sight
    assert set(seen["layers"]) >= set(jail.FULL), seen["notes"]


@needs_root
def test_without_binding_them_back_the_course_module_under_tmp_is_lost(checkout):
    """Teeth: with the rebind switched off, the private /tmp hides the checkout's course
    module: its files are gone from the submission's view (and, where the virtual environment
    lives under /tmp as well, numpy with them, so the notebook's imports fail)."""
    seen = _grade_from(checkout, disable="tmp-rebind")
    if seen["value"] is None:  # the virtual environment is under /tmp too (as in CI): all lost
        assert seen["cell"] is not None or seen["error"] is not None
    else:
        assert seen["value"]["course_source"] is False
