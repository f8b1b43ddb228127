"""Search at scale: build a generated 10,000-post site with Pagefind and report

- Pagefind's indexing time (wall) and peak memory of the pagefind process,
- the index size on disk (output/pagefind),
- the bytes a browser downloads for a first query on /sok/?q=<word> (measured in
  Chromium from the requests it makes, the search worker's included), by kind of file,
  served as they are and served as a typical static host serves them (text types
  gzip-compressed: HTML, CSS, JavaScript, JSON; Pagefind's own index files and its
  WebAssembly are gzip-compressed by Pagefind and served as they are).

Usage: .venv/bin/python benchmarks/search_size.py [--posts 10000] [--words 1000] [--seed 1]
       [--word utredningen] [--keep DIR]
       .venv/bin/python benchmarks/search_size.py --site OUTPUT [--word utredningen]
       (only the first queries, on a site already built with search)

The prose is synthesised from a Swedish word list, deterministically from the seed, at
about `--words` words (~6 kB) per post.
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import functools
import gzip
import http.server
import io
import os
import random
import resource
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from sitegen import search  # noqa: E402
from sitegen.build import build  # noqa: E402
from sitegen.config import SiteConfig  # noqa: E402
from sitegen.registry import default_register  # noqa: E402

WORD_LIST = """
socialtjänsten barn unga familj familjen familjer föräldrar vårdnadshavare utredning
utredningen utredningar utredningarna socialsekreterare socialsekreteraren enhetschef
kommunen kommuner samverkan samarbete skolan förskolan psykiatrin polisen hälso sjukvård
personal personalen rekrytering arbetsgivare arbetsmiljö arbetsbelastning handläggare
placering placeringar familjehem familjehemmet institution insatser insatsen stöd
stödet behov behoven delaktighet inflytande samtal samtalet möte mötet nätverksmöte
familjerådslag ensamkommande asylsökande mottagande boende skolgång hälsa trygghet
våld anmälan anmälningar orosanmälan bedömning beslut uppföljning plan handling
medskick nationell nivå regeringen myndigheter tillsyn socialnämnden politiker
politiken förvaltning verksamhet verksamheten utveckling utvecklingsarbete metod
metoder forskning högskolan universitetet socionomer utbildningen praktik kompetens
erfarenhet erfarna nyanställda introduktion handledning chefer ledarskap dokumentation
tid direkttid mätningen resultat kvalitet rättssäkerhet barnperspektivet barnets
bästa lagstiftningen vård omsorg ungdomar tonåringar skolkurator elevhälsa fritid
och att det som en på är för med till av den inte har om de i ett men man vi
kan ska vill måste behöver fick gjorde berättade beskrev lyfte diskuterade
arbetar arbetade fungerar utvecklar stärker förbättra behålla rekrytera stötta
viktigt viktiga svårt bra tydligt gemensamt tidigt länge ofta sällan alltid
dessutom samtidigt därför också även mycket flera många några andra olika
"""
WORDS = WORD_LIST.split()
RARE = "glasbruksmuseet"


def generate(root: Path, posts: int, words: int, seed: int) -> None:
    rng = random.Random(seed)
    for name in ("layouts", "assets"):
        shutil.copytree(REPO / name, root / name)
    (root / "content" / "posts").mkdir(parents=True)
    shutil.copy(REPO / "content" / "themes.yaml", root / "content" / "themes.yaml")
    shutil.copytree(REPO / "content" / "pages", root / "content" / "pages")
    shutil.copy(REPO / "site.yaml", root / "site.yaml")
    import yaml
    themes = [t["name"] for t in yaml.safe_load((REPO / "content" / "themes.yaml").read_text())]
    municipalities = list(default_register().names)
    start = dt.date(2015, 1, 1)
    for i in range(posts):
        kommun = rng.choice(municipalities)
        chosen = rng.sample(themes, rng.randint(1, 3))
        date = start + dt.timedelta(days=rng.randrange(3 * 365))
        paragraphs = []
        remaining = words
        while remaining > 0:
            n = min(remaining, rng.randint(40, 90))
            sentence = " ".join(rng.choice(WORDS) for _ in range(n))
            paragraphs.append(sentence.capitalize() + ".")
            remaining -= n
        if i % 1000 == 7:
            paragraphs.append(f"Vi besökte också {RARE} i {kommun}.")
        body = "\n\n".join(paragraphs)
        (root / "content" / "posts" / f"besok-{i:05d}.md").write_text(
            f"---\ntitle: Besök {i} i {kommun}\ndate: {date.isoformat()}\n"
            f"municipalities: [{kommun}]\nthemes: [{', '.join(chosen)}]\n---\n\n{body}\n",
            encoding="utf-8")


def du(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """A plain static server that counts the body bytes it sends, by path (server side,
    so a web worker's requests count too)."""

    sent: list[tuple[str, int]]

    def log_message(self, format: str, *args: object) -> None:
        pass

    def send_head(self) -> Any:
        body = super().send_head()
        if body is not None:
            self.sent.append((self.path, _length(body)))
        return body


def _length(body: Any) -> int:
    if isinstance(body, io.BytesIO):
        return len(body.getbuffer())
    return os.fstat(body.fileno()).st_size


COMPRESSED = (".html", ".css", ".js", ".json", ".txt", ".xml", ".svg")
"""What a typical static host compresses (by type); Pagefind's files it serves as they are."""


class GzipHandler(QuietHandler):
    """A static host that gzips text types (level 6) for a client that accepts it."""

    def send_head(self) -> Any:
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if (not path.name.endswith(COMPRESSED) or not path.is_file()
                or "gzip" not in self.headers.get("Accept-Encoding", "")):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), 6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.sent.append((self.path, len(body)))
        return io.BytesIO(body)


def kind(url: str) -> str:
    """The kind of a file a first query fetches, for the breakdown."""
    name = url.split("?")[0].rsplit("/", 1)[-1]
    if "/pagefind/" not in url:
        return "page and its own scripts"
    for suffix, label in ((".pf_meta", "page metadata (pf_meta)"),
                          (".pf_index", "index chunks"), (".pf_fragment", "result fragments"),
                          (".pf_filter", "filters"), (".pagefind", "WebAssembly"),
                          (".js", "pagefind.js and worker")):
        if name.endswith(suffix):
            return label
    return "manifests (json)"


def first_query_bytes(site: Path, word: str, *, compress: bool = False,
                      ) -> tuple[int, int, int, dict[str, int], float]:
    """(bytes under /pagefind/, requests under /pagefind/, results shown, bytes by kind
    over every request of the page, seconds from the page's start to the hit count
    shown) for one query in a fresh browser, on loopback.

    Counted by the server: response bodies as sent (so compressed with `compress`),
    without headers, for every request the page and Pagefind's web worker make.
    """
    from playwright.sync_api import sync_playwright

    seen: list[tuple[str, int]] = []
    kind_of = GzipHandler if compress else QuietHandler
    handler = functools.partial(type("Counting", (kind_of,), {"sent": seen}),
                                directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium",
                                         args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_context().new_page()
            page.goto(f"{base}/sok/?q={word}")
            page.wait_for_function(
                "() => /träff/.test(document.querySelector('[data-search-status]').textContent)",
                timeout=120_000, polling=10)
            seconds = page.evaluate("performance.now()") / 1000
            page.wait_for_timeout(1000)
            shown = page.locator(".search-result").count()
            browser.close()
    finally:
        server.shutdown()
    index = [(url, size) for url, size in seen if "/pagefind/" in url]
    kinds: dict[str, int] = collections.Counter()
    for url, size in seen:
        kinds[kind(url)] += size
    return sum(size for _, size in index), len(index), shown, dict(kinds), seconds


def report(site: Path, words: list[str]) -> None:
    for word in words:
        for compress in (False, True):
            size, requests, shown, kinds, seconds = first_query_bytes(site, word,
                                                                      compress=compress)
            how = "gzip-compressed text" if compress else "served as is"
            print(f"first query ?q={word} ({how}): {size / 1000:.0f} kB in {requests} "
                  f"requests under /pagefind/ ({shown} results shown; hit count after "
                  f"{seconds:.2f} s)")
            print("    " + ", ".join(f"{name} {value / 1000:.1f} kB"
                                     for name, value in sorted(kinds.items())))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--words", type=int, default=650)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--word", action="append", default=[],
                        help="a query word (repeatable; a rare word is always measured)")
    parser.add_argument("--keep", type=Path)
    parser.add_argument("--site", type=Path,
                        help="only measure the first queries on this built site (an output/)")
    args = parser.parse_args()
    words = [*args.word, RARE]
    if args.site:
        report(args.site, words)
        return
    tmp = Path(tempfile.mkdtemp(prefix="sitegen-search-bench-"))
    root = args.keep or tmp
    try:
        t0 = time.perf_counter()
        generate(root, args.posts, args.words, args.seed)
        post_bytes = du(root / "content" / "posts")
        print(f"generated {args.posts} posts, {post_bytes / args.posts / 1000:.1f} kB each "
              f"({time.perf_counter() - t0:.1f} s)")
        t0 = time.perf_counter()
        result = build(root, with_search=False)
        print(f"sitegen build without search: {time.perf_counter() - t0:.1f} s, "
              f"{result.files} files")
        out = root / "output"
        t0 = time.perf_counter()
        indexed = search.update_index(out, out / search.BUNDLE, None, lambda: None, None,
                                      size=SiteConfig.search_shard_pages)
        wall = time.perf_counter() - t0
        if not isinstance(indexed, search.SearchResult):
            raise SystemExit(str(indexed))
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"Pagefind indexing: {wall:.1f} s wall, {indexed.pages} pages in "
              f"{indexed.shards} shards, peak RSS {peak:.0f} MB")
        index = out / "pagefind"
        files = sum(1 for p in index.rglob("*") if p.is_file())
        print(f"index on disk: {du(index) / 1e6:.1f} MB in {files} files "
              f"(fragments {sum(du(f) for f in index.glob('*/fragment')) / 1e6:.1f} MB, "
              f"index chunks {sum(du(f) for f in index.glob('*/index')) / 1e6:.1f} MB, "
              f"filters {sum(du(f) for f in index.glob('*/filter')) / 1e6:.2f} MB)")
        report(out, words)
    finally:
        if args.keep is None:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
