"""A Content-Security-Policy on every answer (finding 15): no inline script or style may run,
images only from Almanac itself or data: URLs (a remote image in markdown is not fetched)."""

import re
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"\sstyle\s*=", re.IGNORECASE)
HANDLER_ATTRIBUTE = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.mark.parametrize("url", ["/", "/accounts/login/", "/api/v1/projects/", "/api/docs/",
                                 "/no-such-page/"])
def test_every_answer_carries_a_policy_without_unsafe_inline(client, member, url):
    client.force_login(member)
    policy = _policy(client.get(url))

    assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in " ".join(sum(policy.values(), []))


def test_a_remote_image_in_markdown_is_not_allowed_by_the_policy(client, member, project):
    from wiki.services import page_create, space_for

    page = page_create(space=space_for(project), title="Pictures", by=member,
                       body="![x](https://tracker.example/p.gif)\n")
    client.force_login(member)
    response = client.get(page.get_absolute_url())
    assert "https://tracker.example/p.gif" in response.content.decode()  # the tag is there …
    assert "tracker.example" not in " ".join(_policy(response)["img-src"])  # … and never fetched


@pytest.mark.parametrize("template", sorted(TEMPLATES.rglob("*.html")),
                         ids=lambda path: str(path.relative_to(TEMPLATES)))
def test_no_template_has_an_inline_script_style_or_handler(template):
    text = template.read_text()
    assert not INLINE_SCRIPT.search(text)
    assert "<style" not in text
    assert not STYLE_ATTRIBUTE.search(text)
    assert not HANDLER_ATTRIBUTE.search(text)


def test_the_api_docs_start_from_a_script_served_by_url(client, member):
    client.force_login(member)
    page = client.get("/api/docs/").content.decode()
    script = re.search(r'<script src="(/api/docs/\?[^"]*script[^"]*)"', page)
    assert script and "<style" not in page
    response = client.get(script.group(1).replace("&amp;", "&"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in response.content.decode()
