"""The plain-data channel: what crosses the trust boundary, and what is refused."""

from __future__ import annotations

import json
import os
import struct
import time

import numpy as np
import pytest

from autograder.engine import channel


def roundtrip(value):
    r, w = os.pipe()
    try:
        channel.send(w, value)
        return channel.receive(r, time.monotonic() + 5)
    finally:
        os.close(r)
        os.close(w)


def raw(payload: bytes):
    r, w = os.pipe()
    try:
        os.write(w, struct.pack(">I", len(payload)) + payload)
        return channel.receive(r, time.monotonic() + 5)
    finally:
        os.close(r)
        os.close(w)


def test_arrays_numbers_strings_survive_exactly() -> None:
    a = np.random.default_rng(0).normal(size=(3, 4))
    got = roundtrip({"a": a, "xs": [1.5, "s", None, True], "e": np.zeros((0, 2)),
                     "scalar": np.array(2.5), "t": a.T})
    assert np.array_equal(got["a"], a) and got["a"].dtype == np.float64
    assert got["xs"] == [1.5, "s", None, True]
    assert got["e"].shape == (0, 2)
    assert got["scalar"].shape == () and got["scalar"] == 2.5
    assert np.array_equal(got["t"], a.T)


def test_integers_stay_integers_within_int64() -> None:
    labels = np.array([[0, 2], [1, -3]], dtype=np.int32)
    got = roundtrip({"labels": labels, "k": 3, "big": 2**63 - 1, "u": np.array([7], np.uint8),
                     "flags": np.array([True, False]), "huge": np.array([2**64 - 1], np.uint64)})
    assert got["labels"].dtype == np.int64 and np.array_equal(got["labels"], labels)
    assert type(got["k"]) is int and got["k"] == 3 and got["big"] == 2**63 - 1
    assert got["u"].dtype == np.int64 and got["u"].tolist() == [7]
    # Not integers as int64 holds them: float64, as every other array.
    assert got["flags"].dtype == np.float64 and got["huge"].dtype == np.float64


@pytest.mark.parametrize("payload, complaint", [
    (json.dumps({"__i64__": [3], "b64": "AAAAAAAAAAA="}).encode(), "does not match"),
    (json.dumps({"__i64__": [1, 2, 3, 4, 5, 6, 7, 8, 9], "b64": ""}).encode(), "malformed"),
    (json.dumps({"k": 2**63}).encode(), "int64"),
    (json.dumps([-(2**63) - 1]).encode(), "int64"),
    (b"{not json", "malformed"),
    (json.dumps({"__f64__": [2, 2], "b64": "AAAA"}).encode(), "does not match"),
    (json.dumps({"__f64__": [-1], "b64": ""}).encode(), "malformed array"),
    (json.dumps({"__f64__": [1], "b64": "!!!!"}).encode(), "malformed array"),
    (b"[" * 5000 + b"]" * 5000, "malformed"),
    (json.dumps("x" * 30_000).encode(), "too long"),
    (b"[" * 25 + b"1" + b"]" * 25, "nested"),
])
def test_malformed_messages_are_refused(payload: bytes, complaint: str) -> None:
    with pytest.raises(channel.ChannelError, match=complaint):
        raw(payload)


def test_oversized_message_is_refused_before_reading_it() -> None:
    r, w = os.pipe()
    os.write(w, struct.pack(">I", channel.MAX_MESSAGE + 1))
    with pytest.raises(channel.ChannelError, match="larger than"):
        channel.receive(r, time.monotonic() + 5)
    os.close(r)
    os.close(w)


def test_silence_times_out_and_closing_is_an_error() -> None:
    r, w = os.pipe()
    started = time.monotonic()
    with pytest.raises(channel.ChannelTimeout):
        channel.receive(r, time.monotonic() + 0.2)
    assert time.monotonic() - started < 2
    os.close(w)
    with pytest.raises(channel.ChannelError, match="closed"):
        channel.receive(r, time.monotonic() + 1)
    os.close(r)


def test_a_reader_that_never_reads_cannot_hang_the_writer() -> None:
    r, w = os.pipe()
    os.set_blocking(w, False)
    with pytest.raises(channel.ChannelTimeout):
        channel.send(w, {"a": np.zeros(200_000)}, time.monotonic() + 0.3)
    os.close(r)
    os.close(w)
