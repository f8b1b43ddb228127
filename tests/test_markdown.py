"""Markdown rendering: the policy on raw HTML and what the CSP needs."""

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
