from __future__ import annotations

from rest_framework import serializers

from config.api import InputSerializer
from webhooks.models import Delivery, Event, Subscription


class SubscriptionOut(serializers.ModelSerializer):
    team = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    events = serializers.ListField(child=serializers.ChoiceField(choices=Event.choices))
    delivered = serializers.IntegerField(read_only=True)
    failed = serializers.IntegerField(read_only=True)

    class Meta:
        model = Subscription
        fields = ["id", "team", "url", "events", "description", "active", "secret", "created_by",
                  "created_at", "delivered", "failed"]


class SubscriptionIn(InputSerializer):
    url = serializers.URLField(max_length=500)
    events = serializers.ListField(child=serializers.ChoiceField(choices=Event.choices),
                                   allow_empty=False, max_length=len(Event.values))
    description = serializers.CharField(max_length=200, required=False, allow_blank=True)


class SubscriptionPatchIn(InputSerializer):
    url = serializers.URLField(max_length=500, required=False)
    events = serializers.ListField(child=serializers.ChoiceField(choices=Event.choices),
                                   allow_empty=False, max_length=len(Event.values), required=False)
    description = serializers.CharField(max_length=200, required=False, allow_blank=True)
    active = serializers.BooleanField(required=False)


class DeliveryOut(serializers.ModelSerializer):
    class Meta:
        model = Delivery
        fields = ["id", "uuid", "event", "status", "attempts", "response_code", "last_error",
                  "created_at", "last_attempt_at", "next_attempt_at", "payload"]
