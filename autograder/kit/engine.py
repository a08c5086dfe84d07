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

Speed: a worker for each `preload` notebook is started at once and asked, ahead, what
Student will ask first: to open the notebook (without its outputs, as Student gives it) and
run each code cell. That work overlaps the checker's own imports and the hw0.py checks;
Student's "open" and "cell" requests are then answered by those replies, in order.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import secrets
import shutil
import signal
import sys
import tempfile
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from autograder.engine import channel, clock, notebook
from autograder.engine.jail import Jail, WorkerLost, read_beside, write_beside
from autograder.engine.student import CELL_LIMIT
from autograder.engine.submission import beside


class NoUser:
    """The kit runs as the student: no sandbox uid to clean up after (uids.SandboxUser)."""

    uid = None

    def kill_all(self) -> None:
        pass


class SpawnWorker:
    """The checker's handle on one spawned worker process."""

    def __init__(self, process: multiprocessing.process.BaseProcess, conn: Connection,
                 ahead: list[tuple[tuple[Any, ...], str]] | None = None,
                 printed: Path | None = None):
        self._process, self._conn = process, conn
        # requests asked ahead (SpawnZygote's preload): (what was asked, its id), in order
        self._ahead = list(ahead or [])
        self.printed = printed  # where a preloaded worker prints, copied to `output` at the end
        self.output: Path | None = None
        self.alive = True

    @property
    def pid(self) -> int:
        return self._process.pid

    def ask(self, message: dict[str, Any], deadline: clock.Deadline) -> Any:
        """Send a request and wait for the reply within `deadline` (CPU time where /proc
        exists, else the clock); kill the worker on any failure. The reply must echo the
        request's fresh random id, as in sandbox.Worker. A request asked ahead is answered
        by its reply; one that differs first lets the rest finish unread."""
        try:
            if self._ahead and self._ahead[0][0] == _asked(message):
                return self._receive(self._ahead.pop(0)[1], deadline)
            while self._ahead:
                self._receive(self._ahead.pop(0)[1], deadline)
            request_id = secrets.token_hex(8)
            self._conn.send_bytes(channel.dumps({**message, "id": request_id}))
            return self._receive(request_id, deadline)
        except (EOFError, OSError, channel.ChannelError) as exc:
            self.kill()
            code = self._process.exitcode
            raise WorkerLost("the worker process ended" + (
                f" (exit code {code})" if code is not None else f" ({exc})")) from exc

    def _receive(self, request_id: str, deadline: clock.Deadline) -> Any:
        if not deadline.wait(self._conn.poll):
            self.kill()
            raise WorkerLost(deadline.reason)
        reply = channel.loads(self._conn.recv_bytes(channel.MAX_MESSAGE))
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
        if self.printed is not None and self.output is not None and self.printed.exists():
            shutil.copyfile(self.printed, self.output)


def _asked(message: dict[str, Any]) -> tuple[Any, ...]:
    """What a request asks, for matching it with one asked ahead (a cell's time aside)."""
    return (message.get("op"), message.get("path"), message.get("number"))


class SpawnZygote:
    """Starts worker processes with spawn; one per `preload` notebook at once, running it."""

    def __init__(self, preload: list[Path] = (), answer: Callable[..., Any] | None = None):
        self._context = multiprocessing.get_context("spawn")
        self._answer = answer  # the workers' reply_to (kit/live.py's adds functions sent)
        self._printed = Path(tempfile.mkdtemp(prefix="hw0-selfcheck-"))
        self._ready: dict[bytes, SpawnWorker] = {}  # by the notebook Student will give
        for number, path in enumerate(preload):
            self._preload(Path(path), self._printed / f"preload-{number}")

    def _preload(self, path: Path, folder: Path) -> None:
        """Ask a worker ahead to open the notebook at `path`, as Student gives it (without
        outputs, engine/notebook.py), and to run each code cell."""
        try:
            cells = notebook.read(path)
        except (notebook.NotANotebook, OSError):
            return  # Student says why
        runs = notebook.stripped(cells)
        folder.mkdir()
        (folder / path.name).write_bytes(runs)
        _copy_beside(path.parent, beside(path), folder)
        process, conn = self._start(folder / path.name, folder / "printed.txt")
        asked = [{"op": "open", "path": path.name}]
        asked += [{"op": "cell", "number": c.number, "seconds": CELL_LIMIT,
                   "wall": CELL_LIMIT * clock.WALL_FACTOR}
                  for c in cells if c.kind == "code"]
        ahead = []
        for message in asked:
            request_id = secrets.token_hex(8)
            conn.send_bytes(channel.dumps({**message, "id": request_id}))
            ahead.append((_asked(message), request_id))
        self._ready[runs] = SpawnWorker(process, conn, ahead, folder / "printed.txt")

    def _start(self, student_file: Path, output: Path) -> tuple[Any, Connection]:
        ours, theirs = self._context.Pipe(duplex=True)
        process = self._context.Process(target=serve, args=(theirs, self._answer),
                                        name="hw0-worker", daemon=True)
        with _sigint_ignored():  # deaf to Ctrl-C from birth
            process.start()
        theirs.close()
        ours.send_bytes(channel.dumps({"folder": str(student_file.parent),
                                       "output": str(output)}))
        return process, ours

    def spawn(self, jail: Jail, user: NoUser, output: Path) -> SpawnWorker:
        """A worker for `jail`'s file: it runs in the file's folder (as Jupyter would), its
        printed output ends up in `output`."""
        path = Path(jail.student_file).resolve()
        worker = self._ready.pop(path.read_bytes(), None) if self._ready else None
        if worker is not None:
            worker.output = output
            return worker
        _copy_beside(jail.home, jail.beside, path.parent)
        return SpawnWorker(*self._start(path, output))

    def close(self) -> None:
        for worker in self._ready.values():
            worker.kill()
        self._ready.clear()
        shutil.rmtree(self._printed, ignore_errors=True)


def _copy_beside(home: Path | None, files: list[Path], folder: Path) -> None:
    """The files uploaded beside the student's, copied into the folder the worker runs in
    when that is not their own (a notebook runs from a copy without outputs)."""
    if home is not None and Path(home).resolve() != folder.resolve():
        write_beside(folder, read_beside(Path(home), files))


@contextlib.contextmanager
def _sigint_ignored() -> Iterator[None]:
    """Ignore Ctrl-C while a worker starts: on Linux and macOS it inherits that (a blocked
    signal mask did not survive the start), so Ctrl-C reaches only the checker, which
    stops and kills it: one line, no traceback. A Ctrl-C within these milliseconds is
    lost; the next one is not."""
    try:
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    except ValueError:  # not the main thread: leave it as it is
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def serve(conn: Connection, answer: Callable[..., Any] | None = None) -> None:
    """The worker process: import what student code needs, then answer the checker
    (`answer`: worker.reply_to unless given). Ctrl-C is the checker's to handle: the
    worker ignores it (Windows: from here on), and is killed when the checker stops."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        setup = channel.loads(conn.recv_bytes())
    except (EOFError, OSError):
        return
    from autograder.engine import worker  # numpy, torch
    _settle(setup["folder"], setup["output"])
    session = worker.Session()
    while True:
        try:
            request = channel.loads(conn.recv_bytes())
        except (EOFError, OSError):
            return
        reply = (answer or worker.reply_to)(session, request)
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
