"""Walls for a sandbox child beyond its rlimits, put up after the fork and before it reads the
program: if the interpreter were ever breached, the program would still hold no other
request's connection and could make no socket, process or file.

`confine(keep)` closes every descriptor but those in `keep` (a child inherits the fork
server's: other requests' connections, the spares' control sockets, its epoll and wake-up pipe),
sets no_new_privs, drops to an unprivileged user (nobody) where the server runs as root and the
Python it runs stays readable to that user (not on these machines: the interpreter lives under
/root; then root stays root, without file writes, new processes or sockets), and loads a seccomp filter (libseccomp through pyseccomp)
that makes every system call an evaluation does not need fail with EPERM: creating or using
sockets to reach anything (`socket`, `connect`, `bind`, `listen`, `accept`), running or forking
programs (`execve`, `fork`, a `clone` that makes a process, `clone3`), tracing or signalling
other processes, opening a file for writing and changing the file system. EPERM rather than a
kill, so that a breach ends as a Python error and a clean 422. Landlock is not used (kernel
support varies; the filter already refuses every write).
"""
import ctypes
import errno
import os
import sys

import pyseccomp as seccomp

NOBODY = 65534
# System calls an evaluation never makes, refused whatever their arguments.
REFUSED = (
    "socket", "socketpair", "connect", "bind", "listen", "accept", "accept4",
    "execve", "execveat", "fork", "vfork", "ptrace", "process_vm_readv", "process_vm_writev",
    "kill", "tkill", "pidfd_open", "pidfd_send_signal", "pidfd_getfd",
    "unlink", "unlinkat", "rename", "renameat", "renameat2", "mkdir", "mkdirat", "rmdir",
    "link", "linkat", "symlink", "symlinkat", "chmod", "fchmod", "fchmodat", "chown",
    "fchown", "fchownat", "lchown", "truncate", "creat", "mknod", "mknodat", "mount",
    "umount2", "chroot", "pivot_root", "setns", "unshare", "bpf", "perf_event_open",
    "init_module", "finit_module", "delete_module", "kexec_load", "reboot", "setuid",
    "setgid", "setreuid", "setregid", "setresuid", "setresgid", "setgroups", "capset",
    "personality", "userfaultfd", "io_uring_setup",
)
CLONE_THREAD = 0x00010000
PR_SET_NO_NEW_PRIVS = 38


def confine(keep):
    """Put up the walls (see the module's docstring); `keep`: descriptors to leave open."""
    close_all_but(set(keep) | {2})           # stderr: a crash's traceback reaches the log
    no_new_privileges()
    if os.geteuid() == 0 and PYTHON_READABLE_BY_NOBODY:
        os.setgroups([])
        os.setgid(NOBODY)
        os.setuid(NOBODY)
    FILTER.load()


def close_all_but(keep):
    for name in os.listdir("/proc/self/fd"):
        descriptor = int(name)
        if descriptor not in keep:
            try:
                os.close(descriptor)
            except OSError:                  # the listing's own descriptor, closed already
                pass


def no_new_privileges():
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS)")


def readable_by_nobody():
    """Whether an unprivileged user can still read the Python this child runs (modules are
    imported lazily): every directory above its prefixes (the venv's, the interpreter's)
    must be searchable by others. Not so under /root (mode 700), as on these machines."""
    for prefix in {sys.prefix, sys.base_prefix}:
        path = os.path.realpath(prefix)
        for directory in [path, *parents(path)]:
            if not os.stat(directory).st_mode & 0o001:
                return False
    return True


def parents(path):
    while path != os.path.dirname(path):
        path = os.path.dirname(path)
        yield path


def system_call_filter():
    refuse = seccomp.ERRNO(errno.EPERM)
    rules = seccomp.SyscallFilter(defaction=seccomp.ALLOW)
    for name in REFUSED:
        rules.add_rule(refuse, name)
    for call, flags_argument in (("open", 1), ("openat", 2)):
        rules.add_rule(refuse, call, seccomp.Arg(flags_argument, seccomp.MASKED_EQ,
                                                 os.O_WRONLY, os.O_WRONLY))
        for flag in (os.O_RDWR, os.O_CREAT, os.O_TRUNC, os.O_APPEND):
            rules.add_rule(refuse, call, seccomp.Arg(flags_argument, seccomp.MASKED_EQ,
                                                     flag, flag))
    rules.add_rule(refuse, "clone", seccomp.Arg(0, seccomp.MASKED_EQ, CLONE_THREAD, 0))
    rules.add_rule(seccomp.ERRNO(errno.ENOSYS), "clone3")   # glibc falls back to clone
    rules.add_rule(refuse, "openat2")
    return rules


# Made once, in the fork server when it imports this module, and used by each child: building
# the filter costs ~0.6 ms, a tenth of a small program's whole evaluation.
FILTER = system_call_filter()
PYTHON_READABLE_BY_NOBODY = readable_by_nobody()
