"""The nursery's program (`grader.sandbox.nursery`): run by a bare interpreter (`python -I -S`,
no site, an empty environment), from the text the worker sends it on a pipe, so it imports the
standard library only, and as little of it as it can.

Its arguments (after its program, on the pipe the boot line reads): the worker's pid, one
descriptor per zygote's channel, `--`, then the worker's own mounts to let go of. On each
channel, a request is a number; the answer is that number and either the new init's pid, with
a pidfd of it, or why there is none.
"""

from __future__ import annotations

import ctypes
import os
import select
import signal
import socket
import sys
from collections.abc import Callable

CLONE_NEWNS = 0x00020000
CLONE_NEWPID = 0x20000000
MS_RDONLY, MS_REC, MS_PRIVATE = 1, 16384, 1 << 18
MNT_DETACH = 2
PR_SET_PDEATHSIG, PR_SET_DUMPABLE, PR_CAPBSET_DROP, PR_SET_NO_NEW_PRIVS = 1, 4, 24, 38
LINUX_CAPABILITY_VERSION_3 = 0x20080522


def _main(argv: list[str]) -> None:
    """Let go of what the worker left (descriptors, mounts), then make inits on request."""
    libc = ctypes.CDLL(None, use_errno=True)
    worker = int(argv[0])
    split = argv.index("--")
    channels = [socket.socket(fileno=int(fd)) for fd in argv[1:split]]
    detach = argv[split + 1 :]
    keep = {c.fileno() for c in channels}
    for fd in range(3, 1024):  # what the worker left open (its job socket is inheritable)
        if fd not in keep:
            try:
                os.close(fd)
            except OSError:
                pass
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != worker:
        os._exit(1)
    libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    own = os.open("/proc/self/ns/pid", os.O_RDONLY | os.O_CLOEXEC)
    me = os.pidfd_open(os.getpid())
    if _own_mounts(libc, detach):
        _serve(channels, lambda: _make_init(libc, own, me))
    else:
        _serve(channels, lambda: b"its mount namespace could not be made")
    while True:
        try:
            os.wait()
        except ChildProcessError:
            break
    os._exit(0)


def _serve(channels: list[socket.socket], make: Callable[[], tuple[int, int] | bytes]) -> None:
    """Answer each request with what `make` gives (an init's pid and pidfd, or why none), until
    every channel has closed. A channel's last init ends when it asks again or closes."""
    inits: dict[int, tuple[int, int]] = {}  # channel's descriptor: (pid, pidfd)
    while channels:
        ready, _, _ = select.select(channels, [], [])
        for channel in ready:
            try:
                asked = channel.recv(64)
            except OSError:
                asked = b""
            _end(inits.pop(channel.fileno(), None))
            _reap()
            if not asked:
                channels.remove(channel)
                channel.close()
                continue
            made = make()
            try:
                if isinstance(made, bytes):
                    channel.send(asked[:20] + b" " + made)
                else:
                    socket.send_fds(channel, [asked[:20] + b" %d" % made[0]], [made[1]])
            except OSError:
                pass
            if not isinstance(made, bytes):
                inits[channel.fileno()] = made
    for init in inits.values():
        _end(init)


def _own_mounts(libc: ctypes.CDLL, detach: list[str]) -> bool:
    """A mount namespace of the nursery's own (and so of its inits'), without the worker's own
    mounts: an init's /proc/<pid>/mountinfo is readable by the submission. One that cannot be
    let go of is covered by an empty, unreadable tmpfs (its path still shows, not what is in
    it), as a submission's own are (`grader.sandbox.jail`). False where that fails too."""
    if libc.unshare(CLONE_NEWNS) != 0:
        return False
    if libc.mount(None, b"/", None, MS_REC | MS_PRIVATE, None) != 0:
        return False
    for path in sorted(detach, key=lambda p: p == "/proc"):  # /proc last
        if libc.umount2(path.encode(), MNT_DETACH) == 0:
            continue
        cover = libc.mount(b"tmpfs", path.encode(), b"tmpfs", MS_RDONLY, b"size=4k,mode=000")
        if cover != 0:
            return False
    os.chdir("/")
    return True


def _make_init(libc: ctypes.CDLL, own: int, me: int) -> tuple[int, int] | bytes:
    """Fork an init into a new PID namespace; (its pid, a pidfd of it) once it is ready (it
    holds nothing and has no privilege left), or why not."""
    if libc.unshare(CLONE_NEWPID) != 0:
        return f"unshare was refused: {os.strerror(ctypes.get_errno())}".encode()
    ready_r, ready_w = os.pipe()
    try:
        pid = os.fork()
    except OSError as exc:
        pid = -(exc.errno or 1)
    if pid == 0:
        try:
            _init(libc, me, ready_w)
        finally:
            os._exit(0)
    os.close(ready_w)
    if libc.setns(own, CLONE_NEWPID) != 0:
        os._exit(70)  # its next init would be born in this one's namespace: end, the worker sees
    try:
        if pid < 0:
            return f"fork failed: {os.strerror(-pid)}".encode()
        if not select.select([ready_r], [], [], READY_S)[0] or os.read(ready_r, 1) != b"r":
            os.kill(pid, signal.SIGKILL)
            return b"the init did not get ready"
        try:
            return pid, os.pidfd_open(pid)
        except OSError as exc:
            os.kill(pid, signal.SIGKILL)
            return f"no pidfd: {exc.strerror}".encode()
    finally:
        os.close(ready_r)


READY_S = 4.0
"""How long the nursery waits for a new init to say it is ready (less than the zygote waits for
the nursery's answer)."""


def _init(libc: ctypes.CDLL, nursery: int, ready: int) -> None:
    """The init: let go of everything, say so on `ready`, then reap whatever the namespace's
    orphans leave, until killed."""
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if select.select([nursery], [], [], 0)[0]:  # the nursery ended before the line above
        return
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGCHLD})
    # Its pidfd, the channels and the rest too: the init holds nothing.
    os.closerange(0, ready)
    os.closerange(ready + 1, 1 << 16)
    _powerless(libc)
    os.write(ready, b"r")
    os.close(ready)
    while True:
        signal.sigwait({signal.SIGCHLD})
        _reap()


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [
        ("effective", ctypes.c_uint32),
        ("permitted", ctypes.c_uint32),
        ("inheritable", ctypes.c_uint32),
    ]


def clear_capabilities(libc: ctypes.CDLL) -> bool:
    """Set this process's capabilities (effective, permitted, inheritable) to none; whether the
    kernel agreed. Shared with `grader.sandbox.jail`, which drops a submission's the same way."""
    header = _CapHeader(LINUX_CAPABILITY_VERSION_3, 0)
    data = (_CapData * 2)()  # all zero
    return bool(libc.capset(ctypes.byref(header), data) == 0)


def _powerless(libc: ctypes.CDLL) -> None:
    """The init needs no privilege to wait: it keeps none (no capability, none to regain), so
    that the one root process a submission can name could do nothing for it even if reached."""
    libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
    for cap in range(64):
        libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0)
    clear_capabilities(libc)


def _reap() -> None:
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def _end(init: tuple[int, int] | None) -> None:
    """Kill an init (and so its namespace) that its zygote no longer needs."""
    if init is None:
        return
    try:
        signal.pidfd_send_signal(init[1], signal.SIGKILL)
    except OSError:
        pass
    os.close(init[1])


if __name__ == "__nursery__":
    _main(sys.argv[1:])
