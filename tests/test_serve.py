"""`sitegen serve` over real HTTP on 127.0.0.1: pages, the reload stream, a broken
edit (error page, last good build kept on disk), recovery, drafts, Ctrl-C."""

from __future__ import annotations

import http.client
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import watched_preview

from sitegen.build import build
from sitegen.preview import Preview
from sitegen.serve import PREVIEW_DIR, PreviewServer

TIMEOUT = 20.0
POST = "content/posts/familjeradslag-i-botkyrka.md"
URL = "/kommunbesok/familjeradslag-i-botkyrka/"


@pytest.fixture
def site(repo_root: Path, tmp_path: Path) -> Path:
    root = tmp_path / "site"
    root.mkdir()
    for name in ("content", "layouts", "assets"):
        shutil.copytree(repo_root / name, root / name)
    shutil.copy(repo_root / "site.yaml", root / "site.yaml")
    return root


class Log:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self._partial = ""

    def __call__(self, message: str, end: str = "\n") -> None:
        text = self._partial + message + end
        *done, self._partial = text.split("\n")
        self.lines += done


@pytest.fixture
def server(site: Path) -> Iterator[tuple[PreviewServer, Log]]:
    log = Log()
    with watched_preview(site, log) as preview:
        yield preview, log


def get(server: PreviewServer, path: str) -> tuple[int, str, dict[str, str]]:
    port = int(server.httpd.server_address[1])
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return (response.status, response.read().decode("utf-8"),
                {k.lower(): v for k, v in response.getheaders()})
    finally:
        conn.close()


def wait_for(check: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    pytest.fail(f"timed out waiting for {what}")


class EventClient:
    """A Server-Sent Events client on a raw connection, reading with a timeout."""

    def __init__(self, server: PreviewServer) -> None:
        port = int(server.httpd.server_address[1])
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
        self.conn.request("GET", "/__sitegen/events")
        self.response = self.conn.getresponse()
        assert self.response.status == 200
        assert self.response.getheader("Content-Type", "").startswith("text/event-stream")
        # The stream is registered once its first line has arrived.
        assert self.response.fp.readline() == b"retry: 1000\n"

    def next_event(self) -> str:
        while True:
            line = self.response.fp.readline()
            if not line:
                raise AssertionError("the event stream closed")
            if line.startswith(b"event: "):
                return line.decode().removeprefix("event: ").strip()

    def close(self) -> None:
        self.conn.close()


def test_edit_reloads_break_shows_errors_fix_recovers(
        server: tuple[PreviewServer, Log], site: Path) -> None:
    preview, log = server
    status, page, headers = get(preview, URL)
    assert status == 200
    assert '<h1 data-pagefind-meta="title">Familjerådslag i Botkyrka</h1>' in page
    assert '<script src="/__sitegen/reload.js" defer></script>' in page
    assert headers["cache-control"] == "no-store"
    status, script, headers = get(preview, "/__sitegen/reload.js")
    assert status == 200 and 'new EventSource("/__sitegen/events")' in script
    assert headers["content-type"].startswith("text/javascript")
    assert re.fullmatch(r"Bygger … klart på \d+\.\d s \(5 inlägg varav 0 utkast, \d+ filer\)",
                        next(line for line in log.lines if line.startswith("Bygger")))
    assert not (site / "output").exists()  # the preview never touches output/

    # Edit: the page changes and a connected tab is told to reload.
    client = EventClient(preview)
    try:
        source = site / POST
        good = source.read_text().replace("Personalförsörjningen i Botkyrka möter",
                                          "ÄNDRAT I FÖRHANDSGRANSKNINGEN: Botkyrka möter")
        assert good != source.read_text()
        source.write_text(good)
        assert client.next_event() == "reload"
        wait_for(lambda: "ÄNDRAT I FÖRHANDSGRANSKNINGEN" in get(preview, URL)[1],
                 "the edited page")
        assert any(line == f"Ändrat: {POST}" for line in log.lines)

        # Break the frontmatter: every HTML page shows the problems, the last good build
        # stays on disk, other files are still served.
        source.write_text(good.replace("  - Botkyrka\n", "  - Botkyrk\n", 1))
        assert client.next_event() == "reload"
        wait_for(lambda: get(preview, URL)[0] == 500, "the error page")
        status, page, _ = get(preview, URL)
        assert "<h1>Bygget misslyckades</h1>" in page
        assert (f"<li><code>{POST}:7</code> okänd kommun &quot;Botkyrk&quot; – menade du "
                "&quot;Botkyrka&quot;?</li>") in page
        assert '<script src="/__sitegen/reload.js" defer></script>' in page
        assert get(preview, "/kommun/")[0] == 500
        on_disk = site / PREVIEW_DIR / URL.strip("/") / "index.html"
        assert "ÄNDRAT I FÖRHANDSGRANSKNINGEN" in on_disk.read_text()
        assert get(preview, "/robots.txt")[0] == 200
        assert f'{POST}:7: okänd kommun "Botkyrk" – menade du "Botkyrka"?' in log.lines

        # Fix it: the site recovers and the tab is told to reload again.
        source.write_text(good.replace("ÄNDRAT I FÖRHANDSGRANSKNINGEN", "RÄTTAT"))
        assert client.next_event() == "reload"
        wait_for(lambda: get(preview, URL)[0] == 200, "recovery")
        status, page, _ = get(preview, URL)
        assert "RÄTTAT: Botkyrka möter" in page and "Bygget misslyckades" not in page
    finally:
        client.close()


def test_drafts_are_shown_and_marked(site: Path) -> None:
    draft = site / "content/posts/ett-utkast.md"
    draft.write_text("---\ntitle: Ett utkast\ndate: 2017-01-01\ncategory: ovrigt\n"
                     "draft: true\n---\nInte klart än.\n")
    preview = PreviewServer(site, "127.0.0.1", 0, Log())
    preview.start()
    try:
        status, page, _ = get(preview, "/ovrigt/ett-utkast/")
        assert status == 200
        assert "Utkast – visas bara i förhandsgranskningen." in page
        status, page, _ = get(preview, "/ovrigt/finns-inte/")
        assert status == 404 and "/__sitegen/reload.js" in page
        status, _, headers = get(preview, "/ovrigt/ett-utkast")
        assert status == 301 and headers["location"] == "/ovrigt/ett-utkast/"
    finally:
        preview.close()


def test_cli_serve_stops_cleanly_on_ctrl_c(site: Path) -> None:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "sitegen", "--root", str(site), "serve",
                             "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, env=env)
    lines: queue.Queue[str] = queue.Queue()
    reader = threading.Thread(target=lambda: [lines.put(line) for line in proc.stdout or []],
                              daemon=True)
    reader.start()
    try:
        url = ""
        deadline = time.monotonic() + TIMEOUT
        while not url and time.monotonic() < deadline:
            try:
                line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                break
            found = re.search(r"Förhandsgranskning på (http://127\.0\.0\.1:(\d+)/)", line)
            url = found.group(1) if found else ""
        assert url, "serve printed no URL"
        port = int(url.rsplit(":", 1)[1].strip("/"))
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
        conn.request("GET", URL)
        assert conn.getresponse().status == 200
        conn.close()
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=TIMEOUT) == 0
        reader.join(timeout=5)
        rest = []
        while not lines.empty():
            rest.append(lines.get())
        assert "Förhandsgranskningen stoppad.\n" in rest
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=5)


SAME = re.compile(r"\(\d+ varning(ar)? som förut visas inte igen\)")


def test_broken_build_errors_first_warnings_once_last_good_page(
        server: tuple[PreviewServer, Log], site: Path) -> None:
    preview, log = server
    source = site / POST
    good = source.read_text()
    undated = site / "content/posts/utan-datum.md"
    client = EventClient(preview)
    try:
        # A warning (no date) and an error (unknown municipality) in one save.
        undated.write_text("---\ntitle: Utan datum\ncategory: ovrigt\n---\nText.\n")
        assert client.next_event() == "reload"
        wait_for(lambda: any("utan-datum.md" in line for line in log.lines), "the warning")
        start = len(log.lines)
        source.write_text(good.replace("  - Botkyrka\n", "  - Botkyrk\n", 1))
        assert client.next_event() == "reload"
        wait_for(lambda: get(preview, URL)[0] == 500, "the error page")
        wait_for(lambda: any(SAME.fullmatch(line) for line in log.lines[start:]),
                 "the build's report")
        printed = log.lines[start:]
        error_line = printed.index(f'{POST}:7: okänd kommun "Botkyrk" – menade du "Botkyrka"?')
        assert printed[error_line - 1].startswith("Bygger … misslyckades")
        # The warning was printed by the build before; it is not repeated.
        assert not any("utan-datum.md" in line for line in printed)

        status, page, _ = get(preview, URL)
        assert status == 500
        errors_at = page.index("<h2>Fel</h2>")
        folded_at = page.index("<details>\n<summary>")
        assert "<summary>1 varning (hindrar inte bygget)</summary>" in page
        assert errors_at < page.index("okänd kommun") < folded_at < page.index("utan-datum.md")
        last_good = f"/__sitegen/senaste{URL}"
        assert f'<a href="{last_good}">Visa den senaste fungerande versionen' in page

        status, page, _ = get(preview, last_good)
        assert status == 200
        assert '<h1 data-pagefind-meta="title">Familjerådslag i Botkyrka</h1>' in page
        assert "Senaste fungerande versionen av " + URL in page
        assert '<script src="/__sitegen/reload.js" defer></script>' in page
        # A page that never built has no last good version.
        assert "ingen äldre version" in get(preview, "/ovrigt/finns-inte/")[1]
        assert get(preview, "/__sitegen/senaste/ovrigt/finns-inte/")[0] == 404

        # The same failure again: the error is printed again, the warning is not.
        start = len(log.lines)
        source.write_text(good.replace("  - Botkyrka\n", "  - Botkyrk\n", 1) + "\nMer.\n")
        assert client.next_event() == "reload"
        wait_for(lambda: any(SAME.fullmatch(line) for line in log.lines[start:]),
                 "the second report")
        assert any(line.startswith(f"{POST}:7: okänd kommun") for line in log.lines[start:])

        source.write_text(good)
        assert client.next_event() == "reload"
        wait_for(lambda: get(preview, URL)[0] == 200, "recovery")
    finally:
        client.close()


def test_reload_events_say_whether_the_build_worked(
        server: tuple[PreviewServer, Log], site: Path) -> None:
    preview, _ = server
    port = int(preview.httpd.server_address[1])
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    conn.request("GET", "/__sitegen/events")
    response = conn.getresponse()
    assert response.fp.readline() == b"retry: 1000\n"
    try:
        preview.preview.rebuild()
        while (line := response.fp.readline()) == b"\n":
            pass
        assert line == b"event: reload\n"
        assert b'"ok": true' in response.fp.readline()
        source = site / POST
        source.write_text(source.read_text().replace("  - Botkyrka\n", "  - Botkyrk\n", 1))
        preview.preview.rebuild()
        while (line := response.fp.readline()) == b"\n":
            pass
        assert line == b"event: reload\n"
        assert b'"ok": false' in response.fp.readline()
    finally:
        conn.close()


def test_preview_serves_its_search_index(server: tuple[PreviewServer, Log]) -> None:
    # The build leaves search out; the index is made in the background, kept beside the
    # preview site, and served at /pagefind/.
    preview, _ = server
    assert preview.preview.index.wait(60)
    status, page, _ = get(preview, "/sok/")
    assert status == 200 and "data-search" in page and "sitegen-note" not in page
    status, manifest, headers = get(preview, "/pagefind/shards.json")
    assert status == 200 and headers["content-type"].startswith("application/json")
    assert '"shards": [{"path": "0/", "pages": 7}]' in manifest
    assert not (preview.preview.out / "pagefind").exists()
    status, _, _ = get(preview, "/pagefind/0/pagefind.js")
    assert status == 200


MEMORY_SCRIPT = """
import sys
from pathlib import Path
from sitegen.cli import collector_paused
from sitegen.preview import Preview

def rss_kb():
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])

root = Path(sys.argv[1])
preview = Preview(root, root / ".sitegen-cache" / "preview", log=lambda *a, **k: None,
                  around_build=lambda: collector_paused(for_good=False))  # as serve does
post = sorted((root / "content" / "posts").glob("*.md"))[150]
original = post.read_text("utf-8")
sizes = []
for number in range(int(sys.argv[2]) + 1):
    post.write_text(original + f"\\nTillägg nummer {number}.\\n", "utf-8")
    assert preview.rebuild(), preview.problems
    sizes.append(rss_kb())
print(sizes[1], sizes[-1])
"""


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads VmRSS from /proc")
def test_memory_stays_flat_over_many_rebuilds(repo_root: Path, tmp_path: Path) -> None:
    # A preview server rebuilds in its own process over and over: what one build leaves
    # behind must be freed (a build that froze its garbage out of the collector's sight,
    # gc.freeze(), grew the server by ~10 MB a rebuild at 300 posts).
    root = tmp_path / "site"
    subprocess.run([sys.executable, str(repo_root / "benchmarks" / "generate.py"),
                    "--posts", "300", "--out", str(root)], check=True, capture_output=True)
    done = subprocess.run([sys.executable, "-c", MEMORY_SCRIPT, str(root), "50"],
                          capture_output=True, text=True, timeout=900, check=False)
    assert done.returncode == 0, done.stderr
    first, last = (int(kb) for kb in done.stdout.split())
    assert last <= first * 1.2, f"RSS {first} kB after the first rebuild, {last} kB after 50"


def test_first_save_after_a_build_writes_only_what_changed(
        site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The preview's first build leaves a kept copy of what it published, so an editor's
    first save writes into it, as every later save does, instead of linking every file of
    the site into a new folder (at 10,000 posts that was the first save's extra cost).
    Counted in files linked, not timed; what it shows is what a cold build makes."""
    build(site, with_search=False)  # as an editor's site is: `sitegen build` ran before
    preview = Preview(site, site / PREVIEW_DIR, Log())
    assert preview.rebuild()
    files = sum(len(names) for _, _, names in os.walk(site / PREVIEW_DIR))
    linked: list[str] = []
    link = os.link

    def counting(source: str | Path, target: str | Path) -> None:
        linked.append(str(target))
        link(source, target)

    monkeypatch.setattr(os, "link", counting)
    post = site / POST
    post.write_text(post.read_text("utf-8") + "\nEn mening om glasbruk.\n", "utf-8")
    assert preview.rebuild()
    assert files > 50
    assert len(linked) <= 5, f"the first save linked {len(linked)} of {files} files"
    page = (site / PREVIEW_DIR / URL.strip("/") / "index.html").read_text("utf-8")
    assert "En mening om glasbruk." in page
    monkeypatch.setattr(os, "link", link)
    build(site, site / "cold", drafts=True, with_search=False, incremental_build=False)
    assert tree(site / PREVIEW_DIR) == tree(site / "cold")


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*")
            if p.is_file() and p.name != ".sitegen-output"}


def test_serve_pauses_the_collector_around_each_rebuild_only(
        site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`sitegen serve` gives the preview the command line's collector pause (a rebuild at
    10,000 posts took 3.0-5.2 s with the collector scanning what it loads, 1.7 s without);
    it is on again between rebuilds, so what a rebuild leaves is freed."""
    import gc

    import sitegen.preview
    import sitegen.serve
    from sitegen.cli import main

    given: dict[str, object] = {}
    monkeypatch.setattr(sitegen.serve, "serve", lambda root, **kw: given.update(kw))
    assert main(["--root", str(site), "serve"]) == 0
    around = given["around_build"]
    assert callable(around)
    during: list[bool] = []
    real = sitegen.preview.build

    def watched(*args, **kwargs):  # type: ignore[no-untyped-def]
        during.append(gc.isenabled())
        return real(*args, **kwargs)

    monkeypatch.setattr(sitegen.preview, "build", watched)
    preview = Preview(site, site / PREVIEW_DIR, Log(), around)
    assert gc.isenabled()
    assert preview.rebuild() and preview.rebuild()
    assert during == [False, False] and gc.isenabled()
    Preview(site, site / PREVIEW_DIR, Log()).rebuild()  # without: left as it is
    assert during == [False, False, True]
