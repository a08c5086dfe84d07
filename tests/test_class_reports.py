"""A class as staff grade it: summary.md at the root cause, non-attempts apart, scores.csv
with its maxima, and the same reports from an export graded in three slices and merged.

The export: the reference, one wrong elbow, a gd_step that returns w unchanged (1.1 fails,
and 1.2 with it), the untouched template and an empty folder; hw0.py only (no notebook).
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.staff import analytics, reports, shards
from tests.conftest import PROJECT, run_cli
from tests.test_batch import REFERENCE, WRONG_ELBOWS, read_csv

STILL_W = REFERENCE.replace("return w - eta * (F.T @ (F @ w - y))", "return w")
TEMPLATE = (PROJECT / "student_template" / "hw0.py").read_text()
CLASS = {"submission_2001": REFERENCE, "submission_2002": WRONG_ELBOWS,
         "submission_2003": STILL_W, "submission_2004": TEMPLATE, "submission_2005": None}
METADATA = "".join(f"{sub}:\n  :submitters:\n  - :name: Student {sub[-1]}\n"
                   f"    :sid: '30310{sub[-4:]}'\n    :email: s{sub[-1]}@berkeley.edu\n"
                   f"  :created_at: 2023-09-12 17:00:0{sub[-1]}.000000000 -07:00\n"
                   for sub in CLASS)
REPORTS = ("scores.csv", "summary.md", "totals.png", "parts.png")


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The export graded whole (whole/) and as three slices (1/ 2/ 3/, graded at once,
    each on one core) merged into merged/."""
    tmp = tmp_path_factory.mktemp("class")
    top = tmp / "assignment_7_export"
    for sub, text in CLASS.items():
        (top / sub).mkdir(parents=True)
        if text is not None:
            (top / sub / "hw0.py").write_text(text)
    (top / "submission_metadata.yml").write_text(METADATA)
    whole = run_cli("batch", top, "-o", tmp / "whole", "-j", "2")
    assert whole.returncode == 0, whole.stderr[-2000:]
    slices = [subprocess.Popen([sys.executable, "-m", "autograder", "batch", top, "-o",
                                tmp / str(k), "-j", "1", "--shard", f"{k}/3"], cwd=PROJECT,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
              for k in (1, 2, 3)]
    for k, proc in enumerate(slices, 1):
        out, err = proc.communicate(timeout=900)
        assert proc.returncode == 0, err[-2000:]
        assert f"slice {k} of 3 of the 5" in err
    merged = run_cli("merge", *(tmp / str(k) for k in (1, 2, 3)), "-o", tmp / "merged")
    assert merged.returncode == 0, merged.stderr[-2000:]
    return {"whole": tmp / "whole", "merged": tmp / "merged", "slices": tmp}


def without_time(path: Path) -> dict:
    data = json.loads(path.read_text(encoding="utf-8"))
    data.pop("execution_time")
    return data


@pytest.mark.slow(40)  # graded: the export whole, then in three slices
def test_three_slices_merged_are_one_batch_byte_for_byte(graded: dict[str, Path]) -> None:
    whole, merged = graded["whole"], graded["merged"]
    slices = [sorted(p.name for p in (graded["slices"] / str(k)).glob("submission_*"))
              for k in (1, 2, 3)]
    assert sorted(sum(slices, [])) == sorted(CLASS)  # disjoint, and the whole export
    assert max(map(len, slices)) - min(map(len, slices)) <= 1
    for sub in CLASS:
        assert without_time(merged / sub / "results.json") == \
            without_time(whole / sub / "results.json"), sub
        assert (merged / sub / reports.SUBMITTERS).read_bytes() == \
            (whole / sub / reports.SUBMITTERS).read_bytes()
    for name in REPORTS:
        assert (merged / name).read_bytes() == (whole / name).read_bytes(), name


def test_a_slice_is_chosen_by_submission_id_alone() -> None:
    names = [f"submission_{i}" for i in (30, 4, 100, 7, 12)]
    assert [shards.select(names, names, k, 2) for k in (1, 2)] == [
        ["submission_4", "submission_100", "submission_12"],  # ids 4, 12, 100, in the given order
        ["submission_30", "submission_7"]]
    for wrong in ("0/3", "4/3", "2", "a/b"):
        with pytest.raises(ValueError, match="1 <= K <= N"):
            shards.parse(wrong)


def test_merging_two_different_gradings_of_one_submission_is_refused(
        graded: dict[str, Path], tmp_path: Path) -> None:
    one = next((graded["slices"] / "1").glob("submission_*"))
    other = tmp_path / "other" / one.name
    other.mkdir(parents=True)
    data = json.loads((one / "results.json").read_text())
    data["score"] += 1
    (other / "results.json").write_text(json.dumps(data))
    (other / reports.SUBMITTERS).write_bytes((one / reports.SUBMITTERS).read_bytes())
    done = run_cli("merge", graded["slices"] / "1", tmp_path / "other", "-o", tmp_path / "m")
    assert done.returncode == 2 and "with different results" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr


def test_scores_csv_states_the_maximum_of_the_total_and_of_each_part(
        graded: dict[str, Path]) -> None:
    points, *students = read_csv(graded["whole"] / "scores.csv")
    assert points["name"] == reports.POINTS_POSSIBLE and not points["sid"]
    tests = json.loads((graded["whole"] / "submission_2001" / "results.json").read_text())
    assert float(points["total"]) == sum(t["max_score"] for t in tests["tests"])
    for part, top in reports.part_maxima(reports.load(graded["whole"])).items():
        assert float(points[part]) == top
    assert len(students) == len(CLASS)
    assert float(students[0]["total"]) == tests["score"]  # Student 1: the reference


def test_non_attempts_are_apart_and_out_of_every_rate(graded: dict[str, Path]) -> None:
    text = (graded["whole"] / "summary.md").read_text()
    apart = text.split("## Non-attempts")[1].split("\n## ")[0]
    assert "- submission_2004: template untouched" in apart
    assert "- submission_2005: nothing uploaded" in apart
    assert "submission_2001" not in apart and "submission_2003" not in apart
    # q1 and q4c over the three that attempted them (the template and the empty folder
    # would pull both means down alike), in the table and in parts.png's numbers
    attempted = ("submission_2001", "submission_2002", "submission_2003")
    loaded = reports.load(graded["whole"])
    tops = reports.part_maxima(loaded)
    shares = reports.shares(loaded, tops)
    for part in ("q1", "q4c"):
        scores = [reports.part_scores(json.loads(
            (graded["whole"] / sub / "results.json").read_text()))[part] for sub in attempted]
        assert min(scores) < tops[part] == max(scores)  # one of the three lost points here
        row = next(line for line in text.splitlines() if line.startswith(f"| {part} |"))
        cells = [c.strip() for c in row.strip("|").split("|")]
        assert cells[2] == "3/5"
        assert float(cells[3]) == pytest.approx(statistics.mean(scores), abs=0.005)
        assert shares[part] == pytest.approx((100 * statistics.mean(scores) / tops[part],
                                              100 * scores.count(tops[part]) / 3))
    assert "over the 3 submissions that attempted something" in text


def test_what_to_reteach_names_the_root_once_per_student_with_what_it_cost(
        graded: dict[str, Path]) -> None:
    text = (graded["whole"] / "summary.md").read_text()
    reteach = text.split("## What to reteach: root causes")[1].split("\n## ")[0]
    rows = [line for line in reteach.splitlines() if line.startswith("| ") and "---" not in line]
    gd_step = [r for r in rows if r.startswith("| 1 | gd_step |")]
    assert len(gd_step) == 1 and "| 1.1, 1.2 |" in gd_step[0], reteach
    assert not [r for r in rows if "| gd_iterates |" in r]  # 1.2 is gd_step's symptom
    assert [r for r in rows if r.startswith("| 1 | elbows |") and "| 4.13 |" in r]
    messages = text.split("## Commonest failure messages, by root cause")[1]
    assert "#" not in messages.replace("## ", "")  # numbers as the student read them
    assert "gd_step(F, y, w, eta) is wrong" in messages


def test_a_symptoms_likely_cause_is_not_counted_as_a_cause() -> None:
    def test(number: str, name: str, output: str) -> dict:
        return {"number": number, "name": name, "tags": ["q1"], "score": 0.0,
                "max_score": 1.0, "status": "failed", "output": output}

    data = {"score": 0.0, "output": "", "tests": [
        test("1.1", "gd_step: one step", "gd_step(F, y, w, eta) is wrong (by 5.9)."),
        test("1.2", "gd_iterates: the rows", "Fix first: gd_step fails 1.1, and gd_iterates "
             "calls it.\n\ngd_iterates is wrong.\n\nLikely cause: zero rows: np.zeros ...")]}
    found = analytics.root_causes([reports.Graded("s", data)], lambda t: False)
    assert [(rc.function, rc.cause, sorted(rc.tests), rc.points_lost) for rc in found] == [
        ("gd_step", "", ["1.1", "1.2"], 2.0)]
    assert found[0].commonest(3) == [(1, "gd_step(F, y, w, eta) is wrong (by 5.9).")]


def test_batch_loads_no_check_before_its_graders_fork_their_zygotes() -> None:
    """batch's parent forks the pool processes, each of which forks a zygote: a check module
    loaded in the parent would be in every worker's memory, for student code to import
    (tests/corpus/hostile/import_autograder_package). analytics spells out LIKELY for that."""
    from autograder.checks.misconceptions import LIKELY

    done = subprocess.run([sys.executable, "-c", "import sys, autograder.staff.batch, "
                           "autograder.staff.shards; print(sorted(m for m in sys.modules "
                           "if m.startswith('autograder.checks')))"], cwd=PROJECT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stdout.strip() == "[]", done.stdout + done.stderr
    assert analytics.LIKELY == LIKELY
