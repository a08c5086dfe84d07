"""The worker's own root, state that could outlive it, memory in every form (issue 21).

- Its root is an allow-list: the hostile corpus's root_listing case sees only the runtime's
  folders, two files of /etc, the devices, its scratch and its own process.
- Nothing outlives a worker: a first grading plants a System V shared memory segment,
  message queue and semaphore set, a POSIX message queue and a key; a second one in the same
  grader (same sandbox uid) looks for them, with each layer (seccomp, the IPC namespace, the
  uid's clean-up) left alone in turn.
- Memory in any form is bounded: the corpus's shared memory, memfd and /dev/shm cases graded
  in Gradescope's 768 MB box (benchmarks/box.py) keep their correct parts.
- Lazily loaded modules and their system libraries still load in the new root.
"""

from __future__ import annotations

import ctypes
import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from autograder.engine import namespaces, uids
from benchmarks import box
from tests.conftest import HOSTILE, PROJECT, copy_reference, part_scores, run_cli

pytestmark = pytest.mark.slow(100)  # a dozen small batches, two in the half-CPU box

ROOT = os.geteuid() == 0
root_only = pytest.mark.skipif(not ROOT or not sys.platform.startswith("linux"),
                               reason="sandbox uids and namespaces exist only as root on Linux")
SANDBOX_UIDS = range(uids.UID_BASE, uids.UID_BASE + uids.SLOTS)


def printed_json(results: dict, label: str) -> dict:
    """The JSON a case printed after `label: ` (its own output, as results.json shows it)."""
    line = next(x for x in results["output"].splitlines() if x.startswith(f"{label}: "))
    return json.loads(line.split(": ", 1)[1])


def batch(folders: dict[str, str], tmp: Path, layers: str = "", jobs: int = 1) -> dict:
    """Grade one hw0.py per folder name, in that order, in one grader (same sandbox uid),
    with the sandbox layers `layers` switched off. Returns folder name -> results.json."""
    root, out = tmp / "submissions", tmp / "results"
    for name, code in folders.items():
        (root / name).mkdir(parents=True)
        (root / name / "hw0.py").write_text(code)
    done = run_cli("batch", root, "-o", out, "-j", jobs, env={"HW0_SANDBOX_DISABLE": layers})
    assert done.returncode == 0, done.stderr[-3000:]
    return {p.parent.name: json.loads(p.read_text()) for p in out.glob("*/results.json")}


# ---------------------------------------------------------------- the allow-list root


def expected_children(folder: Path) -> list[str] | str:
    """What `folder` holds in the worker's root: the next part of each path the root binds
    (runtime and LIBRARY_DIRS' links), or ENOENT's message where none passes through it."""
    kept = namespaces.runtime() + [p for p in namespaces.LIBRARY_DIRS if p.is_symlink()]
    names = {p.parts[len(folder.parts)] for p in kept
             if p.is_relative_to(folder) and p != folder}
    if folder == Path("/"):
        names |= {"dev", "etc", "proc", "run", "tmp", "var"}
    return sorted(names) if names else "error 2"


@root_only
def test_the_worker_sees_an_allow_list_and_only_its_own_process(corpus: dict) -> None:
    seen = printed_json(corpus["hostile-root_listing"], "root_listing")
    assert seen["/"] == expected_children(Path("/"))
    for folder in ("/home", "/root", "/work"):  # other users, other checkouts: absent
        assert seen[folder] == expected_children(Path(folder)), folder
    # what the machine holds there beside this checkout (other checkouts, here) is absent
    hidden = {p.name for p in Path("/work").iterdir()} - set(expected_children(Path("/work"))) \
        if Path("/work").is_dir() else set()
    assert not hidden & set(seen["/work"]), hidden
    under_tmp = expected_children(Path("/tmp"))  # the worker's own /tmp: empty but for a venv
    assert seen["/tmp"] == (under_tmp if isinstance(under_tmp, list) else [])
    assert seen["/etc"] == sorted(p.name for p in namespaces.ETC_FILES if p.exists())
    devices = [d for d in namespaces.DEVICES if (Path("/dev") / d).exists()]
    assert seen["/dev"] == sorted([*devices, "fd", "stdin", "stdout", "stderr", "shm"])
    assert seen["/etc/passwd"] is False
    assert seen["pids"] == [seen["me"]]  # the grader, the zygote, the machine: invisible


@root_only
def test_a_venv_under_tmp_is_bound_into_the_worker_root(tmp_path: Path) -> None:
    """A venv under /tmp (a CI clone there): /tmp is the worker's own tmpfs, and the venv is
    bound inside it, so the runtime is still whole."""
    venv = Path("/tmp") / f"hw0-sandbox-venv-{os.getpid()}"
    try:
        subprocess.run([sys.base_prefix + "/bin/python3", "-m", "venv", "--without-pip",
                        str(venv)], check=True)
        site = next(venv.glob("lib/python3*/site-packages"))
        (site / "project.pth").write_text(f"{PROJECT}\n{sysconfig.get_path('purelib')}\n")
        shutil.copy(HOSTILE / "root_listing" / "hw0.py", tmp_path / "hw0.py")
        done = subprocess.run([venv / "bin" / "python", "-m", "autograder", "grade", tmp_path,
                               "-o", tmp_path / "r.json"], cwd=PROJECT, capture_output=True,
                              text=True, timeout=900)
        assert done.returncode == 0, done.stderr[-3000:]
        seen = printed_json(json.loads((tmp_path / "r.json").read_text()), "root_listing")
        assert seen["prefix"] == str(venv) and seen["prefix_here"] is True
        assert seen["/tmp"] == [venv.name]  # the worker's own /tmp: the bound venv, no more
    finally:
        shutil.rmtree(venv, ignore_errors=True)


# ---------------------------------------------------------------- nothing outlives a worker

KINDS = {
    "shm": ("libc.shmget(KEY, 4096, {flags})", "libc.shmget(KEY, 0, 0)"),
    "msg": ("libc.msgget(KEY, {flags})", "libc.msgget(KEY, 0)"),
    "sem": ("libc.semget(KEY, 1, {flags})", "libc.semget(KEY, 0, 0)"),
    "mq": ("libc.mq_open(b'/hw0-hostile-mq', os.O_CREAT | os.O_RDWR, 0o666, None)",
           "libc.mq_open(b'/hw0-hostile-mq', os.O_RDONLY)"),
    "key": ("libc.syscall(ADD_KEY, b'user', b'hw0-hostile-key', b'planted', 7, -4)",
            "libc.syscall(KEYCTL, 10, -4, b'user', b'hw0-hostile-key', 0)"),
}
IPC_PROGRAM = """import ctypes, json, os
libc = ctypes.CDLL(None, use_errno=True)
KEY = 0x68773021
ADD_KEY, KEYCTL = {{"x86_64": (248, 250), "aarch64": (217, 219)}}[os.uname().machine]
def outcome(result):
    return "{hit}" if result >= 0 else f"errno {{ctypes.get_errno()}}"
print("{label}: " + json.dumps({{{calls}}}))
"""


def ipc_program(label: str, kinds: list[str], plant: bool) -> str:
    """A hw0.py that makes (plant) or looks for (look) each of `kinds` under one key/name
    and prints what happened to each: made / found, or the errno."""
    calls = ", ".join(f'"{k}": outcome({KINDS[k][0 if plant else 1]})' for k in kinds)
    program = IPC_PROGRAM.format(label=label, hit="made" if plant else "found", calls=calls)
    return program.replace("{flags}", "0o1666")  # IPC_CREAT | 0o666


# (layers switched off, kinds planted, what planting does): keys are not namespaced, and
# without seccomp the POSIX queue and the key are outside the uid clean-up's reach, so those
# modes plant only what their remaining layer must stop.
IPC_MODES = [
    ("", list(KINDS), "errno 1"),  # seccomp refuses all (EPERM)
    ("namespaces", list(KINDS), "errno 1"),  # Gradescope's docker: seccomp alone
    ("seccomp", ["shm", "msg", "sem", "mq"], "made"),  # the IPC namespace alone
    ("namespaces,seccomp", ["shm", "msg", "sem"], "made"),  # the uid clean-up alone
]


def sandbox_ipc_objects() -> list[str]:
    """System V IPC objects of a sandbox uid in the machine's IPC namespace."""
    found = []
    for kind in ("shm", "msg", "sem"):
        header, *rows = Path(f"/proc/sysvipc/{kind}").read_text().splitlines()
        for row in rows:
            fields = dict(zip(header.split(), row.split(), strict=False))
            if int(fields["uid"]) in SANDBOX_UIDS or int(fields["cuid"]) in SANDBOX_UIDS:
                found.append(f"{kind}: {row}")
    return found


@root_only
@pytest.mark.parametrize(("layers", "kinds", "planting"), IPC_MODES,
                         ids=[m[0] or "all-layers" for m in IPC_MODES])
def test_a_second_grading_finds_nothing_the_first_planted(
        tmp_path: Path, layers: str, kinds: list[str], planting: str) -> None:
    graded = batch({"a-plant": ipc_program("ipc_plant", kinds, plant=True),
                    "b-look": ipc_program("ipc_look", kinds, plant=False)}, tmp_path, layers)
    planted = printed_json(graded["a-plant"], "ipc_plant")
    assert planted == dict.fromkeys(kinds, planting)
    looked = printed_json(graded["b-look"], "ipc_look")
    assert sorted(looked) == sorted(kinds) and "found" not in looked.values(), looked
    assert sandbox_ipc_objects() == []


@root_only
def test_the_uid_clean_up_removes_the_uids_system_v_objects() -> None:
    """remove_ipc alone: a child as a spare uid makes one object of each kind; the grader's
    clean-up removes exactly those three."""
    uid = uids.UID_BASE + uids.SLOTS + 7  # no slot's: no grader running meanwhile uses it
    pid = os.fork()
    if pid == 0:
        try:
            os.setgid(uid)
            os.setuid(uid)
            libc = ctypes.CDLL(None, use_errno=True)
            made = [libc.shmget(0, 4096, 0o1600), libc.msgget(0, 0o1600), libc.semget(0, 1, 0o1600)]
            os._exit(0 if min(made) >= 0 else 1)
        finally:
            os._exit(2)
    assert os.waitpid(pid, 0)[1] == 0
    assert uids.remove_ipc(uid) == 3
    assert uids.remove_ipc(uid) == 0


# ---------------------------------------------------------------- memory in any form

MEMORY_CASES = ["sysv_shm_fill", "memfd_fill", "devshm_fill"]
REFUSED_SAYS = {"sysv_shm_fill": "shmget refused (errno 1)",  # EPERM: seccomp
                "memfd_fill": "memfd_create refused (EPERM)",
                "devshm_fill": "MB in /dev/shm (ENOSPC)"}  # the worker's 32 MB tmpfs


@root_only
@pytest.mark.skipif(box.unavailable() is not None, reason=f"no cgroup box: {box.unavailable()}")
@pytest.mark.parametrize("layers", ["", "namespaces"], ids=["all-layers", "no-namespaces"])
def test_memory_attacks_in_gradescopes_box_keep_their_correct_parts(
        tmp_path: Path, layers: str) -> None:
    """Each case in `python -m autograder grade`, one after another, inside 0.5 CPU / 768 MB.
    Without namespaces, /dev/shm is the machine's (Docker: 64 MB), so that case is left out
    there (docs/security.md)."""
    cases = MEMORY_CASES if not layers else MEMORY_CASES[:2]
    for case in cases:
        folder = tmp_path / case
        shutil.copytree(HOSTILE / case, folder, ignore=shutil.ignore_patterns("expect.json"))
        written = tmp_path / f"{case}.json"
        run = box.Box(0.5, 768).run(
            [sys.executable, "-m", "autograder", "grade", str(folder), "-o", str(written)],
            cwd=PROJECT, env={**os.environ, "HW0_SANDBOX_DISABLE": layers}, timeout=600)
        assert run.returncode == 0 and run.oom_kills in (0, None), (case, str(run))
        results = json.loads(written.read_text())
        expect = json.loads((HOSTILE / case / "expect.json").read_text())["scores"]
        assert {p: s for p, s in part_scores(results).items() if s} == expect, case
        assert REFUSED_SAYS[case] in results["output"], case


# ---------------------------------------------------------------- lazy imports in the root

LAZY_CELL = """import sqlite3, decimal, PIL.Image, scipy.linalg
print("lazy:", sqlite3.connect(":memory:").execute("select 6*7").fetchone()[0],
      float(scipy.linalg.det([[2.0, 0.0], [0.0, 3.0]])), PIL.Image.new("L", (2, 2)).size)
"""


def test_a_notebook_that_imports_lazily_still_scores(tmp_path: Path) -> None:
    """Modules the zygote never imported (scipy, PIL, sqlite3 and its system library),
    imported by the notebook after the worker's pivot: they load, and the reference keeps
    full marks."""
    copy_reference(tmp_path)
    path = tmp_path / "color_organ_learning.ipynb"
    nb = json.loads(path.read_text())
    nb["cells"].insert(1, {"cell_type": "code", "metadata": {}, "execution_count": None,
                           "outputs": [], "source": LAZY_CELL})
    path.write_text(json.dumps(nb))
    written = tmp_path / "results.json"
    done = run_cli("grade", tmp_path, "-o", written)
    assert done.returncode == 0, done.stderr[-3000:]
    results = json.loads(written.read_text())
    assert [t["name"] for t in results["tests"] if t["status"] != "passed"] == []
    assert "lazy: 42 6.0 (2, 2)" in results["output"]
