"""`grader class FOLDER`: the instructor's live view of a class folder, in the terminal and as an HTML page."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from grader.paths import GraderError

DESCRIPTION = """\
Show, live, what a class's check() calls say: per question the share of the class that passed it and its most
frequent named mistakes (counted in students), and who has been stuck longest: students with failed checks since
their last passed check, stuck since that pass (or since their first check, if they never passed one).

Students report to FOLDER with `export SANDBOX_CLASS=FOLDER` (e.g. in a JupyterHub's environment) or once, in a
notebook, grader.join("FOLDER"); each writes FOLDER/<their id>.json, nothing but ids, verdicts, named mistakes
and times. On a shared server create FOLDER with --init first (a drop-box: students can add their own file but
neither list, read nor replace anyone else's). Every file there is untrusted: bad ones are skipped with a note.

The terminal view refreshes every --every seconds until Ctrl-C; --once prints it once. --html OUT.html also
writes a page that reloads itself, to project (--anonymise replaces ids by stable pseudonyms).
See docs/instructors/workshop.md ("The class view").
"""


def _view_text(args: argparse.Namespace, now: datetime) -> tuple[str, str | None]:
    """The terminal text and, with --html, the page of the class folder at `now`."""
    from grader.classroom import render
    from grader.classroom.folder import secret
    from grader.classroom.read import read_folder
    from grader.classroom.view import summarise
    from grader.syllabus import catalogue

    try:
        records, notes = read_folder(args.folder)
    except OSError as error:
        raise GraderError(f"{error}; check the path, or run this as the instructor who created it") from None
    known = catalogue(args.solutions)
    if args.module and args.module not in known:
        raise GraderError(f"no module {args.module!r} among the solutions ({', '.join(known) or 'none'}); "
                          "check --module")
    view = summarise(records, now, catalogue=known or None, module=args.module,
                     secret=secret() if args.anonymise else None, notes=notes, top_stuck=args.top)
    return render.text(view), render.page(view, args.every) if args.html else None


def tick(args: argparse.Namespace, now: datetime) -> str:
    """Read the folder once: write the page (atomically) if asked and return the terminal text."""
    from grader.classroom.record import write_atomically

    shown, page = _view_text(args, now)
    if page is not None:
        try:
            write_atomically(args.html, page, mode=0o644)
        except OSError as error:
            raise GraderError(f"cannot write {args.html} ({error.strerror}); choose another --html path") from None
    return shown


def run(args: argparse.Namespace, *, clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        sleep: Callable[[float], None] = time.sleep) -> int:
    """`grader class`: --init, --once, or refresh until Ctrl-C."""
    if args.init:
        from grader.classroom.folder import init

        print("\n".join(init(args.folder, args.group)))
        return 0
    if args.group:
        raise GraderError("--group only goes with --init")
    if not args.folder.is_dir():
        raise GraderError(f"class folder {args.folder} does not exist; create it with "
                          f"`grader class {args.folder} --init`")
    if args.every < 1 or args.top < 1:
        raise GraderError("--every and --top need at least 1")
    live = not args.once and sys.stdout.isatty()
    try:
        while True:
            shown = tick(args, clock())
            print(("\033[H\033[2J" if live else "") + shown, flush=True)  # a tty: redraw in place
            if args.once:
                return 0
            print(f"(refreshing every {args.every} s; Ctrl-C stops)", flush=True)
            sleep(args.every)
    except KeyboardInterrupt:
        print("\nstopped" + (f"; {args.html} keeps the last view" if args.html else ""))
        return 0


def add_parser(verbs: argparse._SubParsersAction) -> None:
    """Add the `class` verb to the grader CLI."""
    view = verbs.add_parser("class", help="live view of a class's checks (share passed, mistakes, who is stuck)",
                            description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter)
    view.add_argument("folder", type=Path, metavar="FOLDER", help="the class folder students report to")
    view.add_argument("--init", action="store_true",
                      help="create FOLDER as a drop-box (mode 3733, your group) and say how students join")
    view.add_argument("--group", metavar="GROUP",
                      help="with --init: the group that may read records (default: your primary group); "
                           "only instructors should belong to it")
    view.add_argument("--once", action="store_true", help="print the view once and exit (scripts, tests)")
    view.add_argument("--every", type=int, default=5, metavar="SECONDS", help="refresh interval (default 5)")
    view.add_argument("--html", type=Path, metavar="OUT.html",
                      help="also write a self-refreshing page, replaced atomically on each refresh")
    view.add_argument("--anonymise", "--anonymize", action="store_true",
                      help="show stable pseudonyms instead of student ids (to project)")
    view.add_argument("--module", metavar="NN_topic", help="only this module's questions and stuck students")
    view.add_argument("--top", type=int, default=10, metavar="N", help="how many stuck students to list (10)")
    view.add_argument("--solutions", type=Path, metavar="DIR",
                      help="solution notebooks naming the questions (default: $SANDBOX_SOLUTIONS or solutions/)")
    view.set_defaults(run=run)
