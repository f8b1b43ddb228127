"""The word chunks of a Pagefind bundle cut small (sitegen.search.chunks): every word keeps
its entry byte for byte, the metadata lists exactly the chunks on disk in word order, the
result is the same on every run, and a file not as Pagefind 1.5.2 writes it is a clear
error, never a broken bundle. (That searches answer the same: tests/browser/
test_search_incremental.py.)"""

from __future__ import annotations

import gzip
import itertools
import json
import shutil
from pathlib import Path

import pytest
from conftest import copy_repo_site

from sitegen import search
from sitegen.build import build
from sitegen.errors import Problem
from sitegen.search import chunks


@pytest.fixture(scope="module")
def plain(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's site with its index in Pagefind's own chunks (one shard)."""
    root = copy_repo_site(tmp_path_factory.mktemp("chunks") / "site")
    build(root, with_search=False)
    out = root / "output"
    result = search.update_index(out, out / "plain", None, lambda: None, None, size=1000,
                                 split_chunks=False)
    assert isinstance(result, search.SearchResult) and result.shards == 1
    return out / "plain" / "0"


def words(bundle: Path) -> dict[str, bytes]:
    found = {}
    for path in (bundle / "index").glob("*.pf_index"):
        for word, entry in chunks._words(chunks._read(path)):
            assert word not in found
            found[word] = entry
    return found


def listed(bundle: Path) -> list[tuple[str, str, str]]:
    entry = json.loads((bundle / "pagefind-entry.json").read_text("utf-8"))
    meta = chunks._read(bundle / f"pagefind.{entry['languages']['sv']['hash']}.pf_meta")
    return chunks._chunk_list(meta, chunks._spans(meta, 0)[2])


def split_copy(plain: Path, target: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(plain, target)
    monkeypatch.setattr(chunks, "TARGET", 300)  # the site is small: cut it finely
    chunks.split(target)
    return target


def test_every_word_keeps_its_entry_in_a_listed_chunk(plain: Path, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    bundle = split_copy(plain, tmp_path / "split", monkeypatch)
    before, after = listed(plain), listed(bundle)
    assert len(after) > 2 * len(before)
    assert words(bundle) == words(plain)
    # The metadata lists exactly the chunk files there are, in word order, each chunk's
    # first and last word as its range; only the metadata it names is left.
    assert sorted(f"{name}.pf_index" for _, _, name in after) == sorted(
        p.name for p in (bundle / "index").iterdir())
    assert [first for first, _, _ in after] == sorted(first for first, _, _ in after)
    for (first, last, _), (next_first, _, _) in itertools.pairwise(after):
        assert first <= last < next_first
    for first, last, name in after:
        inside = [word for word, _ in chunks._words(
            chunks._read(bundle / "index" / f"{name}.pf_index"))]
        assert (inside[0], inside[-1]) == (first, last)
    assert len(list(bundle.glob("*.pf_meta"))) == 1
    # Everything else is Pagefind's own, untouched.
    same = ["pagefind.js", "pagefind-worker.js", "wasm.sv.pagefind"]
    assert all((bundle / n).read_bytes() == (plain / n).read_bytes() for n in same)


def test_chunks_stay_under_the_target_unless_one_word_or_a_family(
        plain: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bundle = split_copy(plain, tmp_path / "split", monkeypatch)
    for _, _, name in listed(bundle):
        inside = chunks._words(chunks._read(bundle / "index" / f"{name}.pf_index"))
        size = 0
        for n, (word, entry) in enumerate(inside):
            size += len(entry)
            # Past the target only by a word that begins as the one before it does, or
            # extends a word already in the chunk.
            assert n == 0 or size <= chunks.TARGET or (
                word[:chunks.FAMILY] == inside[n - 1][0][:chunks.FAMILY]) or any(
                word.startswith(other) and len(other) >= chunks.WORD
                for other, _ in inside[:n]), (name, word)


def test_a_word_and_its_longer_forms_share_a_chunk(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(chunks, "TARGET", 300)
    entries = [(word, b"x" * 200) for word in (
        "barn", "barnen", "bas", "ung", "ungdom", "utredare", "utredningar", "utredningen",
        "uttryck")]
    groups = chunks._groups(entries)
    # "barn" keeps its longer forms, "ung" is too short to; words beginning alike for
    # five letters stay together (a query "utred" finds all three in one chunk).
    assert [[word for word, _ in group] for group in groups] == [
        ["barn", "barnen"], ["bas"], ["ung"], ["ungdom"],
        ["utredare", "utredningar", "utredningen"], ["uttryck"]]


def test_the_same_bundle_is_split_the_same_way(plain: Path, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    one = split_copy(plain, tmp_path / "one", monkeypatch)
    two = split_copy(plain, tmp_path / "two", monkeypatch)
    assert {p.relative_to(one): p.read_bytes() for p in one.rglob("*") if p.is_file()} == {
        p.relative_to(two): p.read_bytes() for p in two.rglob("*") if p.is_file()}


@pytest.mark.parametrize("damage", ["signature", "version", "truncated"])
def test_a_bundle_not_as_expected_is_an_error(plain: Path, tmp_path: Path,
                                              damage: str) -> None:
    bundle = tmp_path / "bundle"
    shutil.copytree(plain, bundle)
    chunk = next((bundle / "index").iterdir())
    data = gzip.decompress(chunk.read_bytes())
    if damage == "signature":
        chunk.write_bytes(gzip.compress(b"something_else" + data[12:]))
    elif damage == "truncated":
        chunk.write_bytes(gzip.compress(data[: len(data) // 2]))
    else:
        entry = bundle / "pagefind-entry.json"
        entry.write_text(entry.read_text("utf-8").replace('"1.5.2"', '"1.6.0"'), "utf-8")
    before = {p: p.read_bytes() for p in bundle.rglob("*") if p.is_file()}
    with pytest.raises(chunks.FormatError):
        chunks.split(bundle)
    # Found before anything is written.
    assert {p: p.read_bytes() for p in bundle.rglob("*") if p.is_file()} == before


def test_the_build_reports_a_bundle_it_cannot_split(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    root = copy_repo_site(tmp_path / "site")
    build(root, with_search=False)
    out = root / "output"

    def broken(bundle: Path) -> int:
        raise chunks.FormatError("oväntat")

    monkeypatch.setattr(chunks, "split", broken)
    result = search.update_index(out, out / "pagefind", None, lambda: None, None, size=1000)
    assert isinstance(result, Problem) and "oväntad form" in result.message
