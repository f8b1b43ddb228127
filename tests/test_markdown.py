"""Markdown rendering: the policy on raw HTML and what the CSP needs."""

import re
from pathlib import Path

import markdown_it.rules_core
import pytest
from conftest import mutated, split_post
from markdown_it import MarkdownIt

from sitegen import markdown
from sitegen.errors import FastPathBroken
from sitegen.importers.html import without_comments
from sitegen.markdown import (
    INLINE_RULES,
    PLAIN,
    FastPaths,
    _obvious_block,
    make_parser,
    render_markdown,
    without_tags,
)


def test_table_alignment_is_a_class_not_an_inline_style() -> None:
    rendered = render_markdown(make_parser(), "| a | b | c |\n|:--|:-:|--:|\n| 1 | 2 | 3 |\n")
    assert "style=" not in rendered.html
    assert '<th class="align-left">a</th>' in rendered.html
    assert '<td class="align-center">2</td>' in rendered.html
    assert '<td class="align-right">3</td>' in rendered.html


def test_raw_html_is_shown_as_text() -> None:
    rendered = render_markdown(make_parser(), "<script>alert(1)</script>\n\n<b>fet</b>")
    assert "<script>" not in rendered.html and "&lt;script&gt;" in rendered.html


def test_headings_get_swedish_anchors_and_links_their_source_line() -> None:
    rendered = render_markdown(make_parser(), "Intro\n\n## Samverkan över gränser\n\n"
                                              "Se [här](/tema/samverkan/).", line_offset=5)
    assert rendered.toc == (("samverkan-over-granser", "Samverkan över gränser"),)
    assert '<h2 id="samverkan-over-granser">' in rendered.html
    assert [(link.href, link.line) for link in rendered.links] == [("/tema/samverkan/", 10)]


def test_repeated_headings_get_unique_anchors_and_only_h2_to_h4_get_one() -> None:
    rendered = render_markdown(make_parser(), "# Titel\n\n## Mål\n\n## Mål\n\n### Mål-1\n\n"
                                              "#### `kod` och *text*\n\n##### Djup\n")
    assert [a for a, _ in rendered.toc] == ["mal", "mal-1"]
    assert rendered.anchors == {"mal", "mal-1", "mal-1-1", "kod-och-text"}
    assert "<h1>Titel</h1>" in rendered.html and "<h5>Djup</h5>" in rendered.html
    assert '<h4 id="kod-och-text"><code>kod</code> och <em>text</em></h4>' in rendered.html


RAW_HTML = [
    "<div>\nx\n</div>", "a\n<div>\nb\n</div>", "para <b>bold</b> <!-- c --> <?php x ?>",
    "<!DOCTYPE html>\n\n<![CDATA[x]]>", "- <i>x</i>\n- <pre>\ny\n</pre>",
    "> <table><tr><td>1</td></tr></table>", "text <a href='x'>l</a> &amp; <br/>\n<hr>",
    "<script>\nalert(1)\n</script>\nefter", "1. <span>a\n   <em>b</em></span>",
]


# Where a paragraph or heading line is something else because of the next line.
NEXT_LINE_MATTERS = [
    "Rubrik\n---\n", "Rubrik\n===\n", "Två\nrader\n---\n", "a | b\n--|--\n1 | 2\n",
    "# a | b\n|---|---|\n| 1 | 2 |\n", "# a\n:-:\n", "#tagg\n\ntext\n", "#\n", "    kod\n",
    "> citat\nfortsätter\n", "- punkt\nfortsätter\n\n  stycke\n", "Text\n    indrag\n",
]


def _without_shortcuts() -> MarkdownIt:
    return make_parser(FastPaths(obvious_blocks=False, plain_text=False))


def test_the_shortcuts_change_nothing(text_samples: list[Path]) -> None:
    # make_parser hands paragraphs and headings that no other rule can claim straight to
    # their rules (_obvious_block), and makes text without inline markup its text token
    # directly (_inline): every post we have, and seeded random mutations with the
    # characters that start blocks and inline markup, render as without the shortcuts.
    shortcut, usual = make_parser(), _without_shortcuts()
    assert "obvious_block" in shortcut.get_active_rules()["block"]
    assert "obvious_block" not in usual.get_active_rules()["block"]
    bodies = [split_post(path)[1] for path in text_samples if path.suffix == ".md"]
    marks = [*"#-*+>|:=`~[]!_ \n\t1.)<&\\", "\n\n", "\n---\n", "\n===", "    ", "# ", "- ",
             "1. ", "> ", "| a |", "\n|--|\n", "```\n", "#tagg", "](/x)", "**", "&amp;",
             "<https://a.se>", "~~", "  \n"]
    texts = bodies + RAW_HTML + NEXT_LINE_MATTERS + mutated(bodies, marks, 1500, seed=11)
    assert len(bodies) > 300
    for text in texts:
        assert render_markdown(shortcut, text) == render_markdown(usual, text), text


def test_the_block_shortcut_takes_paragraphs_and_headings() -> None:
    # it is really used: the shortcut alone gives a post's everyday blocks
    claimed = []

    def watched(state, start, end, silent):  # type: ignore[no-untyped-def]
        claimed.append(_obvious_block(state, start, end, silent))
        return claimed[-1]

    md = _without_shortcuts()
    md.block.ruler.before("table", "watched", watched)
    render_markdown(md, "## Rubrik\n\nEtt stycke.\n\nTvå rader\nhär.\n\n- punkt\n")
    # the heading, the paragraph, not the two-line paragraph nor the list, but the item's
    # paragraph inside the list
    assert claimed == [True, True, False, False, True]


def test_the_inline_shortcut_knows_every_inline_rule_left_on() -> None:
    # _inline passes text on as it is only while no character in it starts markup of one
    # of these rules: a rule turned on later must add its characters there first.
    # (html_inline is on but matches nothing with html off)
    assert [rule for rule in make_parser().get_active_rules()["inline"]
            if rule != "html_inline"] == list(INLINE_RULES)


def test_all_shortcuts_off_is_markdown_its_own_parser(text_samples: list[Path]) -> None:
    # PLAIN is markdown-it as configured for posts, without a rule of ours or a rule left
    # out; every shortcut together gives the same.
    plain = make_parser(PLAIN)
    ours = make_parser()
    assert plain.get_active_rules()["block"] == [
        "table", "code", "fence", "blockquote", "hr", "list", "reference", "html_block",
        "heading", "lheading", "paragraph"]
    assert plain.core.ruler.__rules__[2].fn is markdown_it.rules_core.inline
    bodies = [split_post(path)[1] for path in text_samples if path.suffix == ".md"]
    for text in bodies + RAW_HTML + NEXT_LINE_MATTERS:
        assert render_markdown(ours, text) == render_markdown(plain, text), text


def test_shortcuts_fail_loudly_when_markdown_its_rules_change(
        monkeypatch: pytest.MonkeyPatch) -> None:
    def with_rule(md: MarkdownIt) -> MarkdownIt:
        md.enable("linkify")  # as a new markdown-it could turn a rule on by default
        return md

    monkeypatch.setattr(markdown, "MarkdownIt",
                        lambda *args: with_rule(MarkdownIt(*args)))
    with pytest.raises(FastPathBroken, match="plain_text"):
        make_parser()
    make_parser(FastPaths(plain_text=False))  # off: fine
    monkeypatch.undo()

    def with_block(md: MarkdownIt) -> MarkdownIt:
        md.block.ruler.before("paragraph", "new_block", lambda *args: False)
        return md

    monkeypatch.setattr(markdown, "MarkdownIt", lambda *args: with_block(MarkdownIt(*args)))
    with pytest.raises(FastPathBroken, match="obvious_blocks"):
        make_parser()
    make_parser(FastPaths(obvious_blocks=False))


SMALL_PATHOLOGICAL = [
    "<" * 60, "<a" * 30, "[" * 60, "*" * 60, "[" * 30 + "]" * 30, "[\n" * 30, "![" * 30,
    "[x]: /y/\n\n" + "[" * 60 + "]", "[" * 30 + "a" + "](" * 10 + "b" + ")" * 10,
    "[\n" * 20 + "*a* [b](/c/)", "## a\n" * 30, "_a" * 30, "&#" * 30, "`" * 60,
    "|a|\n|-|\n" + "|a\n" * 30, "[a\n*b*\n~~c~~ ![d\n",
]
"""Small versions of the posts benchmarks/pathological.py times at full size."""


@pytest.mark.parametrize("text", SMALL_PATHOLOGICAL)
def test_pathological_text_renders_as_markdown_it_renders_it(text: str) -> None:
    # the shortcuts that keep these linear (_one_text, the parser without link rules)
    # change nothing in what they render
    assert render_markdown(make_parser(), text) == render_markdown(make_parser(PLAIN), text)


@pytest.mark.parametrize("text", ["a<b>c", "<>", "<<>", "<>>", "a<b<c>d>e", "<" * 50, "x<",
                                  "<a>" * 5 + "<", "ett < två > tre", "<\n>", ""])
def test_without_tags_is_the_regular_expression_it_replaced(text: str) -> None:
    # the same result as re.sub(r"<[^>]+>", "", text), in linear time
    assert without_tags(text) == re.sub(r"<[^>]+>", "", text)


@pytest.mark.parametrize("text", ["a<!--x-->b", "<!--", "a<!-- <!-- -->b<!--c", "<!---->",
                                  "<!-->x-->", "x<!--a-->y<!--b-->z", "<!--" * 50])
def test_without_comments_is_the_regular_expression_it_replaced(text: str) -> None:
    assert without_comments(text) == re.sub(r"<!--.*?-->", "", text, flags=re.DOTALL)
