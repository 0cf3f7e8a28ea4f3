"""A team's webhooks in the web UI: subscribe, see the delivery log, ping, redeliver, remove.
For the team's leads and staff; the same services as the API."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from config.web import paginate, posted, submit
from webhooks import selectors, services
from webhooks.forms import SubscriptionForm
from webhooks.tasks import send_after_commit


@login_required
def subscription_list(request: HttpRequest, slug: str) -> HttpResponse:
    team = selectors.managed_team(request.user, slug)
    form = SubscriptionForm(posted(request))
    subscription = submit(form, lambda: services.subscription_create(
        team=team, by=request.user, **form.cleaned_data))
    if subscription:
        messages.success(request, f"Subscribed {subscription.url}. Its signing secret is below.")
        return redirect(subscription)
    return render(request, "webhooks/subscription_list.html", {
        "team": team, "form": form, "subscriptions": selectors.subscriptions(team), "nav": "teams",
    }, status=400 if form.errors else 200)


@login_required
def subscription_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    subscription = selectors.subscription(request.user, slug, pk)
    response = render(request, "webhooks/subscription_detail.html", {
        "team": subscription.team, "subscription": subscription, "nav": "teams",
        "deliveries": paginate(request, selectors.deliveries(subscription)),
        "signature_header": services.SIGNATURE_HEADER,
    })
    response["Cache-Control"] = "no-store"  # the page shows the signing secret
    return response


@login_required
@require_POST
def subscription_ping(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    subscription = selectors.subscription(request.user, slug, pk)
    send_after_commit([services.ping(subscription=subscription, by=request.user)])
    messages.success(request, "Ping sent; its delivery is at the top of the log.")
    return redirect(subscription)


@login_required
@require_POST
def delivery_redeliver(request: HttpRequest, slug: str, pk: int, delivery: int) -> HttpResponse:
    subscription = selectors.subscription(request.user, slug, pk)
    again = services.redeliver(delivery=get_object_or_404(subscription.deliveries, pk=delivery),
                               by=request.user)
    send_after_commit([again])
    messages.success(request, f"Sent again as a new delivery ({again.event}).")
    return redirect(subscription)


@login_required
@require_POST
def subscription_toggle(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    subscription = selectors.subscription(request.user, slug, pk)
    services.subscription_update(subscription=subscription, by=request.user,
                                 active=not subscription.active)
    messages.success(request, "Deliveries resumed." if subscription.active else
                     "Paused: no event is sent until you resume.")
    return redirect(subscription)


@login_required
@require_POST
def subscription_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    subscription = selectors.subscription(request.user, slug, pk)
    team = subscription.team
    services.subscription_delete(subscription=subscription, by=request.user)
    messages.success(request, f"Removed the webhook to {subscription.url} and its delivery log.")
    return redirect("webhooks:list", team.slug)
