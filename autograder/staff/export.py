"""Gradescope's "Export Submissions": the submission folders and who handed each one in.

The export is a zip (or the folder it unzips to) holding one top folder, e.g.
`assignment_123_export/`, with a `submission_<id>/` folder per submission and
`submission_metadata.yml`, whose keys are those folder names. Each maps to Ruby symbols
written as YAML keys, so a key read by PyYAML literally starts with ':' (the line
`:submitters:` is the key ":submitters"): ":submitters", a list of {":name", ":sid",
":email"}, one per group member; ":created_at", ":score", ":history" ... Only the submitters
and the time are read here.
"""

from __future__ import annotations

import re
import stat
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

METADATA = "submission_metadata.yml"
IGNORED = {"__MACOSX"}
MAX_UNZIPPED = 16 << 30  # bytes: 1,500 students at 10 MB each (notebooks with plots) fit
MAX_RATIO = 100  # unzipped bytes per byte of zip: submissions compress 1.3-10x, bombs 1000x
MAX_MEMBERS = 200_000
STUDENT_FILES = ("hw0.py", "color_organ_learning.ipynb")
SUBMISSION = re.compile(r"submission_\d+$")  # Gradescope's submission folder names


class NotAnExport(ValueError):
    """The folder or zip given to batch is not a set of submissions; str() says what to do."""


@dataclass(frozen=True)
class Submitter:
    name: str = ""
    sid: str = ""
    email: str = ""


@dataclass
class Submission:
    """One submission folder of the export and, from the metadata, who submitted it."""

    folder: Path
    submitters: list[Submitter] = field(default_factory=list)
    created_at: str = ""
    note: str = ""


def submission_folders(root: Path) -> list[Path]:
    """The folders directly under `root` (hidden ones and __MACOSX aside), sorted by name.
    Raises NotAnExport when there are none, when `root` itself holds a student's file, or
    when one of them is an export itself (never several students graded as one)."""
    if any((root / name).is_file() for name in STUDENT_FILES):
        raise NotAnExport(f"{root} is one submission (it holds a student's file): grade it "
                          f"with `python -m autograder grade {root} -o results.json`.")
    folders = sorted(p for p in _visible(root) if p.is_dir())
    if not folders:
        raise NotAnExport(f"{root} holds no submission folders: batch wants Gradescope's "
                          "export (one submission_<id>/ folder per submission, or its zip); "
                          f"for one submission use `python -m autograder grade FOLDER -o FILE`.")
    for folder in folders:
        inner = [p.name for p in _visible(folder) if p.is_dir() and SUBMISSION.match(p.name)]
        if (folder / METADATA).is_file() or len(inner) > 1:
            raise NotAnExport(f"{folder} is an export itself ({_found(folder)}), not one "
                              f"submission: give batch that folder ({folder}).")
    return folders


def _visible(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if not p.name.startswith(".") and p.name not in IGNORED]


def _found(folder: Path) -> str:
    """What `folder` holds, for a message: its folders (marked when they hold the metadata),
    zips and other files, a few of each named."""
    entries = sorted(_visible(folder))
    kinds = {"folder": [f"{p.name}/" + (f" (with {METADATA})" if (p / METADATA).is_file()
                                         else "") for p in entries if p.is_dir()],
             "zip": [p.name for p in entries if p.is_file() and p.suffix == ".zip"],
             "other file": [p.name for p in entries if p.is_file() and p.suffix != ".zip"]}
    said = [f"{len(names)} {kind}{'s' if len(names) > 1 else ''} ({', '.join(names[:4])}"
            f"{', ...' if len(names) > 4 else ''})" for kind, names in kinds.items() if names]
    return "found " + ", ".join(said) if said else "it is empty"


def find_root(top: Path) -> Path:
    """Where the export is: `top` when it holds the metadata; else the one folder one level
    down that holds it (the unzipped export, beside its zip and other files); else, with no
    metadata anywhere, the one zip in `top` (nothing else but files), the export's one top
    folder (what unzipping gives: folders only), or `top` itself (a folder of submission
    folders: submission_folders then checks it). Raises NotAnExport, saying what it found
    and what it expected, when several exports are one level down or `top` holds a zip
    beside folders it cannot tell apart."""
    if (top / METADATA).is_file():
        return top
    entries = _visible(top)
    folders = [p for p in entries if p.is_dir()]
    exports = [p for p in folders if (p / METADATA).is_file()]
    zips = [p for p in entries if p.is_file() and p.suffix == ".zip"]
    if len(exports) == 1:
        return exports[0]
    if len(exports) > 1 or (zips and folders) or len(zips) > 1:
        raise NotAnExport(f"{top}: {_found(top)}; expected Gradescope's export: "
                          f"{METADATA} with a submission_<id>/ folder per submission, in the "
                          "folder given, in its zip, or in one folder (or one zip) inside it. "
                          "Give batch that folder or zip.")
    if zips:
        return zips[0]
    if len(folders) == 1 and len(entries) == 1 and all(
            p.is_dir() for p in _visible(folders[0])):
        return folders[0]
    return top


def read_metadata(root: Path) -> dict[str, dict] | None:
    """submission_metadata.yml as a dict (None when absent). Raises NotAnExport when it is
    not the mapping Gradescope writes."""
    import yaml

    path = root / METADATA
    if not path.is_file():
        return None
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise NotAnExport(f"{path} could not be read as YAML: {exc}") from None
    if not isinstance(data, dict):
        raise NotAnExport(f"{path} is not a mapping of submission folders to their metadata.")
    return data


def _submitters(entry: object) -> list[Submitter]:
    people = entry.get(":submitters") if isinstance(entry, dict) else None
    return [Submitter(*(str(p.get(f":{key}") or "") for key in ("name", "sid", "email")))
            for p in people or [] if isinstance(p, dict)]


def submissions(root: Path) -> list[Submission]:
    """Every submission folder under `root`, with its submitters and time when the metadata
    names them (else a note saying why the folder name stands in)."""
    metadata = read_metadata(root)
    found = []
    for folder in submission_folders(root):
        entry = (metadata or {}).get(folder.name)
        submission = Submission(folder, _submitters(entry))
        if isinstance(entry, dict) and entry.get(":created_at") is not None:
            created = entry[":created_at"]  # PyYAML reads Gradescope's times as datetimes
            submission.created_at = (created.isoformat() if hasattr(created, "isoformat")
                                     else str(created))
        if metadata is None:
            submission.note = f"no {METADATA}: identified by folder name"
        elif entry is None:
            submission.note = f"not in {METADATA}: identified by folder name"
        elif not submission.submitters:
            submission.note = "no submitters listed: identified by folder name"
        found.append(submission)
    return found


@contextmanager
def opened(source: Path) -> Iterator[Path]:
    """The export's root folder (`find_root`): in `source`, or, for a zip (given, or the
    one found in `source`), in a temporary folder it was safely unzipped into (removed
    afterwards)."""
    if source.is_dir():
        source = find_root(source)
        if source.is_dir():
            yield source
            return
    if not zipfile.is_zipfile(source):
        raise NotAnExport(f"{source} is neither a folder nor a zip: give Gradescope's "
                          "export (the zip, or the folder it unzips to).")
    with tempfile.TemporaryDirectory(prefix="hw0-export-") as tmp:
        unzip(source, Path(tmp))
        root = find_root(Path(tmp))
        if not root.is_dir():
            raise NotAnExport(f"{source} holds a zip ({root.name}), not the export: unzip it "
                              "and give batch the folder.")
        yield root


def unzip(archive: Path, dest: Path) -> None:
    """Extract regular files and folders only: no absolute or `..` paths, no symlinks or
    devices, at most MAX_MEMBERS members and min(MAX_UNZIPPED, MAX_RATIO x the zip's size)
    bytes (counted as written, not as the zip claims). Raises NotAnExport naming the member
    at fault."""
    dest = dest.resolve()
    limit = min(MAX_UNZIPPED, MAX_RATIO * archive.stat().st_size)
    with zipfile.ZipFile(archive) as z:
        members = z.infolist()
        if len(members) > MAX_MEMBERS:
            raise NotAnExport(f"{archive} has {len(members)} members; at most {MAX_MEMBERS}.")
        written = 0
        for info in members:
            target = (dest / info.filename).resolve()
            if not target.is_relative_to(dest) or Path(info.filename).is_absolute():
                raise NotAnExport(f"{archive}: {info.filename!r} points outside the export.")
            if stat.S_IFMT(info.external_attr >> 16) not in (0, stat.S_IFREG, stat.S_IFDIR):
                raise NotAnExport(f"{archive}: {info.filename!r} is not a regular file "
                                  "(a symlink or device); refusing the export.")
            try:
                if info.is_dir():
                    target.mkdir(parents=True, exist_ok=True)
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                with z.open(info) as src, open(target, "wb") as out:
                    while chunk := src.read(1 << 20):
                        written += len(chunk)
                        if written > limit:
                            raise NotAnExport(f"{archive} unzips to more than {limit:,} bytes "
                                              f"({MAX_RATIO}x its size at most); refusing it.")
                        out.write(chunk)
            except (OSError, zipfile.BadZipFile) as exc:
                raise NotAnExport(f"{archive}: {info.filename!r} could not be unzipped: "
                                  f"{exc}") from None
