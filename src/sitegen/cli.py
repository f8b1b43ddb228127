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
    result = build(root, Path(args.output) if args.output else None, force=args.force,
                   with_search=not args.no_search)
    _print_problems(result.warnings)
    timings = result.timings
    own = sum(v for k, v in timings.items() if k != "search")
    print(f"Byggde {len(result.site.posts)} inlägg och {result.files} filer till "
          f"{args.output or root / 'output'} på {own:.2f} s")
    if "search" in timings:
        print(f"Sökindex (Pagefind): {timings['search']:.2f} s")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from sitegen.importers import import_text, import_wordpress

    root = Path(args.root)
    if args.kind == "wordpress":
        report = import_wordpress(Path(args.source), root, force=args.force,
                                  mapping=Path(args.mapping) if args.mapping else None)
    else:
        report = import_text(Path(args.source), root, force=args.force)
    print(report.format())
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
    p.add_argument("--no-search", action="store_true", help="hoppa över sökindexet (Pagefind)")
    p.set_defaults(run=cmd_build)

    p = sub.add_parser("import", help="importera den gamla bloggen")
    p.add_argument("kind", choices=["wordpress", "text"],
                   help="wordpress: en WXR-export (.xml); text: mappen med textexporten")
    p.add_argument("source", help="exportfilen eller mappen")
    p.add_argument("--force", action="store_true", help="skriv över befintliga filer")
    p.add_argument("--mapping", help="YAML-fil som mappar kategorier och taggar (wordpress)")
    p.set_defaults(run=cmd_import)
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
