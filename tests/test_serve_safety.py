"""`sitegen serve` on a shared machine, over real HTTP on loopback: it answers only to
its own names (no DNS rebinding), keeps its event stream to its own pages, redirects
only to paths it made, and never prints a traceback, whatever the request or however
early the client goes away."""

from __future__ import annotations

import shutil
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_serve import TIMEOUT, Log, site, wait_for  # noqa: F401  (site is a fixture)

from sitegen.cli import main
from sitegen.serve import PreviewServer


@pytest.fixture(scope="module")
def running(repo_root: Path, tmp_path_factory: pytest.TempPathFactory,
            ) -> Iterator[tuple[PreviewServer, Log]]:
    """One server for the module's tests: none of them changes the site."""
    root = tmp_path_factory.mktemp("serve") / "site"
    root.mkdir()
    for name in ("content", "layouts", "assets"):
        shutil.copytree(repo_root / name, root / name)
    shutil.copy(repo_root / "site.yaml", root / "site.yaml")
    log = Log()
    server = PreviewServer(root, "127.0.0.1", 0, log)
    server.start()
    try:
        yield server, log
    finally:
        server.close()


def raw(server: PreviewServer, request: bytes, *, read: bool = True) -> bytes:
    """Send `request` as it is and return the whole answer (the server closes)."""
    host, port = server.httpd.server_address[:2]
    with socket.create_connection((str(host), int(port)), timeout=TIMEOUT) as conn:
        conn.sendall(request)
        if not read:
            return b""
        chunks = []
        while chunk := conn.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def ask(server: PreviewServer, path: str, host: str | None = None,
        headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    port = int(server.httpd.server_address[1])
    lines = [f"GET {path} HTTP/1.1"]
    if host != "":
        lines.append(f"Host: {host or f'127.0.0.1:{port}'}")
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    lines.append("Connection: close")
    answer = raw(server, ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
    head, _, body = answer.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    found = dict(line.split(": ", 1) for line in header_lines)
    return int(status_line.split()[1]), {k.lower(): v for k, v in found.items()}, body


PAGE = "/kommunbesok/familjeradslag-i-botkyrka/"


def test_answers_only_its_own_names(running: tuple[PreviewServer, Log]) -> None:
    server, log = running
    log.lines.clear()
    port = int(server.httpd.server_address[1])
    for good in (f"127.0.0.1:{port}", f"localhost:{port}", f"LOCALHOST:{port}",
                 f"localhost.:{port}"):
        assert ask(server, PAGE, good)[0] == 200, good
    # A page on another domain that rebinds its name to 127.0.0.1 sends its own name.
    for bad in (f"evil.example:{port}", "evil.example", f"127.0.0.1:{port + 1}",
                f"127.0.0.1.evil.example:{port}", f"[::1:{port}", f"127.0.0.1:x{port}", ""):
        status, _, body = ask(server, PAGE, bad)
        assert status == 421, bad
        assert "Familjerådslag" not in body.decode()
        assert "svarar bara på adresserna den lyssnar på" in body.decode()
    assert ask(server, "/__sitegen/events", f"evil.example:{port}")[0] == 421
    # One quiet line per refused name, said once.
    refusals = [line for line in log.lines if line.startswith("Vägrade")]
    assert len(refusals) == 7
    assert all(line.endswith("(ange namnet med --host)") for line in refusals)


def test_answers_to_the_host_it_was_given(site: Path) -> None:  # noqa: F811
    server = PreviewServer(site, "127.0.0.2", 0, Log())
    server.start()
    try:
        port = int(server.httpd.server_address[1])
        assert ask(server, PAGE, f"127.0.0.2:{port}")[0] == 200
        assert ask(server, PAGE, f"localhost:{port}")[0] == 200
        assert ask(server, PAGE, f"127.0.0.3:{port}")[0] == 421
    finally:
        server.close()


def test_event_stream_refuses_other_origins(running: tuple[PreviewServer, Log]) -> None:
    server, _ = running
    port = int(server.httpd.server_address[1])
    for headers in ({"Origin": "http://evil.example"},
                    {"Origin": f"http://evil.example:{port}"},
                    {"Origin": f"https://127.0.0.1:{port}"},
                    {"Origin": f"http://127.0.0.1:{port + 1}"},
                    {"Origin": "null"},
                    {"Sec-Fetch-Site": "cross-site"},
                    {"Sec-Fetch-Site": "same-site"}):
        status, _, body = ask(server, "/__sitegen/events", headers=headers)
        assert status == 403, headers
        assert "retry:" not in body.decode()
    # Our own pages may listen (the stream is cut short by a rebuild and a stop).
    port_host = f"127.0.0.1:{port}"
    request = (f"GET /__sitegen/events HTTP/1.1\r\nHost: {port_host}\r\n"
               f"Origin: http://{port_host}\r\nSec-Fetch-Site: same-origin\r\n\r\n").encode()
    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as conn:
        conn.sendall(request)
        first = conn.recv(4096)
    assert first.startswith(b"HTTP/1.0 200") or first.startswith(b"HTTP/1.1 200")


@pytest.mark.parametrize("path", [
    "/%2Fevil.example%2F..%2Fkommun",
    "/%5Cevil.example%2F..%2Fkommun",
    "/%5C%5Cevil.example%2F..%2Fkommun",
    "//evil.example/../kommun",
    "/%2F%2Fevil.example/%2E%2E/kommun",
    "/./kommun",
])
def test_redirects_only_to_its_own_paths(running: tuple[PreviewServer, Log],
                                         path: str) -> None:
    server, _ = running
    status, headers, _ = ask(server, path)
    assert status == 301
    assert headers["location"] == "/kommun/"


def test_redirect_keeps_the_folder_it_found(running: tuple[PreviewServer, Log]) -> None:
    server, _ = running
    status, headers, _ = ask(server, PAGE.rstrip("/"))
    assert (status, headers["location"]) == (301, PAGE)
    status, headers, _ = ask(server, "/__sitegen/senaste" + PAGE.rstrip("/"))
    assert (status, headers["location"]) == (301, "/__sitegen/senaste" + PAGE)


ODD = [
    "/x%00.css", "/x%00/", "/%00", "/kommun/%00", "/x.css%00.html",
    "/" + "a" * 5000, "/" + "a" * 5000 + ".css", "/" + "å" * 300 + "/", "/a/" * 1500,
    "/__sitegen/senaste/" + "b" * 5000, "/__sitegen/senaste/x%00/",
    "/%ff%fe.css", "/%", "/%zz", "/%0d%0aSet-Cookie:%20x=1", "/\x7f", "/a%1b[31m",
    "*", "kommun", "http://evil.example/kommun/", "/..%2F..%2F..%2Fetc%2Fpasswd",
    "/../../../etc/passwd", "/assets/../../site.yaml", "/?" + "q" * 5000,
]


@pytest.mark.parametrize("path", ODD)
def test_odd_paths_get_an_answer_not_a_traceback(
        running: tuple[PreviewServer, Log], path: str, capfd: pytest.CaptureFixture[str]) -> None:
    server, log = running
    status, headers, body = ask(server, path)
    assert status in (200, 301, 400, 404), (path, status)
    assert b"root:" not in body and b"base_url" not in body
    if status == 301:
        assert headers["location"].startswith("/") and not headers["location"].startswith(
            ("//", "/\\"))
    # The server is still there.
    assert ask(server, PAGE)[0] == 200
    captured = capfd.readouterr()
    assert "Traceback" not in captured.err + captured.out
    assert not any("Traceback" in line for line in log.lines)


def test_clients_that_leave_early_leave_no_trace(running: tuple[PreviewServer, Log],
                                                 capfd: pytest.CaptureFixture[str]) -> None:
    server, log = running
    port = int(server.httpd.server_address[1])
    request = f"GET {PAGE} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode()
    for _ in range(20):
        # Reset at once (SO_LINGER 0): the answer is written to a connection that is gone.
        conn = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        conn.sendall(request)
        conn.close()
    # Event streams whose tabs were closed, then a rebuild writes to them.
    streams = []
    for _ in range(3):
        conn = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
        conn.sendall(f"GET /__sitegen/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n"
                     .encode())
        head = b""
        while b"retry: 1000" not in head:  # the headers and the first line may come apart
            chunk = conn.recv(4096)
            assert chunk, "the stream closed"
            head += chunk
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        streams.append(conn)
    for conn in streams:
        conn.close()
    server.preview.rebuild()
    server.preview.rebuild()
    assert ask(server, PAGE)[0] == 200
    # Let the handler threads finish writing to the closed connections.
    wait_for(lambda: not any("process_request" in t.name for t in threading.enumerate()),
             "the request threads to end")
    captured = capfd.readouterr()
    assert "Traceback" not in captured.err + captured.out
    assert not any("Traceback" in line or "kunde inte svara" in line for line in log.lines)


@pytest.mark.parametrize("port", ["99999", "-1", "65536"])
def test_ports_out_of_range_are_a_message(site: Path, port: str,  # noqa: F811
                                          capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--root", str(site), "serve", "--port", port]) == 1
    err = capsys.readouterr().err
    assert f"--port: porten {port} finns inte; välj en port mellan 1024 och 65535" in err
    assert "Traceback" not in err
