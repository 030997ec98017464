"""Command line: parses arguments and calls the pipeline; nothing else lives here.

Exit codes: 0 ok (``check``: all required items passed; ``grade``: every submission graded,
whatever the scores) - 1 ``check``: graded, something failed; ``grade``: some submissions could
not be graded - 2 the input could not be graded (one line on stderr) - 3 the grader itself
failed - 130 stopped by Ctrl-C or SIGTERM (what was graded is kept).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import warnings
from collections.abc import Sequence

from . import __version__
from .errors import GraderError

EXIT_OK, EXIT_FAILED, EXIT_INPUT, EXIT_BUG, EXIT_STOPPED = 0, 1, 2, 3, 130


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand."""
    parser = argparse.ArgumentParser(prog="grader", description="Grade neural-network homework notebooks.")
    parser.add_argument("--version", action="version", version=f"grader {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    sub = parser.add_subparsers(dest="command", required=True)
    from .export import FORMATS, formats_help  # the export formats, for 'grader export --help'

    check = sub.add_parser("check", help="check one notebook before handing it in")
    check.add_argument("notebook")
    check.add_argument("--rubric", required=True, help="bundled rubric name or a rubric YAML path")
    _common(check)
    check.add_argument(
        "--env", help="grading environment the kernel runs in: a bundled name, a spec file, or 'own' (the grader's)"
    )
    check.add_argument("--json", dest="json_out", help="write the result JSON here")
    check.add_argument("--html", dest="html_out", help="write the HTML report here")
    check.add_argument(
        "--gradescope",
        dest="gradescope_out",
        help="write Gradescope's results.json here (run_autograder: /autograder/results/results.json)",
    )
    check.add_argument(
        "--sandbox",
        dest="sandbox",
        action="store_true",
        default=None,
        help="require the bubblewrap sandbox (default: use it when available)",
    )

    grade = sub.add_parser("grade", help="grade a folder, zip or notebook of submissions")
    grade.add_argument("submissions")
    grade.add_argument("--rubric", help="rubric name or path (default: per folder, by bundled rubric name)")
    grade.add_argument("--out", required=True, help="folder for results and reports")
    _common(grade)
    grade.add_argument("--env", help="grading environment (default: the rubric's, else 'own', the grader's)")
    grade.add_argument(
        "--workers", type=int, help="notebooks graded at once (default: the usable cores; each kernel gets its share)"
    )
    grade.add_argument("--db", help="gradebook: an SQLAlchemy URL or an SQLite file (default: OUT/gradebook.sqlite)")
    grade.add_argument(
        "--executor",
        default="local",
        help="local (default: --workers threads here), dask-local (a Dask cluster of --workers processes here) "
        "or dask://HOST:PORT (a running 'dask scheduler'; workers must see the same paths)",
    )
    _student_view(grade)
    grade.add_argument(
        "--due",
        help="due time, ISO 8601 with its zone (2026-12-01T23:59+07:00): a submission the LMS says came "
        "later loses the late penalty on its total (the rubric's 'late:' policy)",
    )
    grade.add_argument(
        "--late-penalty",
        metavar="PER_DAY[:MAX[:GRACE_MINUTES]]",
        help="late policy over the rubric's: percent per day begun, most percent, minutes of grace (e.g. 10:50:15)",
    )
    grade.add_argument(
        "--moodle-worksheet",
        metavar="CSV",
        help="Moodle's grading worksheet of the same assignment: its 'Last modified (submission)' is each "
        "submission's time (Moodle's download itself has none)",
    )
    grade.add_argument(
        "--moodle-timezone",
        metavar="ZONE",
        help="the time zone the worksheet's times are written in (your Moodle profile's): Asia/Jakarta or +07:00",
    )

    env = sub.add_parser("env", help="grading environments (built once with uv, cached)")
    env_sub = env.add_subparsers(dest="env_command", required=True)
    env_build = env_sub.add_parser("build", help="build an environment (no-op when built)")
    env_build.add_argument("name", help="bundled name or spec file")
    env_build.add_argument("--find-links", help="build offline from this folder of wheels")
    env_sub.add_parser("list", help="bundled and built environments")
    env_show = env_sub.add_parser("show", help="an environment's spec, hash and packages")
    env_show.add_argument("name")
    env.set_defaults(find_links=None)

    export = sub.add_parser(
        "export",
        help="export graded results for an LMS",
        description="Write the results in DIR (results.jsonl of 'grader grade --out DIR') for an LMS or CI.",
        epilog=formats_help(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    export.add_argument("dir", metavar="DIR", help="a results folder written by 'grader grade --out'")
    export.add_argument("--format", required=True, dest="fmt", help=f"one of {', '.join(FORMATS)} (below)")
    export.add_argument("--lang", choices=("en", "id"), help="language of the text (default: as graded)")
    export.add_argument(
        "--assignment-id", type=int, help="the LMS's id of the assignment (Canvas: the number in its gradebook header)"
    )

    report = sub.add_parser("report", help="render a graded folder's reports again (e.g. in another language)")
    report.add_argument("dir")
    report.add_argument("--lang", choices=("en", "id"), default="en")
    _student_view(report)

    review = sub.add_parser("review", help="list what in a graded folder needs the instructor's review")
    review.add_argument("dir", metavar="DIR", help="a folder graded by 'grader grade --out'")
    review.add_argument("--rubric", help="only this rubric's submissions")
    review.add_argument("--lang", choices=("en", "id"), default="en")
    review.add_argument("--db", help="the gradebook, when graded with --db (default: DIR/gradebook.sqlite)")

    override = sub.add_parser(
        "override",
        help="record an instructor's points for one item (kept across regrades, shown in reports and exports)",
    )
    override.add_argument("dir", metavar="DIR", help="a folder graded by 'grader grade --out'")
    override.add_argument("student", metavar="STUDENT", help="student id or name as shown, report stem or path")
    override.add_argument("item", metavar="ITEM", help="the rubric item's id (see 'grader review')")
    override.add_argument("--points", type=float, help="the item's points, 0 to its maximum")
    override.add_argument("--comment", help="why, for the student (shown with the item in reports and exports)")
    override.add_argument("--author", help="who decided (default: the login name)")
    override.add_argument("--rubric", help="the rubric, when the student has submissions under several")
    override.add_argument("--remove", action="store_true", help="withdraw the item's override: the checks' points hold")
    override.add_argument("--db", help="the gradebook, when graded with --db (default: DIR/gradebook.sqlite)")

    rubric = sub.add_parser("rubric", help="rubric tools")
    rubric_sub = rubric.add_subparsers(dest="rubric_command", required=True)
    validate = rubric_sub.add_parser("validate", help="validate a rubric file")
    validate.add_argument("path")

    cache = sub.add_parser("cache", help="the evidence cache")
    cache_sub = cache.add_subparsers(dest="cache_command", required=True)
    prune = cache_sub.add_parser("prune", help="remove the least recently used runs until the cache fits")
    prune.add_argument("--max-size", help="size to bring the cache down to, e.g. 5G or 500M (default 5G)")
    prune.add_argument("--cache-dir", help="evidence cache folder (default ~/.cache/grader)")

    reference = sub.add_parser("reference", help="reference notebook tools")
    reference_sub = reference.add_subparsers(dest="reference_command", required=True)
    verify = reference_sub.add_parser("verify", help="grade each reference against its rubric")
    verify.add_argument("names", nargs="*")
    _common(verify)
    return parser


def _student_view(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--student-view",
        action="store_true",
        help="also write each student's own report, hidden items left out: DIR/<name>.student.html "
        "beside the instructor's DIR/<name>.html (linked from DIR/index.html)",
    )


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data-dir", help="folder with the real dataset files (else offline stand-ins)")
    parser.add_argument("--lang", choices=("en", "id"), default="en")
    parser.add_argument("--cache-dir", help="evidence cache folder (default ~/.cache/grader)")
    parser.add_argument("--no-cache", action="store_true", help="always execute, keep nothing")
    parser.add_argument(
        "--cache-max-size", help="cap on the evidence cache, e.g. 5G (default); least recently used runs go first"
    )
    if parser.prog.split()[-1] != "check":
        parser.add_argument(
            "--no-sandbox",
            action="store_true",
            help="run student code without the bubblewrap sandbox (trusted code only)",
        )


def quiet_tensorflow() -> None:
    """Keep TensorFlow's, absl's and oneDNN's log lines off the grader's terminal.

    The grader imports TensorFlow itself when it loads a student's Keras model to re-evaluate
    it; the C++ side reads its settings when the library loads, so they are set here, before
    any command can import it.  The student's kernel is unaffected: it gets its own settings
    (``grader.execute.worker.KERNEL_ENV``).  The grader's own messages (logger ``grader``,
    one-line errors) still reach stderr.
    """
    os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"  # C++ INFO/WARNING/ERROR lines (I0000 ..., W0000 ...)
    # also silences "oneDNN custom operations are on", and predicts with the same kernels as
    # the student's kernel, which runs with oneDNN off too
    os.environ["TF_ENABLE_ONEDNN_OPTS"] = "0"
    try:
        # imported before anything asks for the "absl" logger, so that logger is absl's own
        from absl import logging as absl_logging

        absl_logging.set_verbosity(absl_logging.ERROR)
    except ImportError:  # absl comes with TensorFlow; without it there is nothing to quiet
        pass
    # "triggered tf.function retracing", "Compiled the loaded model, but ..." and the like
    for name in ("tensorflow", "absl", "keras", "h5py"):
        logging.getLogger(name).setLevel(logging.ERROR)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``grader`` command."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING, format="grader: %(message)s", stream=sys.stderr
    )
    quiet_tensorflow()
    if not args.verbose:
        # what scikit-learn or Keras say while the grader re-evaluates a student's model is noise
        # to that student; set once for the whole process (catch_warnings is not thread-safe)
        warnings.simplefilter("ignore")
    from . import commands

    try:
        return int(commands.run(args))
    except GraderError as exc:
        print(f"grader: {exc.one_line()}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("grader: interrupted", file=sys.stderr)
        return EXIT_STOPPED
    except Exception as exc:  # the grader itself failed: say so in one line, log the rest
        logging.getLogger(__name__).debug("internal error", exc_info=True)
        print(
            f"grader: internal error ({type(exc).__name__}: {str(exc)[:200]}); rerun with -v and report it",
            file=sys.stderr,
        )
        return EXIT_BUG


if __name__ == "__main__":
    sys.exit(main())
