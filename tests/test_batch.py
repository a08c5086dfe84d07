"""batch on Gradescope's "Export Submissions" (folder and zip), --only, diff, the summary.

The export is built as Gradescope lays it out: one top folder with a `submission_<id>/`
folder per submission and `submission_metadata.yml`, whose Ruby-symbol keys (`:submitters:`,
`:name:`, `:sid:`, `:email:`, `:created_at:` ...) PyYAML reads as strings starting with ':'.
The submissions hold hw0.py only (no notebook: a few seconds each).
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from autograder.staff import diff, export, plots, reports
from tests.conftest import PROJECT, run_cli

REFERENCE = (PROJECT / "reference" / "hw0.py").read_text()
WRONG_ELBOWS = REFERENCE.replace("return -b / W1", "return b / W1")  # loses q4c only
METADATA = """\
submission_1001:
  :submitters:
  - :name: Ada Lovelace
    :sid: '3031000001'
    :email: ada@berkeley.edu
  :created_at: 2023-09-12 17:57:01.946484000 -07:00
  :score: 0.0
  :history: []
submission_1002:
  :submitters:
  - :name: Alan Turing
    :sid: '3031000002'
    :email: alan@berkeley.edu
  - :name: Grace Hopper
    :sid: '3031000003'
    :email: grace@berkeley.edu
  :created_at: 2023-09-12 18:01:00.000000000 -07:00
  :score: 0.0
  :history: []
submission_1003:
  :submitters:
  - :name: Emmy Noether
    :sid: '3031000004'
    :email: emmy@berkeley.edu
  :created_at: 2023-09-12 19:00:00.000000000 -07:00
  :score: 0.0
  :history: []
"""


def build_export(where: Path, metadata: str | None = METADATA) -> Path:
    """assignment_42_export/ under `where`: a single submission, a group one, an empty one."""
    top = where / "assignment_42_export"
    for sub, text in (("submission_1001", REFERENCE), ("submission_1002", WRONG_ELBOWS),
                      ("submission_1003", None)):
        (top / sub).mkdir(parents=True)
        if text is not None:
            (top / sub / "hw0.py").write_text(text)
    if metadata is not None:
        (top / "submission_metadata.yml").write_text(metadata)
    return top


def zip_export(top: Path, archive: Path) -> Path:
    """Zip it as a download would come: the top folder, plus macOS litter."""
    with zipfile.ZipFile(archive, "w") as z:
        for path in sorted(top.rglob("*")):
            z.write(path, path.relative_to(top.parent))
        z.writestr(f"__MACOSX/{top.name}/._submission_metadata.yml", b"\0")
        z.writestr(f"{top.name}/.DS_Store", b"\0")
    return archive


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


def student_rows(path: Path) -> list[dict[str, str]]:
    """scores.csv's rows of students: its "Points Possible" row (the maxima) aside."""
    points, *rows = read_csv(path)
    assert points["name"] == reports.POINTS_POSSIBLE
    return rows


def resubmitted(top: Path, where: Path) -> Path:
    """The export downloaded again after Ada resubmitted: submission_2001, a day later and
    losing q4c, in place of submission_1001."""
    again = where / top.name
    shutil.copytree(top, again)
    (again / "submission_1001").rename(again / "submission_2001")
    (again / "submission_2001" / "hw0.py").write_text(WRONG_ELBOWS)
    (again / "submission_metadata.yml").write_text(
        METADATA.replace("submission_1001", "submission_2001").replace(
            "2023-09-12 17:57:01.946484000", "2023-09-13 09:00:00.000000000"))
    return again


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The zip graded by the CLI; submission_1002 fixed and regraded with --only into a copy
    of the output (out2); then Ada's resubmission regraded with --only into a copy of that
    (out3), as docs/staff.md says to do with a student's late file."""
    tmp = tmp_path_factory.mktemp("export")
    top = build_export(tmp / "unzipped")
    archive = zip_export(top, tmp / "export.zip")
    first = run_cli("batch", archive, "-o", tmp / "out")
    shutil.copytree(tmp / "out", tmp / "out2")
    (top / "submission_1002" / "hw0.py").write_text(REFERENCE)
    again = run_cli("batch", top.parent, "-o", tmp / "out2", "--only", "submission_1002")
    shutil.copytree(tmp / "out2", tmp / "out3")
    late = run_cli("batch", resubmitted(top, tmp / "exp2"), "-o", tmp / "out3",
                   "--only", "submission_2001")
    return {"first": first, "again": again, "late": late, "out": tmp / "out",
            "out2": tmp / "out2", "out3": tmp / "out3"}


def test_the_zip_gives_one_row_per_student_with_their_identity(graded: dict) -> None:
    assert graded["first"].returncode == 0, graded["first"].stderr[-2000:]
    rows = student_rows(graded["out"] / "scores.csv")
    assert [(r["name"], r["sid"], r["email"], r["submission"]) for r in rows] == [
        ("Ada Lovelace", "3031000001", "ada@berkeley.edu", "submission_1001"),
        ("Alan Turing", "3031000002", "alan@berkeley.edu", "submission_1002"),
        ("Emmy Noether", "3031000004", "emmy@berkeley.edu", "submission_1003"),
        ("Grace Hopper", "3031000003", "grace@berkeley.edu", "submission_1002")]  # by name
    ada, alan, emmy, grace = rows
    assert ada["created_at"] == "2023-09-12T17:57:01.946484-07:00"
    assert {k: v for k, v in alan.items() if k not in ("name", "sid", "email")} == \
        {k: v for k, v in grace.items() if k not in ("name", "sid", "email")}
    assert float(alan["q4c"]) == 0 and float(ada["q4c"]) == 1
    assert float(alan["total"]) == float(ada["total"]) - 1
    assert float(emmy["total"]) == 0 and emmy["note"] == ""
    assert "3/3 submission_" in graded["first"].stderr  # progress, one line each when piped


def test_the_summary_lists_the_empty_submission_and_counts_students(graded: dict) -> None:
    text = (graded["out"] / "summary.md").read_text()
    assert text.startswith("# Batch summary: 3 submissions, 4 students")
    assert "- submission_1003: missing hw0.py, missing color_organ_learning.ipynb" in text
    assert "| 4.13 elbows" in text
    assert "elbows(W1, b) gives elbows that are not this network's" in text
    assert (graded["out"] / "totals.png").stat().st_size > 0
    assert (graded["out"] / "parts.png").stat().st_size > 0


def test_only_regrades_one_submission_and_merges_it(graded: dict) -> None:
    assert graded["again"].returncode == 0, graded["again"].stderr[-2000:]
    assert "graded 1 submissions" in graded["again"].stdout
    assert "1/1 submission_1002" in graded["again"].stderr
    rows = student_rows(graded["out2"] / "scores.csv")
    assert len(rows) == 4 and float(rows[1]["q4c"]) == 1
    assert "3 submissions, 4 students" in (graded["out2"] / "summary.md").read_text()


def test_diff_shows_exactly_the_changed_scores(graded: dict) -> None:
    done = run_cli("diff", graded["out"], graded["out2"])
    assert done.returncode == 0
    changed = [line.split() for line in done.stdout.splitlines()[2:]]
    assert done.stdout.splitlines()[0] == "2 student(s) with changed scores."
    assert [(c[0], c[-3], c[-2], c[-1]) for c in changed] == [
        ("Alan", "q4c", "0", "1"), ("Alan", "total", "26", "27"),
        ("Grace", "q4c", "0", "1"), ("Grace", "total", "26", "27")]
    same = run_cli("diff", graded["out"], graded["out"])
    assert (same.returncode, same.stdout) == (0, "No score changed.\n")


def test_a_resubmission_replaces_the_students_row_and_leaves_the_statistics(graded: dict
                                                                           ) -> None:
    assert graded["late"].returncode == 0, graded["late"].stderr[-2000:]
    rows = student_rows(graded["out3"] / "scores.csv")
    assert [(r["name"], r["submission"]) for r in rows] == [  # Ada keeps her place
        ("Ada Lovelace", "submission_2001"), ("Alan Turing", "submission_1002"),
        ("Emmy Noether", "submission_1003"), ("Grace Hopper", "submission_1002")]
    ada = rows[0]
    assert float(ada["q4c"]) == 0 and ada["created_at"] == "2023-09-13T09:00:00-07:00"
    text = (graded["out3"] / "summary.md").read_text()
    assert text.startswith("# Batch summary: 3 submissions, 4 students")
    superseded = text.split("## Superseded submissions (not counted)\n")[1].split("##")[0]
    assert [line for line in superseded.splitlines() if line.startswith("- ")] == [
        "- submission_1001: Ada Lovelace (SID 3031000001), superseded by submission_2001"]
    # q4c over the three that count (2001 lost it, 1002 fixed, 1003 empty), not over four,
    # and of those, over the two that attempted it.
    assert "| q4c | 1 | 2/3 | 0.50 | 50% | 1/2 (50%) |" in text
    assert "- submission_1001" not in text.split("## Submissions with problems")[1]


def test_diff_names_the_student_whose_counted_submission_changed(graded: dict) -> None:
    done = run_cli("diff", graded["out2"], graded["out3"])
    assert done.returncode == 0
    lines = done.stdout.splitlines()
    assert lines[0] == "1 student(s) with changed scores."
    assert [line.split()[-3:] for line in lines[2:4]] == [["q4c", "1", "0"],
                                                          ["total", "27", "26"]]
    assert lines[4:] == ["counted submission changed: Ada Lovelace (SID 3031000001, "
                         "submission_2001), was submission_1001"]


def test_each_student_counts_once_latest_first_by_time_then_id() -> None:
    def g(name: str, created: str, *sids: str) -> reports.Graded:
        people = [{"name": f"P{sid}", "sid": sid, "email": ""} for sid in sids]
        return reports.Graded(name, {"score": 0.0, "tests": []}, people, created)

    early, late = "2023-09-12T10:00:00-07:00", "2023-09-12T18:30:00-08:00"  # PST: later
    kept, superseded = reports.latest([
        g("submission_10", early, "1", "2"),  # a group; then student 2 alone, later
        g("submission_9", late, "2"),
        g("submission_11", early, "3"), g("submission_12", early, "3"),  # same time: id
        g("submission_13", "", "4"),  # no time in the metadata: the one after it wins
        g("submission_14", early, "4"),
        reports.Graded("submission_99", {"score": 0.0, "tests": []})])  # no metadata
    assert [(k.name, [p["sid"] for p in k.submitters]) for k in kept] == [
        ("submission_10", ["1"]), ("submission_9", ["2"]), ("submission_12", ["3"]),
        ("submission_14", ["4"]), ("submission_99", [])]
    assert superseded == ["- submission_10: P2 (SID 2), superseded by submission_9",
                          "- submission_11: P3 (SID 3), superseded by submission_12",
                          "- submission_13: P4 (SID 4), superseded by submission_14"]


def test_diff_matches_students_and_names_those_in_one_output_only(tmp_path: Path) -> None:
    def out(name: str, sid: str, q5a: float) -> Path:
        folder = tmp_path / name / f"submission_{sid}"
        folder.mkdir(parents=True)
        tests = [{"tags": ["q5a"], "score": q5a, "max_score": 1.0}]
        (folder / "results.json").write_text(json.dumps({"score": q5a, "tests": tests}))
        (folder / reports.SUBMITTERS).write_text(json.dumps(
            {"submitters": [{"name": "Ada", "sid": sid, "email": ""}]}))
        return tmp_path / name

    out("old", "1", 1.0)
    out("new", "1", 0.0)  # a tolerance tightened: q5a lost
    out("new", "2", 1.0)
    found, notes = diff.changes(tmp_path / "old", tmp_path / "new")
    assert found == [("Ada (SID 1, submission_1)", "q5a", 1.0, 0.0),
                     ("Ada (SID 1, submission_1)", "total", 1.0, 0.0)]
    assert notes == [f"only in {tmp_path / 'new'}: Ada (SID 2, submission_2)"]


def test_batch_on_one_submission_or_an_empty_folder_says_to_use_grade(tmp_path: Path) -> None:
    one = tmp_path / "submission_1001"
    one.mkdir()
    (one / "hw0.py").write_text(REFERENCE)
    (tmp_path / "empty").mkdir()
    for folder in (one, tmp_path / "empty"):
        done = run_cli("batch", folder, "-o", tmp_path / "out")
        assert done.returncode == 2 and "python -m autograder grade" in done.stderr
        assert "Traceback" not in done.stderr
    done = run_cli("batch", build_export(tmp_path / "x"), "-o", tmp_path / "out",
                   "--only", "submission_9")
    assert done.returncode == 2 and "not in the export: submission_9" in done.stderr
    assert not (tmp_path / "out").exists()


def test_without_metadata_the_folder_name_stands_in_with_a_note(tmp_path: Path) -> None:
    root = build_export(tmp_path, metadata=None)
    found = export.submissions(export.find_root(tmp_path))
    assert [s.folder.name for s in found] == ["submission_1001", "submission_1002",
                                              "submission_1003"]
    assert all(not s.submitters and "no submission_metadata.yml" in s.note for s in found)
    (root / "submission_metadata.yml").write_text("submission_1001:\n  :submitters: []\n")
    notes = [s.note for s in export.submissions(root)]
    assert notes == ["no submitters listed: identified by folder name",
                     "not in submission_metadata.yml: identified by folder name",
                     "not in submission_metadata.yml: identified by folder name"]


@pytest.mark.parametrize("member, kind", [("../evil.py", None), ("/abs/evil.py", None),
                                          ("export/link", 0o120777)])
def test_an_unsafe_zip_is_refused_and_nothing_escapes(tmp_path: Path, member: str,
                                                      kind: int | None) -> None:
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("export/submission_1/hw0.py", REFERENCE)
        info = zipfile.ZipInfo(member)
        if kind:
            info.external_attr = kind << 16
        z.writestr(info, "/etc/passwd" if kind else "print('escaped')")
    done = run_cli("batch", archive, "-o", tmp_path / "out")
    assert done.returncode == 2 and member in done.stderr, done.stderr
    assert not (tmp_path / "evil.py").exists() and not Path("/abs/evil.py").exists()


def test_problems_are_classified_by_robust_phrases() -> None:
    def results(top: str = "", output: str = "") -> dict:
        return {"output": top, "tests": [{"output": output, "status": "failed"}]}

    cases = {
        "color_organ_learning.ipynb was not found in your submission: its parts score 0.":
            ["missing color_organ_learning.ipynb"],
        "Graded my work/HW0 (1).py as hw0.py; please name it exactly hw0.py next time.":
            ["renamed file"],
        "color_organ_learning.ipynb raised NameError at cell 4 line 2 while running: x":
            ["notebook cell error"],
        "Cell 7 (In [7]) raised ZeroDivisionError; the cells after it did not run.":
            ["notebook cell error"],
        "hw0.py raised ImportError at line 3 while running: No module named 'sklearn'.":
            ["hw0.py raised while running"],
    }
    for top, expected in cases.items():
        assert reports.problems(results(top)) == expected, top
    assert reports.problems(results(output="gd_step(...) did not return: no answer within "
                                           "10 s.")) == ["timeout or crash"]
    assert reports.problems(results(output="hw0.py used up its 150 s of grading time")) == \
        ["timeout or crash"]
    assert reports.problems(results(output="The autograder could not finish this check "
                                           "because of an error of its own.")) == ["grader error"]
    assert reports.problems({"output": "", "tests": []}) == ["grader error"]
    assert reports.problems(results("Printed by hw0.py (first 2000 characters):\n"
                                    "hw0.py was not found in your submission")) == []
    assert reports.problems(results(output="gd_step is wrong.")) == []


def test_the_summary_counts_root_causes_and_keeps_placeholders_apart() -> None:
    def test(number: str, output: str, passed: bool = False) -> dict:
        name = {"1.1": "gd_step: one step", "1.2": "gd_iterates: the rows"}[number]
        return {"number": number, "name": name, "tags": ["q1"], "score": float(passed),
                "max_score": 1.0, "status": "passed" if passed else "failed", "output": output}

    group = [{"name": "A", "sid": "1", "email": ""}, {"name": "B", "sid": "2", "email": ""}]
    graded = [
        reports.Graded("s1", {"score": 0.0, "output": "", "tests": [
            test("1.1", "gd_step is wrong at eta = 0.5.\nLikely cause: sign flipped: you add "
                        "the gradient."),
            test("1.2", "gd_iterates is not implemented yet (it raises NotImplementedError)."),
        ]}, group),
        reports.Graded("s2", {"score": 1.0, "output": "", "tests": [
            test("1.1", "gd_step is wrong at eta = 0.25.\nLikely cause: sign flipped: ..."),
            test("1.2", "", passed=True)]}),
    ]
    text = reports.summary(graded, {"q1": 2.0})
    assert "| 3 | gd_step | sign flipped | 1.1 | 3 |" in text  # a group of two and one student
    assert "| 1.2 gd_iterates: the rows | 1/1 (100%) | 1 | 0 |" in text  # placeholder apart
    assert "  - 3 x gd_step is wrong at eta = 0.5." in text  # as one of them read it
    assert "not implemented yet" not in text.split("## Commonest failure messages")[1]
    assert "| q1 | 2 | 2/2 | 0.50 | 25% | 0/2 (0%) |" in text


def test_a_zip_bomb_is_refused_before_it_fills_the_disk(tmp_path: Path) -> None:
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("export/submission_1/hw0.py", b"\0" * (20 << 20))  # 20 MB in ~20 kB
    with pytest.raises(export.NotAnExport, match="100x its size"):
        export.unzip(archive, tmp_path / "out")
    assert sum(p.stat().st_size for p in (tmp_path / "out").rglob("*") if p.is_file()) \
        <= 100 * archive.stat().st_size


def holding(where: Path, exports: int = 1, metadata: str | None = METADATA) -> Path:
    """The folder a TA unzipped the export in: the export's folder(s), the zip, a roster."""
    folder = where / "downloads"
    for i in range(exports):
        top = build_export(folder / f"copy{i}" if i else folder, metadata)
        if i:
            top.rename(folder / f"assignment_{42 + i}_export")
            (folder / f"copy{i}").rmdir()
    zip_export(folder / "assignment_42_export", where / "export.zip")
    shutil.move(where / "export.zip", folder / "assignment_42_export.zip")
    (folder / "roster.csv").write_text("name,sid\n")
    return folder


def test_the_export_is_found_in_the_folder_that_holds_it_or_its_zip(tmp_path: Path) -> None:
    folder = holding(tmp_path)
    with export.opened(folder) as root:  # beside its zip and a roster: the folder is used
        assert root == folder / "assignment_42_export"
        assert len(export.submissions(root)) == 3
    shutil.rmtree(folder / "assignment_42_export")
    with export.opened(folder) as root:  # only the zip (and the roster): it is unzipped
        assert root.name == "assignment_42_export" and not root.is_relative_to(folder)
        assert [s.folder.name for s in export.submissions(root)] == [
            "submission_1001", "submission_1002", "submission_1003"]


def test_batch_never_grades_several_students_as_one_and_says_what_it_found(tmp_path: Path
                                                                           ) -> None:
    two = holding(tmp_path / "two", exports=2)  # two exports one level down: which?
    bare = holding(tmp_path / "bare", metadata=None)  # no metadata, its zip beside it
    for folder, found in ((two, "2 folders (assignment_42_export/ (with submission_metadata"
                                ".yml), assignment_43_export/ (with submission_metadata.yml)), "
                                "1 zip (assignment_42_export.zip), 1 other file (roster.csv)"),
                          (bare, "1 folder (assignment_42_export/), 1 zip "
                                 "(assignment_42_export.zip), 1 other file (roster.csv)")):
        done = run_cli("batch", folder, "-o", tmp_path / "out")
        assert done.returncode == 2, done.stderr[-2000:]
        assert f"found {found}; expected Gradescope's export" in done.stderr, done.stderr
        assert "Traceback" not in done.stderr and not (tmp_path / "out").exists()
    (bare / "assignment_42_export.zip").unlink()  # the export's folder and a roster only
    done = run_cli("batch", bare, "-o", tmp_path / "out")
    assert done.returncode == 2 and "assignment_42_export is an export itself (found 3 " \
        "folders (submission_1001/, submission_1002/, submission_1003/))" in done.stderr
    assert not (tmp_path / "out").exists()


def problem_results(top: str, tests: list[tuple[str, str]]) -> dict:
    return {"score": 0.0, "output": top, "tests": [
        {"number": number, "name": "t", "tags": ["q1"], "score": 0.0, "max_score": 1.0,
         "status": "failed", "output": output} for number, output in tests]}


def test_a_file_that_did_not_compile_or_load_is_a_problem_and_its_tests_did_not_run() -> None:
    # The notes the grader writes (engine/student.py, engine/notebook.py), as they read.
    no_compile = problem_results(
        "hw0.py does not compile: SyntaxError at line 243: invalid syntax. Nothing in hw0.py "
        "could be graded until it compiles: fix that line and run the file once yourself.",
        [(n, "hw0.py does not compile (line 243), so nothing in it could be graded: see the "
             "top of the feedback.") for n in ("1.1", "1.2")])
    not_notebook = problem_results(
        "color_organ_learning.ipynb is not a notebook: it is not JSON (Unterminated string "
        "starting at at line 568). Download the notebook again as a .ipynb file",
        [("1.1", "color_organ_learning.ipynb could not be read as a notebook: see the top of "
                 "the feedback."), ("1.2", "gd_iterates(...) did not return: no answer "
                                           "within 10 s.")])
    assert reports.problems(no_compile) == ["hw0.py does not compile (SyntaxError at line 243)"]
    assert reports.problems(not_notebook) == ["color_organ_learning.ipynb is not a notebook",
                                              "timeout or crash"]
    graded = [reports.Graded("s1", no_compile), reports.Graded("s2", not_notebook),
              reports.Graded("s3", problem_results("", [("1.1", "gd_step is wrong."),
                                                        ("1.2", "gd_iterates is wrong.")]))]
    text = reports.summary(graded, {"q1": 2.0})
    assert "- s1: hw0.py does not compile (SyntaxError at line 243)" in text
    assert "- s2: color_organ_learning.ipynb is not a notebook, timeout or crash" in text
    assert "| 1.1 t | 0/1 (0%) | 0 | 2 |" in text  # not run, not failed: of one attempt
    commonest = text.split("## Commonest failure messages")[1]
    assert "compile" not in commonest and "notebook" not in commonest
    assert "no answer within" not in commonest  # listed as a problem already
    assert "  - 1 x gd_step is wrong." in commonest


def test_the_summary_says_why_its_counts_differ_from_the_csv_rows() -> None:
    group = [{"name": n, "sid": n, "email": ""} for n in ("A", "B")]
    graded = [reports.Graded("s1", problem_results("", []), group),
              reports.Graded("s2", problem_results("", []), [group[0]])]
    kept, superseded = reports.latest(graded)
    text = reports.summary(kept, {"q1": 2.0}, superseded)
    assert text.startswith("# Batch summary: 2 submissions, 2 students")
    assert ("over the 2 that count; scores.csv has 2 rows, one per student; 1 superseded "
            "submission(s) of a student (listed below) are in neither.") in text
    text = reports.summary(graded[:1], {"q1": 2.0})
    assert "scores.csv has 2 rows, one per student (the 2 members of 1 group" in text


def test_scores_csv_opens_right_in_excel_and_in_pandas(tmp_path: Path) -> None:
    folder = tmp_path / "submission_1"
    folder.mkdir()
    (folder / "results.json").write_text(json.dumps(problem_results("", [("1.1", "x")])))
    (folder / reports.SUBMITTERS).write_text(json.dumps(
        {"submitters": [{"name": "José Núñez", "sid": "1", "email": "jn@example.edu"}]}))
    reports.write(tmp_path)
    raw = (tmp_path / "scores.csv").read_bytes()
    # Excel takes a CSV for UTF-8 only when it starts with the byte-order mark (else it
    # reads it as the system's code page: "JosÃ© NÃºÃ±ez").
    assert raw.startswith(codecs.BOM_UTF8) and raw.count(codecs.BOM_UTF8) == 1
    assert "José Núñez" in raw[len(codecs.BOM_UTF8):].decode("utf-8")
    try:
        import pandas
    except ImportError:  # pandas is no dependency: read it as pandas does (utf-8, BOM skipped)
        table = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    else:
        table = pandas.read_csv(io.BytesIO(raw), dtype=str).to_dict("records")
    assert list(table[0])[0] == "name" and table[0]["name"] == reports.POINTS_POSSIBLE
    assert table[1]["name"] == "José Núñez" and float(table[1]["total"]) == 0.0


def test_plots_bin_totals_by_whole_points_and_keep_the_legend_off_the_bars() -> None:
    import matplotlib

    matplotlib.use("Agg")
    import numpy as np

    counts, edges = np.histogram([43.5, 44.0, 44.0, 0.0], bins=plots.bins(44.0))
    assert counts[43] == 1 and counts[44] == 2 and counts[0] == 1 and edges[-1] == 45
    fig = plots.parts_figure({f"q{i}": (100.0, 100.0) for i in range(1, 22)})  # all full
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    ax = fig.axes[0]
    legend = ax.get_legend().get_window_extent(renderer)
    assert not any(legend.overlaps(bar.get_window_extent(renderer)) for bar in ax.patches)


def test_grading_writes_nothing_into_the_graders_folders(tmp_path: Path) -> None:
    """A grade run from a copy of the project (its working directory, Python writing
    bytecode as on a staff machine) adds nothing there but Python's import cache of our
    own package: no .hypothesis/, no reference/__pycache__ (the answers, compiled)."""
    copy = tmp_path / "project"
    for name in ("autograder", "reference", "pyproject.toml"):
        (shutil.copytree if (PROJECT / name).is_dir() else shutil.copy)(PROJECT / name,
                                                                        copy / name)
    before = {p for p in copy.rglob("*")}
    sub = tmp_path / "submission"
    sub.mkdir()
    (sub / "hw0.py").write_text(WRONG_ELBOWS)
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONDONTWRITEBYTECODE", "HYPOTHESIS_STORAGE_DIRECTORY")}
    done = subprocess.run([sys.executable, "-m", "autograder", "grade", sub, "-o",
                           tmp_path / "results.json"], cwd=copy, env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0 and "-> " in done.stdout, done.stderr[-2000:]
    assert json.loads((tmp_path / "results.json").read_text())["score"] > 0  # it did grade
    new = sorted(str(p.relative_to(copy)) for p in set(copy.rglob("*")) - before)
    assert [n for n in new if not (n.startswith("autograder") and "__pycache__" in n)] == []
