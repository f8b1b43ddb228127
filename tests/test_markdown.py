"""Markdown rendering: the policy on raw HTML and what the CSP needs."""

from markdown_it import MarkdownIt

from sitegen.markdown import make_parser, render_markdown


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


def test_html_rules_left_out_change_nothing() -> None:
    # make_parser leaves markdown-it's HTML rules out for speed: with html off they
    # never match, so the output is what a parser with them gives, byte for byte.
    with_rules = MarkdownIt("commonmark", {"html": False, "typographer": False})
    with_rules.enable(["table", "strikethrough"])
    assert "html_block" not in make_parser().get_active_rules()["block"]
    for text in RAW_HTML:
        assert render_markdown(make_parser(), text) == render_markdown(with_rules, text)
