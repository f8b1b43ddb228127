"""Time `sitegen import wordpress` on a generated WordPress export.

    python benchmarks/import_wxr.py --posts 2000 [--body-kb 2] [--runs 3]
    python benchmarks/import_wxr.py --megabytes 10 [--runs 3]
    python benchmarks/import_wxr.py --posts 2000 --write EXPORT.xml   (only the export)

The export (WXR 1.2) is made from the benchmark corpus of generate.py: each post's body
is written the way the classic editor stored it (paragraphs separated by blank lines,
no <p>, a line of text directly followed by a list, headings and tables among the
text), with its municipality as a tag, its themes as tags on every other post (the
rest get themes suggested from the text), three comments, and an attachment item per
ten posts. --megabytes adds posts until the file is that large. Each run imports into
a fresh site (content/themes.yaml only); the times are the wall and CPU time of the
import in this process, the best and the median of the runs. The same arguments give
the same export. With --write the export is written and nothing timed, for timing
`sitegen import wordpress EXPORT.xml` as a whole process (e.g. with /usr/bin/time).
"""

from __future__ import annotations

import argparse
import html
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import Post, generate

from sitegen.importers import import_wordpress
from sitegen.slugs import slugify

REPO = Path(__file__).resolve().parent.parent
HEAD = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
\txmlns:content="http://purl.org/rss/1.0/modules/content/"
\txmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
\t<title>Besöksbloggen</title>
\t<link>https://socialbarnungdom.se</link>
\t<wp:base_site_url>https://socialbarnungdom.se</wp:base_site_url>
\t<wp:wxr_version>1.2</wp:wxr_version>
\t<wp:author><wp:author_login><![CDATA[samordnaren]]></wp:author_login>
\t\t<wp:author_display_name><![CDATA[Nationella samordnaren]]></wp:author_display_name>
\t</wp:author>
"""


def classic(markdown: str, rng: random.Random) -> str:
    """A Markdown body of the corpus as the classic editor stored it."""
    out: list[str] = []
    for block in markdown.strip().split("\n\n"):
        if block.startswith("## "):
            out.append(f"<h2>{html.escape(block[3:])}</h2>")
        elif block.startswith("- "):
            items = "".join(f"\n\t<li>{html.escape(line[2:])}</li>" for line in block.split("\n"))
            lead = out.pop() if out and rng.random() < 0.7 else ""
            out.append(f"{lead}\n<ul>{items}\n</ul>" if lead else f"<ul>{items}\n</ul>")
        else:
            sentences = html.escape(block).split(". ")
            cut = rng.randint(1, max(1, len(sentences) - 1))
            out.append(". ".join(sentences[:cut]) + (".\n" + ". ".join(sentences[cut:])
                                                     if cut < len(sentences) else ""))
    if rng.random() < 0.3:
        rows = "".join(f"\n<tr><td>{2015 + i}</td><td>{rng.randint(10, 90)}</td></tr>"
                       for i in range(4))
        out.append(f"<table>\n<tr><th>År</th><th>Antal</th></tr>{rows}\n</table>")
    return "\n\n".join(out)


def item(post: Post, number: int, rng: random.Random, body_bytes: int | None) -> str:
    body = post.body
    if body_bytes is not None:
        body = body.encode()[:body_bytes].decode("utf-8", "ignore").rsplit("\n\n", 1)[0]
    plan = "".join(f"\n\t<li>{html.escape(p if isinstance(p, str) else p['text'])}</li>"
                   for p in post.plan)
    content = classic(body, rng) + f"\n\nPlan för handling\n<ul>{plan}\n</ul>"
    tags = "".join(f'\n\t\t<category domain="post_tag" nicename="{slugify(m)}"><![CDATA[{m}]]>'
                   "</category>" for m in post.municipalities)
    if number % 2:
        tags += "".join(f'\n\t\t<category domain="post_tag" nicename="{slugify(t)}"><![CDATA['
                        f"{t}]]></category>" for t in post.themes)
    comments = "".join(
        f"\n\t\t<wp:comment><wp:comment_id>{number * 10 + c}</wp:comment_id><wp:comment_content>"
        f"<![CDATA[Tack för ett intressant inlägg om {post.municipalities[0]}!]]>"
        "</wp:comment_content><wp:comment_type><![CDATA[comment]]></wp:comment_type>"
        "</wp:comment>" for c in range(3))
    stamp = f"{post.date.isoformat()} 09:00:00"
    text = f"""
\t<item>
\t\t<title>{html.escape(post.title)}</title>
\t\t<link>https://socialbarnungdom.se/kommunbesok/{post.slug}/</link>
\t\t<dc:creator><![CDATA[samordnaren]]></dc:creator>
\t\t<content:encoded><![CDATA[{content}]]></content:encoded>
\t\t<wp:post_id>{number}</wp:post_id>
\t\t<wp:post_date><![CDATA[{stamp}]]></wp:post_date>
\t\t<wp:post_date_gmt><![CDATA[{stamp}]]></wp:post_date_gmt>
\t\t<wp:post_name><![CDATA[{post.slug}]]></wp:post_name>
\t\t<wp:status><![CDATA[publish]]></wp:status>
\t\t<wp:post_type><![CDATA[post]]></wp:post_type>
\t\t<category domain="category" nicename="kommunbesok"><![CDATA[Kommunbesök]]></category>
\t\t{tags}{comments}
\t</item>
"""
    if number % 10 == 0:
        text += f"""
\t<item>
\t\t<title>bild-{number}.jpg</title>
\t\t<wp:post_id>{number + 100000}</wp:post_id>
\t\t<wp:status>inherit</wp:status>
\t\t<wp:post_type>attachment</wp:post_type>
\t</item>
"""
    return text


def export(path: Path, posts: int, megabytes: float | None, body_kb: float | None) -> int:
    """Write the export; the number of posts in it."""
    rng = random.Random(7)
    limit = int(megabytes * 1_000_000) if megabytes else None
    corpus, _themes = generate(posts if limit is None else max(posts, 10_000), 1)
    parts = [HEAD]
    size = len(HEAD.encode())
    count = 0
    for number, post in enumerate(corpus, 1):
        if (limit is None and count == posts) or (limit is not None and size >= limit):
            break
        text = item(post, number, rng, int(body_kb * 1000) if body_kb else None)
        parts.append(text)
        size += len(text.encode())
        count += 1
    parts.append("</channel>\n</rss>\n")
    path.write_text("".join(parts), "utf-8")
    return count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=2000)
    parser.add_argument("--megabytes", type=float, help="add posts until the file is this large")
    parser.add_argument("--body-kb", type=float, help="cut each body to about this size")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--write", type=Path, help="write the export here and stop")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sitegen-import-") as tmp:
        source = args.write or Path(tmp) / "export.xml"
        count = export(source, args.posts, args.megabytes, args.body_kb)
        print(f"export: {count} posts, {source.stat().st_size / 1e6:.1f} MB, "
              f"{len(re.findall(r'<item>', source.read_text('utf-8')))} items")
        if args.write:
            return 0
        wall, cpu = [], []
        for run in range(args.runs):
            site = Path(tmp) / f"site-{run}"
            (site / "content").mkdir(parents=True)
            shutil.copy(REPO / "content" / "themes.yaml", site / "content" / "themes.yaml")
            start, start_cpu = time.perf_counter(), time.process_time()
            report = import_wordpress(source, site)
            wall.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
            shutil.rmtree(site)
        print(f"import: wall best {min(wall):.2f} s, median {statistics.median(wall):.2f} s; "
              f"cpu best {min(cpu):.2f} s, median {statistics.median(cpu):.2f} s "
              f"({args.runs} runs; {len(report.written)} files written)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
