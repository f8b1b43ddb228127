"""The command line: parse arguments, call a stage, turn problems into lines and an
exit code. No logic of its own; everything it prints goes through terminal.say, which
escapes control characters."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import gc
import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import NoReturn, TypeAlias

from sitegen import __version__
from sitegen.argparse_sv import SwedishParser, version_action
from sitegen.errors import Problem, SitegenError
from sitegen.terminal import Clock, Reporter, guard_streams, reporter, say


def _print_problems(problems: Sequence[Problem]) -> None:
    """Errors first, then warnings: the errors are what stops the run."""
    for problem in sorted(problems, key=lambda p: not p.is_error):
        say(str(problem), sys.stderr)


def _summary(problems: Sequence[Problem]) -> str:
    errors = sum(p.is_error for p in problems)
    warnings = len(problems) - errors
    return f"{errors} fel, {warnings} {'varning' if warnings == 1 else 'varningar'}"


def _reporter(args: argparse.Namespace) -> Reporter:
    return reporter(sys.stderr, args.clock, quiet=args.quiet, verbose=args.verbose)


def cmd_build(args: argparse.Namespace) -> int:
    from sitegen.build import build

    root = Path(args.root)
    progress = _reporter(args)
    try:
        with collector_paused(for_good=args.one_shot):
            result = build(root, Path(args.output) if args.output else None,
                           force=args.force, with_search=not args.no_search,
                           progress=progress, wait=not args.no_wait,
                           waiting=lambda message: say(message, sys.stderr))
    finally:
        progress.close()
    _print_problems(result.warnings)
    if args.quiet:
        return 0
    timings = result.timings
    own = sum(v for k, v in timings.items() if k != "search")
    say(f"Byggde {result.posts} inlägg och {result.files} filer till "
        f"{args.output or root / 'output'} på {own:.2f} s")
    if "search" in timings:
        say(f"Sökindex (Pagefind): {timings['search']:.2f} s")
    if args.verbose:
        say("Tider: " + ", ".join(f"{k} {v:.2f} s" for k, v in timings.items()))
        say(f"{result.rendered} sidor renderades, {result.changed} filer ändrades"
            + ("; sökindexet byggdes om" if result.searched else ""))
    return 0


@contextlib.contextmanager
def collector_paused(*, for_good: bool) -> Iterator[None]:
    """Python's cycle collector is paused while `sitegen build` runs, and while `sitegen
    serve` rebuilds: a build makes millions of objects that live until it ends and hardly
    any cycles, and the collector, triggered by allocation counts, scanned them over and
    over (at 10,000 posts it took 1.5 of the 1.8 s that loading the parse cache took; a
    preview's rebuild after a save took 3.0-5.2 s with it, 1.7 s without). Forked workers
    inherit the pause. `for_good`: the process ends right after (`run`), so the collector
    stays off rather than scan everything the build left once more; else it is switched
    back on and collects at once what the build left (16 ms after a preview's rebuild at
    10,000 posts; a preview server rebuilding 60 times at 300 posts stays at ~60 MB, where
    waiting for the collector's own time let it settle at 75 MB). Only the command line
    decides this: `build()` itself changes no process-wide state."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled and not for_good:
            gc.enable()
            gc.collect()


def cmd_import(args: argparse.Namespace) -> int:
    from sitegen.importers import import_text, import_wordpress

    root = Path(args.root)
    wrong = "--urls" if args.kind == "wordpress" and args.urls else (
        "--media" if args.kind == "text" and args.media else "")
    if wrong:
        raise SitegenError([Problem(wrong, 0, f"{wrong} gäller inte import {args.kind} ("
                                              "--urls: text, --media: wordpress)")])
    progress = _reporter(args)
    try:
        if args.kind == "wordpress":
            report = import_wordpress(Path(args.source), root, force=args.force,
                                      mapping=Path(args.mapping) if args.mapping else None,
                                      media=Path(args.media) if args.media else None,
                                      progress=progress)
        else:
            report = import_text(Path(args.source), root, force=args.force,
                                 urls=[Path(u) for u in args.urls], progress=progress)
    finally:
        progress.close()
    if args.quiet:
        _print_problems(report.warnings)
    else:
        say(report.format())
    return 0


def cmd_new(args: argparse.Namespace) -> int:
    from sitegen.new import new_post

    today = _date_arg(args.date) if args.date else None
    made = new_post(Path(args.root), args.title, args.kommun, args.tema,
                    category=args.kategori, today=today)
    if not args.quiet:
        say(f"Skapade {made.shown} (publiceras på {made.url})")
        if made.followup_of is not None:
            say(f"Återbesök: uppföljning av {made.followup_of.slug}. Inlägget är ett utkast "
                "tills du har bedömt varje planpunkt (status) och skrivit texten; ta sedan "
                "bort draft: true")
    return 0


def _date_arg(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise SitegenError([Problem("--datum", 0, f'"{text}" är inget datum; skriv '
                                                  "ÅÅÅÅ-MM-DD")]) from None


def cmd_check(args: argparse.Namespace) -> int:
    from sitegen.check import check_site, format_json, format_text

    result = check_site(Path(args.root))
    if args.format == "json":
        say(format_json(result))
    elif args.quiet:
        _print_problems(result.problems)
    else:
        say(format_text(result, strict=args.strict))
    return 1 if result.failed(strict=args.strict) else 0


def cmd_serve(args: argparse.Namespace) -> int:
    from sitegen.serve import serve

    serve(Path(args.root), host=args.host, port=args.port,
          around_build=lambda: collector_paused(for_good=False))
    return 0


def _port(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f'"{text}" är inget portnummer; skriv ett heltal, '
                                         "t.ex. 8000") from None


def make_parser() -> argparse.ArgumentParser:
    parser = SwedishParser(prog="sitegen", description="Bygger besöksbloggen: inlägg i "
                           "Markdown blir en statisk, sökbar webbplats.")
    parser.add_argument("--version", **version_action(f"sitegen {__version__}"))
    parser.add_argument("--root", default=".", metavar="MAPP",
                        help="webbplatsens rotmapp, där site.yaml finns (standard: .)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="KOMMANDO",
                                title="kommandon")
    talk = SwedishParser(add_help=False)
    group = talk.add_mutually_exclusive_group()
    group.add_argument("-q", "--quiet", action="store_true",
                       help="skriv bara fel och varningar")
    group.add_argument("-v", "--verbose", action="store_true",
                       help="visa förloppet från början och tiden för varje steg")
    for add in (_build_command, _import_command, _new_command, _check_command,
                _serve_command):
        add(sub, talk)
    return parser


_Commands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"
"""Where make_parser adds a command: each adds its own, with the options every command
but serve shares (`talk`)."""


def _build_command(sub: _Commands, talk: argparse.ArgumentParser) -> None:
    p = sub.add_parser("build", parents=[talk], help="bygg webbplatsen till output/",
                       description="Kontrollerar allt, bygger webbplatsen och sökindexet och "
                                   "publicerar output/ i ett steg.")
    p.add_argument("--output", metavar="MAPP", help="målmapp (standard: output/)")
    p.add_argument("--force", action="store_true",
                   help="skriv över målmappen även om sitegen inte skapat den")
    p.add_argument("--no-search", action="store_true", help="hoppa över sökindexet (Pagefind)")
    p.add_argument("--no-wait", action="store_true",
                   help="avbryt direkt om en annan byggning av webbplatsen eller till samma "
                        "målmapp pågår (standard: vänta på den)")
    p.set_defaults(run=cmd_build)


def _import_command(sub: _Commands, talk: argparse.ArgumentParser) -> None:
    p = sub.add_parser("import", parents=[talk], help="importera den gamla bloggen",
                       description="Importerar den gamla bloggens inlägg till content/.")
    p.add_argument("kind", choices=["wordpress", "text"], metavar="SORT",
                   help="wordpress: en WXR-export (.xml); text: mappen med textexporten")
    p.add_argument("source", metavar="KÄLLA", help="exportfilen eller mappen")
    p.add_argument("--force", action="store_true", help="skriv över befintliga filer")
    p.add_argument("--mapping", metavar="FIL",
                   help="YAML-fil som mappar kategorier och taggar (wordpress)")
    p.add_argument("--urls", action="append", default=[], metavar="FIL",
                   help="den gamla webbplatsens sitemap.xml eller en lista med adresser, en "
                        "per rad (text; kan anges flera gånger)")
    p.add_argument("--media", metavar="MAPP",
                   help="en lokal kopia av wp-content/uploads: bilder och filer kopieras "
                        "till static/ (wordpress)")
    p.set_defaults(run=cmd_import)


def _new_command(sub: _Commands, talk: argparse.ArgumentParser) -> None:
    p = sub.add_parser("new", parents=[talk], help="skapa ett nytt inlägg med färdig frontmatter",
                       description="Skapar content/posts/<slug>.md med all frontmatter; "
                                   "skriver aldrig över en fil.")
    p.add_argument("title", metavar="TITEL", help='inläggets titel, t.ex. "Återbesök i Botkyrka"')
    p.add_argument("--kommun", action="append", default=[], metavar="KOMMUN",
                   help="kommun som besöktes (kan anges flera gånger)")
    p.add_argument("--tema", action="append", default=[], metavar="TEMA",
                   help="tema ur content/themes.yaml (kan anges flera gånger)")
    p.add_argument("--kategori", metavar="KATEGORI", help="kategori (standard: kommunbesok)")
    p.add_argument("--datum", dest="date", metavar="ÅÅÅÅ-MM-DD",
                   help="inläggets datum (standard: i dag)")
    p.set_defaults(run=cmd_new)


def _check_command(sub: _Commands, talk: argparse.ArgumentParser) -> None:
    p = sub.add_parser("check", parents=[talk],
                       help="kontrollera allt utan att bygga (länkar, ankare, ...)",
                       description="Gör alla kontroller som build gör, och dessutom länkar och "
                                   "ankare, utan att skriva något.")
    p.add_argument("--strict", action="store_true",
                   help="underkänn även varningar (t.ex. inlägg med datum i framtiden)")
    p.add_argument("--format", choices=["text", "json"], default="text", metavar="FORMAT",
                   help="text (standard) eller json för redaktörens verktyg")
    p.set_defaults(run=cmd_check)


def _serve_command(sub: _Commands, talk: argparse.ArgumentParser) -> None:
    p = sub.add_parser("serve", help="förhandsgranska med utkast; bygger om vid ändring",
                       description="Bygger webbplatsen med utkast, visar den på den egna "
                                   "datorn och bygger om när du sparar.")
    p.add_argument("--port", type=_port, default=8000, metavar="PORT",
                   help="port (standard: 8000; 0 = en ledig)")
    p.add_argument("--host", default="127.0.0.1", metavar="ADRESS",
                   help="adress att lyssna på (standard: 127.0.0.1)")
    p.set_defaults(run=cmd_serve, quiet=False, verbose=False)


def run() -> NoReturn:
    """The `sitegen` command: main(), then exit without tearing the interpreter down.
    Freeing a large site's model object by object took ~0.7 s at 10,000 posts, and
    everything sitegen writes is closed by then. Output to a reader that has gone (a
    closed pipe) is dropped, never a traceback."""
    guard_streams()
    code = main(one_shot=True)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def main(argv: Sequence[str] | None = None, *, one_shot: bool = False) -> int:
    """Run one command. `one_shot`: the process ends when it returns (see `run`)."""
    clock = Clock()
    try:
        args = make_parser().parse_args(argv)
    except SystemExit as exc:  # --help, --version, or a mistake in the arguments
        return exc.code if isinstance(exc.code, int) else 2
    args.clock = clock
    args.one_shot = one_shot
    try:
        code: int = args.run(args)
        return code
    except SitegenError as exc:
        _print_problems(exc.problems)
        say(_summary(exc.problems), sys.stderr)
        return 1
    except KeyboardInterrupt:
        say("avbrutet", sys.stderr)
        return 130
