"""Re-scoring cost: evidence already gathered, scored again against a rubric (a regrade after a
rubric edit), as the number of trained models and printed metric lines grows.

    .venv/bin/python bench/regrade.py [--rubric hcv] [--models 5,10,20,50] [--lines 50,100,200,500]
                                      [--styles keras,partial_fit] [--repeat 7]
                                      [--evidence-dir CACHE_OR_RUN_FOLDER ...]

Synthetic evidence (``tests/synthetic.py``: the real evidence records of an HCV notebook with N
trained configurations and M printed metric lines) is scored through the pipeline's own path
(``check_all``, ``score_items``, the notes), no kernel.  Every size is timed right after the
smallest one, alternating, so both share the machine's state; the report is the ratio of their
medians, which grows about linearly with the size (not as its square) when no check is
quadratic.  With ``--evidence-dir``, each cached run found there (a folder holding
``outcome.json``) is regraded as ``grader grade`` would regrade it from the cache: its evidence
rebuilt from the cached files, then scored; seconds per submission for both parts.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))  # the synthetic evidence lives with the test helpers

from synthetic import STYLES, tuning_notebook  # noqa: E402

from grader.evidence.claims import parse_claims  # noqa: E402
from grader.evidence.environment import find_environment_gaps  # noqa: E402
from grader.evidence.loops import with_epoch_losses  # noqa: E402
from grader.evidence.roles import analyse_roles  # noqa: E402
from grader.models.evidence import DataRoles, Evidence  # noqa: E402
from grader.models.rubric import Rubric  # noqa: E402
from grader.pipeline import check_all, rubric_from  # noqa: E402
from grader.scoring import score_items, total  # noqa: E402
from grader.scoring.notes import note_messages  # noqa: E402


def score(rubric: Rubric, evidence: Evidence) -> float:
    """What a regrade does once the evidence is there: every check, the points, the notes."""
    items = score_items(rubric, check_all(rubric, evidence))
    note_messages(evidence)
    return total(items)[0]


def seconds(work: Callable[[], object]) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def machine() -> str:
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    return (
        f"machine: {platform.machine()} {platform.system()} {platform.release()}, {os.cpu_count()} cores "
        f"({usable} usable), load average {load}\n"
        f"python {platform.python_version()} ({sys.executable}), numpy {np.__version__}"
    )


def synthetic_table(rubric: Rubric, style: str, models: list[int], lines: list[int], repeat: int) -> float:
    """Median seconds per size, each against the smallest size timed just before it; returns the
    largest size's median."""
    base_n, base_m = models[0], lines[0]
    baseline = tuning_notebook(base_n, base_m, style)  # type: ignore[arg-type]
    sizes = [(n, m) for n in models for m in lines]
    evidence = {size: tuning_notebook(size[0], size[1], style) for size in sizes}  # type: ignore[arg-type]
    for ev in (baseline, *evidence.values()):  # warm up: imports, regular expressions, caches
        score(rubric, ev)
    timed: dict[tuple[int, int], list[float]] = {size: [] for size in sizes}
    paired: dict[tuple[int, int], list[float]] = {size: [] for size in sizes}
    for _ in range(repeat):
        for size in sizes:
            paired[size].append(seconds(lambda: score(rubric, baseline)))
            timed[size].append(seconds(lambda size=size: score(rubric, evidence[size])))
    med = {size: statistics.median(v) for size, v in timed.items()}
    base = {size: statistics.median(v) for size, v in paired.items()}
    print(f"\n== style {style}: median ms to re-score (x = ratio to N={base_n}, M={base_m} timed alongside) ==")
    head = f"{'models N':>9} {'fits':>5} |" + "".join(f"{f'M={m} lines':>20}" for m in lines)
    print(head)
    print("-" * len(head))
    for n in models:
        fits = len(evidence[(n, lines[0])].fits)
        cells = "".join(f"{f'{1000 * med[(n, m)]:8.1f} ms x{med[(n, m)] / base[(n, m)]:5.1f}':>20}" for m in lines)
        print(f"{n:>9} {fits:>5} |{cells}")
    diagonal = [(n, m) for n, m in zip(models, lines, strict=False)]
    print("growth along the diagonal (size k times the smallest: linear ~k, quadratic ~k^2):")
    for n, m in diagonal:
        k = n / base_n
        print(f"  N={n:>3} M={m:>4}: x{med[(n, m)] / base[(n, m)]:5.1f}   (linear x{k:.0f}, quadratic x{k * k:.0f})")
    largest = med[(models[-1], lines[-1])]
    print(f"largest (N={models[-1]}, M={lines[-1]}): {largest:.3f} s per submission (scoring)")
    print("the evidence stage's own analyses on the same records (no files: loops, roles, claims, gaps):")
    for n, m in diagonal:
        bare = replace(evidence[(n, m)], roles=DataRoles(final_mid=None), claims=())
        analysed = statistics.median(seconds(lambda bare=bare: analyse(bare)) for _ in range(repeat))
        print(f"  N={n:>3} M={m:>4}: {1000 * analysed:8.1f} ms  (+ scoring {1000 * med[(n, m)]:.1f} ms)")
    return largest


def analyse(evidence: Evidence) -> None:
    """What ``build_evidence`` works out from the loaded records (all but reading files and
    re-evaluating the saved model): partial_fit loops, data roles, claims, environment gaps."""
    looped = with_epoch_losses(evidence)
    analyse_roles(looped)
    parse_claims(looped.outputs)
    find_environment_gaps(looped.cells, looped.outputs)


def run_folders(roots: list[Path]) -> list[Path]:
    """Cached or kept runs under ``roots``: folders holding ``outcome.json`` (or ``out/outcome.json``)."""
    found: set[Path] = set()
    for root in roots:
        for outcome in [*root.glob("outcome.json"), *root.glob("*/outcome.json"), *root.glob("*/*/outcome.json")]:
            folder = outcome.parent.parent if outcome.parent.name == "out" else outcome.parent
            found.add(folder)
    return sorted(found)


def cached_table(rubric: Rubric, roots: list[Path], repeat: int) -> None:
    """Each cached run regraded: evidence rebuilt from the cache, then scored."""
    from grader.cache import load_run
    from grader.pipeline import gather_evidence
    from grader.pipeline.reevaluation import reevaluator

    folders = run_folders(roots)
    print(f"\n== cached runs under {', '.join(map(str, roots))}: {len(folders)} found ==")
    if not folders:
        return
    print(
        f"{'run':<40} {'fits':>5} {'claims':>6} {'1st evid. s':>11} {'evidence s':>11} {'scoring s':>10} {'total s':>8}"
    )
    totals, firsts = [], []
    for folder in folders:
        loaded = load_run(folder)
        if loaded is None:
            print(f"{folder.name[:40]:<40} (no finished run)")
            continue
        outcome, workspace = loaded

        def regather() -> Evidence:
            # as a regrade does it: the run's re-evaluation worker, its kept answers served
            with reevaluator(None, workspace.root, False) as models:  # noqa: B023
                return gather_evidence(outcome, workspace, rubric, models)  # noqa: B023

        built: list[float] = []
        scored: list[float] = []
        started = time.perf_counter()
        evidence = regather()  # the first regrade after grading: answers kept then (or already)
        first = time.perf_counter() - started
        for _ in range(repeat):
            built.append(seconds(regather))
            scored.append(seconds(lambda: score(rubric, evidence)))  # noqa: B023
        b, s = statistics.median(built), statistics.median(scored)
        totals.append(b + s)
        firsts.append(first + s)
        name = f"{folder.name[:12]} {workspace.notebook.name}"[:40]
        counts = f"{len(evidence.fits):>5} {len(evidence.claims):>6}"
        print(f"{name:<40} {counts} {first:>11.3f} {b:>11.3f} {s:>10.3f} {b + s:>8.3f}")
    if totals:
        print(
            f"per submission: median {statistics.median(totals):.3f} s, worst {max(totals):.3f} s, "
            f"all {sum(totals):.2f} s for {len(totals)} (first regrade of each: median "
            f"{statistics.median(firsts):.3f} s, worst {max(firsts):.3f} s)"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rubric", default="hcv")
    parser.add_argument("--models", default="5,10,20,50", help="trained configurations N (comma-separated)")
    parser.add_argument("--lines", default="50,100,200,500", help="printed metric lines M (comma-separated)")
    parser.add_argument("--styles", default="keras,partial_fit", help=f"training styles, of {','.join(STYLES)}")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--evidence-dir", action="append", default=[], help="a cache or run folder (repeatable)")
    args = parser.parse_args()
    models = [int(x) for x in args.models.split(",")]
    lines = [int(x) for x in args.lines.split(",")]
    styles = [s for s in args.styles.split(",") if s]
    unknown = [s for s in styles if s not in STYLES]
    if unknown:
        parser.error(f"unknown style {unknown[0]!r}; choose from {', '.join(STYLES)}")
    rubric = rubric_from(args.rubric)
    print(machine())
    print(f"rubric {args.rubric} ({len(rubric.items)} items), {args.repeat} repeats, medians")
    worst = max(synthetic_table(rubric, style, models, lines, args.repeat) for style in styles)
    print(f"\nworst synthetic re-score at the largest size: {worst:.3f} s per submission (target < 1 s)")
    if args.evidence_dir:
        cached_table(rubric, [Path(d) for d in args.evidence_dir], max(1, args.repeat // 2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
