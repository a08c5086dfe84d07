"""The student kit's engine: student code in a process started with multiprocessing "spawn".

A portable stand-in for the Linux sandbox (engine/sandbox.py): `SpawnZygote.spawn` returns a
`SpawnWorker` with the same `ask(message, timeout)`, `kill()` and `alive`, so Student
(engine/student.py) and Grader (grade.py) run unchanged on Linux, macOS and Windows, with
Python 3.10 and later, without root. Spawn, never fork: Windows has no fork and macOS makes
it unsafe. Messages are the channel's JSON (channel.dumps/loads) over a multiprocessing
Connection's send_bytes/recv_bytes/poll (select() does not work on Windows pipes); nothing
the worker sends is unpickled.

It isolates mistakes, not attacks: on a student's laptop the code is their own. What it
keeps from the sandbox: a separate process, a deadline on every call (a loop costs one
check, then a fresh worker), plain data across, the printed output in a file of its own.
"""

from __future__ import annotations

import multiprocessing
import os
import secrets
import sys
import time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from autograder.engine import channel
from autograder.engine.jail import Jail, WorkerLost

WARM = 2  # workers started ahead, one per student file: their imports overlap the checker's


class NoUser:
    """The kit runs as the student: no sandbox uid to clean up after (sandbox.SandboxUser)."""

    uid = None

    def kill_all(self) -> None:
        pass


class SpawnWorker:
    """The checker's handle on one spawned worker process."""

    def __init__(self, process: multiprocessing.process.BaseProcess, conn: Connection):
        self._process, self._conn = process, conn
        self.alive = True

    def ask(self, message: dict[str, Any], timeout: float) -> Any:
        """Send a request and wait for the reply; kill the worker on any failure. The reply
        must echo the request's fresh random id, as in sandbox.Worker."""
        deadline = time.monotonic() + timeout
        request_id = secrets.token_hex(8)
        try:
            self._conn.send_bytes(channel.dumps({**message, "id": request_id}))
            if not self._conn.poll(max(0.0, deadline - time.monotonic())):
                self.kill()
                raise WorkerLost(f"no answer within {timeout:g} s")
            reply = channel.loads(self._conn.recv_bytes(channel.MAX_MESSAGE))
        except (EOFError, OSError, channel.ChannelError) as exc:
            self.kill()
            code = self._process.exitcode
            raise WorkerLost("the worker process ended" + (
                f" (exit code {code})" if code is not None else f" ({exc})")) from exc
        if not isinstance(reply, dict) or reply.pop("id", None) != request_id:
            self.kill()
            raise WorkerLost("the worker broke the protocol (a reply to no request)")
        return reply

    def kill(self) -> None:
        if not self.alive:
            return
        self.alive = False
        if self._process.is_alive():
            self._process.kill()
        self._process.join(5)
        self._conn.close()


class SpawnZygote:
    """Starts worker processes with spawn; the first WARM are started ahead of need."""

    def __init__(self, warm: int = WARM):
        self._context = multiprocessing.get_context("spawn")
        self._warm_left = warm
        self._spare: tuple[Any, Connection] | None = None
        self._prepare()

    def _prepare(self) -> None:
        """Start the next worker now, so it imports torch while the checker works."""
        self._spare = None
        if self._warm_left > 0:
            self._warm_left -= 1
            self._spare = self._start()

    def _start(self) -> tuple[Any, Connection]:
        ours, theirs = self._context.Pipe(duplex=True)
        process = self._context.Process(target=serve, args=(theirs,), name="hw0-worker",
                                        daemon=True)
        process.start()
        theirs.close()
        return process, ours

    def spawn(self, jail: Jail, user: NoUser, output: Path) -> SpawnWorker:
        """A worker for `jail`'s file: it runs in the file's folder (as Jupyter would), its
        printed output goes to `output`."""
        process, conn = self._spare or self._start()
        self._prepare()
        folder = str(Path(jail.student_file).resolve().parent)
        conn.send_bytes(channel.dumps({"folder": folder, "output": str(output)}))
        return SpawnWorker(process, conn)

    def close(self) -> None:
        if self._spare is not None:
            SpawnWorker(*self._spare).kill()
            self._spare = None


def serve(conn: Connection) -> None:
    """The worker process: import what student code needs, then answer the checker."""
    from autograder.engine import worker  # numpy, torch: before the checker asks anything

    try:
        setup = channel.loads(conn.recv_bytes())
    except (EOFError, OSError):
        return
    _settle(setup["folder"], setup["output"])
    session = worker.Session()
    while True:
        try:
            request = channel.loads(conn.recv_bytes())
        except (EOFError, OSError):
            return
        reply = worker.answer(session, request)
        try:
            body = channel.dumps(reply)
        except BaseException:  # noqa: BLE001 - e.g. an array that cannot be encoded
            body = channel.dumps({"error": {"type": "NotPlainData",
                                            "message": "the value could not be sent"},
                                  "id": reply["id"]})
        conn.send_bytes(body)


def _settle(folder: str, output: str) -> None:
    """Work in the student's folder, print into `output`, plot to nowhere."""
    os.chdir(folder)
    sys.path.insert(0, folder)
    fd = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    os.close(fd)
    sys.stdout = open(1, "w", buffering=1, encoding="utf-8", errors="replace", closefd=False)  # noqa: SIM115
    sys.stderr = open(2, "w", buffering=1, encoding="utf-8", errors="replace", closefd=False)  # noqa: SIM115
    os.environ["MPLBACKEND"] = "Agg"
