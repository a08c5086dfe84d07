# Tries to reach the network: TCP and UDP to a listener the tests keep on 127.0.0.1:47391,
# IPv6, a server socket, a raw packet socket, netlink, and io_uring (which can open sockets
# behind a filter on socket()). Loopback only: nothing here may leave the machine.
import ctypes
import errno
import os
import socket

import numpy as np

PORT = 47391
outcomes = []


def attempt(label, action):
    try:
        action()
        outcomes.append(f"{label}: OPEN")
    except OSError as exc:
        outcomes.append(f"{label}: refused ({errno.errorcode.get(exc.errno, exc.errno)})")
    except Exception as exc:  # e.g. the idna codec cannot be imported
        outcomes.append(f"{label}: failed ({type(exc).__name__})")


def tcp4():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(2)
        s.connect(("127.0.0.1", PORT))
        s.sendall(b"hostile")


def udp4():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.sendto(b"hostile", ("127.0.0.1", PORT))


def tcp6():
    with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as s:
        s.settimeout(2)
        s.connect(("::1", PORT))


def server():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("0.0.0.0", PORT + 1))
    s.listen()


def packet():
    socket.socket(socket.AF_PACKET, socket.SOCK_RAW)


def netlink():
    socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0)


def io_uring():
    libc = ctypes.CDLL(None, use_errno=True)
    params = ctypes.create_string_buffer(120)
    if libc.syscall(425, 8, params) < 0:
        raise OSError(ctypes.get_errno(), "io_uring_setup")


for label, action in [("tcp 127.0.0.1", tcp4), ("udp 127.0.0.1", udp4), ("tcp ::1", tcp6),
                      ("listen 0.0.0.0", server), ("AF_PACKET", packet), ("AF_NETLINK", netlink),
                      ("io_uring", io_uring),
                      ("create_connection", lambda: socket.create_connection(
                          ("127.0.0.1", PORT), timeout=2))]:
    attempt(label, action)
print("network_sockets:", "; ".join(outcomes))
print("sandbox layers:", os.environ.get("HW0_SANDBOX"))


def max_stable_lr(F):
    return 2.0 / np.linalg.norm(F, 2) ** 2
