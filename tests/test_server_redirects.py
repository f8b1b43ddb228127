"""The server rules the build writes for old addresses (_redirects, nginx's map, Apache's
.htaccess): each file is parsed as its server reads it and every old address must lead
to its new URL; nginx's file is also loaded by Debian's nginx (`nginx -t`) and served
on loopback, where every old address must answer 301 with the new URL."""

from __future__ import annotations

import getpass
import http.client
import os
import re
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, unquote

import pytest

from sitegen.build import build
from sitegen.cli import main
from sitegen.errors import SitegenError
from sitegen.redirects import HTACCESS, NGINX, REDIRECTS, server_rules

MOVED = [
    ("/2016/02/forsta-besoket-i-habo/", "/kommunbesok/forsta-besoket-i-habo/"),
    ("/kommunbesok/åmal-sticker-ut/", "/kommunbesok/amal-sticker-ut/"),
    ("/ovrigt/καλημέρα-2/", "/ovrigt/post-23/"),
    ("/gammal-sida.html", "/om-bloggen/"),
    ("/?p=12", "/kommunbesok/familjeradslag-i-botkyrka/"),
    ("/?page_id=200", "/om-bloggen/"),
    ("/arkiv/?cat=3", "/tema/familjeradslag/"),
    ("/?p=7&lang=sv", "/ovrigt/post-7/"),
    ("/Stora-Bokstaver/", "/ovrigt/stora/"),
    ("/stora-bokstaver/", "/ovrigt/sma/"),
    ("/kommunbesok/" + "-".join(["ett-mycket-langt-gammalt-inlaggsnamn"] * 4) + "/",
     "/kommunbesok/langt/"),
    ("/kostnad-i-$-och-procent/", "/ovrigt/kronor-100%-$/"),
]
# nginx compares map strings without regard to case: the first of these two wins there.
NGINX_CASE = {"/stora-bokstaver/": "/ovrigt/stora/"}


def requests() -> list[tuple[str, str, str]]:
    """(path, query, the encoded target) for every old address, as a browser sends it."""
    out = []
    for old, new in MOVED:
        path, _, query = old.partition("?")
        out.append((path or "/", query, quote(new, safe="/#?=&-._~")))
    return out


# ---------------------------------------------------------------- Netlify and Cloudflare


def netlify(rules: str, path: str, query: str) -> tuple[str, int, bool] | None:
    """Netlify: the first rule whose path (trailing slash optional) and every query
    parameter match; (target, status, forced)."""
    asked = dict(p.split("=", 1) for p in query.split("&") if p)
    for line in rules.splitlines():
        words = line.split()
        if not words or words[0].startswith("#"):
            continue
        source, *params, target, status = words
        wanted = dict(p.split("=", 1) for p in params)
        if unquote(source).rstrip("/") == path.rstrip("/") and wanted == asked:
            return target, int(status.rstrip("!")), status.endswith("!")
    return None


def cloudflare(rules: str, path: str) -> tuple[str, int] | None:
    """Cloudflare Pages: only lines of two or three words with a status it knows count;
    the first valid rule for a path wins. It matches no queries."""
    seen: dict[str, tuple[str, int]] = {}
    for line in rules.splitlines():
        words = line.split()
        if not words or words[0].startswith("#") or not 2 <= len(words) <= 3:
            continue
        status = words[2] if len(words) == 3 else "302"
        if not status.isdigit() or int(status) not in (200, 301, 302, 303, 307, 308):
            continue
        seen.setdefault(words[0], (words[1], int(status)))
    return seen.get(quote(path, safe="/"))


def test_redirects_file_sends_every_old_address_on_netlify() -> None:
    rules = server_rules(MOVED)[REDIRECTS].decode()
    for path, query, target in requests():
        assert netlify(rules, path, query) == (target, 301, True), (path, query)
    assert netlify(rules, "/", "p=99") is None
    assert netlify(rules, "/2016/02/forsta-besoket-i-habo", "") is not None  # no slash


def test_redirects_file_sends_every_old_path_on_cloudflare_pages() -> None:
    rules = server_rules(MOVED)[REDIRECTS].decode()
    for path, query, target in requests():
        if not query:
            assert cloudflare(rules, path) == (target, 301), path
    assert all(line.isascii() for line in rules.splitlines() if not line.startswith("#"))


# ---------------------------------------------------------------- nginx


def nginx_maps(conf: str) -> tuple[dict[str, str], dict[str, str]]:
    """The two maps of the include: ($uri → target, "$uri?$args" → target)."""
    blocks = re.findall(r"^map (\S+) \$(\w+) \{\n(.*?)^\}", conf, re.MULTILINE | re.DOTALL)
    maps: dict[str, dict[str, str]] = {}
    for _source, name, body in blocks:
        table = {}
        for key, value in re.findall(r'^\s+"((?:[^"\\]|\\.)*)" "((?:[^"\\]|\\.)*)";$', body,
                                     re.MULTILINE):
            assert key.lower() not in table, f"nginx refuses a second {key}"
            table[key.lower()] = value
        maps[name] = table
    return maps["sitegen_redirect_path"], maps["sitegen_redirect"]


def test_nginx_maps_send_every_old_address() -> None:
    paths, queries = nginx_maps(server_rules(MOVED)[NGINX].decode())
    for path, query, target in requests():
        found = queries.get(f"{path}?{query}".lower()) or paths.get(path.lower())
        expected = quote(NGINX_CASE.get(path, unquote(target)), safe="/#?=&-._~")
        assert found == expected, (path, query)
        if not query and path.endswith("/") and len(path) > 1:
            assert paths[path.rstrip("/").lower()] == expected  # without its slash too


# ---------------------------------------------------------------- Apache


def apache(conf: str, path: str, query: str) -> str | None:
    """mod_rewrite in .htaccess: the path without its leading slash, decoded; each rule
    after its conditions; a substitution's \\% is a literal %."""
    condition = None
    for line in conf.splitlines():
        if line.startswith("RewriteCond %{QUERY_STRING} "):
            condition = line.split(" ", 2)[2]
        elif line.startswith("RewriteRule "):
            _, pattern, target, flags = line.split(" ")
            assert flags == "[R=301,L,NE,QSD]"
            if re.search(pattern, path.lstrip("/")) and (
                    condition is None or re.search(condition, query)):
                return target.replace("\\%", "%")
            condition = None
    return None


def test_htaccess_sends_every_old_address() -> None:
    conf = server_rules(MOVED)[HTACCESS].decode()
    assert conf.splitlines()[2:4] == ["<IfModule mod_rewrite.c>", "RewriteEngine On"]
    for path, query, target in requests():
        assert apache(conf, path, query) == target, (path, query)
    assert apache(conf, "/", "p=99") is None
    assert apache(conf, "/", "") is None


def test_nothing_moved_writes_no_rules() -> None:
    assert server_rules([]) == {}


# ---------------------------------------------------------------- the build


REDIRECTS_YAML = """
redirects:
  /category/kommunbesok/: /kommunbesok/
  /?page_id=7: /kommun/habo/
  /arkiv/?cat=3: /tema/
"""


@pytest.fixture()
def built(make_site) -> Path:  # type: ignore[no-untyped-def]
    root: Path = make_site("basic")
    (root / "site.yaml").write_text((root / "site.yaml").read_text("utf-8") + REDIRECTS_YAML,
                                    "utf-8")
    build(root, with_search=False)
    return root / "output"


def test_the_build_writes_rules_for_aliases_and_site_redirects(built: Path) -> None:
    rules = (built / REDIRECTS).read_text("utf-8")
    assert netlify(rules, "/2016/02/forsta-besoket-i-habo/", "") == (
        "/kommunbesok/forsta-besoket-i-habo/", 301, True)
    assert netlify(rules, "/category/kommunbesok/", "") == ("/kommunbesok/", 301, True)
    assert netlify(rules, "/", "page_id=7") == ("/kommun/habo/", 301, True)
    assert apache((built / HTACCESS).read_text("utf-8"), "/arkiv/", "cat=3") == "/tema/"
    assert (built / NGINX).is_file()


def test_a_static_file_in_place_of_a_rule_file_is_an_error(make_site) -> None:  # type: ignore[no-untyped-def]
    root: Path = make_site("basic")
    (root / "static").mkdir(exist_ok=True)
    (root / "static" / REDIRECTS).write_text("/a /b 301\n", "utf-8")
    with pytest.raises(SitegenError) as caught:
        build(root, with_search=False)
    assert any(p.path == f"static/{REDIRECTS}" for p in caught.value.problems)


# ---------------------------------------------------------------- Debian's nginx


def nginx_binary() -> str:
    found = os.environ.get("SITEGEN_NGINX") or shutil.which("nginx") or (
        "/usr/sbin/nginx" if os.access("/usr/sbin/nginx", os.X_OK) else "")
    if not found:
        message = "nginx is missing (scripts/test fetches Debian's nginx)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return found


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _conf(tmp_path: Path, include: Path, root: Path, port: int) -> list[str]:
    """A config for nginx run by the tests: everything under `tmp_path`, the rules
    included, the site served on loopback; the command that runs it."""
    temp = tmp_path / "nginx"
    temp.mkdir(exist_ok=True)
    paths = " ".join(f"{kind}_temp_path {temp};" for kind in
                     ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    # As root, nginx's workers would read the site as nobody: keep the tests' user.
    user = f"user {getpass.getuser()};" if os.geteuid() == 0 else ""
    conf = tmp_path / "nginx.conf"
    conf.write_text(f"""{user}
worker_processes 1;
daemon off;
pid {temp}/nginx.pid;
error_log stderr;
events {{ worker_connections 16; }}
http {{
    access_log off;
    {paths}
    include {include};
    server {{
        listen 127.0.0.1:{port};
        root {root};
        if ($sitegen_redirect) {{ return 301 $sitegen_redirect; }}
    }}
}}
""", "utf-8")
    return [nginx_binary(), "-p", str(temp), "-c", str(conf), "-e", "stderr"]


def _syntax_ok(command: list[str]) -> None:
    tested = subprocess.run([*command, "-t"], capture_output=True, text=True, check=False)
    assert tested.returncode == 0, tested.stderr
    assert "syntax is ok" in tested.stderr


@pytest.fixture()
def nginx(built: Path, tmp_path: Path) -> Iterator[int]:
    """Debian's nginx serving the built site on loopback, with the rules included."""
    port = _free_port()
    command = _conf(tmp_path, built / NGINX, built, port)
    _syntax_ok(command)
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
                break
            except OSError:
                time.sleep(0.05)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=10)


def _get(port: int, target: str) -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    connection.request("GET", target)
    response = connection.getresponse()
    response.read()
    connection.close()
    return response.status, response.getheader("Location") or ""


def test_nginx_answers_301_for_every_old_address(nginx: int) -> None:
    base = f"http://127.0.0.1:{nginx}"
    assert _get(nginx, "/2016/02/forsta-besoket-i-habo/") == (
        301, f"{base}/kommunbesok/forsta-besoket-i-habo/")
    assert _get(nginx, "/2016/02/forsta-besoket-i-habo") == (
        301, f"{base}/kommunbesok/forsta-besoket-i-habo/")
    assert _get(nginx, "//2016//02/forsta-besoket-i-habo/") == (  # merged, as nginx does
        301, f"{base}/kommunbesok/forsta-besoket-i-habo/")
    assert _get(nginx, "/category/kommunbesok/") == (301, f"{base}/kommunbesok/")
    assert _get(nginx, "/?page_id=7") == (301, f"{base}/kommun/habo/")
    assert _get(nginx, "/arkiv/?cat=3") == (301, f"{base}/tema/")
    assert _get(nginx, "/?page_id=8")[0] == 200  # the start page, as before
    assert _get(nginx, "/kommunbesok/forsta-besoket-i-habo/")[0] == 200


def test_nginx_loads_every_kind_of_old_address(tmp_path: Path) -> None:
    """Long, non-ASCII and case-twin keys, and targets with $ and %: nginx -t passes."""
    (tmp_path / NGINX).write_bytes(server_rules(MOVED)[NGINX])
    _syntax_ok(_conf(tmp_path, tmp_path / NGINX, tmp_path, _free_port()))


def test_check_reports_a_static_file_in_place_of_a_rule_file_as_build_does(
        make_site, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    root: Path = make_site("basic")
    (root / "static").mkdir(exist_ok=True)
    (root / "static" / REDIRECTS).write_text("/a /b 301\n", "utf-8")
    assert main(["--root", str(root), "check"]) == 1
    assert f"static/{REDIRECTS}: filen krockar med /{REDIRECTS}" in capsys.readouterr().out
