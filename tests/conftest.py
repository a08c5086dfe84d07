"""Shared fixtures: the whole corpus graded once, by the real CLI, in one batch run."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from autograder.checks import HW0_PY, all_checks
from autograder.staff.reports import part_scores  # noqa: F401 - shared with the test modules

PROJECT = Path(__file__).resolve().parents[1]
HOSTILE = PROJECT / "tests" / "corpus" / "hostile"
HOSTILE_CASES = sorted(p.name for p in HOSTILE.iterdir() if (p / "expect.json").exists())
# Cases marked root_only are graded only as root: without the sandbox uid (and, on macOS,
# without seccomp or RLIMIT_AS) a fork bomb, kill(-1), a rewrite of every results.json, a
# filled /tmp or a memory bomb would hit the developer's own processes, files and memory.
HOSTILE_GRADED = [c for c in HOSTILE_CASES if os.geteuid() == 0
                  or not json.loads((HOSTILE / c / "expect.json").read_text()).get("root_only")]
FILES = ("hw0.py", "color_organ_learning.ipynb")
LISTENER_PORT = 47391  # tests/corpus/hostile/network_sockets tries to reach it
LISTENING = Path(tempfile.gettempdir()) / f"hw0-tests-listener-{LISTENER_PORT}.lock"


def run_cli(*args: object, env: dict[str, str] | None = None, timeout: float = 900,
            cwd: Path = PROJECT) -> subprocess.CompletedProcess:
    """python -m autograder ARGS, as a user would run it (in `cwd`: the project, or a copy)."""
    return subprocess.run([sys.executable, "-m", "autograder", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})})


@contextlib.contextmanager
def exclusive(lock: Path) -> Iterator[None]:
    """Hold an exclusive lock on the file `lock` (made if missing) for the block: another
    xdist worker, or another test run on this machine, waits at the same file."""
    fd = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


class Listener:
    """TCP and UDP sockets on 127.0.0.1:LISTENER_PORT that record whatever reaches them.
    Make it inside `with exclusive(LISTENING):`, so that no two batches that try to reach
    the port (the corpus, tests/test_hostile_effects.py's) run at once."""

    def __init__(self) -> None:
        self.sockets: list[socket.socket] = []
        for kind in (socket.SOCK_STREAM, socket.SOCK_DGRAM):
            s = socket.socket(socket.AF_INET, kind)
            try:
                s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                s.bind(("127.0.0.1", LISTENER_PORT))
                if kind == socket.SOCK_STREAM:
                    s.listen(16)
            except OSError:
                s.close()
                continue
            s.setblocking(False)
            self.sockets.append(s)

    def received(self) -> list[str] | None:
        """What arrived (None: the port was taken, nothing could be watched)."""
        if len(self.sockets) < 2:
            return None
        got = []
        for s in self.sockets:
            while True:
                try:
                    got.append(repr(s.accept() if s.type == socket.SOCK_STREAM else s.recv(99)))
                except (BlockingIOError, OSError):
                    break
            s.close()
        return got


def grade_cases(root: Path, out: Path, cases: list[str],
                env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Copy the named hostile cases into root/hostile-<case> and grade root in one batch."""
    for name in cases:
        shutil.copytree(HOSTILE / name, root / f"hostile-{name}",
                        ignore=shutil.ignore_patterns("expect.json"))
    return run_cli("batch", root, "-o", out, env=env)


def _status(pid: str) -> dict[str, str]:
    with open(f"/proc/{pid}/status") as f:
        return dict(line.split(":", 1) for line in f if ":" in line)


def _graders() -> set[str]:
    """The pids of live graders: root processes running autograder."""
    found = set()
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            if int(_status(entry.name)["Uid"].split()[0]) == 0 \
                    and b"autograder" in (entry / "cmdline").read_bytes():
                found.add(entry.name)
        except (OSError, KeyError, ValueError, IndexError):
            continue
    return found


def sandbox_survivors(uids: range = range(61000, 61256)) -> list[str]:
    """Processes of a sandbox uid that no running grader owns: a worker, or a process it
    started, descending from a live grader (another test's on the other xdist worker, or
    another grader running meanwhile on this machine) does not count; a process that
    outlived its grader was handed to init and descends from none."""
    graders, found = _graders(), []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            status = _status(entry.name)
            if int(status["Uid"].split()[0]) not in uids or status["State"].strip()[0] == "Z":
                continue
            ancestor = status["PPid"].strip()
            while ancestor not in graders and ancestor not in ("0", "1"):
                ancestor = _status(ancestor)["PPid"].strip()
        except (OSError, KeyError, ValueError, IndexError):
            continue
        if ancestor not in graders:
            found.append(f"process {entry.name} (parent {status['PPid'].strip()})")
    return found


def held_sandbox_uids() -> set[int]:
    """The sandbox uids whose slot a live grader holds now (engine/uids.py's lock files):
    what they own in the world-writable folders is that grader's to delete when it ends."""
    from autograder.engine import uids

    held = set()
    for lock in uids.lock_dir().glob("*.lock"):
        if not lock.stem.isdigit():  # a slot's lock file is named by its number
            continue
        try:
            fd = os.open(lock, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            held.add(uids.UID_BASE + int(lock.stem))
        finally:
            os.close(fd)
    return held


def hw0_parts() -> set[str]:
    """The parts of hw0.py's checks (q1 ... q6), from the checks. A function, not a constant:
    the checks import torch, and the torch-free tests load this conftest on Python 3.10
    (tests/test_python310.py)."""
    return {c.part for c in all_checks() if c.file == HW0_PY}


def schema() -> dict:
    """tests/gradescope_schema.json (Gradescope's results.json, as we write it) with the test
    numbers and part tags narrowed to those of the checks (checks.all_checks): a question
    added there is allowed here with nothing to edit."""
    found = json.loads((PROJECT / "tests" / "gradescope_schema.json").read_text())
    test = found["properties"]["tests"]["items"]["properties"]
    test["number"]["enum"] = [c.number for c in all_checks()]
    test["tags"]["items"]["enum"] = sorted({c.part for c in all_checks()})
    return found


def copy_reference(dest: Path, source: Path = PROJECT / "reference") -> None:
    dest.mkdir(parents=True, exist_ok=True)
    for name in FILES:
        if (source / name).exists():
            shutil.copy(source / name, dest / name)


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    """name -> results.json of: reference, template, every hostile case and a few odd
    layouts, graded by `python -m autograder batch` in one run, once per test run: under
    xdist the first worker that needs it grades it, the other waits and reads it. (The
    mutants are graded by `python -m autograder verify`: tests/test_verify.py.)"""
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent  # the run's own folder, above each worker's
    saved = shared / "corpus.json"
    with exclusive(shared / "corpus.lock"):
        if not saved.exists():
            saved.write_text(json.dumps(_grade_corpus(tmp_path_factory), default=str))
    graded = json.loads(saved.read_text())
    return {**graded, "_out": Path(graded["_out"]), "_root": Path(graded["_root"])}


def _grade_corpus(tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = tmp_path_factory.mktemp("submissions")
    copy_reference(root / "reference")
    copy_reference(root / "template", PROJECT / "student_template")
    nested = root / "layout-nested-near-miss" / "my work" / "hw0"
    nested.mkdir(parents=True)
    shutil.copy(PROJECT / "reference" / "hw0.py", nested / "HW0 (1).py")
    (root / "layout-nested-near-miss" / "__MACOSX").mkdir()
    (root / "layout-nested-near-miss" / "__MACOSX" / "hw0.py").write_text("raise SystemExit")
    (root / "layout-empty").mkdir()
    out = tmp_path_factory.mktemp("results")
    with exclusive(LISTENING):
        started = time.monotonic()
        listener = Listener()
        done = grade_cases(root, out, HOSTILE_GRADED)
        network = listener.received()
    assert done.returncode == 0, done.stderr[-3000:]
    graded = {p.parent.name: json.loads(p.read_text()) for p in out.glob("*/results.json")}
    graded["_seconds"] = time.monotonic() - started
    graded["_out"] = out
    graded["_root"] = root
    graded["_network"] = network
    return graded


@dataclass(frozen=True)
class Q7Copy:
    """A copy of the project with the issue's Q7 added by docs/staff.md's recipe, and what
    its full `verify` printed and recorded."""

    project: Path
    verify: subprocess.CompletedProcess
    record: dict
    seconds: float  # wall time of the recipe and the verify run


@pytest.fixture(scope="session")
def q7_copy(tmp_path_factory: pytest.TempPathFactory) -> Q7Copy:
    """The recipe followed in a copy (tests/new_question.py), then the copy's full `verify`,
    once: it is also the proof of this project's own questions, which the copy holds
    unchanged (tests/test_new_question.py reads both; one file, so that xdist's
    `--dist loadfile` runs this on one worker only)."""
    from tests.new_question import add_q7

    root = tmp_path_factory.mktemp("q7")
    project = root / "project"
    shutil.copytree(PROJECT, project, ignore=shutil.ignore_patterns(
        ".venv", ".git", "__pycache__", "*.egg-info", ".hypothesis", ".ruff_cache", "*.zip"))
    started = time.monotonic()
    add_q7(project)
    record = root / "record.json"
    done = run_cli("verify", env={"HW0_DATASHEET_RECORD": str(record)}, cwd=project,
                   timeout=1800)
    recorded = json.loads(record.read_text()) if record.exists() else {}
    return Q7Copy(project, done, recorded, time.monotonic() - started)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "slow(seconds): the test (with the fixtures it shares) takes about SECONDS "
        "of wall time on an idle 2-core machine; xdist starts the slowest work first")
    config.addinivalue_line(
        "markers", "alone: under xdist no other test runs meanwhile (a test that compares the "
        "checkout's folder modes before and after: another grading holds them locked)")


@contextlib.contextmanager
def _run_lock(item: pytest.Item) -> Iterator[None]:
    """Under xdist every test holds a lock of the run shared, an `alone` test exclusively
    (set-up and tear-down of the fixtures it makes included); a gate in front keeps the
    other workers from starving a test that waits to be alone."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        yield
        return
    base = Path(tempfile.gettempdir()) / f"hw0-tests-{os.getppid()}"  # the xdist controller
    gate, held = (os.open(f"{base}.{n}.lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
                  for n in ("gate", "run"))
    try:
        fcntl.flock(gate, fcntl.LOCK_EX)
        fcntl.flock(held, fcntl.LOCK_EX if item.get_closest_marker("alone") else fcntl.LOCK_SH)
        fcntl.flock(gate, fcntl.LOCK_UN)
        yield
    finally:
        os.close(held)
        os.close(gate)


def _cpu_seconds() -> float:
    """CPU time of this process and of every child it has waited for (user + system)."""
    mine, children = (resource.getrusage(who) for who in (resource.RUSAGE_SELF,
                                                           resource.RUSAGE_CHILDREN))
    return mine.ru_utime + mine.ru_stime + children.ru_utime + children.ru_stime


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    """The test under the run's lock (_run_lock). HW0_TEST_CPU=FILE: its CPU time (its
    fixtures' set-up and tear-down and the processes it ran included) appended to FILE as a
    JSON line, summed by file at the end (pytest_terminal_summary): CPU, not wall time, is
    what the 2 cores share."""
    record = os.environ.get("HW0_TEST_CPU")
    started = _cpu_seconds()
    with _run_lock(item):
        yield
    if record:
        line = json.dumps({"test": item.nodeid, "cpu": round(_cpu_seconds() - started, 2)})
        with open(record, "a") as out:  # one short write per line: whole under O_APPEND
            out.write(line + "\n")


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """With HW0_TEST_CPU: the test files that cost the most CPU time, and the total."""
    record = os.environ.get("HW0_TEST_CPU")
    if not record or hasattr(terminalreporter.config, "workerinput") or not Path(record).exists():
        return
    files: dict[str, float] = {}
    for line in Path(record).read_text().splitlines():
        entry = json.loads(line)
        name = entry["test"].split("::", 1)[0]
        files[name] = files.get(name, 0.0) + entry["cpu"]
    terminalreporter.section(f"CPU time by test file ({record})")
    for name, cpu in sorted(files.items(), key=lambda f: -f[1])[:20]:
        terminalreporter.write_line(f"{cpu:8.1f} s  {name}")
    terminalreporter.write_line(f"{sum(files.values()):8.1f} s  in all")


@pytest.hookimpl(optionalhook=True)  # the Python 3.10 venv has no xdist
def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """`-n logical`: a worker per core and one more (--maxprocesses caps it). A test in
    Gradescope's half-CPU box, or waiting on pip or a kernel, leaves its core half idle; the
    extra worker's tests fill it."""
    return (os.cpu_count() or 1) + 1


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Order the files by their `slow` marks, the slowest first: xdist (`--dist loadfile`)
    hands each worker a whole file at a time, so a long file started last would leave the
    other worker idle at the end."""
    files: dict[str, list[pytest.Item]] = {}
    for item in items:
        files.setdefault(item.nodeid.split("::", 1)[0], []).append(item)

    def seconds(work: list[pytest.Item]) -> float:
        return max((m.args[0] for i in work for m in i.iter_markers("slow")), default=0.0)

    items[:] = [i for work in sorted(files.values(), key=seconds, reverse=True) for i in work]


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """A whole-suite run that passed stamps the tree for build-zip (staff/stamp.py); under
    xdist the controller does, not its workers."""
    if hasattr(session.config, "workerinput"):
        return
    option = session.config.option
    whole = (not session.config.args or session.config.args == ["tests"]) \
        and not option.keyword and not option.markexpr
    if exitstatus == 0 and whole and session.testscollected:
        from autograder.staff import stamp

        stamp.write(session.testscollected)
