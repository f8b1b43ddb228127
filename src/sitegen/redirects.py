"""Server rules that make the site's old addresses real HTTP 301 redirects.

The build already writes a small redirect page at every old address (and, for old
addresses with a query such as /?p=12, a map that a script follows); those work on
any static host, but as a page that moves on, not as a 301 that search engines and
link checkers take for a move. A host that reads redirect rules gets them from the
same list here, as files in the published site:

- `_redirects` for Netlify and Cloudflare Pages. Each old path has two lines: first
  "301!" (Netlify applies a rule at a path where a file exists, such as the redirect
  page, only when it is forced), then "301" (Cloudflare Pages refuses "301!", logs
  the line as invalid and takes the next one; it applies its rules before files
  anyway). Netlify alone matches queries: `/ p=12 /new/ 301!`, four words, which
  Cloudflare Pages skips.
- `nginx-redirects.conf`, two `map` blocks for nginx's http block: the path as nginx
  has normalised it ($uri: decoded, repeated slashes merged), and path and query
  ("$uri?$args") for /?p=12. The server block then needs one line:
  `if ($sitegen_redirect) { return 301 $sitegen_redirect; }`.
- `.htaccess` for Apache (mod_rewrite, AllowOverride FileInfo).

Pure: (old address, new URL) pairs in, {output path: bytes} out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import quote

REDIRECTS = "_redirects"
NGINX = "nginx-redirects.conf"
HTACCESS = ".htaccess"

# What a target URL may keep as it is; anything else is percent-encoded, so that no
# server reads a target's "$" or "%" as its own syntax.
_SAFE = "/#?=&-._~"


def server_rules(moved: Iterable[tuple[str, str]]) -> dict[str, bytes]:
    """The rule files for every (old address, new URL); none when nothing moved."""
    pairs = sorted(dict(moved).items())
    if not pairs:
        return {}
    return {REDIRECTS: netlify(pairs).encode(), NGINX: nginx(pairs).encode(),
            HTACCESS: apache(pairs).encode()}


def _split(old: str) -> tuple[str, str]:
    path, _, query = old.partition("?")
    return path or "/", query


def _target(new: str) -> str:
    return quote(new, safe=_SAFE)


def netlify(pairs: list[tuple[str, str]]) -> str:
    lines = ["# sitegen: de gamla adresserna som HTTP 301 (Netlify, Cloudflare Pages).",
             "# Varje sökväg står två gånger: 301! för Netlify, 301 för Cloudflare Pages.", ""]
    for old, new in pairs:
        path, query = _split(old)
        source = quote(path, safe="/")
        if query:
            words = " ".join(query.split("&"))
            lines.append(f"{source} {words} {_target(new)} 301!")
        else:
            lines += [f"{source} {_target(new)} 301!", f"{source} {_target(new)} 301"]
    return "\n".join(lines) + "\n"


def nginx(pairs: list[tuple[str, str]]) -> str:
    paths: dict[str, str] = {}
    queries: dict[str, str] = {}
    for old, new in pairs:
        path, query = _split(old)
        if query:
            _first(queries, f"{path}?{query}", new)
        else:
            _first(paths, path, new)
            if path.endswith("/") and path != "/":
                _first(paths, path.rstrip("/"), new)
    longest = max(len(key.encode()) for key in [*paths, *queries])
    bucket = 64
    while bucket < 16 + (longest + 2 + 7) // 8 * 8:
        bucket *= 2
    size = 2048
    while size < 2 * (len(paths) + len(queries)):
        size *= 2
    lines = [
        "# sitegen: de gamla adresserna som HTTP 301 (nginx). Tas med i http-blocket:",
        "#     include /sökväg/till/output/nginx-redirects.conf;",
        "# och i server-blocket (inte i en location):",
        "#     if ($sitegen_redirect) { return 301 $sitegen_redirect; }",
        f"map_hash_bucket_size {bucket};",
        f"map_hash_max_size {size};",
        "",
        "map $uri $sitegen_redirect_path {",
        '    default "";',
        *(f"    {_quoted(key)} {_quoted(_target(new))};" for key, new in paths.items()),
        "}",
        "",
        'map "$uri?$args" $sitegen_redirect {',
        "    default $sitegen_redirect_path;",
        *(f"    {_quoted(key)} {_quoted(_target(new))};" for key, new in queries.items()),
        "}",
    ]
    return "\n".join(lines) + "\n"


def _first(table: dict[str, str], key: str, new: str) -> None:
    """nginx compares map strings without regard to (ASCII) case: the first wins."""
    if not any(other.lower() == key.lower() for other in table):
        table[key] = new


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def apache(pairs: list[tuple[str, str]]) -> str:
    lines = ["# sitegen: de gamla adresserna som HTTP 301 (Apache, mod_rewrite;",
             "# kräver AllowOverride FileInfo).", "<IfModule mod_rewrite.c>",
             "RewriteEngine On"]
    for old, new in pairs:
        path, query = _split(old)
        pattern = re.escape(path.lstrip("/").rstrip("/"))
        pattern = f"^{pattern}/?$" if path.endswith("/") and path != "/" else f"^{pattern}$"
        if query:
            lines.append(f"RewriteCond %{{QUERY_STRING}} ^{re.escape(query)}$")
        # "%1" and "$1" in a substitution are back-references: a literal % needs "\\".
        target = _target(new).replace("%", "\\%")
        lines.append(f"RewriteRule {pattern} {target} [R=301,L,NE,QSD]")
    lines.append("</IfModule>")
    return "\n".join(lines) + "\n"
