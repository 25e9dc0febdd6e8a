"""The nursery (`grader.sandbox.nursery`): the small process that makes each submission's PID
namespace and its init, run here for real, as root, outside any sandbox."""

from __future__ import annotations

import os
import select
import signal
import time
from pathlib import Path

import pytest

from grader.sandbox import nursery
from grader.sandbox.nursery import Init, Nursery

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="PID namespaces need root")


@pytest.fixture
def births():
    started, why = Nursery.start(())
    assert started is not None, why
    yield started
    started.stop()


def _gone(pid: int, within: float = 5.0) -> bool:
    """True once `pid` is no process or a zombie."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            return True
        if state == "Z":
            return True
        time.sleep(0.01)
    return False


def _status(pid: int) -> dict[str, str]:
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        fields[key] = value.strip()
    return fields


def test_an_init_is_the_first_process_of_a_namespace_of_its_own_and_holds_nothing(births):
    init = Nursery.init(births.channels[0])
    assert isinstance(init, Init), init
    try:
        status = _status(init.pid)
        assert status["NSpid"].split()[-1] == "1"  # pid 1 where it is
        assert status["NSpid"].split()[0] == str(init.pid)
        assert os.readlink(f"/proc/{init.pid}/ns/pid") != os.readlink("/proc/self/ns/pid")
        assert os.listdir(f"/proc/{init.pid}/fd") == []  # no descriptor of the worker's
        assert Path(f"/proc/{init.pid}/environ").read_bytes() == b""
        # Root, but with no capability and none to regain: it only waits.
        assert int(status["Uid"].split()[0]) == 0
        assert status["CapEff"] == status["CapPrm"] == status["CapBnd"] == "0" * 16
        assert status["NoNewPrivs"] == "1"
        cmdline = Path(f"/proc/{init.pid}/cmdline").read_bytes()
        assert b"--" not in cmdline.split(b"\0")  # its arguments came on a pipe
    finally:
        signal.pidfd_send_signal(init.pidfd, signal.SIGKILL)
        os.close(init.pidfd)


def test_a_process_forked_into_the_namespace_is_reaped_by_its_init_once_orphaned(births):
    init = Nursery.init(births.channels[0])
    assert isinstance(init, Init), init
    own = os.open("/proc/self/ns/pid", os.O_RDONLY)
    read_end, write_end = os.pipe()
    try:
        from grader.sandbox import jail

        assert jail.join_pid_namespace(init.pidfd)
        child = os.fork()
        if child == 0:
            os.close(read_end)
            grandchild = os.fork()
            if grandchild == 0:
                time.sleep(0.3)  # outlives its parent: an orphan, reparented to the init
                os._exit(0)
            os.write(write_end, str(grandchild).encode())
            os._exit(0)
        jail.leave_pid_namespace(own)
        os.close(write_end)
        os.waitpid(child, 0)
        orphan = int(os.read(read_end, 32))  # its pid in the namespace
        assert orphan == 3  # the init is 1, the child 2
        host_pid = next(
            int(p)
            for p in os.listdir("/proc")
            if p.isdigit() and _ns_pid(int(p), init.pid) == orphan
        )
        assert _gone(host_pid, 5.0)
        time.sleep(0.1)
        assert not Path(f"/proc/{host_pid}").exists()  # reaped, not left a zombie
    finally:
        os.close(read_end)
        os.close(own)
        signal.pidfd_send_signal(init.pidfd, signal.SIGKILL)
        os.close(init.pidfd)


def _ns_pid(pid: int, init: int) -> int | None:
    """`pid`'s pid inside `init`'s namespace, if it is in it."""
    try:
        if os.readlink(f"/proc/{pid}/ns/pid") != os.readlink(f"/proc/{init}/ns/pid"):
            return None
        return int(_status(pid)["NSpid"].split()[-1])
    except (OSError, KeyError, ValueError):
        return None


def test_killing_the_init_ends_everything_in_its_namespace(births):
    init = Nursery.init(births.channels[0])
    assert isinstance(init, Init), init
    own = os.open("/proc/self/ns/pid", os.O_RDONLY)
    from grader.sandbox import jail

    assert jail.join_pid_namespace(init.pidfd)
    child = os.fork()
    if child == 0:
        for _ in range(3):
            if os.fork() == 0:
                time.sleep(30)
                os._exit(0)
        time.sleep(30)
        os._exit(0)
    jail.leave_pid_namespace(own)
    os.close(own)
    time.sleep(0.2)
    signal.pidfd_send_signal(init.pidfd, signal.SIGKILL)
    _, status = os.waitpid(child, 0)
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
    ready, _, _ = select.select([init.pidfd], [], [], 5.0)
    assert ready  # the init has ended: so has every process of its namespace
    os.close(init.pidfd)


def test_asking_again_on_a_channel_ends_that_channel_s_last_init(births):
    first = Nursery.init(births.channels[0])
    other = Nursery.init(births.channels[1])
    second = Nursery.init(births.channels[0])
    assert isinstance(first, Init) and isinstance(second, Init) and isinstance(other, Init)
    assert select.select([first.pidfd], [], [], 5.0)[0]  # ended
    assert not select.select([other.pidfd], [], [], 0.2)[0]  # the other channel's stays
    for init in (first, second, other):
        signal.pidfd_send_signal(init.pidfd, signal.SIGKILL)
        os.close(init.pidfd)


def test_a_late_answer_to_an_earlier_request_is_not_taken_for_the_next(births):
    channel = births.channels[0]
    channel.send(b"999999")  # a request whose asker gave up before the answer came
    time.sleep(0.2)
    init = Nursery.init(channel)
    assert isinstance(init, Init), init
    assert select.select([init.pidfd], [], [], 0.2)[0] == []  # the live one, not the stale one
    signal.pidfd_send_signal(init.pidfd, signal.SIGKILL)
    os.close(init.pidfd)


def test_the_nursery_ends_with_its_channels_and_leaves_no_init_behind():
    started, why = Nursery.start(())
    assert started is not None, why
    inits = [Nursery.init(c) for c in started.channels]
    assert all(isinstance(i, Init) for i in inits), inits
    started.stop()
    assert started.proc.returncode == 0
    for init in inits:
        assert isinstance(init, Init)
        assert select.select([init.pidfd], [], [], 5.0)[0]
        os.close(init.pidfd)


def test_the_inits_die_with_the_nursery():
    started, why = Nursery.start(())
    assert started is not None, why
    init = Nursery.init(started.channels[0])
    assert isinstance(init, Init), init
    started.proc.kill()
    started.proc.wait()
    assert select.select([init.pidfd], [], [], 5.0)[0]
    os.close(init.pidfd)
    for c in started.channels:
        c.close()


def test_an_asker_whose_nursery_is_gone_gets_a_reason_not_a_hang():
    started, why = Nursery.start(())
    assert started is not None, why
    started.proc.kill()
    started.proc.wait()
    answer = Nursery.init(started.channels[0])
    assert isinstance(answer, str) and answer.startswith("no PID namespace")
    for c in started.channels:
        c.close()


def test_the_nursery_starts_through_the_loader_the_interpreter_names():
    # The allowlist root holds the loader's real file, not the link the interpreter names.
    if nursery.LOADER:
        assert os.path.isfile(nursery.LOADER) and not os.path.islink(nursery.LOADER)
        assert "ld" in os.path.basename(nursery.LOADER)


def test_a_mount_the_nursery_cannot_let_go_of_is_covered_and_it_still_makes_inits(tmp_path):
    """Run in a mount namespace of the test's own, so the worker-like mounts stay here."""
    import subprocess
    import sys

    script = f"""
import ctypes, os, select, signal
from pathlib import Path
from grader.sandbox.nursery import Init, Nursery
libc = ctypes.CDLL(None, use_errno=True)
assert libc.unshare(0x00020000) == 0
assert libc.mount(None, b"/", None, 16384 | (1 << 18), None) == 0
held = "{tmp_path}/held"
os.mkdir(held)
Path(held, "secret").write_text("x")
assert libc.mount(b"tmpfs", held.encode(), b"tmpfs", 0, None) == 0
Path(held, "secret").write_text("x")
os.mkdir("{tmp_path}/never-mounted")  # a folder, not a mount: it cannot be let go of
started, why = Nursery.start((held, "{tmp_path}/never-mounted"))
assert started is not None, why
init = Nursery.init(started.channels[0])
assert isinstance(init, Init), init
table = Path(f"/proc/{{init.pid}}/mountinfo").read_text()
# The worker's mount let go of; the folder that was never a mount covered (so named).
print(sum(held in line for line in table.splitlines()), "never-mounted" in table)
signal.pidfd_send_signal(init.pidfd, signal.SIGKILL)
started.stop()
"""
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "0 True"
