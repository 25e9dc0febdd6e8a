"""The operating-system layers: the plan worked out from where Python lives, and what a
submission sees once they are in place (as root; elsewhere, that the result says what is
missing)."""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from grader.execute import Sandbox
from grader.model import CodeCell, Limits, ProbeCall
from grader.pipeline import sandbox_record
from grader.sandbox import jail

ROOT = os.geteuid() == 0
needs_root = pytest.mark.skipif(not ROOT, reason="namespaces and mounts need root")


def test_outermost_drops_paths_inside_others():
    assert jail.outermost(["/a/b", "/a", "/ab", "/c/d/e", "/c/d"]) == ("/a", "/ab", "/c/d")
    assert jail.inside("/a/b", "/a") and jail.inside("/a", "/a") and not jail.inside("/ab", "/a")


@pytest.fixture
def open_dir():
    """A folder everyone may enter, on a path everyone may enter (pytest's tmp_path is not)."""
    path = Path(tempfile.mkdtemp(dir="/var/tmp"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path)


def test_a_private_folder_holding_python_is_covered_and_the_rest_is_not(open_dir):
    private = open_dir / "home"
    kept = private / "py" / "lib"
    kept.mkdir(parents=True)
    private.chmod(0o700)
    open_folder = open_dir / "site"
    open_folder.mkdir()
    plan = jail.make_plan([str(kept), str(open_folder), str(kept / "sub")], [], tmp="/nowhere")
    assert set(plan.keep) == {str(kept), str(open_folder)}
    assert plan.covers == (str(private),)  # the topmost folder others cannot enter


def test_secret_folders_that_do_not_exist_are_left_out(tmp_path):
    plan = jail.make_plan([], [str(tmp_path), str(tmp_path / "missing")])
    assert plan.secret == (str(tmp_path),)


def _probe(limits: Limits, source: str) -> tuple[object, tuple[str, ...], tuple[str, ...]]:
    with Sandbox(limits) as sb:
        ex = sb.run([CodeCell(0, source, ())], [ProbeCall("c", "f", (), {}, None, {})])
    out = ex.outcomes["c"]
    assert out.ok, out.error
    return out.value, ex.isolation, ex.isolation_notes


@needs_root
def test_as_root_the_submission_sees_a_jail():
    outside = Path(tempfile.mkdtemp(dir="/var/tmp"))
    try:
        (outside / "secret.txt").write_text("42")
        source = f"""
import os
def f():
    seen = {{}}
    seen["pids"] = sorted(int(p) for p in os.listdir("/proc") if p.isdigit())
    seen["uid"] = os.getuid()
    for path in ("{outside}/secret.txt", "/hostile-probe", "/usr/lib/hostile-probe", "/tmp/mine"):
        try:
            with open(path, "w" if "mine" in path or "probe" in path else "r") as fh:
                seen[path] = "ok"
        except OSError as exc:
            seen[path] = exc.strerror
    try:
        os.fork() and os.wait()
        seen["fork"] = "ok"
    except OSError as exc:
        seen["fork"] = exc.strerror
    import numpy.testing, email.mime.text  # imported late: the kept Python still imports
    return seen
"""
        seen, layers, notes = _probe(Limits(timeout_s=5, hidden=(str(outside),)), source)
    finally:
        shutil.rmtree(outside)
    assert isinstance(seen, dict)
    assert set(layers) >= set(jail.FULL), notes
    assert max(seen["pids"]) < 10  # its own namespace's processes only
    assert seen["uid"] >= 1_000_000  # a uid of its own, not root, not nobody
    assert seen[f"{outside}/secret.txt"] == "No such file or directory"  # not in the root
    assert seen["/hostile-probe"] == "Read-only file system"
    assert seen["/usr/lib/hostile-probe"] == "Read-only file system"
    assert seen["/tmp/mine"] == "ok"  # its private /tmp
    assert seen["fork"] == "ok"  # a process cap, not a ban on processes


@needs_root
def test_the_process_cap_stops_a_fork_bomb_near_its_bound():
    source = """
import os, time
def f():
    n = 0
    for _ in range(400):
        try:
            pid = os.fork()
        except OSError:
            break
        if pid == 0:
            time.sleep(30)
            os._exit(0)
        n += 1
    return n
"""
    n, layers, _ = _probe(Limits(timeout_s=5), source)
    assert "process-cap" in layers
    assert 0 < n < jail.PROCESS_CAP


def test_without_root_only_the_process_cap_and_seccomp_are_claimed_and_the_rest_is_missing():
    """The branch a laptop takes (no uid to drop), run in a child so its rlimit stays there."""
    code = "from grader.sandbox import jail; print(jail.drop_privileges(None, []))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    layers, notes = ast.literal_eval(out.stdout)
    # The process cap, and the system-call filter, which needs no privilege.
    assert layers == ["process-cap", "seccomp"]
    assert notes == ["not running as root: no namespaces, no dropped uid"]
    record = sandbox_record(Limits(), layers, notes)
    assert record["missing"] == [x for x in jail.FULL if x not in layers]
    assert record["notes"] == notes


@needs_root
def test_a_secret_inside_a_folder_that_must_stay_visible_is_still_hidden(open_dir):
    """`grader grade .` from the project folder: the class folder holds the course module, so it
    stays visible, but the reference inside it does not."""
    (open_dir / "coursekit").mkdir()
    (open_dir / "coursekit" / "data.py").write_text("")
    (open_dir / "reference").mkdir()
    (open_dir / "reference" / "answers.py").write_text("")
    plan = jail.make_plan([str(open_dir / "coursekit")], [str(open_dir / "reference")])
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # a child of its own: the mounts change its namespace only
        try:
            layers, notes = jail.enter(plan, [str(open_dir)], 16)
            seen = {
                "layers": layers,
                "notes": notes,
                "coursekit": os.listdir(open_dir / "coursekit"),
                "reference": os.listdir(open_dir / "reference"),
            }
            os.write(write_end, json.dumps(seen).encode())
        finally:
            os._exit(0)
    os.close(write_end)
    os.waitpid(pid, 0)
    with os.fdopen(read_end) as f:
        seen = json.loads(f.read())
    assert seen["coursekit"] == ["data.py"]
    assert seen["reference"] == []
    assert "hidden-grader-files" in seen["layers"]
    assert any("stays visible" in n for n in seen["notes"])


WRITER = """
import ctypes, os, socket, time
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
libc.shmat.restype = ctypes.c_void_p
def f():
    done = []
    shm = libc.shmget(0x4853, 4096, 0o1666)
    if shm >= 0:
        addr = libc.shmat(shm, None, 0)
        if addr not in (None, ctypes.c_void_p(-1).value):
            ctypes.memmove(addr, b"from A", 6)
            done.append("shm")
    if libc.msgget(0x4853, 0o1666) >= 0:
        done.append("msg")
    if libc.syscall(240, b"hostile-q", 0o100 | 2, 0o666, None) >= 0:  # mq_open
        done.append("mqueue")
    if libc.syscall(248, b"user", b"hostile", b"from A", 6, -4) >= 0:  # add_key, user keyring
        done.append("keyring")
    for path in ("/tmp/hostile-a", "/dev/shm/hostile-a"):
        with open(path, "w") as fh:
            fh.write("from A")
        done.append(path)
    s = socket.socket(socket.AF_UNIX)
    s.bind("\\0hostile-abstract")
    s.listen()
    if os.fork() == 0:  # keeps the socket open, if anything lets it outlive the submission
        time.sleep(30)
        os._exit(0)
    done.append("abstract")
    return done
"""
READER = """
import ctypes, os, socket
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
def f():
    found = []
    if libc.shmget(0x4853, 0, 0) >= 0:
        found.append("shm")
    if libc.msgget(0x4853, 0) >= 0:
        found.append("msg")
    if libc.syscall(240, b"hostile-q", 0, 0, None) >= 0:
        found.append("mqueue")
    if libc.syscall(250, 0x14, b"user", b"hostile", 0) >= 0:  # keyctl(KEYCTL_SEARCH)...
        found.append("keyring-search")
    if libc.syscall(249, b"user", b"hostile", None, 0) >= 0:  # request_key
        found.append("keyring")
    for path in ("/tmp/hostile-a", "/dev/shm/hostile-a"):
        if os.path.exists(path):
            found.append(path)
    s = socket.socket(socket.AF_UNIX)
    try:
        s.connect("\\0hostile-abstract")
        found.append("abstract")
    except OSError:
        pass
    return found
"""


@needs_root
def test_nothing_passes_from_one_student_to_the_next_on_the_same_worker():
    probe = [ProbeCall("c", "f", (), {}, None, {})]
    with Sandbox(Limits(timeout_s=5)) as sb:
        a = sb.run([CodeCell(0, WRITER, ())], probe)
        b = sb.run([CodeCell(0, READER, ())], probe)
    assert b.outcomes["c"].ok, b.outcomes["c"].error
    assert b.outcomes["c"].value == []
    assert a.outcomes["c"].ok, a.outcomes["c"].error
    # A's own channels: the IPC calls and the keyring are refused (system-call filter), the files
    # are written in its private /tmp and /dev/shm, the socket is bound in the worker's network
    # namespace.
    assert a.outcomes["c"].value == ["/tmp/hostile-a", "/dev/shm/hostile-a", "abstract"]


@needs_root
def test_each_submission_has_a_uid_of_its_own():
    source = "import os\ndef f():\n    return os.getuid()\n"
    probe = [ProbeCall("c", "f", (), {}, None, {})]
    with Sandbox(Limits(timeout_s=5)) as sb:
        uids = [sb.run([CodeCell(0, source, ())], probe).outcomes["c"].value for _ in range(3)]
    assert len(set(uids)) == 3 and min(uids) >= jail.UID_BASE


NAMESPACE = """
import os, time
def f():
    if os.fork() == 0:  # left running: its job's end must take it
        time.sleep(30)
        os._exit(0)
    pids = sorted(int(p) for p in os.listdir("/proc") if p.isdigit())
    return pids
"""


@needs_root
@pytest.mark.parametrize("disable", ["", "spare-init"])
def test_each_submission_has_a_pid_namespace_of_its_own_made_for_it(monkeypatch, disable):
    """The next job's namespace is made while the grader scores the last (`_Zygote.prepare`);
    it is still one namespace per job, holding only that job's processes."""
    monkeypatch.setenv("GRADER_TEST_DISABLE_LAYERS", disable)
    probe = [ProbeCall("c", "f", (), {}, None, {})]
    runs, workers = [], set()
    with Sandbox(Limits(timeout_s=5)) as sb:
        for _ in range(3):
            runs.append(sb.run([CodeCell(0, NAMESPACE, ())], probe))
            workers.add(sb.worker_pids())
    assert len(workers) == 1, "a worker ended (it ends when it cannot make a namespace)"
    for run in runs:
        assert "pid-namespace" in run.isolation
        assert run.outcomes["c"].ok, run.outcomes["c"].error
        pids = run.outcomes["c"].value
        # its init, the runner and its own sleeper: none of the last job's
        assert pids[:2] == [1, 2] and len(pids) == 3, pids


@needs_root
def test_the_grader_s_environment_does_not_reach_student_code(monkeypatch):
    monkeypatch.setenv("GRADER_TEST_SECRET", "hunter2")
    source = """
import os
def f():
    try:
        with open("/proc/self/environ") as fh:
            start = fh.read()
    except OSError as exc:  # as an unprivileged uid, a process's environ is root's to read
        start = exc.strerror
    return [dict(os.environ), "hunter2" in start]
"""
    with Sandbox(Limits(timeout_s=5)) as sb:
        ex = sb.run([CodeCell(0, source, ())], [ProbeCall("c", "f", (), {}, None, {})])
    env, in_proc = ex.outcomes["c"].value
    assert "GRADER_TEST_SECRET" not in env and not in_proc
    assert set(env) <= set(jail.ENVIRONMENT) | set(jail.PASSED_ON)
    assert "scrubbed-environment" in ex.isolation


HOST_NAMES = """
import os
import matplotlib
from matplotlib import font_manager
def f():
    with open("/proc/self/cgroup") as fh:
        groups = fh.read().split()
    cache = matplotlib.get_cachedir()
    font_manager.json_dump(font_manager.fontManager, os.path.join(cache, "fonts.json"))
    return [groups, matplotlib.get_configdir(), cache, os.listdir(cache)]
"""


@needs_root
@pytest.mark.parametrize("disable", ["", "cgroup-namespace"])
def test_a_submission_reads_no_host_name_in_its_groups_or_its_plot_folders(monkeypatch, disable):
    """/proc/self/cgroup names only the submission's own group, as "/" (a cgroup namespace), and
    matplotlib's folders are under the submission's home, so saving its font cache works and
    prints nothing (from the plot zygote, matplotlib had remembered the zygote's folder, which no
    submission sees). Switched off, the cgroup namespace shows the host's group names."""
    monkeypatch.setenv("GRADER_TEST_DISABLE_LAYERS", disable)
    with Sandbox(Limits(timeout_s=10)) as sb:
        ex = sb.run([CodeCell(0, HOST_NAMES, ())], [ProbeCall("c", "f", (), {}, None, {})])
        root = str(sb._root)
    assert ex.cells[0].ok, ex.cells[0].error
    out = ex.outcomes["c"]
    assert out.ok, out.error
    groups, config, cache, saved = out.value
    assert config.startswith("/tmp/") and cache.startswith("/tmp/")
    assert root not in config + cache and saved == ["fonts.json"]
    named = [g for g in groups if not g.endswith(":/")]
    if disable:
        assert named and "cgroup-namespace" not in ex.isolation
    else:
        assert named == [] and "cgroup-namespace" in ex.isolation


INIT_VIEW = """
import os
def f():
    seen = {}
    for name in ("cmdline", "mountinfo", "status", "cgroup"):
        try:
            with open(f"/proc/1/{name}", "rb") as fh:
                seen[name] = fh.read().decode(errors="replace")
        except OSError as exc:
            seen[name] = exc.strerror
    for name in ("environ", "maps", "root", "fd"):
        try:
            if name in ("root", "fd"):
                os.listdir(f"/proc/1/{name}")
            else:
                open(f"/proc/1/{name}").read()
            seen[name] = "read"
        except OSError as exc:
            seen[name] = exc.strerror
    return [os.getpid(), os.getppid(), seen]
"""


@needs_root
@pytest.mark.parametrize("disable", ["", "nursery-mounts"])
def test_the_namespace_s_init_shows_the_submission_no_host_path(monkeypatch, disable):
    """The submission's PID namespace has an init of the nursery's making (pid 1; the runner,
    pid 2, has it for its parent). Of the init's /proc files that anyone may read, none names the
    worker's job folder or the grader's code, and those a ptrace check guards are closed.
    Switched off, the nursery keeps the worker's mounts, and the init's mount table names
    them."""
    monkeypatch.setenv("GRADER_TEST_DISABLE_LAYERS", disable)
    import grader

    code = str(Path(grader.__file__).parent)
    with Sandbox(Limits(timeout_s=10)) as sb:
        ex = sb.run([CodeCell(0, INIT_VIEW, ())], [ProbeCall("c", "f", (), {}, None, {})])
        root = str(sb._root)
    out = ex.outcomes["c"]
    assert out.ok, out.error
    pid, parent, seen = out.value
    assert (pid, parent) == (2, 1)
    assert "pid-namespace" in ex.isolation and "private-proc" in ex.isolation
    for name in ("environ", "maps", "root", "fd"):
        assert seen[name] == "Permission denied", (name, seen[name])
    assert "Uid:\t0" in seen["status"]
    readable = seen["cmdline"] + seen["status"] + seen["cgroup"]
    assert root not in readable and code not in readable
    if disable:
        assert root in seen["mountinfo"]
    else:
        assert root not in seen["mountinfo"] and code not in seen["mountinfo"]
