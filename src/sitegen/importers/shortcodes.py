"""WordPress shortcodes in post bodies: what each becomes, counted in the report.

[caption] becomes the image and its caption; [embed], [audio], [video] and any other
shortcode that names an address become a link to it (so no media file is lost without
a trace); [gallery] and [playlist] name only attachment ids and go, with a warning;
other shortcodes go and the text they enclose stays. Plain bracketed words ("[sic]")
are text, not shortcodes.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from urllib.parse import unquote, urlparse

_CAPTION = re.compile(r"\[(caption|wp_caption)([^\]]*)\](.*?)\[/\1\]", re.DOTALL)
_EMBED = re.compile(r"\[embed[^\]]*\](.*?)\[/embed\]", re.DOTALL)
_MEDIA = re.compile(r"\[(audio|video)(\s[^\]]*)?\](?:(.*?)\[/\1\])?", re.DOTALL | re.IGNORECASE)
_IDS_ONLY = re.compile(r"\[(gallery|playlist)(\s[^\]]*)?\]", re.IGNORECASE)
_KNOWN = (
    "wp_playlist|contact-form|contact-form-7|youtube|vimeo|soundcloud|googlemaps|iframe|"
    "column|columns|one_half|one_third|button|slideshow|gravityform|fusion_\\w+|vc_\\w+|"
    "et_pb_\\w+"
)
# A shortcode we know by name, or any [name attr="..."]: "[sic]" is text.
_OTHER = re.compile(
    rf"\[(/?)((?:{_KNOWN})(?![\w-]))([^\]]*)\]"
    r"|\[(/?)([a-z_][\w-]*)(\s+[\w-]+=[^\]]*)\]",
    re.IGNORECASE,
)
_URL = re.compile(r"https?://[^\s\"'\]<>]+")
_MEDIA_KEYS = ("src", "mp3", "m4a", "ogg", "oga", "wav", "wma", "flac", "mp4", "m4v", "webm",
               "ogv", "wmv", "flv", "mov")
_LABELS = {"audio": "Ljudfil", "video": "Videofil"}

Warn = Callable[[str], None]
Count = Callable[[str], None]


def attribute(attributes: str, name: str) -> str:
    found = re.search(rf'\b{name}\s*=\s*(?:"([^"]*)"|\'([^\']*)\'|([^\s\]]+))', attributes)
    return next((g for g in found.groups() if g is not None), "") if found else ""


def link(url: str, label: str) -> str:
    """A paragraph holding a link to `url`, as HTML for the Markdown converter."""
    address = html.escape(url.strip(), quote=True)
    return f'\n\n<p><a href="{address}">{html.escape(label)}</a></p>\n\n'


def file_label(kind: str, url: str) -> str:
    name = unquote(urlparse(url).path.rstrip("/").rsplit("/", 1)[-1]) or url
    return f"{kind}: {name}"


def replace_shortcodes(source: str, count: Count, warn: Warn) -> str:
    """`source` with every shortcode replaced by HTML, or removed."""

    def caption(match: re.Match[str]) -> str:
        count(match.group(1))
        inner = match.group(3)
        cut = inner.rfind(">")
        markup, text = (inner[: cut + 1], inner[cut + 1:]) if cut >= 0 else ("", inner)
        text = text.strip() or attribute(match.group(2), "caption")
        return f"\n\n{markup}\n\n<p>{text}</p>\n\n" if text else f"\n\n{markup}\n\n"

    def embed(match: re.Match[str]) -> str:
        count("embed")
        url = match.group(1).strip()
        return link(url, url)

    def media(match: re.Match[str]) -> str:
        kind = match.group(1).lower()
        count(kind)
        attributes = match.group(2) or ""
        url = next((v for v in (attribute(attributes, k) for k in _MEDIA_KEYS) if v), "")
        if not url:
            found = _URL.search(match.group(3) or "")
            url = found.group() if found else ""
        if not url:
            warn(f"[{kind}] utan adress till en fil togs bort; lägg in en länk för hand")
            return ""
        return link(url, file_label(_LABELS[kind], url))

    def ids_only(match: re.Match[str]) -> str:
        kind = match.group(1).lower()
        count(kind)
        what = "ett galleri ([gallery])" if kind == "gallery" else "en spellista ([playlist])"
        warn(f"{what} togs bort: det pekar bara på bilagor i WordPress; lägg in filerna "
             "för hand")
        return ""

    source = _CAPTION.sub(caption, source)
    source = _EMBED.sub(embed, source)
    source = _MEDIA.sub(media, source)
    source = _IDS_ONLY.sub(ids_only, source)
    return _other(source, count)


def _other(source: str, count: Count) -> str:
    """Remaining shortcodes: an address among the attributes becomes a link, the tags
    go and any text they enclose stays."""

    def other(match: re.Match[str]) -> str:
        closing = match.group(1) or match.group(4)
        if closing:
            return ""
        name = (match.group(2) or match.group(5)).lower()
        count(name)
        found = _URL.search(match.group(3) or match.group(6) or "")
        return link(found.group(), found.group()) if found else ""

    opened = {(m.group(2) or m.group(5)).lower() for m in _OTHER.finditer(source)}
    source = _OTHER.sub(other, source)
    for name in opened:
        source = re.sub(rf"\[/{re.escape(name)}\]", "", source, flags=re.IGNORECASE)
    return source
