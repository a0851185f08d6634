"""`synth` command line: build, info, report, truth, plants, schema."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import NoReturn

from synth import schema
from synth.config import DEFAULT_SCALE, DEFAULT_SEED, SCALES, config_for
from synth.dataset import ENV_VAR, DatasetError, connect, dataset_path, info
from synth.portable import printable_console

USAGE_ERROR = 2


class UsageError(Exception):
    """Bad input; the message names the problem and the fix."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # One line, not argparse's usage dump.
        self.exit(USAGE_ERROR, f"{self.prog}: {message} (see `{self.prog} --help`)\n")


def _seed(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"seed must be a non-negative whole number, got {text!r}; e.g. --seed 42")
    return int(text)


def _workers(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"workers must be a whole number >= 1, got {text!r}; e.g. --workers 2")
    return int(text)


def _plant(text: str) -> str:
    from synth.config import PLANT_NAMES

    if text != "all" and text not in PLANT_NAMES:
        raise argparse.ArgumentTypeError(f"no planted phenomenon {text!r}; choose from {', '.join(PLANT_NAMES)} "
                                         "or all")
    return text


def default_workers() -> int:
    """Worker processes used unless --workers says otherwise: the CPUs this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="synth", description="Simulate Clipstream, a short-video app, into a DuckDB file.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("build", help="simulate a dataset and write it atomically",
                       description="Simulate a dataset and write it to a DuckDB file. The file is built "
                       "beside the target and renamed onto it at the end, so an interrupted build keeps "
                       "the previous dataset.")
    p.add_argument("--seed", type=_seed, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})")
    p.add_argument("--scale", choices=list(SCALES), default=DEFAULT_SCALE,
                   help=f"dataset size and date window (default {DEFAULT_SCALE})")
    p.add_argument("--out", type=Path, default=None,
                   help="output file (default: $SANDBOX_DB, else datasets/clipstream.duckdb)")
    p.add_argument("--workers", type=_workers, default=None,
                   help="worker processes simulating blocks in parallel (default: number of CPUs); "
                   "the output is the same for any value")
    p.add_argument("--no-plant", action="append", default=[], metavar="NAME", type=_plant,
                   help="leave out a planted phenomenon (repeatable; `synth plants` lists them); "
                   "`--no-plant all` builds the clean world")
    p.add_argument("--no-progress", action="store_true", help="hide the progress bar")

    p = sub.add_parser("info", help="show how a dataset was built",
                       description="Show a dataset's seed, scale, window, row counts and checksum.")
    p.add_argument("path", nargs="?", type=Path, help="dataset file (default: the current dataset)")

    p = sub.add_parser("report", help="print realism statistics and write a chart sheet",
                       description="Print the realism statistics against their target ranges and the "
                       "row count of every table, and write a PNG sheet of charts.")
    p.add_argument("path", nargs="?", type=Path, help="dataset file (default: the current dataset)")
    p.add_argument("--out", type=Path, default=None, help="folder for the PNG (default: the dataset's folder)")

    p = sub.add_parser("truth", help="print what was planted in a dataset and what analyses should find",
                       description="Print the manifest of the truth file beside a dataset: every planted "
                       "phenomenon, the module that uses it, its parameters and expected findings. For "
                       "instructors; students' dataset files contain none of it.")
    p.add_argument("path", nargs="?", type=Path, help="dataset file (default: the current dataset)")

    p = sub.add_parser("plants", help="list the phenomena a build plants",
                       description="List every planted phenomenon: its name (for --no-plant), module and title; "
                       "with --markdown the table docs/instructors/planted.md holds.")
    p.add_argument("--markdown", action="store_true", help="print the instructors' table of plants as Markdown")

    p = sub.add_parser("schema", help="print the schema (DDL, or the data dictionary)",
                       description="Print the CREATE TABLE statements, or with --markdown the data "
                       "dictionary that datasets/README.md holds.")
    p.add_argument("--markdown", action="store_true", help="print the data dictionary as Markdown")
    return parser


def _check_out(out: Path) -> None:
    folder = out.parent
    if out.is_dir():
        raise UsageError(f"--out {out} is a folder; give a file name such as {out / 'clipstream.duckdb'}")
    if not folder.is_dir():
        raise UsageError(f"cannot write {out}: {folder} is not an existing folder; create it or choose another --out")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise UsageError(f"cannot write {out}: folder {folder} is not writable; choose another --out")
    if out.exists():
        # Only a dataset may be replaced: never someone's other file that happens to have the name.
        try:
            connect(out).close()
        except DatasetError:
            raise UsageError(f"{out} exists and is not a Clipstream dataset; choose another --out or remove it "
                             "yourself") from None


def _build(args: argparse.Namespace) -> int:
    from synth.writer import build

    out = args.out if args.out is not None else dataset_path()
    if args.out is None and not os.environ.get(ENV_VAR):  # the default folder is ours to make (a wheel has none)
        out.parent.mkdir(parents=True, exist_ok=True)
    _check_out(out)
    from synth.config import PLANT_NAMES

    off = frozenset(PLANT_NAMES if "all" in args.no_plant else args.no_plant)
    config = config_for(args.scale, args.seed).replace(disabled=off)
    started = time.perf_counter()
    try:
        meta = build(config, out, workers=args.workers or default_workers(), progress=not args.no_progress)
    except KeyboardInterrupt:
        print(f"synth build: interrupted; {out} was left as it was", file=sys.stderr)
        return 130
    except PermissionError as exc:
        raise UsageError(f"cannot write {out}: {exc.strerror}; choose another --out") from exc
    seconds = time.perf_counter() - started
    print(f"wrote {out}: {int(meta['users_rows']):,} users, {int(meta['events_rows']):,} events, "
          f"{int(meta['videos_rows']):,} videos in {seconds:.1f} s (scale {args.scale}, seed {args.seed})")
    return 0


def _info(args: argparse.Namespace) -> int:
    with connect(args.path) as con:
        meta = info(con)
    print(f"path: {dataset_path(args.path)}")
    for key, value in meta.items():
        print(f"{key}: {value}")
    return 0


def _report(args: argparse.Namespace) -> int:
    from synth.report import report

    path = dataset_path(args.path)
    out_dir = args.out if args.out is not None else path.parent
    if out_dir.exists() and not out_dir.is_dir():
        raise UsageError(f"--out {out_dir} is a file; give a folder for the chart sheet")
    with connect(args.path) as con:
        con.execute("SET enable_progress_bar = false")
        try:
            report(con, out_dir)
        except OSError as exc:
            reason = exc.strerror or exc
            raise UsageError(f"cannot write charts into {out_dir}: {reason}; choose another --out") from exc
    return 0


def _truth(args: argparse.Namespace) -> int:
    import json

    from synth.dataset import truth_path

    path = truth_path(dataset_path(args.path))
    if not path.exists():
        raise UsageError(f"no truth file at {path}: it is written beside the dataset by `synth build`")
    with connect(path) as con:
        rows = con.execute("SELECT effect_id, module, title, params, expected FROM planted_effects "
                           "ORDER BY module, effect_id").fetchall()
    if not rows:
        print(f"{path}: nothing planted (a clean-world build)")
    for effect, module, title, params, expected in rows:
        print(f"{effect} [{module}] {title}")
        print(f"  params:   {json.dumps(json.loads(params), sort_keys=True)}")
        print(f"  expected: {json.dumps(json.loads(expected), sort_keys=True)}")
    return 0


def _plants(args: argparse.Namespace) -> int:
    from synth.plant import markdown, plants

    if args.markdown:
        print(markdown(), end="")
        return 0
    for p in plants():
        print(f"{p.NAME:22s} {p.MODULE:26s} {p.TITLE}")
    return 0


def _schema(args: argparse.Namespace) -> int:
    if args.markdown:
        print(schema.markdown(), end="")
    else:
        print(";\n\n".join(t.ddl() for t in schema.TABLES) + ";")
    return 0


COMMANDS = {"build": _build, "info": _info, "report": _report, "truth": _truth, "plants": _plants,
            "schema": _schema}


def closed_pipe() -> int:
    """The exit code when a reader such as `| head` stopped reading early: quietly, as SIGPIPE would end us."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # nothing left to flush at exit either
    return 128 + 13


def main(argv: list[str] | None = None) -> int:
    """Run the `synth` command line; returns the exit code."""
    printable_console()
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # --help, or a usage error already reported in one line
        return int(exc.code or 0)
    try:
        code = COMMANDS[args.command](args)
        sys.stdout.flush()  # here, not at exit: a closed pipe is then ours to handle
        return code
    except BrokenPipeError:
        return closed_pipe()
    except (UsageError, DatasetError) as exc:
        print(f"synth {args.command}: {exc}", file=sys.stderr)
        return USAGE_ERROR
