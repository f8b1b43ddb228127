"""`sitegen new`: start a post with a complete frontmatter skeleton.

The editor names the municipalities and themes on the command line; they are checked
against the register and the vocabulary here (with a did-you-mean), so the file that
comes out already passes `sitegen check` (with warnings for what is left to write).
The post is a draft until the editor removes `draft: true`; `check` and `build` hold
it back until its text is written. A revisit gets a `followup` of the latest earlier
visit to the same municipality, one item per plan item, each `unassessed`: a status
the site never shows, so a skeleton cannot turn "Pågår" into "Ej påbörjad".
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sitegen import content, sources, urls
from sitegen.config import SiteConfig, load_config
from sitegen.errors import Problem, SitegenError, did_you_mean
from sitegen.model import Post
from sitegen.registry import Municipality, default_register
from sitegen.site import post_order
from sitegen.slugs import slugify

_PLAIN = re.compile(r"^[^\W\d_][\w .()-]*$")

@dataclass(frozen=True)
class NewPost:
    path: Path
    """The file written."""
    shown: str
    """Its path relative to the site root, as the editor would type it."""
    url: str
    followup_of: Post | None
    """The earlier visit the new post follows up, if there was one."""


def new_post(root: Path, title: str, municipalities: Sequence[str], themes: Sequence[str],
             *, category: str | None = None, today: dt.date | None = None) -> NewPost:
    """Write content/posts/<slug>.md; raise SitegenError (and write nothing) on any
    problem, including an existing file."""
    sources.confine(root)
    config = load_config(root)
    vocabulary = content.load_vocabulary(root)
    if isinstance(config, list) or isinstance(vocabulary, list):
        raise SitegenError((config if isinstance(config, list) else [])
                           + (vocabulary if isinstance(vocabulary, list) else []))
    problems: list[Problem] = []
    found_m = _municipalities(municipalities, problems)
    theme_names = _themes(themes, vocabulary, problems)
    category = category or config.visit_category
    if category not in config.categories:
        problems.append(Problem("--kategori", 0, f'okänd kategori "{category}"'
                                + did_you_mean(category, config.categories)
                                + f" (finns: {', '.join(config.categories)})"))
    is_visit = category == config.visit_category
    if is_visit and not found_m and not any(p.path == "--kommun" for p in problems):
        problems.append(Problem("--kommun", 0, "ett kommunbesök behöver minst en kommun: "
                                               "--kommun Botkyrka"))
    if is_visit and not theme_names and not any(p.path == "--tema" for p in problems):
        problems.append(Problem("--tema", 0, "ett kommunbesök behöver minst ett tema: "
                                             "--tema Personalförsörjning"))
    slug = slugify(title)
    if not slug:
        problems.append(Problem("titel", 0, f'titeln "{title}" ger ingen adress; använd '
                                            "bokstäver eller siffror"))
    elif len(slug) > urls.MAX_SEGMENT:
        problems.append(Problem("titel", 0, f"titeln ger en för lång adress ({len(slug)} "
                                            f"tecken, högst {urls.MAX_SEGMENT}); korta titeln. "
                                            f"Adressen blir filens namn: {slug[:40]}…"))
    if problems:
        raise SitegenError(problems)
    shown = f"content/posts/{slug}.md"
    path = root / shown
    exists = Problem(shown, 0, "filen finns redan; sitegen new skriver aldrig över ett inlägg. "
                               "Redigera filen eller välj en annan titel")
    if path.exists():
        raise SitegenError([exists])
    earlier = latest_visit(root, config, vocabulary, found_m)
    text = skeleton(title, today or dt.date.today(), category, found_m, theme_names, earlier)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            with path.open("x", encoding="utf-8") as handle:  # "x": never overwrite, racing
                handle.write(text)
        except FileExistsError:
            raise SitegenError([exists]) from None
    except OSError as exc:
        raise SitegenError([Problem(shown, 0, f"kan inte skrivas: {exc.strerror or exc}")]) \
            from None
    return NewPost(path, shown, urls.post(category, slug), earlier)


def _municipalities(names: Sequence[str], problems: list[Problem]) -> list[Municipality]:
    """The municipalities named (each once, in order); a problem for each unknown name."""
    register = default_register()
    found: list[Municipality] = []
    for name in names:
        municipality = register.lookup(name)
        if municipality is None:
            problems.append(Problem("--kommun", 0, f'okänd kommun "{name}"' + did_you_mean(
                name.removesuffix(" kommun"), register.names)))
        elif municipality not in found:
            found.append(municipality)
    return found


def _themes(names: Sequence[str], vocabulary: content.Vocabulary,
            problems: list[Problem]) -> list[str]:
    """The themes named, as the vocabulary spells them (each once, in order); a problem
    for each unknown name."""
    found: list[str] = []
    for name in names:
        theme = vocabulary.find(name)
        if theme is None:
            problems.append(Problem("--tema", 0, f'okänt tema "{name}"' + (
                did_you_mean(name, vocabulary.names)
                or f" (teman i content/themes.yaml: {', '.join(vocabulary.names)})")))
        elif theme.name not in found:
            found.append(theme.name)
    return found


def latest_visit(root: Path, config: SiteConfig, vocabulary: content.Vocabulary,
                 municipalities: Sequence[Municipality]) -> Post | None:
    """The newest post with a plan about any of `municipalities`. Posts with errors are
    skipped: a broken post elsewhere must not stop an editor from starting a new one."""
    if not municipalities:
        return None
    ctx = content.new_context(config, default_register(), vocabulary)
    ignored: list[Problem] = []
    posts = [post for post, _ in content.load_all(root, ctx, ignored, content.parse_post,
                                                   "posts")]
    wanted = set(municipalities)
    # Only a visit with a plan has anything to follow up.
    visits = sorted((p for p in posts if p.plan and wanted.intersection(p.municipalities)),
                    key=post_order)
    return visits[0] if visits else None


def _q(text: str) -> str:
    """A YAML scalar: plain when that is unambiguous, else double-quoted (JSON strings are
    valid YAML)."""
    if _PLAIN.match(text) and text.casefold() not in ("yes", "no", "true", "false", "null",
                                                      "on", "off"):
        return text
    return json.dumps(text, ensure_ascii=False)


def skeleton(title: str, date: dt.date, category: str, municipalities: Sequence[Municipality],
             themes: Sequence[str], earlier: Post | None) -> str:
    lines = [
        "---",
        f"title: {json.dumps(title, ensure_ascii=False)}",
        f"date: {date.isoformat()}",
        f"category: {category}",
        "# Kommunernas namn enligt SCB; länet hämtas från registret.",
        "municipalities:" + ("" if municipalities else " []"),
        *(f"  - {_q(m.name)}" for m in municipalities),
        "# Teman ur content/themes.yaml.",
        "themes:" + ("" if themes else " []"),
        *(f"  - {_q(t)}" for t in themes),
        "# En eller två meningar för listor, flöden och sök; tomt = inläggets första stycke.",
        'summary: ""',
        "# Plan för handling: en punkt per rad. Tematisera en punkt så här:",
        "#   - text: Återuppta arbetet med familjerådslag.",
        "#     themes: [Familjerådslag]",
        "plan: []",
        "#   - Första punkten i planen.",
        "# Medskick till nationell nivå, skrivs som plan.",
        "national_input: []",
        "#   - Första medskicket.",
    ]
    if earlier is not None:
        when = earlier.date.isoformat() if earlier.date else "datum saknas"
        lines += [
            f"# Återbesök: uppföljning av {json.dumps(earlier.title, ensure_ascii=False)}"
            f" ({when}).",
            "# Bedöm varje punkt: byt unassessed (ej bedömd) mot done (genomförd),",
            "# in_progress (pågår), not_started (ej påbörjad) eller dropped (avbruten), och",
            "# ta bort punkter ni inte följde upp. En punkt som inte är bedömd visas aldrig",
            "# på webbplatsen, och inlägget kan inte publiceras förrän alla är bedömda.",
            "followup:",
            f"  of: {earlier.slug}",
        ]
        lines.append("  items:")
        for item in earlier.plan:
            lines += [
                f"    # {' '.join(item.text.split())}",
                f"    - item: {json.dumps(item.id)}",
                "      status: unassessed",
                '      note: ""',
            ]
    lines += [
        "# Ett utkast visas bara i förhandsgranskningen (sitegen serve). Ta bort raden",
        "# när inlägget är klart att publiceras.",
        "draft: true",
        "---",
        "",
        f"{content.SKELETON_TEXT} Underrubriker skrivs `## Rubrik`.",
        "",
    ]
    return "\n".join(lines)
