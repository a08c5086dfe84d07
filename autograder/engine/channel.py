"""The plain-data channel between the grader and the sandboxed worker.

A message is a 4-byte big-endian length and a UTF-8 JSON document. Values are JSON's own
(null, bools, numbers, strings, lists, objects with string keys) plus one extension:
a float64 array travels as {"__f64__": shape, "b64": raw little-endian bytes}. Nothing is
ever unpickled; the grader decodes what the worker says with bounds on size and nesting, and
with each lone surrogate (JSON's "\udc80", which no UTF-8 file can hold) as U+FFFD.
"""

from __future__ import annotations

import base64
import json
import math
import os
import select
import struct
import time
from typing import Any

import numpy as np

from autograder.textsafe import valid

# Bound now: student code in the worker may monkeypatch json or os afterwards.
_dumps, _loads, _read, _write = json.dumps, json.loads, os.read, os.write

# Bytes. An honest answer is at most a few hundred kB; parsing a hostile message of numbers
# costs the grader about 12 times its size in memory (32 MB would cost 400 MB).
MAX_MESSAGE = 4 * 1024 * 1024
MAX_DEPTH = 20
MAX_STRING = 20_000
MAX_ITEMS = 100_000


class ChannelError(Exception):
    """The other side said something that is not a valid message, or went away."""


class ChannelTimeout(ChannelError):
    """No complete message arrived before the deadline."""


def encode(value: Any) -> Any:
    """Turn numpy arrays (any depth) into the channel's float64 form; leave plain data as is."""
    if isinstance(value, np.ndarray):
        arr = np.asarray(value, dtype="<f8")  # (ascontiguousarray would make 0-d into 1-d)
        return {"__f64__": list(arr.shape), "b64": base64.b64encode(arr.tobytes()).decode()}
    if isinstance(value, (list, tuple)):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        return {str(k): encode(v) for k, v in value.items()}
    return value


def decode(value: Any, depth: int = 0) -> Any:
    """Validate and rebuild a received value: only plain data, float64 arrays, bounded."""
    if depth > MAX_DEPTH:
        raise ChannelError("value nested too deeply")
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, str):
        if len(value) > MAX_STRING:
            raise ChannelError(f"string of {len(value)} characters is too long")
        return valid(value)
    if isinstance(value, list):
        if len(value) > MAX_ITEMS:
            raise ChannelError("list too long")
        return [decode(v, depth + 1) for v in value]
    if isinstance(value, dict):
        if set(value) == {"__f64__", "b64"}:
            return _decode_array(value["__f64__"], value["b64"])
        if len(value) > MAX_ITEMS:
            raise ChannelError("mapping too large")
        return {valid(str(k)): decode(v, depth + 1) for k, v in value.items()}
    raise ChannelError(f"unexpected {type(value).__name__}")


def _decode_array(shape: Any, data: Any) -> np.ndarray:
    ok_shape = isinstance(shape, list) and len(shape) <= 8 and all(
        isinstance(s, int) and not isinstance(s, bool) and 0 <= s <= MAX_MESSAGE for s in shape
    )
    if not ok_shape or not isinstance(data, str):
        raise ChannelError("malformed array")
    try:
        raw = base64.b64decode(data, validate=True)
    except ValueError as exc:
        raise ChannelError("malformed array data") from exc
    size = math.prod(shape)  # exact: np.prod would wrap around for a forged shape
    if len(raw) != 8 * size:
        raise ChannelError("array data does not match its shape")
    return np.frombuffer(raw, dtype="<f8").reshape(shape).astype(np.float64)


def dumps(message: Any) -> bytes:
    """The JSON body of one message (plain data, arrays allowed)."""
    return _dumps(encode(message)).encode()


def loads(body: bytes) -> Any:
    """A received body, validated (`decode`); ChannelError if it is not a valid message."""
    if len(body) > MAX_MESSAGE:
        raise ChannelError(f"message of {len(body)} bytes is larger than {MAX_MESSAGE}")
    try:
        return decode(_loads(body))
    except (ValueError, RecursionError) as exc:
        raise ChannelError("malformed message") from exc


def send(fd: int, message: Any, deadline: float | None = None) -> None:
    """Write one message (plain data, arrays allowed); with a deadline the fd must be
    non-blocking, so a reader that never reads cannot hang the writer."""
    body = dumps(message)
    data = memoryview(struct.pack(">I", len(body)) + body)
    while data:
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([], [fd], [], left)[1]:
                raise ChannelTimeout("the other side stopped reading")
        try:
            data = data[_write(fd, data) :]
        except BlockingIOError:
            continue
        except OSError as exc:
            raise ChannelError("the other side closed the channel") from exc


def receive(fd: int, deadline: float | None = None) -> Any:
    """Read one message; raise ChannelTimeout past `deadline` (time.monotonic()), ChannelError
    on end of file or anything malformed."""
    header = _read_exactly(fd, 4, deadline)
    (length,) = struct.unpack(">I", header)
    if length > MAX_MESSAGE:
        raise ChannelError(f"message of {length} bytes is larger than {MAX_MESSAGE}")
    return loads(_read_exactly(fd, length, deadline))


def _read_exactly(fd: int, n: int, deadline: float | None) -> bytes:
    chunks: list[bytes] = []
    while n:
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                raise ChannelTimeout("no answer before the deadline")
        chunk = _read(fd, min(n, 1 << 20))
        if not chunk:
            raise ChannelError("the other side closed the channel")
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)
