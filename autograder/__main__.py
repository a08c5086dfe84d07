"""Command line: python -m autograder {grade,check,build-kit,...} ... (see README)."""

from __future__ import annotations

import os

# One BLAS/OpenMP thread everywhere: reproducible sums, and the fork of the sandbox's zygote
# stays safe. Must be set before numpy or torch is imported.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import sys  # noqa: E402
import traceback  # noqa: E402
from pathlib import Path  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autograder", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("grade", help="grade a submission folder into a results.json")
    p.add_argument("dir", type=Path)
    p.add_argument("-o", "--output", type=Path, required=True)
    p = sub.add_parser("check", help="a student's self-check: the public tests, as a table; "
                       "exit status 0 when every one passes, 1 otherwise")
    p.add_argument("dir", type=Path, nargs="?", default=Path("."))
    p = sub.add_parser("batch", help="grade Gradescope's export (its folder or zip) into OUT")
    p.add_argument("dir", type=Path, help="the export: submission_<id>/ folders, or its zip")
    p.add_argument("-o", "--output", type=Path, required=True)
    p.add_argument("-j", "--jobs", type=int, default=None, help="grader processes (cores)")
    p.add_argument("--only", nargs="+", metavar="SUBMISSION",
                   help="regrade just these submission folders and merge them into OUT")
    p.add_argument("--shard", metavar="K/N", default=None,
                   help="grade only the K-th of N slices of the export (by submission id), "
                   "for one machine of N; join the N outputs with `merge`")
    p = sub.add_parser("merge", help="staff: join the output folders of `batch --shard` into "
                       "OUT, with the scores.csv, summary.md and plots of the whole class")
    p.add_argument("outs", type=Path, nargs="+", metavar="SHARD_OUT")
    p.add_argument("-o", "--output", type=Path, required=True)
    p = sub.add_parser("diff", help="staff: every score that changed between two batch outputs")
    p.add_argument("old", type=Path)
    p.add_argument("new", type=Path)
    p = sub.add_parser("docs", help="staff: regenerate docs/staff.md's generated tables "
                       "(Scoring, Q5 tolerances)")
    p.add_argument("--check", action="store_true", help="only report whether it is stale")
    p = sub.add_parser("verify", help="staff: prove the reference, template and corpus right")
    p.add_argument("--mutants", type=Path, default=None,
                   help="a file of MUTANTS (default: autograder/checks/misconceptions.py)")
    p.add_argument("-j", "--jobs", type=int, default=None)
    p = sub.add_parser("mutate", help="staff: mutation analysis; exit status 1 when a mutant "
                       "that is not equivalent to the reference survives the checks")
    p.add_argument("-j", "--jobs", type=int, default=None)
    p.add_argument("--fast", action="store_true", help="one mutant per operator per part")
    p.add_argument("--only", choices=["hw0.py", "color_organ_learning.ipynb"], default=None,
                   help="mutate this file only")
    p.add_argument("--part", action="append", default=[], metavar="PART",
                   help="mutate the functions of this part only (q7, q5e: repeat for more)")
    p = sub.add_parser("datasheet", help="staff: write docs/datasheet.md from what verify and "
                       "mutate recorded (docs/datasheet.json)")
    p.add_argument("--check", action="store_true", help="only report whether it is stale")
    p = sub.add_parser("build-zip", help="the autograder.zip to upload to Gradescope")
    p.add_argument("-o", "--output", type=Path, default=Path("autograder.zip"))
    p.add_argument("--force", action="store_true",
                   help="build even though the tests have not passed on this content")
    p = sub.add_parser("build-kit", help="the answer-free kit students download")
    p.add_argument("-o", "--output", type=Path, default=Path("hw0-kit.zip"))
    p = sub.add_parser("lock", help="staff: pin requirements.txt to the installed packages")
    p.add_argument("--python", nargs="*", default=[], metavar="PY",
                   help="other Pythons whose environments get a section (the 3.10 venv)")
    p.add_argument("--check", action="store_true",
                   help="only report whether this environment is what requirements.txt pins")
    p = sub.add_parser("example", help="regenerate examples/, the bundled submission with "
                       "mistakes that the README grades")
    p.add_argument("--check", action="store_true", help="only report whether it is stale")
    p = sub.add_parser("template", help="regenerate student_template/ from reference/")
    p.add_argument("--check", action="store_true", help="only report whether it is stale")
    args = parser.parse_args(argv)

    if args.command == "template":
        from autograder.staff import template

        return template.main(check=args.check)
    if args.command == "build-zip":
        from autograder.staff import buildzip, stamp

        problem = stamp.problem()
        if problem and not args.force:
            print(f"build-zip refused: {problem}; or pass --force.", file=sys.stderr)
            return 1
        if problem:
            print(f"WARNING: building anyway (--force): {problem}.", file=sys.stderr)
        names = buildzip.build(args.output)
        print(f"wrote {args.output}: {len(names)} files (setup.sh and run_autograder at the root)")
        return 0
    if args.command == "build-kit":
        from autograder.staff import buildkit

        names = buildkit.build(args.output)
        print(f"wrote {args.output}: {len(names)} files (README.md first; "
              "hw0_selfcheck/ is the self-check)")
        return 0
    if args.command == "verify":
        from autograder.staff import verify

        return 0 if verify.verify(args.mutants, args.jobs) else 1
    if args.command == "mutate":
        from autograder.staff import mutate

        files = (args.only,) if args.only else mutate.FILES
        return mutate.run(args.jobs, files, fast=args.fast, only=tuple(args.part))
    if args.command == "datasheet":
        from autograder.staff import datasheet

        return datasheet.main(args.check)
    if args.command == "example":
        from autograder.staff import example

        return example.main(check=args.check)
    if args.command == "lock":
        from autograder.staff import lock

        return lock.main(args.python, check=args.check)
    if args.command == "docs":
        from autograder.staff import docs

        return docs.main(check=args.check)
    if args.command == "diff":
        from autograder.staff import diff

        return diff.main(args.old, args.new)
    if args.command == "batch":
        return _batch(args)
    if args.command == "merge":
        return _merge(args)
    if not args.dir.is_dir():
        print(f"{args.dir} is not a folder: give the folder that holds hw0.py and "
              "color_organ_learning.ipynb.", file=sys.stderr)
        return 2
    if args.command == "grade":
        # Gradescope's path (run_autograder): only grade and results, whose imports build-zip
        # follows to choose what the upload holds; the other commands import theirs lazily.
        from autograder import grade, results

        try:
            data = grade.grade(args.dir, extra_hidden=[args.output.parent])
        except Exception:  # noqa: BLE001 - Gradescope must still get a valid results.json
            traceback.print_exc()
            data = results.results([], grade.INTERNAL_ERROR, 0.0)
        results.write(args.output, data)
        print(f"{data['score']:g} / {sum(t['max_score'] for t in data['tests']):g} "
              f"-> {args.output}")
        return 0
    from autograder import grade, report

    data = grade.grade(args.dir, public_only=True, progress=report.progress)
    # Only now: imported before the grader forks its zygote, the checks would be in every
    # worker's memory (tests/corpus/hostile/import_autograder_package).
    from autograder.checks.policy import NONE, POLICY
    report.show(data, hidden=sum(kit == NONE for kit, _ in POLICY.values()))
    return report.exit_status(data)


def _batch(args: argparse.Namespace) -> int:
    from autograder.staff import batch, shards

    if not args.dir.exists():
        print(f"{args.dir} does not exist: give Gradescope's export, its folder or its zip.",
              file=sys.stderr)
        return 2
    try:
        shard = shards.parse(args.shard) if args.shard else None
        graded = batch.run(args.dir, args.output, args.jobs, args.only, shard)
    except (batch.NotAnExport, ValueError) as exc:
        print(exc, file=sys.stderr)
        return 2
    print(f"graded {len(graded)} submissions into {args.output}: results.json per "
          "submission; scores.csv, summary.md, totals.png and parts.png over all of it")
    return 0


def _merge(args: argparse.Namespace) -> int:
    from autograder import identity
    from autograder.staff import reports, shards
    from autograder.staff.export import NotAnExport

    missing = [str(out) for out in args.outs if not out.is_dir()]
    if missing:
        print(f"not a folder: {', '.join(missing)} (give the output folders of `batch "
              "--shard`).", file=sys.stderr)
        return 2
    args.output.mkdir(parents=True, exist_ok=True)
    try:
        copied = shards.merge(args.outs, args.output)
    except NotAnExport as exc:
        print(exc, file=sys.stderr)
        return 2
    reports.write(args.output)
    for line in identity.mixed(args.output):  # slices graded by different graders
        print(line, file=sys.stderr)
    print(f"merged {len(copied)} submissions from {len(args.outs)} folders into "
          f"{args.output}: scores.csv, summary.md, totals.png and parts.png over all of it")
    return 0


if __name__ == "__main__":
    sys.exit(main())
