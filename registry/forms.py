"""Forms check shape; the services check rules."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import construct_instance
from django.utils.choices import CallableChoiceIterator

from config.input import check_json, depth_refused
from registry.models import (
    Caveat,
    Dataset,
    DatasetVersion,
    Lineage,
    Membership,
    MLModel,
    ModelVersion,
    Person,
    Project,
    Role,
    Team,
    slug_validator,
)


class ShapeForm(forms.ModelForm):
    """A model form that checks shape without asking the database: the instance's fields and
    `clean()`, not a chosen row again (its field read it) nor unique and check constraints,
    which the service's `save_validated` leaves to the save and names on their field if it is
    refused. Their errors reach the form through `config.web.submit`."""

    def _post_clean(self) -> None:
        exclude = self._get_validation_exclusions() | {
            name for name, field in self.fields.items() if isinstance(field, forms.ModelChoiceField)}
        try:
            self.instance = construct_instance(self, self.instance, self._meta.fields, self._meta.exclude)
            self.instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            self._update_errors(error)


class TeamForm(ShapeForm):
    class Meta:
        model = Team
        fields = ["slug", "name", "description"]


class MembershipForm(forms.Form):
    person = forms.ModelChoiceField(Person.objects.filter(is_active=True), to_field_name="username")
    level = forms.ChoiceField(choices=Membership.Level.choices)


class ProjectForm(ShapeForm):
    class Meta:
        model = Project
        fields = ["slug", "name", "summary", "team", "visibility", "datasets"]
        widgets = {"datasets": forms.SelectMultiple(attrs={"size": 8})}

    def __init__(self, *args: Any, teams: Any, datasets: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams
        self.fields["datasets"].queryset = datasets
        self.fields["datasets"].required = False
        if self.instance.pk:
            self.fields["slug"].disabled = True


def _split_tags(value: str) -> list[str]:
    return [t.strip().lower() for t in value.replace("\n", ",").split(",") if t.strip()]


class DatasetForm(ShapeForm):
    tags = forms.CharField(required=False, help_text="Comma-separated, e.g. churn, tabular, eu")

    class Meta:
        model = Dataset
        fields = [
            "slug",
            "name",
            "description",
            "team",
            "steward",
            "home_project",
            "source_uri",
            "format",
            "license",
            "sensitivity",
            "contains_pii",
            "limitations",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "limitations": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, teams: Any, projects: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams
        self.fields["home_project"].queryset = projects
        self.fields["steward"].queryset = Person.objects.filter(is_active=True)
        if self.instance.pk:
            self.fields["slug"].disabled = True
            self.initial["tags"] = ", ".join(self.instance.tags.values_list("name", flat=True))

    def clean_tags(self) -> list[str]:
        tags = _split_tags(self.cleaned_data["tags"])
        for tag in tags:
            try:
                slug_validator(tag)
            except ValidationError as error:
                raise ValidationError(f"Tag {tag!r}: {error.messages[0]}") from error
        return tags


class ColumnsForm(forms.Form):
    """The schema as text, one column a line: name | type | description | pii."""

    columns = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 10, "class": "mono"}),
        required=False,
        help_text="One column per line: name | type | description | pii (write 'pii' to flag it).",
    )

    def clean_columns(self) -> list[dict[str, Any]]:
        rows = []
        for number, line in enumerate(self.cleaned_data["columns"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split("|")]
            if len(parts) < 2 or not parts[0] or not parts[1]:
                raise ValidationError(f"Line {number}: write at least 'name | type'.")
            rows.append(
                {
                    "name": parts[0],
                    "dtype": parts[1],
                    "description": parts[2] if len(parts) > 2 else "",
                    "is_pii": len(parts) > 3 and parts[3].lower() in {"pii", "yes", "true", "1"},
                }
            )
        return rows

    @staticmethod
    def as_text(dataset: Dataset) -> str:
        return "\n".join(
            f"{c.name} | {c.dtype} | {c.description}" + (" | pii" if c.is_pii else "")
            for c in dataset.columns.all()
        )


class DatasetVersionForm(ShapeForm):
    class Meta:
        model = DatasetVersion
        fields = ["label", "released_on", "row_count", "size_bytes", "checksum", "location", "notes"]
        widgets = {
            "released_on": forms.DateInput(attrs={"type": "date"}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }


class ModelForm(ShapeForm):
    class Meta:
        model = MLModel
        fields = ["slug", "name", "task", "framework", "project", "description", "tags"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4}),
                   "tags": forms.Textarea(attrs={"rows": 2})}
        help_texts = {"tags": 'JSON object of strings, e.g. {"team": "risk", "domain": "cards"}'}

    def __init__(self, *args: Any, projects: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects
        if self.instance.pk:
            self.fields["slug"].disabled = True


def lineage_choices(dataset_versions: Any, project: Any = None) -> list[tuple[str, list]]:
    """The lineage picker's choices: one group per dataset (the project's datasets first, then
    by name), its versions newest first, each with its date and row count."""
    linked = set(project.datasets.values_list("pk", flat=True)) if project is not None else set()
    groups: dict[int, tuple[Any, list]] = {}
    for dv in dataset_versions.select_related("dataset").order_by("-released_on", "-created_at", "-pk"):
        facts = [f"{dv.released_on:%Y-%m-%d}" if dv.released_on else "",
                 f"{dv.row_count:,} rows" if dv.row_count is not None else ""]
        label = " · ".join([dv.label, *[fact for fact in facts if fact]])
        groups.setdefault(dv.dataset_id, (dv.dataset, []))[1].append((dv.pk, label))
    ordered = sorted(groups.values(), key=lambda group: (group[0].pk not in linked, group[0].name.lower()))
    return [(dataset.name + (" (this project's)" if dataset.pk in linked else ""), versions)
            for dataset, versions in ordered]


class ModelVersionForm(forms.Form):
    number = forms.IntegerField(min_value=1, required=False, help_text="Leave empty for the next number.")
    status = forms.ChoiceField(choices=ModelVersion.Status.choices, initial="candidate")
    metrics = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text='JSON object, e.g. {"auc": 0.91, "f1": 0.78}',
    )
    params = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text='Hyperparameters as a JSON object, e.g. {"max_depth": 6, "eta": 0.1}',
    )
    tags = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text="One key=value per line, e.g. stage=shadow",
    )
    run_id = forms.CharField(label="Tracker run id", max_length=200, required=False)
    source_uri = forms.URLField(label="Tracker run URL", max_length=500, required=False,
                                assume_scheme="https")
    code_revision = forms.CharField(max_length=80, required=False)
    artifact_uri = forms.CharField(max_length=500, required=False)
    trained_by = forms.ModelChoiceField(Person.objects.filter(is_active=True), required=False)
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    training_data = forms.ModelMultipleChoiceField(
        DatasetVersion.objects.none(), required=False, widget=forms.CheckboxSelectMultiple,
        help_text="Grouped by dataset, newest version first; the project's own datasets first.")
    evaluation_data = forms.ModelMultipleChoiceField(
        DatasetVersion.objects.none(), required=False, widget=forms.CheckboxSelectMultiple,
        help_text="Grouped by dataset, newest version first; the project's own datasets first.")

    def __init__(self, *args: Any, dataset_versions: Any, project: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # read when the form is drawn (not on a valid POST); validation still reads the queryset
        grouped = CallableChoiceIterator(lambda: lineage_choices(dataset_versions, project))
        for name in ("training_data", "evaluation_data"):
            self.fields[name].queryset = dataset_versions
            self.fields[name].widget.choices = grouped

    def clean_metrics(self) -> dict[str, Any]:
        return _json_object(self.cleaned_data["metrics"])

    def clean_params(self) -> dict[str, Any]:
        return _json_object(self.cleaned_data["params"])

    def clean_tags(self) -> dict[str, str]:
        tags = {}
        for number, line in enumerate(self.cleaned_data["tags"].splitlines(), 1):
            if not line.strip():
                continue
            key, sep, value = line.partition("=")
            if not sep or not key.strip():
                raise ValidationError(f"Line {number}: write key=value.")
            tags[key.strip()] = value.strip()
        return tags

    def lineage(self) -> list[tuple[DatasetVersion, str]]:
        return [(dv, Lineage.Use.TRAINING) for dv in self.cleaned_data["training_data"]] + [
            (dv, Lineage.Use.EVALUATION) for dv in self.cleaned_data["evaluation_data"]
        ]


def _json_object(raw: str) -> dict[str, Any]:
    """A form's JSON object field: {} when empty."""
    raw = raw.strip()
    if not raw:
        return {}
    try:
        value = json.loads(raw)
    except RecursionError as error:
        raise ValidationError(depth_refused()) from error
    except json.JSONDecodeError as error:
        raise ValidationError(f"Not valid JSON: {error.msg} (line {error.lineno}).") from error
    try:
        check_json(value)
    except ValidationError as error:
        where, messages = next(iter(error.message_dict.items()))
        raise ValidationError(f"{where}: {messages[0]}") from error
    if not isinstance(value, dict):
        raise ValidationError('Write an object of name: value, e.g. {"auc": 0.91}.')
    return value


class CaveatForm(forms.Form):
    kind = forms.ChoiceField(choices=Caveat.Kind.choices)
    text = forms.CharField(max_length=5000, widget=forms.Textarea(attrs={"rows": 3}),
                           label="What is wrong with the data",
                           help_text="Model versions trained or evaluated on this version inherit it.")


class CaveatResolveForm(forms.Form):
    resolution = forms.CharField(max_length=5000, label="How it was resolved")


class RoleAssignForm(forms.Form):
    role = forms.ModelChoiceField(Role.objects.all())
    person = forms.ModelChoiceField(Person.objects.filter(is_active=True))


class PersonForm(ShapeForm):
    class Meta:
        model = Person
        fields = ["display_name", "title", "email", "bio"]
        widgets = {"bio": forms.Textarea(attrs={"rows": 4})}

