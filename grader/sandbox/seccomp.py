"""A system-call filter for the process that runs student code (libseccomp, through ctypes).

It denies what a NumPy notebook never needs, taking Docker's default profile as the reference
point: new namespaces and joining others, the kernel keyrings, SysV and POSIX IPC, io_uring, bpf,
perf events, userfaultfd, tracing and reading other processes, mounting, kexec, kernel modules,
reboot, swap, accounting, the clock, the host name. A denied call fails with EPERM (Python
raises PermissionError); nothing is killed. Threads (OpenBLAS's, `threading`) still start:
`clone` is denied only with a namespace flag, and `clone3`, whose flags a filter cannot read,
answers ENOSYS so that the C library falls back to `clone`.

Where libseccomp is missing, `install` says so and the result lists the layer as missing."""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import functools
import os

from grader.sandbox.libc import libc as shared_libc

SCMP_ACT_ALLOW = 0x7FFF0000
SCMP_CMP_MASKED_EQ = 7


def SCMP_ACT_ERRNO(e: int) -> int:
    return 0x00050000 | (e & 0xFFFF)


DENIED = (
    # namespaces: new ones (unshare, setns), and the filesystem's view of them
    "unshare",
    "setns",
    "pivot_root",
    "chroot",
    "mount",
    "umount",
    "umount2",
    "mount_setattr",
    "move_mount",
    "open_tree",
    "fsopen",
    "fsconfig",
    "fsmount",
    "fspick",
    # keyrings
    "keyctl",
    "add_key",
    "request_key",
    # SysV and POSIX IPC
    "msgget",
    "msgsnd",
    "msgrcv",
    "msgctl",
    "semget",
    "semop",
    "semtimedop",
    "semctl",
    "shmget",
    "shmat",
    "shmdt",
    "shmctl",
    "mq_open",
    "mq_unlink",
    "mq_timedsend",
    "mq_timedreceive",
    "mq_notify",
    "mq_getsetattr",
    # memory that no address-space limit counts
    "memfd_create",
    "memfd_secret",
    # kernel interfaces a notebook never uses
    "io_uring_setup",
    "io_uring_enter",
    "io_uring_register",
    "bpf",
    "perf_event_open",
    "userfaultfd",
    "ptrace",
    "process_vm_readv",
    "process_vm_writev",
    "kcmp",
    "pidfd_getfd",
    "kexec_load",
    "kexec_file_load",
    "init_module",
    "finit_module",
    "delete_module",
    "reboot",
    "swapon",
    "swapoff",
    "acct",
    "syslog",
    "quotactl",
    "lookup_dcookie",
    "open_by_handle_at",
    "name_to_handle_at",
    "fanotify_init",
    "iopl",
    "ioperm",
    "settimeofday",
    "clock_settime",
    "clock_adjtime",
    "adjtimex",
    "sethostname",
    "setdomainname",
    "vhangup",
    "personality",
    "uselib",
    "nfsservctl",
)
NAMESPACE_FLAGS = (
    0x00020000  # CLONE_NEWNS
    | 0x02000000  # CLONE_NEWCGROUP
    | 0x04000000  # CLONE_NEWUTS
    | 0x08000000  # CLONE_NEWIPC
    | 0x10000000  # CLONE_NEWUSER
    | 0x20000000  # CLONE_NEWPID
    | 0x40000000  # CLONE_NEWNET
    | 0x00000080  # CLONE_NEWTIME
)
CLONE_PARENT = 0x00008000
"""A child whose parent is the caller's parent: for the runner, the zygote, outside the
submission's PID namespace, which the namespace's init cannot reap and whose end the init's own
end waits for (found by a red team: zombies held the worker's process cap for the next
student). glibc's fork and posix_spawn never ask for it."""
REFUSED_CLONE_FLAGS = NAMESPACE_FLAGS | CLONE_PARENT


class _ArgCmp(ctypes.Structure):
    _fields_ = [
        ("arg", ctypes.c_uint),
        ("op", ctypes.c_int),
        ("datum_a", ctypes.c_uint64),
        ("datum_b", ctypes.c_uint64),
    ]


@functools.cache
def _lib() -> ctypes.CDLL | None:
    """libseccomp, opened once in the warm worker."""
    for name in ("libseccomp.so.2", ctypes.util.find_library("seccomp")):
        if name:
            try:
                lib = ctypes.CDLL(name, use_errno=True)
            except OSError:
                continue
            lib.seccomp_init.restype = ctypes.c_void_p
            lib.seccomp_init.argtypes = [ctypes.c_uint32]
            lib.seccomp_rule_add_array.argtypes = [
                ctypes.c_void_p,
                ctypes.c_uint32,
                ctypes.c_int,
                ctypes.c_uint,
                ctypes.c_void_p,
            ]
            lib.seccomp_syscall_resolve_name.argtypes = [ctypes.c_char_p]
            lib.seccomp_load.argtypes = [ctypes.c_void_p]
            lib.seccomp_release.argtypes = [ctypes.c_void_p]
            lib.seccomp_export_bpf.argtypes = [ctypes.c_void_p, ctypes.c_int]
            return lib
    return None


def available() -> bool:
    return _lib() is not None


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


PR_SET_SECCOMP, SECCOMP_MODE_FILTER = 22, 2
BPF_INSTRUCTION_BYTES = 8


@functools.cache
def program() -> tuple[bytes, str]:
    """The filter as a classic BPF program (architecture check included), built once by
    libseccomp in the warm worker: (program, "") or (b"", why not). Building it costs about 4 ms,
    loading it a few microseconds, so each submission only loads it."""
    lib = _lib()
    if lib is None:
        return b"", "no seccomp: libseccomp.so.2 is not installed"
    ctx = lib.seccomp_init(SCMP_ACT_ALLOW)
    if not ctx:
        return b"", "no seccomp: seccomp_init failed"
    try:
        deny = SCMP_ACT_ERRNO(errno.EPERM)
        for name in DENIED:
            nr = lib.seccomp_syscall_resolve_name(name.encode())
            if nr >= 0 and lib.seccomp_rule_add_array(ctx, deny, nr, 0, None) != 0:
                return b"", f"no seccomp: the rule for {name} was refused"
        # clone with any namespace flag, or CLONE_PARENT: one rule per flag (a masked compare
        # tests all bits).
        nr = lib.seccomp_syscall_resolve_name(b"clone")
        bit = 1
        while bit <= REFUSED_CLONE_FLAGS:
            if REFUSED_CLONE_FLAGS & bit:
                cmp = _ArgCmp(0, SCMP_CMP_MASKED_EQ, bit, bit)
                if lib.seccomp_rule_add_array(ctx, deny, nr, 1, ctypes.byref(cmp)) != 0:
                    return b"", "no seccomp: the rule for clone was refused"
            bit <<= 1
        nr = lib.seccomp_syscall_resolve_name(b"clone3")
        if nr >= 0:
            lib.seccomp_rule_add_array(ctx, SCMP_ACT_ERRNO(errno.ENOSYS), nr, 0, None)
        return _export(lib, ctx)
    finally:
        lib.seccomp_release(ctx)


def _export(lib: ctypes.CDLL, ctx: int) -> tuple[bytes, str]:
    """The context's BPF program, through a pipe (libseccomp writes it to a descriptor)."""
    read_end, write_end = os.pipe()
    try:
        result = lib.seccomp_export_bpf(ctx, write_end)
        os.close(write_end)
        write_end = -1
        chunks = []
        while chunk := os.read(read_end, 1 << 16):
            chunks.append(chunk)
    finally:
        os.close(read_end)
        if write_end >= 0:
            os.close(write_end)
    code = b"".join(chunks)
    if result != 0 or not code or len(code) % BPF_INSTRUCTION_BYTES:
        return b"", f"no seccomp: the filter could not be built ({-result})"
    return code, ""


def install() -> tuple[list[str], list[str]]:
    """Load the filter into this process (and everything it forks from now on). Needs
    `no_new_privs` or CAP_SYS_ADMIN. Returns (layers, notes)."""
    code, why = program()
    if not code:
        return [], [why]
    buffer = ctypes.create_string_buffer(code, len(code))
    prog = _SockFprog(len(code) // BPF_INSTRUCTION_BYTES, ctypes.addressof(buffer))
    libc = shared_libc()
    if libc is None:
        return [], ["no seccomp: the C library could not be opened"]
    if libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(prog), 0, 0) != 0:
        return [], [f"no seccomp: loading the filter failed ({os.strerror(ctypes.get_errno())})"]
    return ["seccomp"], []
