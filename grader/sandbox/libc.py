"""The C library through ctypes, opened once per worker and shared by every module of the
sandbox. Opened in the zygote with its functions looked up there, every submission's fork
inherits it ready: opening it anew in a submission's first process, where each lookup touches
copy-on-write pages, cost about 1 ms each time, and the set-up opened it several times."""

from __future__ import annotations

import ctypes
import functools

USED = ("prctl", "unshare", "mount", "umount2", "setns", "syscall", "sethostname", "capset")
"""The functions the sandbox calls, looked up when the library is opened."""


@functools.cache
def libc() -> ctypes.CDLL | None:
    """The C library (errno kept for `ctypes.get_errno`); None where it cannot be opened."""
    try:
        lib = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None
    for name in USED:
        getattr(lib, name, None)  # a lookup, cached on the library object
    return lib
