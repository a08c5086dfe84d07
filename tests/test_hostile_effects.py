"""What hostile submissions must not leave behind, and the sandbox's layers one at a time.

test_corpus.py checks the score of every hostile case; here: nothing reached the network,
nothing was found or written outside the worker, nothing of a sandbox uid survives, every
hang or flood costs bounded time. Two more batches grade the cases whose defence has
several layers with a layer switched off (HW0_SANDBOX_DISABLE), as on a machine without
it: Gradescope's docker (no namespaces), and neither namespaces nor seccomp.
"""

from __future__ import annotations

import ctypes
import errno
import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from autograder.engine import clock, namespaces, sandbox, seccomp, student, uids
from tests.conftest import (
    HOSTILE,
    HOSTILE_GRADED,
    LISTENING,
    PROJECT,
    Listener,
    copy_reference,
    exclusive,
    grade_cases,
    held_sandbox_uids,
    part_scores,
    sandbox_survivors,
)

ROOT = os.geteuid() == 0
SANDBOX_UIDS = range(uids.UID_BASE, uids.UID_BASE + uids.SLOTS)
PLANTED_TARGET = Path("/tmp/hw0-hostile-target")  # tests/corpus/hostile/planted_symlinks
root_only = pytest.mark.skipif(not ROOT, reason="sandbox uids exist only when grading as root")
linux = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux only")
pytestmark = pytest.mark.slow(100)  # the corpus, unless graded already, and two batches


def printed(results: dict) -> str:
    """What the submission printed, as results.json shows it."""
    return results["output"].split("Printed by", 1)[-1]


def expected_scores(case: str) -> dict[str, float]:
    return json.loads((HOSTILE / case / "expect.json").read_text())["scores"]


def earned(results: dict) -> dict[str, float]:
    return {p: s for p, s in part_scores(results).items() if s}


def sandbox_uid_leftovers() -> list[str]:
    """Processes of a sandbox uid that no running grader owns, and files of the uids no
    running grader holds (another test's batch on the other xdist worker) in the
    world-writable folders."""
    found = sandbox_survivors(SANDBOX_UIDS)
    unheld = set(SANDBOX_UIDS) - held_sandbox_uids()
    for folder in namespaces.WRITABLE_DIRS:
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            try:
                if entry.stat(follow_symlinks=False).st_uid in unheld:
                    found.append(entry.path)
            except OSError:
                pass
    return found


def escaped_files(*folders: Path) -> list[Path]:
    """Files the cases write when they get out: FORGED-by-hostile.txt, hw0-hostile-*."""
    hits = []
    for folder in folders:
        for pattern in ("**/FORGED-by-hostile.txt", "**/hw0-hostile-*"):
            hits += [p for p in folder.glob(pattern) if "corpus/hostile" not in str(p)]
    for folder in namespaces.WRITABLE_DIRS:
        hits += list(folder.glob("hw0-hostile-*")) + list(folder.glob("FORGED-by-hostile*"))
    return hits


# ---------------------------------------------------------------- the corpus batch


@linux
def test_nothing_reached_the_loopback_listener(corpus: dict) -> None:
    if corpus["_network"] is None:
        pytest.skip(f"port {47391} was busy: nothing could be watched")
    assert corpus["_network"] == []


@linux
def test_every_network_attempt_was_refused(corpus: dict) -> None:
    out = printed(corpus["hostile-network_sockets"])
    assert "network_sockets:" in out and out.count("refused") == 8 and "OPEN" not in out
    if ROOT and sys.platform.startswith("linux"):
        assert "sandbox layers: process,namespaces,uid,seccomp" in out
    if "notebook_network_and_search" in HOSTILE_GRADED:
        out = printed(corpus["hostile-notebook_network_and_search"])
        assert "notebook network: refused" in out and "OPEN" not in out


@root_only
def test_searches_of_the_filesystem_and_of_memory_found_nothing(corpus: dict) -> None:
    assert "found []" in printed(corpus["hostile-read_reference_by_search"])
    assert "found []" in printed(corpus["hostile-read_other_students"])
    assert "readable=[]" in printed(corpus["hostile-proc_snooping"])
    out = printed(corpus["hostile-import_autograder_package"])
    for name in ("autograder.checks", "autograder.checks.props", "autograder.checks.symbolic"):
        assert f"('{name}', 'imported')" not in out
    assert "('reference()', 'loaded')" not in out and "memory:" not in out
    assert "/reference/hw0.py', 'read'" not in out


def test_nothing_escaped_the_worker(corpus: dict) -> None:
    assert escaped_files(corpus["_out"], corpus["_root"], PROJECT) == []
    assert not PLANTED_TARGET.exists()
    assert not (corpus["_out"] / "results.json").exists()


@root_only
def test_no_process_or_file_of_a_sandbox_uid_is_left(corpus: dict) -> None:
    assert corpus["reference"]
    assert sandbox_uid_leftovers() == []


def test_floods_and_hangs_cost_bounded_time_and_space(corpus: dict) -> None:
    for results in (v for k, v in corpus.items() if not k.startswith("_")):
        assert len(json.dumps(results)) < 64_000
    seconds = {case: corpus[f"hostile-{case}"]["execution_time"] for case in (
        "infinite_loop_at_import", "signal_tampering", "memory_bomb", "output_flood",
        "disk_filler", "sympy_hang_strings", "weird_values", "channel_forgery")
        if case in HOSTILE_GRADED}
    # CPU-time deadlines: on a busy machine a deadline takes up to twice its backstop
    one_load = 2 * student.LOAD_TIMEOUT[".py"] * clock.WALL_FACTOR
    assert seconds["infinite_loop_at_import"] < one_load + 10  # one load, not one per check
    assert seconds["signal_tampering"] < 2 * student.CALL_TIMEOUT * clock.WALL_FACTOR + 10
    assert max(s for c, s in seconds.items() if c not in (
        "infinite_loop_at_import", "signal_tampering")) < 15, seconds
    assert "did not finish" in corpus["hostile-infinite_loop_at_import"]["tests"][-1]["output"]


# ---------------------------------------------------------------- layers switched off

DOCKER_CASES = ["forge_results_at_import", "forge_results_via_proc", "daemon_rewrites_results",
                "network_sockets", "import_autograder_package", "proc_snooping", "disk_filler",
                "fork_bomb", "planted_symlinks", "kill_parent_and_group", "root_listing"]
UID_ONLY_CASES = ["forge_results_at_import", "daemon_rewrites_results", "disk_filler",
                  "fork_bomb", "kill_parent_and_group"]


def graded_without(layers: str, cases: list[str], tmp: Path, reference: bool) -> dict:
    """Grade `cases` (and the reference) with the sandbox layers `layers` switched off."""
    root, out = tmp / "submissions", tmp / "results"
    root.mkdir()
    if reference:
        copy_reference(root / "reference")
    with exclusive(LISTENING):
        listener = Listener()
        done = grade_cases(root, out, cases, env={sandbox.DISABLE_ENV: layers})
        network = listener.received()
    assert done.returncode == 0, done.stderr[-3000:]
    graded = {p.parent.name: json.loads(p.read_text()) for p in out.glob("*/results.json")}
    return {**graded, "_out": out, "_root": root, "_network": network,
            "_done": time.monotonic()}


@pytest.fixture(scope="module")
def docker(tmp_path_factory: pytest.TempPathFactory) -> dict:
    return graded_without("namespaces", DOCKER_CASES, tmp_path_factory.mktemp("docker"), True)


@pytest.fixture(scope="module")
def uid_only(tmp_path_factory: pytest.TempPathFactory) -> dict:
    return graded_without("namespaces,seccomp", UID_ONLY_CASES, tmp_path_factory.mktemp("uid"),
                          False)


@root_only
@linux
def test_without_namespaces_seccomp_and_the_uid_still_hold(docker: dict) -> None:
    """Gradescope's docker: no mount or network namespace, so only the uid, lock_down,
    seccomp and the clean-up stand between the student and the machine."""
    assert "sandbox layers: process,uid,seccomp" in printed(docker["hostile-network_sockets"])
    for case in DOCKER_CASES:
        assert earned(docker[f"hostile-{case}"]) == expected_scores(case), case
    # hw0.py's parts in full (the notebook imports matplotlib, which lazily imports stdlib
    # modules: where Python lives under /root, as with pyenv here, the uid cannot read them
    # without the mount namespace that binds them in; Gradescope's Python is in /usr).
    assert [t["name"] for t in docker["reference"]["tests"]
            if t["status"] != "passed" and not t["tags"][0].startswith("q5")] == []
    assert docker["_network"] in (None, [])
    out = printed(docker["hostile-network_sockets"])
    assert out.count("refused (EACCES)") >= 6 and "OPEN" not in out
    assert "readable=[]" in printed(docker["hostile-proc_snooping"])
    # what stays readable without the allow-list root (docs/security.md): the machine's
    # world-readable files and every process's entry in /proc
    seen = json.loads(printed(docker["hostile-root_listing"]).split("root_listing: ", 1)[1]
                      .splitlines()[0])
    assert seen["/etc/passwd"] is True and "etc" in seen["/"] and len(seen["pids"]) > 1
    assert "'imported')" not in printed(docker["hostile-import_autograder_package"]).replace(
        "('autograder.grade', 'imported')", "")
    assert escaped_files(docker["_out"], docker["_root"], PROJECT) == []
    assert not PLANTED_TARGET.exists()
    time.sleep(max(0.0, docker["_done"] + 3 - time.monotonic()))  # the daemon's 2 s
    assert sandbox_uid_leftovers() == []


@root_only
@linux
def test_with_only_the_uid_and_rlimits_daemons_and_bombs_are_still_stopped(
        uid_only: dict) -> None:
    """Neither namespaces nor seccomp: the fork bomb hits RLIMIT_NPROC, the daemon really
    starts and must die with the uid's kill(-1) before the results are written."""
    for case in UID_ONLY_CASES:
        assert earned(uid_only[f"hostile-{case}"]) == expected_scores(case), case
    assert "stopped after" in printed(uid_only["hostile-fork_bomb"])
    before = {p: p.read_bytes() for p in uid_only["_out"].glob("*/results.json")}
    time.sleep(max(0.0, uid_only["_done"] + 3 - time.monotonic()))
    assert {p: p.read_bytes() for p in uid_only["_out"].glob("*/results.json")} == before
    assert escaped_files(uid_only["_out"], uid_only["_root"], PROJECT) == []
    assert sandbox_uid_leftovers() == []


# ---------------------------------------------------------------- single defences


@linux
@pytest.mark.skipif(os.uname().machine not in ("x86_64", "aarch64"), reason="no filter here")
def test_seccomp_refuses_inet_sockets_and_processes_but_not_unix_sockets_or_threads() -> None:
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # a bare child: it only makes system calls, then _exit
        os.close(r)
        verdicts = []
        try:
            assert seccomp.deny_network_and_processes()
            for family in (socket.AF_INET, socket.AF_INET6, socket.AF_UNIX):
                try:
                    socket.socket(family, socket.SOCK_STREAM).close()
                    verdicts.append("open")
                except OSError as exc:
                    verdicts.append(exc.errno)
            try:
                if os.fork() == 0:
                    os._exit(0)
                verdicts.append("forked")
            except OSError as exc:
                verdicts.append(exc.errno)
            ran = []
            thread = threading.Thread(target=ran.append, args=[1])
            thread.start()
            thread.join()
            verdicts.append(ran)
            libc = ctypes.CDLL(None, use_errno=True)  # System V IPC, mq, keyrings, memfd
            refused = seccomp.REFUSED[os.uname().machine]
            verdicts.append(sorted(name for name, number in refused.items()
                                   if libc.syscall(number, 0, 0, 0, 0, 0) != -1
                                   or ctypes.get_errno() != errno.EPERM))
        except BaseException as exc:  # noqa: BLE001 - reported to the parent
            verdicts.append(repr(exc))
        os.write(w, json.dumps(verdicts).encode())
        os._exit(0)
    os.close(w)
    os.waitpid(pid, 0)
    with os.fdopen(r) as f:
        verdicts = json.loads(f.read())
    # EACCES, EACCES, AF_UNIX, EPERM, a thread, every REFUSED call failed with EPERM
    assert verdicts == [13, 13, "open", 1, [1], []]


def test_a_slow_file_is_stopped_by_its_time_budget(tmp_path: Path) -> None:
    """Every call answers just inside its deadline: the file's budget ends the grading."""
    (tmp_path / "hw0.py").write_text(
        "import time\n\n"
        "def gd_step(F, y, w, eta):\n    time.sleep(0.5)\n    return w\n\n"
        "def max_stable_lr(F):\n    time.sleep(0.5)\n    return 1.0\n")
    script = ("import json, sys\nfrom pathlib import Path\nfrom autograder.engine import student\n"
              "student.FILE_BUDGET['.py'] = student.FILE_WALL['.py'] = 3.0\n"
              "from autograder.grade import grade\n"
              "print(json.dumps(grade(Path(sys.argv[1]))))\n")
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", script, str(tmp_path)], cwd=PROJECT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    results = json.loads(done.stdout)
    assert results["score"] == 0
    outputs = [t["output"] for t in results["tests"] if t["tags"][0] != "q5"]
    assert any("used up its grading time" in o for o in outputs)
    assert sum("used up its 3 s of grading time" in o for o in outputs) >= 5
    assert time.monotonic() - started < 60
