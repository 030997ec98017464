"""One module per verb, each with ``main(*, ...)`` taking plain keyword arguments."""

from __future__ import annotations

import argparse
from importlib import import_module
from types import ModuleType
from typing import Any


def _verb(name: str) -> ModuleType:
    """The verb's module, imported when it is run: ``check`` does not pay for the gradebook's
    database layer, nor ``export`` for the kernel machinery."""
    return import_module(f"{__name__}.{name}")


def run(args: argparse.Namespace) -> int:
    """Dispatch parsed arguments to the verb's ``main``."""
    common: dict[str, Any] = {
        "data_dir": getattr(args, "data_dir", None),
        "lang": getattr(args, "lang", "en"),
        "cache_dir": getattr(args, "cache_dir", None),
        "no_cache": getattr(args, "no_cache", False),
        "cache_max_size": getattr(args, "cache_max_size", None),
    }
    if args.command == "check":
        return _verb("check").main(
            notebook=args.notebook,
            rubric=args.rubric,
            json_out=args.json_out,
            html_out=args.html_out,
            gradescope_out=args.gradescope_out,
            require_sandbox=bool(args.sandbox),
            env=args.env,
            **common,
        )
    if args.command == "grade":
        return _verb("grade").main(
            submissions=args.submissions,
            rubric=args.rubric,
            out=args.out,
            workers=args.workers,
            executor=args.executor,
            no_sandbox=args.no_sandbox,
            env=args.env,
            db=args.db,
            student_view=args.student_view,
            due=args.due,
            late_penalty=args.late_penalty,
            moodle_worksheet=args.moodle_worksheet,
            moodle_timezone=args.moodle_timezone,
            **common,
        )
    if args.command == "env":
        return _verb("env").main(action=args.env_command, name=getattr(args, "name", None), find_links=args.find_links)
    if args.command == "export":
        return _verb("export").main(directory=args.dir, fmt=args.fmt, lang=args.lang, assignment_id=args.assignment_id)
    if args.command == "report":
        return _verb("report").main(directory=args.dir, lang=args.lang, student_view=args.student_view)
    if args.command == "review":
        return _verb("review").main(directory=args.dir, rubric=args.rubric, lang=args.lang, db=args.db)
    if args.command == "override":
        return _verb("override").main(
            directory=args.dir,
            student=args.student,
            item=args.item,
            points=args.points,
            comment=args.comment,
            author=args.author,
            rubric=args.rubric,
            remove=args.remove,
            db=args.db,
        )
    if args.command == "cache":
        return _verb("cache").main(action=args.cache_command, max_size=args.max_size, cache_dir=args.cache_dir)
    if args.command == "rubric":
        return _verb("rubric").main(path=args.path)
    if args.command == "reference":
        return _verb("reference").main(names=args.names, no_sandbox=args.no_sandbox, **common)
    raise AssertionError(args.command)
