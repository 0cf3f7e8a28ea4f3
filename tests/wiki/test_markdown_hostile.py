"""Markdown is untrusted input: nothing executable survives `render_markdown`."""

import re

import pytest

from wiki.markdown import render_markdown

HOSTILE = [
    # script tags
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "text <script\n>alert(1)</script\n> more",
    # event handlers
    '<img src="x.png" onerror="alert(1)">',
    '<a href="https://ok.example" onclick="alert(1)">x</a>',
    '<div onmouseover="alert(1)">hover</div>',
    '<p ONLOAD=alert(1)>x</p>',
    '<details open ontoggle="alert(1)"><summary>x</summary></details>',
    # javascript: / data: / vbscript: in links and images, every spelling
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](&#x6A;&#x61;&#x76;&#x61;script:alert(1))",
    "[click](java\tscript:alert(1))",
    "[click](  javascript:alert(1))",
    "[click](<javascript:alert(1)>)",
    "<javascript:alert(1)>",
    "[click][ref]\n\n[ref]: javascript:alert(1)",
    "[click][ref]\n\n[ref]:\n  javascript:alert(1)\n  \"title\"",
    "![img](javascript:alert(1))",
    "![img](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](data:text/html,<script>alert(1)</script>)",
    "[x](vbscript:msgbox(1))",
    "[x](VBScript:msgbox(1))",
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112'
    '&#0000116&#0000058alert(1)">x</a>',
    '<a href=" javascript:alert(1)">x</a>',
    # SVG and MathML
    "<svg onload=alert(1)><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    '<math><maction actiontype="statusline" xlink:href="javascript:alert(1)">x</maction></math>',
    # embedding and forms
    '<iframe src="https://evil.example"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<object data="evil.swf"></object>',
    '<embed src="evil.swf">',
    '<form action="https://evil.example"><input name="password"><button>Go</button></form>',
    '<button formaction="javascript:alert(1)">x</button>',
    # meta refresh, base, style
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="https://evil.example/">',
    "<style>body { background: url(javascript:alert(1)) }</style>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<p style="behavior: url(x.htc)">x</p>',
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    # mutation XSS
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    '<svg></p><style><a id="</style><img src=1 onerror=alert(1)>">',
    '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
    "<listing>&lt;img src=x onerror=alert(1)&gt;</listing>",
    '<textarea></textarea><img src=x onerror=alert(1)></textarea>',
    # fenced-code attribute breakout
    '```python" onmouseover="alert(1)\nprint(1)\n```',
    '```{ .python onclick="alert(1)" }\nprint(1)\n```',
    '~~~ "><script>alert(1)</script>\nx\n~~~',
    # wiki links that try to break out of the placeholder
    '[[dataset:x" onclick="alert(1)]]',
    "[[<script>alert(1)</script>]]",
    '[[model:x"><img src=x onerror=alert(1)>@1]]',
    # headings and tables carrying attributes
    '<h2 id="csrfmiddlewaretoken" onclick="alert(1)">x</h2>',
    '| a |\n|---|\n| <img src=x onerror=alert(1)> |',
]

FORBIDDEN_ELEMENTS = ["script", "iframe", "object", "embed", "form", "input", "button", "meta",
                      "base", "style", "svg", "math", "link", "textarea", "noscript", "frame"]
TAG = re.compile(r"<\s*([a-zA-Z][a-zA-Z0-9-]*)")
ATTRIBUTE = re.compile(r"<[^>]*\s(on[a-z]+)\s*=", re.IGNORECASE)
URL_ATTRIBUTE = re.compile(r"""(?:href|src|action|formaction|xlink:href)\s*=\s*["']?([^"'\s>]*)""",
                           re.IGNORECASE)


def _assert_safe(html: str) -> None:
    lowered = html.lower()
    assert "<script" not in lowered
    assert not ATTRIBUTE.search(html), html
    for tag in TAG.findall(html):
        assert tag.lower() not in FORBIDDEN_ELEMENTS, html
    assert "style=" not in lowered
    for url in URL_ATTRIBUTE.findall(html):
        compact = re.sub(r"[\s\x00-\x1f]", "", url).lower()
        assert not compact.startswith(("javascript:", "data:", "vbscript:")), html
        assert "&#" not in compact, html


def test_the_corpus_has_at_least_thirty_cases():
    assert len(HOSTILE) >= 30


@pytest.mark.parametrize("text", HOSTILE)
def test_nothing_executable_survives_rendering(text):
    _assert_safe(render_markdown(text))


@pytest.mark.parametrize("text", HOSTILE)
def test_nothing_executable_survives_inside_lists_quotes_and_tables(text):
    for wrapped in (f"- {text}", f"> {text}", f"Intro\n\n{text}\n\nOutro", f"**{text}**"):
        _assert_safe(render_markdown(wrapped))


def test_links_get_rel_noopener_and_keep_safe_schemes():
    html = render_markdown("[a](https://example.com) [b](mailto:x@example.com) [c](/datasets/x/)")

    assert html.count('rel="noopener noreferrer"') == 3
    assert 'href="https://example.com"' in html
    assert 'href="mailto:x@example.com"' in html
    assert 'href="/datasets/x/"' in html


def test_ordinary_markdown_still_renders():
    html = render_markdown(
        "# Title\n\n[TOC]\n\n## Part one\n\n| a | b |\n|:--|--:|\n| 1 | 2 |\n\n"
        "```python\nimport os\n```\n\n- [ ] open\n- [x] done\n"
    )

    assert '<h2 id="h-part-one">Part one</h2>' in html
    assert '<div class="toc">' in html
    assert '<th align="left">a</th>' in html
    assert '<div class="highlight">' in html and '<span class="kn">import</span>' in html
    assert '<li class="task"><span class="task-box">☐ </span>open</li>' in html
    assert '<li class="task done"><span class="task-box done">☑ </span>done</li>' in html


def test_code_is_shown_as_text_not_run():
    html = render_markdown("```\n<script>alert(1)</script>\n```")

    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
