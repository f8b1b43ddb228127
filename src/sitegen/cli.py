"""The command line: parse arguments, call a stage, turn problems into lines and an
exit code. No logic of its own."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from sitegen import __version__
from sitegen.build import build
from sitegen.errors import Problem, SitegenError


def _print_problems(problems: Sequence[Problem]) -> None:
    for problem in problems:
        print(problem, file=sys.stderr)


def _summary(problems: Sequence[Problem]) -> str:
    errors = sum(p.is_error for p in problems)
    warnings = len(problems) - errors
    return f"{errors} fel, {warnings} varningar"


def cmd_build(args: argparse.Namespace) -> int:
    root = Path(args.root)
    result = build(root, Path(args.output) if args.output else None, force=args.force)
    _print_problems(result.warnings)
    print(f"Byggde {len(result.site.posts)} inlägg och {result.files} filer till "
          f"{args.output or root / 'output'} ({sum(result.timings.values()):.2f} s)")
    return 0


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sitegen", description="Bygger besöksbloggen.")
    parser.add_argument("--version", action="version", version=f"sitegen {__version__}")
    parser.add_argument("--root", default=".", help="webbplatsens rotmapp (där site.yaml finns)")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("build", help="bygg webbplatsen till output/")
    p.add_argument("--output", help="målmapp (standard: output/)")
    p.add_argument("--force", action="store_true",
                   help="skriv över målmappen även om sitegen inte skapat den")
    p.set_defaults(run=cmd_build)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    try:
        code: int = args.run(args)
        return code
    except SitegenError as exc:
        _print_problems(exc.problems)
        print(_summary(exc.problems), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("avbrutet", file=sys.stderr)
        return 130
