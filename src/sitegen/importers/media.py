"""Images and files of imported posts that live in the old site's wp-content/uploads.

With a local copy of that folder (`--media DIR`), every referenced file is copied into
`static/wp-content/uploads/` (so old direct links to it keep working too) and the post
links to it there; a file the copy lacks is reported with its post, and its link
stays as it was. Without one, every such file is reported as still loading from the
old site, with the command that would bring it over.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, unquote, urlparse

from sitegen.importers.report import ImportReport

UPLOADS = "/wp-content/uploads/"
_ATTRIBUTE = re.compile(r"""(\s(?:src|href)\s*=\s*)(["'])(.*?)\2""", re.IGNORECASE | re.DOTALL)
# WordPress's resized copies: bild-300x200.jpg of bild.jpg.
_RESIZED = re.compile(r"-\d+x\d+(?=\.\w+$)")


@dataclass
class Media:
    site_root: Path
    hosts: frozenset[str]
    """The old site's host names: an address there (or a bare path) is the old site's."""
    folder: Path | None
    """The local copy of wp-content/uploads, if given."""
    report: ImportReport
    force: bool = False
    done: dict[str, str | None] = field(default_factory=dict)
    """Path under uploads → the file it was copied from (None: missing)."""

    def rewrite(self, html: str, post: str) -> str:
        """`html` with links to the old uploads pointing at the copies in static/."""

        def replace(match: re.Match[str]) -> str:
            url = match.group(3)
            relative = self._uploaded(url)
            if relative is None:
                return match.group()
            if self.folder is None:
                self.report.media_on_old_host.append((post, url))
                return match.group()
            copied = self._copy(relative)
            if copied is None:
                self.report.media_missing.append((post, relative))
                return match.group()
            new = UPLOADS + quote(copied)
            return f"{match.group(1)}{match.group(2)}{new}{match.group(2)}"

        return _ATTRIBUTE.sub(replace, html)

    def _uploaded(self, url: str) -> str | None:
        """The file's path under uploads, decoded, if `url` is the old site's upload."""
        parts = urlparse(url.strip())
        if parts.scheme not in ("", "http", "https") or (
                parts.netloc and parts.hostname not in self.hosts):
            return None
        path = unquote(parts.path)
        if UPLOADS not in path:
            return None
        relative = path.split(UPLOADS, 1)[1]
        pieces = relative.split("/")
        if not relative or any(p in ("", ".", "..") for p in pieces) or "\\" in relative:
            return None
        return relative

    def _copy(self, relative: str) -> str | None:
        """Copy the file into static/ once; the path it has there under uploads (a
        resized copy the folder lacks is stood in for by its full-size original)."""
        if relative not in self.done:
            assert self.folder is not None
            used = next((r for r in (relative, _RESIZED.sub("", relative))
                         if (self.folder / r).is_file()), None)
            if used is not None and used not in self.done:
                self._put(self.folder / used, used)
                self.done[used] = used
            self.done[relative] = used
        return self.done[relative]

    def _put(self, source: Path, relative: str) -> None:
        target = self.site_root / "static" / UPLOADS.strip("/") / relative
        shown = target.relative_to(self.site_root).as_posix()
        if target.exists():
            if target.read_bytes() == source.read_bytes():
                return
            if not self.force:
                self.report.media_kept.append(shown)
                return
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
        self.report.media_copied.append(shown)
