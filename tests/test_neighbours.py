"""Each student's score depends on their work alone, where Gradescope's Docker gives no
namespaces (issue 21, items 4 and 7): `batch -j 1` grades good / attacker / good ... in the
0.5 CPU / 768 MB box (benchmarks/box.py) with namespaces and seccomp switched off, so every
attack reaches the grader; the good submissions keep full marks on hw0.py, no attacker gains
anything. And `grade` of an upload folder the sandbox uid can write: code that swaps its own
files for links to the grader's gains nothing (the upload is copied before it runs).

The exports live in /tmp (not under pytest's mode-700 folder), where a sandbox uid could
reach them but for the defences."""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from autograder.engine import uids
from autograder.engine.sandbox import DISABLE_ENV
from autograder.engine.uids import remove_tree
from autograder.staff.verify import lost_parts
from benchmarks import box
from tests.conftest import PROJECT, hw0_parts, run_cli

REASON = box.unavailable()
HW0_PARTS = hw0_parts()
REFERENCE = (PROJECT / "reference" / "hw0.py").read_text()

# 500 MB of System V shared memory, 50 MB at a time: filled, detached, charged to no
# process's limit (RLIMIT_AS counts only what is attached) and left behind.
SHM_FILL = '''
import ctypes
libc = ctypes.CDLL(None, use_errno=True)
libc.shmat.restype = ctypes.c_void_p
size, filled = 50 << 20, 0
for _ in range(10):
    ident = libc.shmget(0, ctypes.c_size_t(size), 0o1000 | 0o600)
    where = libc.shmat(ident, None, 0) if ident >= 0 else None
    if where in (None, ctypes.c_void_p(-1).value):
        break
    ctypes.memset(where, 1, size)
    libc.shmdt(ctypes.c_void_p(where))
    filled += 50
    print(f"shm: {filled} MB filled and detached", flush=True)
'''
# A chain of 1,000 folders left in /tmp: it once broke the clean-up after every worker.
DEEP_CHAIN = '''
import os
here = os.getcwd()
os.chdir("/tmp")
os.mkdir(f"chain-{os.getpid()}")
os.chdir(f"chain-{os.getpid()}")
for _ in range(1000):
    os.mkdir("d")
    os.chdir("d")
os.chdir(here)
'''
# Another student's hw0.py, found through the batch's command line, run as one's own.
READ_EXPORT = '''
import glob, os

pytestmark = pytest.mark.slow(75)  # two batches in the half-CPU box
for pid in filter(str.isdigit, os.listdir("/proc")):
    try:
        args = open(f"/proc/{pid}/cmdline", "rb").read().split(b"\\0")
    except OSError:
        continue
    if b"batch" in args:
        for path in glob.glob(args[args.index(b"batch") + 1].decode() + "/*/hw0.py"):
            try:
                text = open(path).read()
            except OSError:
                continue
            if "def gd_step" in text and "STOLEN" not in text:
                STOLEN = path
                exec(text, globals())
                break
'''


@pytest.fixture
def public_tmp() -> Iterator[Path]:
    """A folder in /tmp any uid may enter (0755), removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="hw0-neighbours-", dir="/tmp"))
    folder.chmod(0o755)
    yield folder
    remove_tree(folder)


def _export(root: Path, attacks: dict[str, str]) -> list[str]:
    """good, attacker, good, ... (folder names sort in that order); returns the good ones."""
    good = []
    for i, (name, code) in enumerate(attacks.items()):
        for folder, text in ((f"{2 * i}-good", REFERENCE), (f"{2 * i + 1}-{name}", code)):
            (root / folder).mkdir(parents=True)
            (root / folder / "hw0.py").write_text(text)
        good.append(f"{2 * i}-good")
    (root / "9-good").mkdir()
    (root / "9-good" / "hw0.py").write_text(REFERENCE)
    return [*good, "9-good"]


@pytest.mark.skipif(REASON is not None, reason=f"no cgroup box: {REASON}")
@pytest.mark.skipif(os.geteuid() != 0, reason="the attacks reach other students only as root")
def test_in_the_box_without_namespaces_no_attacker_costs_a_neighbour_a_mark(
        public_tmp: Path) -> None:
    # The segments outlive the worker: the neighbours are saved only where the clean-up
    # removes System V objects by uid (uids.remove_ipc, from the sandbox's own work).
    shm = {"shm": SHM_FILL} if hasattr(uids, "remove_ipc") else {}
    attacks = {**shm, "chain": DEEP_CHAIN, "reader": READ_EXPORT}
    good = _export(public_tmp / "export", attacks)
    (public_tmp / "export").chmod(0o755)
    out = public_tmp / "out"
    run = box.Box(cpu=0.5, memory_mb=768).run(
        [sys.executable, "-m", "autograder", "batch", str(public_tmp / "export"), "-o",
         str(out), "-j", "1"], cwd=PROJECT, timeout=900,
        env={**os.environ, DISABLE_ENV: "namespaces,seccomp"})
    print(run)
    assert run.returncode == 0, run.stderr[-3000:]
    if shm:  # the attack did reach the box's limit
        assert run.oom_kills or run.peak_mb > 700, run
    graded = {p.parent.name: json.loads(p.read_text()) for p in out.glob("*/results.json")}
    assert sorted(graded) == sorted(p.name for p in (public_tmp / "export").iterdir())
    for name in good:
        assert not lost_parts(graded[name]) & HW0_PARTS, (name, graded[name]["output"][:2000])
    reader = graded[next(n for n in graded if n.endswith("reader"))]
    assert lost_parts(reader) >= HW0_PARTS, "the reader scored with a classmate's work"
    assert not list(Path("/tmp").glob("chain-*")), "the chain outlived its worker"
    assert stat_mode(public_tmp / "export") == 0o755  # given back after the batch


def stat_mode(path: Path) -> int:
    return path.stat().st_mode & 0o7777


SWAP = '''
import os
here = {upload!r}
if not os.path.exists(os.path.join(here, "swapped")):
    open(os.path.join(here, "swapped"), "w").close()
    os.unlink(os.path.join(here, "hw0.py"))
    os.symlink({reference!r}, os.path.join(here, "hw0.py"))


def gd_step(F, y, w, eta):
    os._exit(1)  # a new worker: the grader reads hw0.py again
'''


@pytest.mark.skipif(os.geteuid() != 0, reason="a sandbox uid exists only as root")
def test_code_that_swaps_its_upload_for_links_gains_nothing(public_tmp: Path) -> None:
    """Issue 21: from a 0777 upload folder, an hw0.py with no answer scored 26 of 27 on
    hw0.py's parts: it replaced itself with a link to the reference, crashed its worker, and
    the grader (root) read the link for the next one."""
    upload = public_tmp / "upload"
    upload.mkdir()
    upload.chmod(0o777)
    (upload / "hw0.py").write_text(SWAP.format(upload=str(upload),
                                               reference=str(PROJECT / "reference" / "hw0.py")))
    out = public_tmp / "out"
    done = run_cli("grade", upload, "-o", out / "results.json",
                   env={DISABLE_ENV: "namespaces"})
    assert done.returncode == 0, done.stderr[-3000:]
    assert (upload / "swapped").exists() and (upload / "hw0.py").is_symlink()  # it did try
    data = json.loads((out / "results.json").read_text())
    assert lost_parts(data) >= HW0_PARTS, "hw0.py's parts scored from the grader's file"
    shutil.rmtree(upload)
