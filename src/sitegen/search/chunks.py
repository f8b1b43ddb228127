"""Smaller word chunks in a Pagefind 1.5.2 bundle, so a first search loads less.

Pagefind writes its word index in chunks of at least ~20,000 postings (not an option) and
a search loads, per bundle, the one chunk whose word range holds each query word. So a
rare word costs the whole chunk it shares with common ones: at 10,000 posts "haparand"
has 0.9 kB of postings in a 362 kB chunk beside "har" (302 kB), and with the index in 16
shards every shard's chunk is loaded (~70 kB each for a word found nowhere).

`split` rewrites a bundle Pagefind has just written: each chunk is cut at word boundaries
into chunks of at most `TARGET` bytes of postings (a bigger word stays alone), the
metadata's chunk list is written anew and the entry file names the new metadata. The
postings are copied byte for byte (never decoded), so every word keeps its pages,
positions and weights. Pagefind expands a query word to the longer words that start
with it, but only within the one chunk it loads for that word; so a cut is never made
between two words that begin alike for `FAMILY` letters or more ("socialsekreterare" |
"socialsekreterarna"), nor before a word that extends a shorter word already in the
chunk ("barnen" after "barn"). A query word of five letters or more then finds every
longer form wherever the chunk ends (Pagefind's own cuts had no such rule).

This reads Pagefind's file formats (gzip, the `pagefind_dcd` signature, CBOR arrays);
anything not as expected is a `FormatError`, never a silently wrong bundle. The build
can turn it off (`search.write_index(..., split_chunks=False)`), which the tests use to
compare the two.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import json
import re
import struct
from pathlib import Path

SIGNATURE = b"pagefind_dcd"
VERSION = "1.5.2"
TARGET = 8_000
"""Bytes of (uncompressed) postings a chunk holds at most, unless one word is larger."""
FAMILY = 5
"""Words that begin alike for this many letters stay in one chunk."""
WORD = 4
"""A word of this many letters or more keeps its longer forms in its chunk."""


class FormatError(Exception):
    """A bundle file is not what Pagefind 1.5.2 writes."""


def split(bundle: Path) -> int:
    """Split the word chunks of the Pagefind bundle in `bundle`; the new number of chunks."""
    entry_path = bundle / "pagefind-entry.json"
    entry = json.loads(entry_path.read_text("utf-8"))
    if entry.get("version") != VERSION or len(entry.get("languages", {})) != 1:
        raise FormatError(f"{entry_path}: väntade Pagefind {VERSION} med ett språk")
    (language, info), = entry["languages"].items()
    meta_path = bundle / f"pagefind.{info['hash']}.pf_meta"
    meta = _read(meta_path)
    parts = _spans(meta, 0)
    if len(parts) != 6 or _decode_text(meta, parts[0][0])[0] != VERSION:
        raise FormatError(f"{meta_path}: okänd uppställning")
    old = _chunk_list(meta, parts[2])
    groups = [group for _, _, name in old
              for group in _groups(_words(_read(bundle / "index" / f"{name}.pf_index")))]
    # Everything is read and checked before anything is written.
    chunks: list[tuple[str, str, str]] = []
    written: set[str] = set()
    for words in groups:
        data = (_array_header(1) + _array_header(len(words))
                + b"".join(raw for _, raw in words))
        new = _name(language, data, written)
        written.add(new)
        _write(bundle / "index" / f"{new}.pf_index", data)
        chunks.append((words[0][0], words[-1][0], new))
    for _, _, name in old:
        if name not in written:
            (bundle / "index" / f"{name}.pf_index").unlink()
    listed = _array_header(len(chunks)) + b"".join(
        _array_header(3) + b"".join(_text(value) for value in chunk) for chunk in chunks)
    start, end = parts[2]
    new_meta = meta[:start] + listed + meta[end:]
    meta_hash = f"{language}_{hashlib.blake2b(new_meta, digest_size=5).hexdigest()}"
    _write(bundle / f"pagefind.{meta_hash}.pf_meta", new_meta)
    if meta_hash != info["hash"]:
        meta_path.unlink()
    info["hash"] = meta_hash
    entry_path.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")),
                          "utf-8")
    return len(chunks)


def _name(language: str, data: bytes, taken: set[str]) -> str:
    """A chunk's file name: its language and a hash of its bytes, as long as Pagefind's
    own (seven hex digits: the chunk list in the metadata is read by every search), with
    a count added in the unlikely case that two chunks get the same."""
    for salt in range(1000):
        digest = hashlib.blake2b(data, digest_size=4, salt=salt.to_bytes(2, "big")).hexdigest()
        name = f"{language}_{digest[:7]}"
        if name not in taken:
            return name
    raise FormatError("kunde inte ge ordindexets delar olika namn")


def _groups(words: list[tuple[str, bytes]]) -> list[list[tuple[str, bytes]]]:
    """Consecutive words in groups of at most TARGET bytes, families kept together."""
    groups: list[list[tuple[str, bytes]]] = []
    size = 0
    for word, raw in words:
        current = groups[-1] if groups else None
        family = current is not None and (
            (word[:FAMILY] == current[-1][0][:FAMILY] and len(word) >= FAMILY)
            or any(len(other) >= WORD and word.startswith(other) for other, _ in current))
        if current is None or (size + len(raw) > TARGET and not family):
            groups.append([(word, raw)])
            size = len(raw)
        else:
            current.append((word, raw))
            size += len(raw)
    return groups


def _words(chunk: bytes) -> list[tuple[str, bytes]]:
    """A chunk's words, each with its whole CBOR entry as bytes: [word, pages, variants],
    a variant [word, pages] (a form with å, ä or ö, whose pages Pagefind lists under the
    folded word)."""
    count, at = _header(chunk, 0, 4)
    if count != 1:
        raise FormatError("ett ordindex ska vara en lista med en lista")
    count, at = _header(chunk, at, 4)
    words = []
    for _ in range(count):
        start = at
        length, at = _header(chunk, at, 4)
        if length != 3:
            raise FormatError("ett ord i ordindexet ska vara [ord, sidor, varianter]")
        word, at = _word_pages(chunk, at)
        variants, at = _header(chunk, at, 4)
        for _ in range(variants):
            length, at = _header(chunk, at, 4)
            if length != 2:
                raise FormatError("en variant i ordindexet ska vara [ord, sidor]")
            _, at = _word_pages(chunk, at)
        words.append((word, chunk[start:at]))
    if at != len(chunk):
        raise FormatError("ordindexet har bytes efter sista ordet")
    return words


def _word_pages(chunk: bytes, at: int) -> tuple[str, int]:
    """The word at `at` and the offset after the list of pages that follows it."""
    word, at = _decode_text(chunk, at)
    pages, start = _header(chunk, at, 4)
    at, left = start, pages
    while left:  # in blocks of a power of two pages: a few patterns serve every count
        block = 1 << (left.bit_length() - 1)
        matched = _pages(block).match(chunk, at)
        if not matched:
            break
        at, left = matched.end(), left - block
    else:
        return word, at
    at = start
    for _ in range(pages):  # not the usual shape: item by item
        at = _skip(chunk, at)
    return word, at


_INT = rb"(?:[\x00-\x17\x20-\x37]|[\x18\x38].|[\x19\x39]..|[\x1a\x3a]....)"
_ARRAY = rb"(?:[\x80-\x97]|\x98.|\x99..)"
_PAGE = rb"(?>\x83" + _INT + _ARRAY + _INT + rb"*+" + _ARRAY + _INT + rb"*+)"
"""A word's page as Pagefind writes it: [page, [positions], [weights and positions]]
(every item an integer). Matched by the regular expression engine (a chunk has about a
million items, too many to step through in Python). Each alternative is told apart by
its first byte and nothing backtracks (atomic groups, possessive repeats), so a match is
exactly the CBOR parse, never a different split of the same bytes."""


@functools.lru_cache(maxsize=64)
def _pages(count: int) -> re.Pattern[bytes]:
    """`count` pages (a power of two: compiling a pattern for every count a shard's words
    have, a few hundred, took longer than the matching)."""
    return re.compile(b"(?:" + _PAGE + b"){%d}" % count, re.DOTALL)


def _chunk_list(meta: bytes, span: tuple[int, int]) -> list[tuple[str, str, str]]:
    count, at = _header(meta, span[0], 4)
    chunks = []
    for _ in range(count):
        length, at = _header(meta, at, 4)
        if length != 3:
            raise FormatError("en del av ordindexet ska anges som [från, till, namn]")
        values = []
        for _ in range(3):
            value, at = _decode_text(meta, at)
            values.append(value)
        chunks.append((values[0], values[1], values[2]))
    if at != span[1]:
        raise FormatError("listan över ordindexets delar slutar inte där den ska")
    return chunks


def _spans(data: bytes, at: int) -> list[tuple[int, int]]:
    """Where each item of the array at `at` starts and ends."""
    count, at = _header(data, at, 4)
    spans = []
    for _ in range(count):
        end = _skip(data, at)
        spans.append((at, end))
        at = end
    return spans


def _read(path: Path) -> bytes:
    try:
        data = gzip.decompress(path.read_bytes())
    except (OSError, EOFError) as exc:
        raise FormatError(f"{path}: kunde inte packas upp ({exc})") from exc
    if not data.startswith(SIGNATURE):
        raise FormatError(f"{path}: saknar Pagefinds signatur")
    return data[len(SIGNATURE):]


def _write(path: Path, data: bytes) -> None:
    path.write_bytes(gzip.compress(SIGNATURE + data, 6, mtime=0))


# CBOR (RFC 8949), as much as Pagefind's files use: definite lengths only.

def _argument(data: bytes, at: int) -> tuple[int, int, int]:
    """(major type, argument, offset after the head) of the item at `at`."""
    try:
        initial = data[at]
    except IndexError:
        raise FormatError("filen tar slut mitt i ett värde") from None
    major, info = initial >> 5, initial & 31
    if info < 24:
        return major, info, at + 1
    sizes = {24: (1, ">B"), 25: (2, ">H"), 26: (4, ">I"), 27: (8, ">Q")}
    if info not in sizes:
        raise FormatError(f"okänt CBOR-huvud {initial:#x}")
    size, form = sizes[info]
    if at + 1 + size > len(data):
        raise FormatError("filen tar slut mitt i ett värde")
    return major, struct.unpack(form, data[at + 1:at + 1 + size])[0], at + 1 + size


def _header(data: bytes, at: int, major: int) -> tuple[int, int]:
    kind, value, after = _argument(data, at)
    if kind != major:
        raise FormatError(f"väntade CBOR-typ {major}, fann {kind}")
    return value, after


def _decode_text(data: bytes, at: int) -> tuple[str, int]:
    length, after = _header(data, at, 3)
    return data[after:after + length].decode("utf-8"), after + length


def _skip(data: bytes, at: int) -> int:
    """The offset after the item at `at` (a tight loop: a chunk has ~10^6 items)."""
    pending = 1
    try:
        while pending:
            initial = data[at]
            major, info = initial >> 5, initial & 31
            pending -= 1
            if info < 24:
                value, at = info, at + 1
            elif info == 24:
                value, at = data[at + 1], at + 2
            elif info == 25:
                value, at = data[at + 1] << 8 | data[at + 2], at + 3
            else:
                major, value, at = _argument(data, at)
            if major == 4:
                pending += value
            elif major in (2, 3):
                at += value
            elif major == 5:
                pending += 2 * value
            elif major == 6:
                raise FormatError("oväntad CBOR-tagg")
    except IndexError:
        raise FormatError("filen tar slut mitt i ett värde") from None
    if at > len(data):
        raise FormatError("filen tar slut mitt i ett värde")
    return at


def _array_header(count: int) -> bytes:
    return _head(4, count)


def _text(value: str) -> bytes:
    raw = value.encode("utf-8")
    return _head(3, len(raw)) + raw


def _head(major: int, value: int) -> bytes:
    if value < 24:
        return bytes([major << 5 | value])
    for info, form in ((24, ">B"), (25, ">H"), (26, ">I"), (27, ">Q")):
        if value < 1 << (8 * struct.calcsize(form)):
            return bytes([major << 5 | info]) + struct.pack(form, value)
    raise FormatError("för stort värde")
