"""Die with the parent: Linux's PR_SET_PDEATHSIG, so that a `kill -9` of the grader takes its
pool processes, warm workers and running submissions with it instead of leaving orphans."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from grader.sandbox.libc import libc as shared_libc

PR_SET_PDEATHSIG = 1


def die_with_parent(signum: int, expected_parent: int | None = None) -> bool:
    """Ask the kernel to send `signum` to this process when its parent exits. If the parent is
    already gone (it died before the request), exit now. Returns False where unsupported."""
    try:
        lib = shared_libc()
        if lib is None:
            return False
        ok = lib.prctl(PR_SET_PDEATHSIG, signum, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False
    if ok and expected_parent is not None and os.getppid() != expected_parent:
        os._exit(1)
    return ok


def owned_tempdir(prefix: str) -> Path:
    """A new temporary folder whose name carries this process's pid, so that `sweep_abandoned`
    can tell when its owner was killed before it could remove it."""
    return Path(tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}-"))


def sweep_abandoned(prefix: str) -> None:
    """Remove the temporary folders made by `owned_tempdir(prefix)` whose owner is gone (killed
    outright, with no chance to clean up)."""
    for folder in Path(tempfile.gettempdir()).glob(f"{prefix}*-*"):
        try:
            owner = int(folder.name[len(prefix) :].split("-", 1)[0])
        except ValueError:
            continue
        if owner == os.getpid():
            continue
        try:
            os.kill(owner, 0)
        except ProcessLookupError:
            shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            pass
