"""The site's sources stay inside the site: no link may lead a build out of its root.

site.yaml, content/ (the theme vocabulary, posts, pages), layouts/, assets/ and static/
are read only when every link among them resolves inside the site's root folder. A
link to /etc/passwd or /proc/self/environ, which a pull request can carry, would
publish what it points at, and even an error message about such a file could quote
it; so the links are checked before anything is read, and a run with such a link
stops there, with every one of them at its path. Links inside the root are followed;
a loop of links is an error at its path too.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

from sitegen.errors import Problem, SitegenError

SOURCES = ("site.yaml", "content", "layouts", "assets", "static")
"""What a build reads from a site's root folder."""


def confine(root: Path) -> None:
    """Raise SitegenError with every link that leads out of the site (or loops)."""
    problems = outside_links(root)
    if problems:
        raise SitegenError(problems)


def outside_links(root: Path) -> list[Problem]:
    """Every link among the site's sources that resolves outside `root`, or loops."""
    walk = _Walk(root)
    for name in SOURCES:
        walk.entry(root / name, name, follow=True)
    return walk.problems


FOLLOWED = ("content/posts", "content/pages", "layouts/")
"""Where a link to a folder is followed, so its files are read: the folders of posts
and pages, and anywhere under layouts/ (Jinja reads `{% include "a/b.html" %}` through
a linked folder a/). Elsewhere a linked folder is not read (static/ and assets/ copy
files, not linked folders); it is still checked itself."""


class _Walk:
    def __init__(self, root: Path) -> None:
        self.real_root = root.resolve()
        self.problems: list[Problem] = []
        self.seen: set[str] = set()
        """Folders walked, by their real path: a link back up is walked once."""

    def entry(self, path: Path, shown: str, *, follow: bool) -> None:
        """Check `path` if it is a link, and what is inside it if it is a folder."""
        if path.is_symlink():
            if not self.inside(path, shown):
                return
            if not (follow or shown in FOLLOWED or shown.startswith(FOLLOWED[-1])):
                return
        if path.is_dir():
            self.folder(path, shown)

    def inside(self, path: Path, shown: str) -> bool:
        """Whether the link at `path` resolves inside the site; a problem if not."""
        try:
            target = path.resolve()
        except (RuntimeError, OSError) as exc:  # 3.11–3.12: RuntimeError; later: ELOOP
            if isinstance(exc, OSError) and exc.errno != errno.ELOOP:
                why = f"länken kan inte följas: {exc.strerror or exc}"
            else:
                why = ("länken går i en slinga (den leder till slut tillbaka till sig "
                       "själv); ta bort den")
            self.problems.append(Problem(shown, 0, why))
            return False
        if target == self.real_root or self.real_root in target.parents:
            return True
        self.problems.append(Problem(shown, 0, f"länken leder utanför webbplatsen (till "
                                               f"{os.readlink(path)}); sitegen läser bara "
                                               "filer inom webbplatsens mapp, så kopiera "
                                               "in det som behövs"))
        return False

    def folder(self, path: Path, shown: str) -> None:
        real = os.path.realpath(path)
        if real in self.seen:
            return
        self.seen.add(real)
        try:
            with os.scandir(path) as entries:
                found = sorted(e.name for e in entries
                               if e.is_symlink() or e.is_dir(follow_symlinks=False))
        except OSError:
            return  # the stage that lists the folder says what is wrong with it
        for name in found:  # links and folders: a plain file needs no look
            self.entry(path / name, f"{shown}/{name}", follow=False)
