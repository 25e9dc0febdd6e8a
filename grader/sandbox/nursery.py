"""The nursery: a small process that makes each submission's PID namespace, and its init.

A PID namespace's first process is its init: it reaps the namespace's orphans, and when it ends
the kernel kills everything left in the namespace. The init must be forked right after
`unshare(CLONE_NEWPID)`, so it is a copy of whatever forked it. Forked from the zygote, it was a
copy of numpy and the course module: about a fifth of a submission's CPU went into forking that
copy, faulting in its pages and tearing it down again, for a process that only waits.

So the warm worker starts this module as a program of its own (`Nursery.start`): a bare
interpreter (`python -I -S`, no site, an empty environment) inside the worker's allowlist root,
that enters a mount namespace of its own without the worker's own mounts (its job folder, the
grader's code, the host's /proc), since a student can read an init's mount table. For each job
the zygote asks it for an init (`Nursery.init`); it forks one, about a tenth of the zygote's
size, into a new PID namespace and hands back a pidfd of it. The zygote joins that namespace
with `setns` and forks the submission's runner into it; the runner is the namespace's second
process (its parent, the zygote, is outside). The zygote ends the namespace by killing the init
(`grader.sandbox.worker._Zygote`).

The init holds nothing: no descriptor, no environment, not dumpable (its /proc files that a
ptrace check guards are closed to the submission's uid, which is not root anyway). It blocks
SIGCHLD and reaps whenever one comes. It dies with the nursery, and the nursery with the worker.
One init at a time per channel: asking for another kills the last.

The nursery's program is `grader.sandbox.nursery_program`.
"""

from __future__ import annotations

import os
import select
import socket
import struct
import subprocess
import sys
import time
from dataclasses import dataclass
from itertools import count
from pathlib import Path

PIPE_ROOM = 60_000
"""What a pipe holds before a write blocks (64 KiB on Linux), with room to spare."""
ASK_S = 5.0
"""How long the zygote waits for an init before it runs the job without a PID namespace."""
BOOT = (
    "import os, sys\n"
    "fd = int(sys.argv[1])\n"
    "given = b''.join(iter(lambda: os.read(fd, 65536), b''))\n"
    "os.close(fd)\n"
    "src, *args = given.split(bytes(1))\n"
    "sys.argv[1:] = [os.fsdecode(a) for a in args]\n"
    "exec(compile(src, '<nursery>', 'exec'), {'__name__': '__nursery__'})\n"
)
"""The nursery's command line. Its program and arguments come on a pipe (NUL-separated), so
that its /proc/<pid>/cmdline, which the submission can read for its init, names no path of the
host (the worker's mounts to let go of would)."""
EXECUTABLE = os.path.realpath(sys.executable)
"""The interpreter itself, found while the worker still sees the host's files (a virtual
environment's link to it is not in the allowlist root; the interpreter is)."""

AT_BASE = 7
"""The auxiliary vector's entry for where the dynamic loader was loaded."""


def _loader() -> str:
    """The dynamic loader the interpreter runs under, by its real path; "" for a static one.
    The interpreter asks for it by a link (/lib64/ld-linux-x86-64.so.2) that the allowlist root
    does not hold, so the nursery is started through the loader itself, which the root has (the
    worker has it mapped). Where it was loaded (the auxiliary vector's AT_BASE) names it in
    /proc/self/maps."""
    try:
        raw = Path("/proc/self/auxv").read_bytes()
        words = struct.unpack(f"{len(raw) // 8}Q", raw[: len(raw) // 8 * 8])
        base = dict(zip(words[::2], words[1::2], strict=False)).get(AT_BASE, 0)
        if not base:
            return ""
        with open("/proc/self/maps") as f:
            for line in f:
                fields = line.split()
                if len(fields) >= 6 and int(fields[0].split("-")[0], 16) == base:
                    return os.path.realpath(fields[5])
    except (OSError, ValueError, struct.error):
        pass
    return ""


LOADER = _loader()
PROGRAM = (Path(__file__).parent / "nursery_program.py").read_bytes()
"""The nursery's program (`grader.sandbox.nursery_program`), read while the worker still sees
the host's files."""


@dataclass(frozen=True)
class Init:
    """A submission's PID namespace: its init's pid (as the worker sees it) and a pidfd."""

    pid: int
    pidfd: int


_ASKED = count(1)
"""This process's requests, numbered."""


class Nursery:
    """The worker's side: the nursery process and one channel to it per zygote."""

    def __init__(self, proc: subprocess.Popen[bytes], channels: list[socket.socket]) -> None:
        self.proc = proc
        self.channels = channels

    @classmethod
    def start(cls, detach: tuple[str, ...], zygotes: int = 2) -> tuple[Nursery | None, str]:
        """Start the nursery, with a channel for each of `zygotes`; `detach` are the worker's
        own mounts, which the nursery lets go of. (None, why) where it cannot start."""
        start = [LOADER, EXECUTABLE] if LOADER else [EXECUTABLE]
        missing = [path for path in start if not os.path.exists(path)]
        if missing:
            return None, f"no PID namespace: {missing[0]} is not in the allowlist root"
        pairs = [socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET) for _ in range(zygotes)]
        ours, theirs = [a for a, _ in pairs], [b for _, b in pairs]
        program_r, program_w = os.pipe()
        try:
            fds = [s.fileno() for s in theirs]
            args = [str(os.getpid()), *map(str, fds), "--", *detach]
            given = bytes(1).join([PROGRAM, *map(os.fsencode, args)])
            if len(given) > PIPE_ROOM:  # it would block, with nobody reading yet
                raise OSError(0, "its program is too long for the pipe")
            os.write(program_w, given)  # it fits in the pipe: the nursery reads it at start
            os.close(program_w)
            program_w = -1
            proc = subprocess.Popen(
                [*start, "-I", "-S", "-c", BOOT, str(program_r)],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                env={},
                cwd="/",
                pass_fds=(program_r, *fds),
            )
        except OSError as exc:
            for s in (*ours, *theirs):
                s.close()
            return None, f"no PID namespace: the nursery did not start ({exc.strerror or exc})"
        finally:
            os.close(program_r)
            if program_w >= 0:
                os.close(program_w)
        for s in theirs:
            s.close()
        return cls(proc, list(ours)), ""

    @staticmethod
    def init(channel: socket.socket) -> Init | str:
        """A new PID namespace's init, from the nursery on `channel`; why not, if it gives none.
        A late answer to an earlier request (one this process gave up on) is dropped."""
        asked = next(_ASKED)
        deadline = time.monotonic() + ASK_S
        try:
            channel.send(b"%d" % asked)
            while True:
                left = max(0.0, deadline - time.monotonic())
                ready, _, _ = select.select([channel], [], [], left)
                if not ready:
                    return "no PID namespace: the nursery did not answer"
                answer, fds, _, _ = socket.recv_fds(channel, 256, 1)
                if not answer:
                    return "no PID namespace: the nursery is gone"
                number, _, rest = answer.partition(b" ")
                if number == b"%d" % asked:
                    break
                for fd in fds:
                    os.close(fd)
        except OSError as exc:
            return f"no PID namespace: the nursery is gone ({exc.strerror or exc})"
        if len(fds) == 1 and rest.isdigit():
            return Init(int(rest), fds[0])
        for fd in fds:
            os.close(fd)
        return f"no PID namespace: the nursery made none ({rest.decode(errors='replace')[:100]})"

    def stop(self) -> None:
        """Close the channels (it ends once every zygote's is closed) and reap it, so that its
        CPU time, and its inits', count in the worker's."""
        for s in self.channels:
            s.close()
        try:
            self.proc.wait(timeout=2.0)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
