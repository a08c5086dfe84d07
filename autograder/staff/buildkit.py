"""`python -m autograder build-kit -o FILE.zip`: the answer-free kit students download.

Inside one folder `hw0/`: the template (`hw0.py`, `color_organ_learning.ipynb`), README.md,
requirements.txt (the tested versions), pyproject.toml and `hw0_selfcheck/`, the self-check.
pyproject.toml makes the folder, and the zip (pip accepts a zip whose one top folder holds
it), a package: `pip install hw0-kit.zip` installs `hw0_selfcheck` into the environment at
hand, its requirements ranges that keep what an environment has where the kit works with it
(Colab's torch, IPython 7.34 and ipywidgets 7.7: KIT_RANGES). Its build backend, flit_core,
builds the wheel without writing into the folder: `pip install .` leaves no `build/` or
`*.egg-info/` beside the student's files. That
package is the grader's own code, not a second copy: the modules the kit's entries need
(found by following their imports, staff/imports.py), each with its `# BEGIN GRADER ONLY`
blocks replaced by their `# KIT: ` lines (staff/template.py) and its imports renamed to
`hw0_selfcheck`; gradescope-utils' decorators module, vendored (MIT) so the kit installs
from PyPI's wheels alone; and fixtures.json, the reference's outputs on the kit's public
inputs, recorded here by running the kit's checks on the reference (checks/fixtures.py).
The zip is deterministic: sorted names, fixed dates.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
import zipfile
from importlib.util import find_spec
from pathlib import Path

from autograder import REPRODUCIBLE_BLAS, X86_64
from autograder.staff import imports, names
from autograder.staff.imports import full_source, module_path
from autograder.staff.template import GRADER_ONLY, PROJECT, generated, strip_code

PACKAGE = "hw0_selfcheck"
TOP = "hw0"  # the folder the zip unpacks into
ENTRIES = ("autograder.kit.selfcheck", "autograder.kit.check")  # the CLI, check()
DATE = (2023, 8, 22, 0, 0, 0)
VENDOR = f"{PACKAGE}/_vendor"
GRADESCOPE = "gradescope_utils.autograder_utils.decorators"
# The grader's requirements the kit does not need: Gradescope's metadata, vendored decorators.
NOT_IN_KIT = ("pyyaml", "gradescope-utils")
# What only the kit needs: check() hands the kernel's functions to a child process by value.
KIT_ONLY = ("cloudpickle>=2",)
TORCH_RANGE = "torch>=2.0"  # pyproject.toml's: keeps an environment's own recent torch
# The grader's ranges the kit widens: the oldest releases it is tested with
# (tests/test_kit.py, an environment as Colab shipped it), so that pip keeps them.
KIT_RANGES = {"ipython": "ipython>=7.34", "ipywidgets": "ipywidgets>=7.7"}
VERSION = "1.0"
INIT = f'''"""HW0's self-check. In a notebook: `from {PACKAGE} import check`, then `check()`.

In a terminal: `python -m {PACKAGE} [FOLDER]`. See the kit's README.md.
"""

import os
import platform

# BLAS kernels with the same bits on any x86-64 CPU, as the grader's
if platform.machine().lower() in {X86_64!r}:
    os.environ.update({REPRODUCIBLE_BLAS!r})

from {PACKAGE}.kit.check import check  # noqa: E402

__version__ = "{VERSION}"  # results carry it (identity.py), as the grader's carry its own
__all__ = ["check"]
'''
MAIN = f'''"""python -m {PACKAGE} [DIR]: the HW0 self-check (see README.md)."""

import os
import sys

from {PACKAGE}.kit.selfcheck import main

if __name__ == "__main__":
    status = main()
    if status == 130:  # Ctrl-C, all cleaned up: exit before interpreter shutdown can turn
        sys.stdout.flush()  # a late KeyboardInterrupt into death by SIGINT (not 130)
        os._exit(status)
    sys.exit(status)
'''


def kit_source(name: str) -> str:
    """A module as it ships: GRADER ONLY blocks stripped."""
    return strip_code(full_source(name), GRADER_ONLY)


def closure() -> list[str]:
    """Every module the kit's entry needs (GRADER ONLY blocks stripped first), sorted."""
    return imports.closure(ENTRIES, kit_source)


def rename(source: str) -> str:
    """Imports of `autograder` become imports of the kit's package, gradescope-utils' the
    vendored copy's."""
    source = re.sub(r"^(\s*)import autograder$", rf"\1import {PACKAGE} as autograder", source,
                    flags=re.MULTILINE)
    source = re.sub(r"^(\s*)from autograder([. ])", rf"\1from {PACKAGE}\2", source,
                    flags=re.MULTILINE)
    return source.replace(f"from {GRADESCOPE} import",
                          f"from {VENDOR.replace('/', '.')}.gradescope_decorators import")


def package_files(fixtures: dict) -> dict[str, str]:
    """hw0_selfcheck/: path in the package -> text."""
    files = {}
    for name in closure():
        relative = module_path(name).relative_to(PROJECT / "autograder")
        text = rename(kit_source(name))
        compile(text, str(relative), "exec")  # a stripped block must leave valid Python
        files[f"{PACKAGE}/{relative.as_posix()}"] = text
    files[f"{PACKAGE}/__init__.py"] = INIT
    files[f"{PACKAGE}/__main__.py"] = MAIN
    files[f"{PACKAGE}/kit/fixtures.json"] = json.dumps(fixtures, sort_keys=True) + "\n"
    decorators = Path(find_spec(GRADESCOPE).origin)
    files[f"{VENDOR}/__init__.py"] = '"""Copied from gradescope-utils (MIT): LICENSE."""\n'
    files[f"{VENDOR}/gradescope_decorators.py"] = decorators.read_text(encoding="utf-8")
    licence = next(decorators.parents[2].glob("gradescope_utils-*.dist-info/LICENSE"), None)
    if licence is not None:
        files[f"{VENDOR}/LICENSE"] = licence.read_text(encoding="utf-8")
    return files


def _needs() -> list[str]:
    """The grader's own runtime requirements (pyproject.toml's ranges and its torch pin, not
    the Linux lock of requirements.txt: students run any OS and Python 3.10 to 3.13), less
    what the kit does not need, plus what only the kit needs."""
    from autograder.staff.lock import runtime_requirements

    keep = [line for line in runtime_requirements() if not line.lower().startswith(NOT_IN_KIT)]
    return [KIT_RANGES.get(_name(line), line) for line in keep] + list(KIT_ONLY)


def _name(requirement: str) -> str:
    """A requirement's package name, lower case: "ipython>=8.12" -> "ipython"."""
    return re.split(r"[<>=!~;\[ ]", requirement, maxsplit=1)[0].strip().lower()


def requirements() -> str:
    """The venv route's tested torch (pinned) and ranges. No package index in it: where one
    is unreachable pip retries for minutes; the README gives PyTorch's CPU index on Linux."""
    return "\n".join(["# pip install -r requirements.txt .  (see README.md)", *_needs()]) \
        + "\n"


def pyproject() -> str:
    """The kit as a package: `pip install` of the zip or the folder installs hw0_selfcheck,
    its torch a range (an environment's recent torch, Colab's, is kept); built by flit_core,
    which writes nothing into the folder (setuptools left build/ and an egg-info there)."""
    needs = [TORCH_RANGE if _name(n) == "torch" else n for n in _needs()]
    listed = "".join(f'    "{n}",\n' for n in needs)
    return f'''[build-system]
requires = ["flit_core>=3.4,<5"]
build-backend = "flit_core.buildapi"

[project]
name = "{PACKAGE.replace("_", "-")}"
version = "{VERSION}"
description = "EECS 182 HW0: the public checks, on your own computer or in your notebook"
requires-python = ">=3.10"
dependencies = [
{listed}]

[tool.flit.module]
name = "{PACKAGE}"
'''


def record() -> dict:
    """The kit's public inputs and the reference's outputs on them: the inputs chosen among
    the grader's to fail every mutant the grader kills (staff/kitagree.py), then each
    kit-FULL check of hw0.py runs on the reference (as the student, in a spawned worker)
    with a Recording active. A check the reference fails stops the build."""
    from autograder.checks import HW0_PY, all_checks, fixtures, reference_module
    from autograder.checks.policy import FULL
    from autograder.engine.student import Student
    from autograder.kit.engine import NoUser, SpawnZygote
    from autograder.staff.kitagree import chosen_inputs

    recording = fixtures.Recording(reference_module(), chosen=chosen_inputs())
    with tempfile.TemporaryDirectory(prefix="hw0-kit-") as tmp:
        shutil.copy(PROJECT / "reference" / HW0_PY, Path(tmp) / HW0_PY)
        zygote = SpawnZygote(preload=[Path(tmp) / HW0_PY])
        student = Student(Path(tmp) / HW0_PY, HW0_PY, zygote, NoUser(), [], Path(tmp))
        fixtures.active = recording
        try:
            for check in all_checks():
                if check.kit == FULL and check.file == HW0_PY:
                    try:
                        check.run(student)
                    except Exception as exc:
                        raise RuntimeError(f"the reference fails check {check.number} "
                                           f"({check.title}): {exc}") from exc
        finally:
            fixtures.active = None
            student.close()
            zygote.close()
    return recording.data


def members() -> dict[str, bytes]:
    """Path in the zip -> content."""
    files = {"README.md": names.kit_readme(), "requirements.txt": requirements(),
             "pyproject.toml": pyproject(),
             **generated(), **package_files(record())}
    return {f"{TOP}/{path}": text.encode("utf-8") for path, text in sorted(files.items())}


def build(out: Path) -> list[str]:
    """Write the kit; returns its file names."""
    files = members()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files.items():
            info = zipfile.ZipInfo(name, date_time=DATE)
            info.external_attr = (0o100000 | 0o644) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    return list(files)
