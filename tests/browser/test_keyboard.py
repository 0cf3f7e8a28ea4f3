"""Two journeys with the keyboard alone (Tab, Enter, Space, typing; no clicks), checking at
every stop that the focused element shows a focus ring of at least 3px in a colour that
stands out from what is behind it (the dark top bar included)."""

from datetime import date

import pytest

from registry.models import Project, Stage
from tests.browser.axe import assert_accessible
from tests.factories import ModelVersionFactory
from wiki.models import Page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MAX_TABS = 80

FOCUS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  // What the ring is drawn on: the first opaque background under a point of the ring.
  const ring = parseFloat(style.outlineOffset) + parseFloat(style.outlineWidth) / 2;
  const x = box.left - ring > 0 ? box.left - ring : box.right + ring;
  const under = document.elementsFromPoint(x, box.top + box.height / 2)
    .filter(e => e !== el && !el.contains(e))
    .map(e => getComputedStyle(e).backgroundColor)
    .filter(c => c !== 'transparent' && !c.endsWith(', 0)'));
  return {html: el.outerHTML.slice(0, 120), id: el.id, tag: el.tagName,
          text: (el.innerText || el.value || '').trim().slice(0, 60),
          outline: style.outlineStyle, width: parseFloat(style.outlineWidth),
          colour: style.outlineColor, background: under[0] || 'rgb(255, 255, 255)',
          inView: box.width > 0 && box.height > 0 && box.bottom > 0 && box.top < innerHeight,
          inMain: !!el.closest('main'), inTopbar: !!el.closest('.topbar')};
}"""


def _luminance(rgb: str) -> float:
    channels = [int(float(c)) / 255 for c in rgb[rgb.index("(") + 1:rgb.index(")")].split(",")[:3]]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    light, dark = sorted([_luminance(a), _luminance(b)], reverse=True)
    return (light + 0.05) / (dark + 0.05)


def press(page, key: str) -> dict:
    """Press a key and return the focused element, failing unless its focus is visible."""
    page.keyboard.press(key)
    focus = page.evaluate(FOCUS)
    if focus is None or focus["tag"] == "MAIN":  # after the skip link: nothing to ring yet
        return focus or {}
    assert focus["outline"] != "none" and focus["width"] >= 3, f"no visible focus ring: {focus}"
    assert _contrast(focus["colour"], focus["background"]) >= 3, f"focus ring hard to see: {focus}"
    assert focus["inView"], f"focused element out of view: {focus}"
    return focus


def tab_to(page, selector: str) -> list[dict]:
    """Tab until `selector` has the focus; return every stop on the way."""
    stops = []
    for _ in range(MAX_TABS):
        stops.append(press(page, "Tab"))
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return stops
    raise AssertionError(f"{MAX_TABS} presses of Tab never reached {selector}: "
                         f"{[s.get('text') or s.get('id') for s in stops]}")


def sign_in_by_keyboard(page, username: str) -> None:
    page.goto("/accounts/login/")
    tab_to(page, "#id_username")
    page.keyboard.type(username)
    press(page, "Tab")
    page.keyboard.type("pw")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def skip_to_main(page) -> None:
    """The first Tab reaches the skip link, visible; Enter takes the focus into <main>."""
    focus = press(page, "Tab")
    assert focus["text"] == "Skip to main content" and focus["inView"], focus
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"


def test_a_refused_stage_move_by_keyboard_names_what_is_missing(page, member, project, model,
                                                                  write):
    Project.objects.filter(pk=project.pk).update(stage=Stage.VALIDATION)
    ModelVersionFactory(model=model, created_by=member)
    write("model-card", model, by=member)
    write("deployment-runbook", project, by=member)
    sign_in_by_keyboard(page, "member")

    page.goto(project.get_absolute_url())
    skip_to_main(page)
    stops = tab_to(page, "#id_stage")
    assert all(stop["inMain"] for stop in stops), "the skip link left the top bar behind"
    page.keyboard.type("Deployment")  # a closed select picks the option typed
    assert page.input_value("#id_stage") == "deployment"
    tab_to(page, "#id_note")
    page.keyboard.type("The model card is complete.")
    tab_to(page, "#transition button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_load_state()

    refusal = page.locator("#transition [role=alert]").inner_text()
    assert "Cannot enter Deployment" in refusal and "Ethics & bias review" in refusal, refusal
    assert Project.objects.get(pk=project.pk).stage == Stage.VALIDATION
    assert page.input_value("#id_note") == "The model card is complete."  # nothing to retype
    assert_accessible(page, state="a refused stage move")


def test_a_wiki_page_is_edited_by_keyboard(page, member, project, write):
    doc = write("project-charter", project, by=member)
    sign_in_by_keyboard(page, "member")

    page.goto(doc.get_absolute_url())
    stops = tab_to(page, "#edit-page")  # through the dark top bar, then the page
    assert any(stop["inTopbar"] for stop in stops) and stops[0]["text"] == "Skip to main content"
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{doc.get_absolute_url()}edit/")

    skip_to_main(page)
    tab_to(page, "#id_body")
    page.keyboard.press("Control+End")
    page.keyboard.type(f"\nReviewed by keyboard on {date.today():%Y-%m-%d}.")
    tab_to(page, "#id_summary")
    page.keyboard.type("Keyboard review")
    tab_to(page, "button[name=save]")
    page.keyboard.press("Space")
    page.wait_for_url(lambda url: url.split("#")[0].endswith(doc.get_absolute_url()))

    assert f"Reviewed by keyboard on {date.today():%Y-%m-%d}." in page.locator("#page-body").inner_text()
    saved = Page.objects.get(pk=doc.pk)
    assert saved.revision == 2 and saved.revisions.get(number=2).summary == "Keyboard review"
    assert_accessible(page, state="after a save")
