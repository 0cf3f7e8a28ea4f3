"""API shapes of the lifecycle: sprints, action items, approvals, review requests, gates."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from config.api import MAX_INT, InputSerializer, request_user
from lifecycle import gates
from lifecycle.models import ActionItem, Approval, ReviewRequest, Sprint
from registry.api.serializers import ModelVersionUpdateIn, UsernameField
from registry.models import ModelVersion, Stage, StageTransition
from wiki.api.serializers import PageDetailOut
from wiki.models import Page


class PageRefOut(serializers.ModelSerializer):
    space = serializers.CharField(source="space.key", read_only=True)

    class Meta:
        model = Page
        fields = ["space", "slug", "title", "revision"]


# --- approvals ----------------------------------------------------------------------------
class ApprovalOut(serializers.ModelSerializer):
    reviewer = serializers.SlugRelatedField(slug_field="username", read_only=True)
    void = serializers.SerializerMethodField(help_text="The page has a newer revision since.")

    class Meta:
        model = Approval
        fields = ["id", "revision", "reviewer", "decision", "comment", "void", "created_at"]

    def get_void(self, approval: Approval) -> bool:
        return approval.approves and approval.revision != self.context["page"].revision


class ApprovalIn(InputSerializer):
    revision = serializers.IntegerField(min_value=1, max_value=MAX_INT,
                                        help_text="The revision you read and review (the current one).")
    decision = serializers.ChoiceField(choices=Approval.Decision.choices, default=Approval.Decision.APPROVED,
                                       help_text="approved, changes_requested (say what) or rejected.")
    comment = serializers.CharField(max_length=500, allow_blank=True, required=False, default="")


class ApprovalStateOut(serializers.Serializer):
    approved = serializers.BooleanField(help_text="The current revision is approved by a Reviewer.")
    state = serializers.CharField(help_text="The sentence the page shows.")
    approved_by = serializers.CharField(allow_null=True)
    approved_revision = serializers.IntegerField(allow_null=True)


class ReviewRequestOut(serializers.ModelSerializer):
    requested_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = ReviewRequest
        fields = ["id", "revision", "requested_by", "created_at"]


class PageWithApprovalOut(PageDetailOut):
    approval = serializers.SerializerMethodField()

    class Meta(PageDetailOut.Meta):
        fields = [*PageDetailOut.Meta.fields, "approval"]

    @extend_schema_field(ApprovalStateOut)
    def get_approval(self, page: Page) -> dict[str, Any]:
        approval, sentence = gates.approval_state(page)
        return {"approved": approval is not None, "state": sentence,
                "approved_by": approval.reviewer.username if approval else None,
                "approved_revision": approval.revision if approval else None}


# --- stages and promotion ----------------------------------------------------------------
class TransitionOut(serializers.ModelSerializer):
    actor = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = StageTransition
        fields = ["id", "from_stage", "to_stage", "note", "override_reason", "actor", "created_at"]


class TransitionIn(InputSerializer):
    stage = serializers.ChoiceField(choices=Stage.choices, help_text="The stage to enter.")
    note = serializers.CharField(allow_blank=True, required=False, default="")
    override_reason = serializers.CharField(
        allow_blank=True, required=False, default="",
        help_text="Staff only: move past unmet documentation requirements, with a reason.")

    def validate_override_reason(self, value: str) -> str:
        if value.strip() and not request_user(self).is_staff:
            raise serializers.ValidationError("Only staff can override requirements.")
        return value


class TransitionRefusedSerializer(serializers.Serializer):
    detail = serializers.CharField()
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))
    unmet = serializers.ListField(child=serializers.JSONField(), required=False,
                                  help_text="Requirements that are not met yet, when any.")


class ModelVersionPatchIn(ModelVersionUpdateIn):
    refused_fields = {
        name: "A registered version is immutable; only its status, tags and notes change."
        for name in ("number", "metrics", "params", "code_revision", "artifact_uri", "trained_by",
                     "lineage", "run_id", "source_uri")
    }
    status = serializers.ChoiceField(choices=ModelVersion.Status.choices, required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs:
            raise serializers.ValidationError({"status": ["Give a status, tags or notes to change."]})
        return attrs


class AliasIn(InputSerializer):
    version = serializers.IntegerField(min_value=1, max_value=MAX_INT,
                                       help_text="The number of the version the alias names.")
    serving = serializers.BooleanField(
        required=False, help_text="A serving job reads it: the version must pass the promotion "
                                  "gate. Left out: kept as it was (false for a new alias).")


class AliasOut(serializers.Serializer):
    model = serializers.CharField(source="model.slug")
    alias = serializers.CharField(source="name")
    version = serializers.IntegerField(source="version.number")
    serving = serializers.BooleanField()
    updated_by = serializers.CharField(source="updated_by.username")
    updated_at = serializers.DateTimeField()


class PromotionCheckOut(serializers.Serializer):
    requirement = serializers.CharField()
    met = serializers.BooleanField()
    problem = serializers.CharField()
    page = serializers.CharField(allow_null=True)
    start_url = serializers.CharField()
    caveat = serializers.IntegerField(allow_null=True, help_text="The inherited caveat's id.")


class PromotionOut(serializers.Serializer):
    model = serializers.CharField()
    number = serializers.IntegerField()
    met = serializers.BooleanField()
    checks = PromotionCheckOut(many=True)


# --- sprints ------------------------------------------------------------------------------
class SprintOut(serializers.ModelSerializer):
    project = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    retrospective = PageRefOut(read_only=True, allow_null=True)
    open_items = serializers.IntegerField(read_only=True, help_text="Its open action items.")

    class Meta:
        model = Sprint
        fields = ["project", "number", "starts_on", "ends_on", "goal", "retrospective", "open_items",
                  "created_at"]


class SprintIn(InputSerializer):
    number = serializers.IntegerField(min_value=1, max_value=MAX_INT, required=False,
                                      help_text="Leave out for the next number.")
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    goal = serializers.CharField(allow_blank=True, required=False, default="", max_length=5000)

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        if data["ends_on"] < data["starts_on"]:
            raise serializers.ValidationError({"ends_on": "A sprint ends on or after the day it starts."})
        return data


# --- action items --------------------------------------------------------------------------
class ActionItemOut(serializers.ModelSerializer):
    project = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    sprint = serializers.IntegerField(source="sprint.number", read_only=True)
    owner = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = ActionItem
        fields = ["id", "project", "sprint", "text", "owner", "due_on", "status", "overdue",
                  "created_by", "created_at", "updated_at"]

    def get_overdue(self, item: ActionItem) -> bool:
        return bool(item.status == ActionItem.Status.OPEN and item.due_on
                    and item.due_on < timezone.localdate())


class SprintDetailOut(SprintOut):
    action_items = ActionItemOut(source="action_items_list", many=True, read_only=True)

    class Meta(SprintOut.Meta):
        fields = [*SprintOut.Meta.fields, "action_items"]


class ActionItemIn(InputSerializer):
    text = serializers.CharField(max_length=500)
    owner = UsernameField(allow_null=True, required=False, default=None)
    due_on = serializers.DateField(allow_null=True, required=False, default=None)


class ActionItemUpdateIn(InputSerializer):
    refused_fields = {"text": "The text of an action item does not change; add a new one.",
                      "sprint": "An action item stays in its sprint."}
    status = serializers.ChoiceField(choices=ActionItem.Status.choices, required=False)
    owner = UsernameField(allow_null=True, required=False)
    due_on = serializers.DateField(allow_null=True, required=False)

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        if not data:
            raise serializers.ValidationError({"status": "Send status, owner or due_on."})
        return data


# --- gates -----------------------------------------------------------------------------------
class TargetOut(serializers.Serializer):
    type = serializers.ChoiceField(choices=["project", "dataset", "model"])
    slug = serializers.CharField()
    name = serializers.CharField()


class CheckOut(serializers.Serializer):
    requirement = serializers.CharField()
    template = serializers.CharField(help_text="Kind of the template the page must follow.")
    target = TargetOut(allow_null=True)
    hidden_target = serializers.CharField(
        allow_blank=True, help_text="Set instead of target when the reader may not see it.")
    met = serializers.BooleanField()
    problem = serializers.CharField(allow_blank=True)
    page = serializers.CharField(allow_null=True, help_text="Address of the page that answers it.")
    start_url = serializers.CharField(allow_blank=True, help_text="Where to start that page in the UI.")


class GateOut(serializers.Serializer):
    project = serializers.CharField()
    stage = serializers.ChoiceField(choices=Stage.choices)
    allowed = serializers.BooleanField(help_text="The lifecycle allows this stage next.")
    met = serializers.BooleanField(help_text="Every check is met.")
    checks = CheckOut(many=True)
