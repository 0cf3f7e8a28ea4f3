"""REST API of webhooks, for a team's leads and staff: subscriptions, their delivery log,
a ping and a redelivery."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from config.api import ApiListView, ApiView, error_responses
from webhooks import selectors, services
from webhooks.api import serializers as s
from webhooks.models import Delivery, Event, Subscription
from webhooks.tasks import send_after_commit

LEAD_ERRORS = error_responses(401, 403, 404)


class SubscriptionList(ApiListView):
    serializer_class = s.SubscriptionOut
    queryset = Subscription.objects.none()
    ordering_fields = ["created_at", "url"]
    ordering = ["-created_at", "-pk"]

    def get_queryset(self) -> QuerySet[Subscription]:
        return selectors.subscriptions(selectors.managed_team(self.request.user, self.kwargs["slug"]))

    @extend_schema(request=s.SubscriptionIn, responses={201: s.SubscriptionOut,
                                                        **error_responses(400, 401, 403, 404)},
                   description="Subscribe a URL to event kinds; the answer holds the signing secret.")
    def post(self, request: Request, slug: str) -> Response:
        team = selectors.managed_team(request.user, slug)
        subscription = services.subscription_create(team=team, by=request.user,
                                                    **self.input(s.SubscriptionIn))
        return self.output(s.SubscriptionOut, selectors.subscription(request.user, slug, subscription.pk),
                           status=201)


class SubscriptionDetail(ApiView):
    @extend_schema(responses={200: s.SubscriptionOut, **LEAD_ERRORS})
    def get(self, request: Request, slug: str, pk: int) -> Response:
        return self.output(s.SubscriptionOut, selectors.subscription(request.user, slug, pk))

    @extend_schema(request=s.SubscriptionPatchIn,
                   responses={200: s.SubscriptionOut, **error_responses(400, 401, 403, 404)})
    def patch(self, request: Request, slug: str, pk: int) -> Response:
        subscription = selectors.subscription(request.user, slug, pk)
        services.subscription_update(subscription=subscription, by=request.user,
                                     **self.input(s.SubscriptionPatchIn))
        return self.output(s.SubscriptionOut, selectors.subscription(request.user, slug, pk))

    @extend_schema(responses={204: None, **LEAD_ERRORS})
    def delete(self, request: Request, slug: str, pk: int) -> Response:
        services.subscription_delete(subscription=selectors.subscription(request.user, slug, pk),
                                     by=request.user)
        return Response(status=204)


class DeliveryFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Delivery.Status.choices)
    event = django_filters.ChoiceFilter(choices=Event.choices)

    class Meta:
        model = Delivery
        fields = ["status", "event"]


class DeliveryList(ApiListView):
    serializer_class = s.DeliveryOut
    queryset = Delivery.objects.none()
    filterset_class = DeliveryFilter
    ordering_fields = ["created_at", "status"]
    ordering = ["-created_at", "-pk"]

    def get_queryset(self) -> QuerySet[Delivery]:
        subscription = selectors.subscription(self.request.user, self.kwargs["slug"], self.kwargs["pk"])
        return selectors.deliveries(subscription)


class Ping(ApiView):
    @extend_schema(request=None, responses={202: s.DeliveryOut, **LEAD_ERRORS},
                   description="Send a `ping` event now; its delivery shows in the log.")
    def post(self, request: Request, slug: str, pk: int) -> Response:
        delivery = services.ping(subscription=selectors.subscription(request.user, slug, pk),
                                 by=request.user)
        send_after_commit([delivery])
        return self.output(s.DeliveryOut, delivery, status=202)


class Redeliver(ApiView):
    @extend_schema(request=None, responses={202: s.DeliveryOut, **LEAD_ERRORS},
                   description="Send a delivery's payload again, as a new delivery.")
    def post(self, request: Request, slug: str, pk: int, delivery: int) -> Response:
        subscription = selectors.subscription(request.user, slug, pk)
        again = services.redeliver(delivery=get_object_or_404(subscription.deliveries, pk=delivery),
                                   by=request.user)
        send_after_commit([again])
        return self.output(s.DeliveryOut, again, status=202)
