from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from lifecycle.models import ActionItem, Approval
from registry.models import ModelVersion, Person, Project, Stage


class TransitionForm(forms.Form):
    stage = forms.ChoiceField(choices=Stage.choices)
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    override_reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text="Staff only: move past unmet documentation requirements, with a reason.",
    )


class ModelVersionStatusForm(forms.Form):
    status = forms.ChoiceField(choices=ModelVersion.Status.choices)


class AliasForm(forms.Form):
    alias = forms.CharField(max_length=60, help_text="e.g. champion or challenger: lowercase "
                                                     "letters, digits and hyphens.")
    serving = forms.BooleanField(required=False, label="Serving (a serving job reads it: "
                                                       "the promotion gate applies)")


class SprintForm(forms.Form):
    starts_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    goal = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", "A sprint ends on or after the day it starts.")
        return data


class ActionItemForm(forms.Form):
    text = forms.CharField(max_length=500)
    owner = forms.ModelChoiceField(Person.objects.filter(is_active=True), required=False,
                                   to_field_name="username")
    due_on = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))


class ActionItemUpdateForm(forms.Form):
    status = forms.ChoiceField(choices=ActionItem.Status.choices)
    owner = forms.ModelChoiceField(Person.objects.filter(is_active=True), required=False,
                                   to_field_name="username")
    due_on = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))


class ApprovalForm(forms.Form):
    """A review of one revision: the decision is the button pressed."""

    revision = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    decision = forms.ChoiceField(choices=Approval.Decision.choices, required=False)
    comment = forms.CharField(max_length=500, required=False)

    def clean_decision(self) -> str:
        return self.cleaned_data["decision"] or Approval.Decision.APPROVED


class _ProjectFilter(forms.Form):
    """A filter form whose project choices are the projects the reader may see."""

    project = forms.ModelChoiceField(Project.objects.none(), required=False, to_field_name="slug",
                                     empty_label="any")

    def __init__(self, *args: Any, projects: QuerySet[Project], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects.order_by("name")


class ActionItemFilter(_ProjectFilter):
    mine = forms.BooleanField(required=False, label="Mine")
    overdue = forms.BooleanField(required=False, label="Overdue")
    status = forms.ChoiceField(choices=[("", "any"), *ActionItem.Status.choices], required=False)


class LessonsFilter(_ProjectFilter):
    q = forms.CharField(required=False, label="Search", max_length=200)
    stage = forms.ChoiceField(choices=[("", "any"), *Stage.choices], required=False)
