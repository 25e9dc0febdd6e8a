"""The system-call filter, loaded in a child process: what it denies (with EPERM, not a kill)
and what a NumPy notebook still does under it."""

from __future__ import annotations

import json
import os
import signal

import pytest

from grader.sandbox import seccomp

pytestmark = pytest.mark.skipif(not seccomp.available(), reason="libseccomp is not installed")

CHECKS = """
import ctypes, errno, os, threading
import numpy as np
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long

def err(result):
    return "ok" if result >= 0 else errno.errorcode[ctypes.get_errno()]

ids = {"shm": libc.shmget(0, 4096, 0o1600), "msg": libc.msgget(0, 0o1600),
       "sem": libc.semget(0, 1, 0o1600)}
seen = {"shmget": err(ids["shm"]), "msgget": err(ids["msg"]), "semget": err(ids["sem"])}
# Unfiltered, they were made in the test's own IPC namespace: remove them (IPC_RMID).
if ids["shm"] >= 0:
    libc.shmctl(ids["shm"], 0, None)
if ids["msg"] >= 0:
    libc.msgctl(ids["msg"], 0, None)
if ids["sem"] >= 0:
    libc.semctl(ids["sem"], 0, 0)
seen.update({
    "unshare-user": err(libc.unshare(0x10000000)),
    "unshare-mount": err(libc.unshare(0x00020000)),
})
if FILTERED:  # never tried unfiltered: they would mount over /tmp, or trace this process,
    # or give the test run a child it never reaps (a clone that names its parent's parent)
    seen["mount"] = err(libc.mount(b"none", b"/tmp", b"tmpfs", 0, None))
    seen["ptrace"] = err(libc.ptrace(0, 0, None, None))
    child = libc.syscall(56, 0x8000 | 17, 0, 0, 0, 0)  # clone(CLONE_PARENT | SIGCHLD)
    if child == 0:
        os._exit(0)
    seen["clone-parent"] = err(child)
for name in ("keyctl", "add_key", "bpf", "perf_event_open", "io_uring_setup", "userfaultfd"):
    nr = {"keyctl": 250, "add_key": 248, "bpf": 321, "perf_event_open": 298,
          "io_uring_setup": 425, "userfaultfd": 323}[name]
    seen[name] = err(libc.syscall(nr, 0, 0, 0, 0, 0))
try:
    os.memfd_create("x")
    seen["memfd_create"] = "ok"
except OSError as exc:
    seen["memfd_create"] = errno.errorcode[exc.errno]
box = []
a = np.ones((300, 300))
t = threading.Thread(target=lambda: box.append(float(a @ np.ones(300) @ np.ones(300))))
t.start()
t.join()
seen["thread"] = box
pid = os.fork()
if pid == 0:
    os._exit(7)
seen["fork"] = os.WEXITSTATUS(os.waitpid(pid, 0)[1])
"""


def _in_child(install: bool) -> dict:
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            import ctypes

            ctypes.CDLL(None).prctl(38, 1, 0, 0, 0)  # no_new_privs, as the sandbox sets it
            layers = seccomp.install()[0] if install else []
            scope: dict = {"FILTERED": install}
            exec(CHECKS, scope)
            os.write(write_end, json.dumps({"layers": layers, **scope["seen"]}).encode())
        finally:
            os._exit(0)
    os.close(write_end)
    os.waitpid(pid, 0)
    with os.fdopen(read_end) as f:
        return json.loads(f.read())


@pytest.mark.skipif(os.uname().machine != "x86_64", reason="system call numbers for x86_64")
def test_the_filter_denies_with_eperm_and_numpy_threads_and_fork_still_work():
    seen = _in_child(install=True)
    assert seen.pop("layers") == ["seccomp"]
    assert seen.pop("thread") == [300.0 * 300]
    assert seen.pop("fork") == 7
    assert seen == {name: "EPERM" for name in seen}, seen


@pytest.mark.skipif(os.uname().machine != "x86_64", reason="system call numbers for x86_64")
def test_without_the_filter_the_same_calls_are_answered_by_the_kernel():
    """The test above has teeth: unfiltered, the kernel itself answers several of them."""
    seen = _in_child(install=False)
    assert seen["shmget"] == "ok" and seen["memfd_create"] == "ok" and seen["msgget"] == "ok"


OTHER_ABIS = """
import ctypes, mmap, os

def run(code):
    buf = mmap.mmap(-1, 4096, prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)
    buf.write(code)
    addr = ctypes.addressof(ctypes.c_char.from_buffer(buf))
    return ctypes.CFUNCTYPE(ctypes.c_long)(addr)()

# getpid through the 32-bit ABI (int 0x80, eax = 20), then through x32 (syscall, 0x40000000 | 39)
I386 = b"\\x53\\xb8\\x14\\x00\\x00\\x00\\xcd\\x80\\x48\\x63\\xc0\\x5b\\xc3"
X32 = b"\\x48\\xb8" + (0x40000000 | 39).to_bytes(8, "little") + b"\\x0f\\x05\\xc3"
"""


def _abi_child(install: bool, which: str) -> tuple[str, int]:
    pid = os.fork()
    if pid == 0:
        try:
            import ctypes

            ctypes.CDLL(None).prctl(38, 1, 0, 0, 0)
            if install:
                seccomp.install()
            scope: dict = {}
            exec(OTHER_ABIS, scope)
            scope["run"](scope[which])
        finally:
            os._exit(0)
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        return ("signal", os.WTERMSIG(status))
    return ("exit", os.WEXITSTATUS(status))


@pytest.mark.skipif(os.uname().machine != "x86_64", reason="x86_64's other system-call ABIs")
@pytest.mark.parametrize("which", ["I386", "X32"])
def test_the_loaded_program_kills_a_call_through_another_abi(which):
    """The filter is built once and loaded as a BPF program: its architecture check must have
    come along, or a 32-bit system call would pass every rule unread."""
    assert _abi_child(install=True, which=which) == ("signal", signal.SIGSYS)
    # Teeth: without the filter the same code returns normally (the kernel answers it).
    assert _abi_child(install=False, which=which) == ("exit", 0)


def test_the_program_is_built_once():
    seccomp.program.cache_clear()
    first = seccomp.program()
    assert first[0] and not first[1]
    assert seccomp.program() is first
