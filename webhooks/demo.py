"""The demo's webhook: Risk ML's lead subscribed a local URL where nothing listens, so its
delivery log shows a ping that failed gracefully (connection refused, retried later)."""

from __future__ import annotations

from registry.models import Membership, Team
from webhooks import services
from webhooks.models import Event
from webhooks.tasks import send_after_commit

DEMO_WEBHOOK_URL = "http://127.0.0.1:9/almanac-webhook"  # the discard port: nothing answers


def seed_webhooks_demo() -> None:
    team = Team.objects.get(slug="risk-ml")
    lead = team.memberships.filter(level=Membership.Level.LEAD).order_by("pk").first().person
    subscription = services.subscription_create(
        team=team, url=DEMO_WEBHOOK_URL, by=lead, description="Chat bridge (not running in the demo)",
        events=[Event.VERSION_REGISTERED, Event.STATUS_CHANGED, Event.STAGE_CHANGED,
                Event.APPROVAL_GIVEN, Event.APPROVAL_REFUSED, Event.CAVEAT_RAISED,
                Event.DRIFT_DETECTED, Event.ALIAS_MOVED])
    send_after_commit([services.ping(subscription=subscription, by=lead)])
