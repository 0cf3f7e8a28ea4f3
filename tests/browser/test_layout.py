"""Layout a newcomer noticed (issue #15): nothing spills out of its box on a laptop screen."""

import pytest

from lifecycle import services
from tests.browser.axe import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OVERFLOW = """(selector) => [...document.querySelectorAll(selector)]
    .filter(el => el.scrollWidth > el.clientWidth + 1).map(el => el.outerHTML.slice(0, 80))"""


def test_the_board_fits_every_stage_name_in_its_column(page, sign_in, member, project):
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in("member")
    page.goto("/board/")
    assert page.evaluate(OVERFLOW, "#board .column, #board .column h3") == []
    assert_accessible(page)


def test_a_retrospectives_action_items_fit_the_side_column(page, sign_in, member, project):
    """On a small laptop screen (1024 px) the table of items overflowed the side column."""
    from datetime import date

    sprint = services.sprint_create(project=project, starts_on=date(2026, 1, 5),
                                    ends_on=date(2026, 1, 16), by=member)
    services.action_item_add(sprint=sprint, by=member, owner=member,
                             text="Re-label the chargebacks of the travel merchants by hand")
    retro = services.retrospective_write(sprint=sprint, by=member)
    page.set_viewport_size({"width": 1024, "height": 900})
    sign_in("member")
    page.goto(retro.get_absolute_url())
    overflow = page.evaluate("""() => {
        const box = document.querySelector('#action-items');
        const table = box.querySelector('table');
        return table.getBoundingClientRect().right - box.getBoundingClientRect().right;
    }""")
    assert overflow <= 1
    assert_accessible(page)
