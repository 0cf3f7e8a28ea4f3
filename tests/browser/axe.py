"""axe-core in the browser: `assert_accessible(page)` fails on any WCAG 2.1 A/AA violation.

axe-core comes from the npm registry, pinned exactly in package.json and installed into
node_modules/ by `make test` (`npm ci --ignore-scripts`); it is injected from that file,
never fetched from a CDN. Without it (no npm on the machine) the dedicated accessibility
tests skip with a reason (`requires_axe`) and the other browser tests still run their
journeys, with a warning that their pages went unchecked.
"""

import warnings
from pathlib import Path
from typing import Any

import pytest

AXE_JS = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
MISSING = (f"axe-core is not installed ({AXE_JS.relative_to(AXE_JS.parents[2])} is missing): "
           "run `npm ci --ignore-scripts` at the repository root (make test does when npm is present)")

requires_axe = pytest.mark.skipif(not AXE_JS.exists(), reason=MISSING)


class AxeMissingWarning(UserWarning):
    """A page went unchecked because axe-core is not installed."""


# Two rules of ours, reported the way axe reports its own:
# - idref-exists: axe-core accepts an aria-describedby (or label[for]) that names no element
#   as long as the control is named otherwise; a screen reader then reads nothing where help
#   text was meant to be.
# - skip-link-first: the first element Tab reaches is a link to the page's <main>.
OWN_RULES = """() => {
  const violations = [];
  const nodes = [];
  const describe = el => el.id ? '#' + CSS.escape(el.id)
    : el.tagName.toLowerCase() + (el.getAttribute('name') ? '[name="' + el.getAttribute('name') + '"]' : '');
  for (const el of document.querySelectorAll('[aria-describedby], [aria-labelledby], label[for]')) {
    for (const attr of ['aria-describedby', 'aria-labelledby', 'for']) {
      if (attr === 'for' && el.tagName !== 'LABEL') continue;
      const missing = (el.getAttribute(attr) || '').split(/\\s+/)
        .filter(id => id && !document.getElementById(id));
      if (missing.length) {
        nodes.push({target: describe(el), html: el.outerHTML.slice(0, 160),
                    summary: attr + ' names ' + missing.join(', ') + ', not on the page'});
      }
    }
  }
  if (nodes.length) violations.push({id: 'idref-exists', impact: 'serious', nodes: nodes,
      help: 'aria-describedby, aria-labelledby and label[for] must name elements on the page'});
  const focusable = [...document.querySelectorAll(
      'a[href], button, input, select, textarea, summary, [tabindex]')].filter(el =>
      !el.disabled && el.tabIndex >= 0 && el.type !== 'hidden' && !el.closest('[hidden], [inert]')
      && getComputedStyle(el).visibility !== 'hidden' && el.getClientRects().length);
  const first = focusable[0];
  const main = document.querySelector('main[id]');
  if (!main || !first || first.tagName !== 'A' || first.getAttribute('href') !== '#' + main.id) {
    violations.push({id: 'skip-link-first', impact: 'serious',
      help: 'The first focusable element must be a link to the <main> element (a skip link)',
      nodes: [{target: first ? describe(first) : 'body', html: first ? first.outerHTML.slice(0, 160) : '',
               summary: main ? 'Tab reaches this first' : 'no <main id=...> on the page'}]});
  }
  return violations;
}"""


def _inject(page: Any, source: str) -> None:
    """Run `source` in the page through the DevTools protocol, which the page's
    Content-Security-Policy does not govern: a <script> holding it inline (add_script_tag)
    would be refused, as the policy means it to be."""
    session = page.context.new_cdp_session(page)
    try:
        session.send("Runtime.evaluate", {"expression": source})
    finally:
        session.detach()


def axe_violations(page: Any) -> list[dict]:
    """Run axe-core on the page as it is now, with the four WCAG 2.1 A/AA tags only, and
    the two rules of ours above."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        _inject(page, AXE_JS.read_text())
    return page.evaluate(OWN_RULES) + page.evaluate(
        """tags => axe.run(document, {runOnly: {type: 'tag', values: tags},
                                       resultTypes: ['violations']})
                  .then(results => results.violations.map(v => ({
                      id: v.id, impact: v.impact, help: v.help,
                      nodes: v.nodes.map(n => ({target: n.target.join(' '),
                                                html: n.html.slice(0, 160),
                                                summary: n.failureSummary}))})))""",
        WCAG_TAGS,
    )


def describe(violations: list[dict]) -> str:
    """One line per violation (rule id, impact, what it means), one per element under it."""
    lines = []
    for violation in violations:
        lines.append(f"  {violation['id']} [{violation['impact']}]: {violation['help']}")
        for node in violation["nodes"]:
            lines.append(f"    - {node['target']}    {' '.join(node['html'].split())}")
            if node.get("summary"):
                lines.append(f"        {' '.join(node['summary'].split())[:240]}")
    return "\n".join(lines)


def assert_accessible(page: Any, *, state: str = "") -> None:
    """Fail if axe-core finds any WCAG 2.1 A/AA violation on the page as it is now.

    `state` names what is on screen beyond the URL ("form with errors"), for the message.
    """
    if not AXE_JS.exists():
        warnings.warn(MISSING, AxeMissingWarning, stacklevel=2)
        return
    violations = axe_violations(page)
    if violations:
        where = page.url + (f" ({state})" if state else "")
        pytest.fail(f"axe-core: {len(violations)} WCAG 2.1 A/AA violation(s) on {where}\n"
                    + describe(violations), pytrace=False)
