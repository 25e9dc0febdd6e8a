"""The allowlist root: what it lists (derived from what is loaded) and, as root, that a submission
sees exactly that and nothing else."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import coursekit
from grader.execute import Sandbox
from grader.model import CodeCell, Limits, ProbeCall
from grader.sandbox import rootfs

REPO = Path(__file__).resolve().parents[1]
needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="pivot_root needs root")


def _worker_allowlist() -> rootfs.Allowlist:
    """The list a warm worker derives, worked out the same way in a fresh interpreter (this
    test process has loaded the test suite's own modules)."""
    code = (
        "import json, dataclasses, grader.sandbox.worker as w; w._warm_imports(); plan = w._plan();"
        "from grader.sandbox import rootfs;"
        "print(json.dumps(dataclasses.asdict(rootfs.derive(blocked_dirs=plan.secret))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return rootfs.Allowlist(**{k: tuple(v) for k, v in json.loads(out.stdout).items()})


def test_the_list_is_what_is_loaded_without_the_grader_or_the_reference():
    import numpy

    allow = _worker_allowlist()
    assert os.path.dirname(os.__file__) in allow.dirs  # the standard library, whole
    assert os.path.dirname(numpy.__file__) in allow.dirs
    assert os.path.dirname(coursekit.__file__) in allow.dirs
    # The C library's folder (mapped, so found in /proc/self/maps), for late extension modules.
    assert any(os.path.exists(os.path.join(d, "libc.so.6")) for d in allow.dirs)
    for path in allow.dirs + allow.files:
        assert not rootfs._inside(path, str(REPO / "grader")), path
        assert not rootfs._inside(path, str(REPO / "reference")), path
        # Of the checkout, only the course module (and a virtual environment inside it).
        if rootfs._inside(path, str(REPO)):
            assert rootfs._inside(path, os.path.dirname(coursekit.__file__)) or rootfs._inside(
                path, sys.prefix
            ), path
    assert set(allow.devices) <= set(rootfs.DEVICES)


WALK = """
import os
def f():
    mounts = [line.split()[4] for line in open("/proc/self/mountinfo")]
    root_dev = os.stat("/").st_dev
    on_root = []
    for d, subdirs, files in os.walk("/"):
        if d in ("/proc", "/tmp", "/dev/shm"):
            subdirs[:] = []
            continue
        keep = []
        for name in subdirs + files:
            p = os.path.join(d, name)
            st = os.lstat(p)
            if p in mounts or st.st_dev != root_dev:
                continue
            folder = os.path.isdir(p) and not os.path.islink(p)
            on_root.append([p, oct(st.st_mode), len(os.listdir(p)) if folder else -1])
            if name in subdirs:
                keep.append(name)
        subdirs[:] = keep
    covered = {m: os.listdir(m) for m in mounts if m.endswith("-packages")}
    return {"mounts": mounts, "on_root": on_root, "covered": covered}
"""


@needs_root
def test_a_submission_sees_the_allowlist_and_nothing_else():
    with Sandbox(Limits(timeout_s=10, call_timeout_s=10)) as sb:
        ex = sb.run([CodeCell(0, WALK, ())], [ProbeCall("c", "f", (), {}, None, {})])
    out = ex.outcomes["c"]
    assert out.ok, out.error
    assert "allowlist-root" in ex.isolation, ex.isolation_notes
    seen = out.value
    mounts = set(seen["mounts"]) - {"/"}
    allow = _worker_allowlist()
    expected = set(allow.visible()) | set(allow.empty)
    # Every mount is on the list, and the list is mounted (the worker loads a few more modules
    # than the fresh interpreter, all inside folders already listed).
    assert mounts - expected == set()
    assert expected - mounts == set()
    # The base interpreter's site-packages, inside the standard library, is covered empty.
    assert all(seen["covered"].get(p) == [] for p in allow.empty), seen["covered"]
    # On the root's own tmpfs: only the folders leading to the mounts, the /dev links, and empty
    # folders where the worker's own mounts were (its job folder, the grader's code).
    leading = {os.path.dirname(m) for m in mounts}
    while True:
        more = {os.path.dirname(p) for p in leading} - leading
        if not more:
            break
        leading |= more
    for path, _mode, entries in seen["on_root"]:
        if path in leading or path in ("/dev/fd", "/dev/stdin", "/dev/stdout", "/dev/stderr"):
            continue
        assert entries == 0, f"{path} holds something but is not on the list"
    # What the issue found reachable.
    names = {p for p, _, _ in seen["on_root"]} | mounts
    for gone in (
        REPO / ".git",
        REPO / "tests",
        REPO / "reference",
        REPO / "grader" / "specs",
        Path("/etc"),
        Path("/sys"),
        Path("/home"),
        REPO / "pyproject.toml",
    ):
        assert str(gone) not in names, gone
    assert sorted(os.path.basename(p) for p, _, _ in seen["on_root"] if p.startswith("/dev/")) == [
        "fd",
        "stderr",
        "stdin",
        "stdout",
    ]
