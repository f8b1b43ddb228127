"""Search at scale: build a generated 10,000-post site with Pagefind and report

- Pagefind's indexing time (wall) and peak memory of the pagefind process,
- the index size on disk (output/pagefind),
- the bytes a browser downloads under /pagefind/ for a first query on /sok/?q=<word>
  (measured in Chromium through the Performance API's transfer sizes).

Usage: .venv/bin/python benchmarks/search_size.py [--posts 10000] [--words 1000] [--seed 1]
       [--word utredningen] [--keep DIR]
       .venv/bin/python benchmarks/search_size.py --site OUTPUT [--word utredningen]
       (only the first queries, on a site already built with search)

The prose is synthesised from a Swedish word list, deterministically from the seed, at
about `--words` words (~6 kB) per post.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import http.server
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
    def log_message(self, format: str, *args: object) -> None:
        pass


def first_query_bytes(site: Path, word: str) -> tuple[int, int, int]:
    """(bytes under /pagefind/, requests under /pagefind/, results shown) for one query.

    Counted with Playwright's request events, which (unlike the page's Performance API)
    also see what Pagefind's web worker fetches. Bytes are response bodies plus headers
    as served uncompressed by a plain static server; Pagefind's index, fragment, filter
    and wasm files are gzip-compressed by Pagefind itself.
    """
    from playwright.sync_api import sync_playwright

    handler = functools.partial(QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    seen: list[tuple[str, int]] = []
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium",
                                         args=["--no-sandbox", "--disable-gpu"])
            context = browser.new_context()

            def finished(request: Any) -> None:
                if "/pagefind/" in request.url:
                    sizes = request.sizes()
                    seen.append((request.url, sizes["responseBodySize"]
                                 + sizes["responseHeadersSize"]))

            context.on("requestfinished", finished)
            page = context.new_page()
            page.goto(f"{base}/sok/?q={word}")
            page.wait_for_function(
                "() => /träff/.test(document.querySelector('[data-search-status]').textContent)",
                timeout=120_000)
            page.wait_for_timeout(1000)
            shown = page.locator(".search-result").count()
            browser.close()
    finally:
        server.shutdown()
    return sum(size for _, size in seen), len(seen), shown


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--words", type=int, default=650)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--word", default="utredningen")
    parser.add_argument("--keep", type=Path)
    parser.add_argument("--site", type=Path,
                        help="only measure the first queries on this built site (an output/)")
    args = parser.parse_args()
    if args.site:
        for word in (args.word, RARE):
            size, requests, shown = first_query_bytes(args.site, word)
            print(f"first query ?q={word}: {size / 1000:.0f} kB in {requests} requests "
                  f"under /pagefind/ ({shown} results shown)")
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
        indexed = search.update_index(out, out / search.BUNDLE, None, lambda: None, None)
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
        for word in (args.word, RARE):
            size, requests, shown = first_query_bytes(out, word)
            print(f"first query ?q={word}: {size / 1000:.0f} kB in {requests} requests "
                  f"under /pagefind/ ({shown} results shown)")
    finally:
        if args.keep is None:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
