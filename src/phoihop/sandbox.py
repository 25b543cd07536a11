"""A process that cannot open network connections: the second wall around the endpoint's query workers.

The endpoint refuses SERVICE from the query's algebra (`sparql.federated`); if a query slipped past that,
pyoxigraph would call the URL with its own HTTP client, written in Rust, which no Python-level patch of
`socket` can stop. So a worker installs a seccomp filter (Linux) before it answers anything: the kernel
then fails every socket() call of the process, from any language, with EACCES, and io_uring (another way
to make sockets) with EPERM. The worker talks to the server over a pipe opened before the filter, so it
loses nothing it needs. A filter, once installed, cannot be removed by the process.
"""

from __future__ import annotations

import ctypes
import errno
import logging
import platform

log = logging.getLogger("phoihop.sandbox")

# per architecture: the audit arch value seccomp reports, and the numbers of socket(2), seccomp(2)
_ARCHES = {
    "x86_64": (0xC000003E, 41, 317),
    "amd64": (0xC000003E, 41, 317),
    "aarch64": (0xC00000B7, 198, 277),
    "arm64": (0xC00000B7, 198, 277),
}
_IO_URING_SETUP = 425  # the same number on both architectures
_X32_BIT = 0x40000000  # x86_64's x32 ABI numbers have this bit; refused wholesale

_LD_W_ABS, _JEQ_K, _JGE_K, _RET_K = 0x20, 0x15, 0x35, 0x06
_RET_ALLOW, _RET_ERRNO = 0x7FFF0000, 0x00050000
_PR_SET_NO_NEW_PRIVS = 38
_SECCOMP_SET_MODE_FILTER, _SECCOMP_FILTER_FLAG_TSYNC = 1, 1


class _SockFilter(ctypes.Structure):
    _fields_ = [("code", ctypes.c_ushort), ("jt", ctypes.c_ubyte), ("jf", ctypes.c_ubyte), ("k", ctypes.c_uint)]


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_SockFilter))]


def _program(arch: int, socket_nr: int) -> list[tuple[int, int, int, int]]:
    """The BPF program: another architecture, an x32 call, socket() or io_uring_setup() fail; all else runs."""
    deny = _RET_ERRNO | errno.EACCES
    return [
        (_LD_W_ABS, 0, 0, 4),                       # seccomp_data.arch
        (_JEQ_K, 1, 0, arch),
        (_RET_K, 0, 0, deny),
        (_LD_W_ABS, 0, 0, 0),                       # seccomp_data.nr
        (_JGE_K, 0, 1, _X32_BIT),
        (_RET_K, 0, 0, deny),
        (_JEQ_K, 0, 1, socket_nr),
        (_RET_K, 0, 0, deny),
        (_JEQ_K, 0, 1, _IO_URING_SETUP),
        (_RET_K, 0, 0, _RET_ERRNO | errno.EPERM),
        (_RET_K, 0, 0, _RET_ALLOW),
    ]


def forbid_network() -> str | None:
    """Forbid this process (all its threads) to create sockets; None when done, else why it could not be
    (not Linux, an unknown architecture, seccomp unavailable)."""
    arch = _ARCHES.get(platform.machine().lower())
    if platform.system() != "Linux" or arch is None:
        return f"no seccomp filter for {platform.system()} {platform.machine()}"
    audit_arch, socket_nr, seccomp_nr = arch
    libc = ctypes.CDLL(None, use_errno=True)
    program = _program(audit_arch, socket_nr)
    filters = (_SockFilter * len(program))(*(_SockFilter(*step) for step in program))
    fprog = _SockFprog(len(program), filters)
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        return f"prctl(NO_NEW_PRIVS) failed: {errno.errorcode.get(ctypes.get_errno(), '?')}"
    if libc.syscall(seccomp_nr, _SECCOMP_SET_MODE_FILTER, _SECCOMP_FILTER_FLAG_TSYNC, ctypes.byref(fprog)) != 0:
        return f"seccomp failed: {errno.errorcode.get(ctypes.get_errno(), '?')}"
    return None
