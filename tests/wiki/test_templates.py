"""Built-in and team templates, and new pages pre-filled with what Almanac knows."""

import pytest

from registry.models import DatasetColumn, Lineage
from tests.factories import DatasetVersionFactory, ModelVersionFactory
from wiki.models import Page, Template

BUILTIN = {
    "project-charter": ["Problem statement", "Business value", "Success criteria", "Stakeholders",
                        "Constraints"],
    "feasibility-assessment": ["Question", "Candidate data sources", "Data quality and coverage",
                               "Baseline and success criteria", "Risks",
                               "Decision (go / no-go) and reasons"],
    "datasheet": ["Motivation", "Composition", "Collection process",
                  "Preprocessing, cleaning and labeling", "Uses", "Distribution", "Maintenance"],
    "model-card": ["Model details", "Intended use", "Factors", "Metrics", "Evaluation data",
                   "Training data", "Quantitative analyses", "Ethical considerations",
                   "Caveats and recommendations"],
    "ethics-bias-review": ["Sensitive attributes", "Potential harms", "Fairness metrics by group",
                           "Mitigations", "Reviewer sign-off"],
    "deployment-runbook": ["Serving", "Dependencies", "Rollout and rollback", "Alerts and on-call",
                           "Service levels"],
    "monitoring-drift-plan": ["Monitored metrics and features", "Drift tests and thresholds",
                              "Retraining trigger and cadence", "Owners"],
    "drift-report": ["What drifted", "When and how it was detected", "Impact", "Retraining decision"],
    "retrospective": ["Sprint goal and outcome", "What went well", "What did not go well",
                      "Lessons learned", "Action items", "Data and model changes",
                      "Ethics and bias observations"],
    "decision-record": ["Context", "Decision", "Consequences"],
    "incident-postmortem": ["Summary", "Impact", "Timeline", "Root cause", "Action items"],
    "retirement-note": ["Reason", "Replacement", "Data and artifact disposal"],
}


def test_the_twelve_built_in_templates_are_installed_with_their_sections(db):
    installed = {t.kind: t.required_sections for t in Template.objects.filter(builtin=True)}

    assert installed == BUILTIN
    for template in Template.objects.filter(builtin=True):
        for section in template.required_sections:
            assert f"## {section}\n" in template.body


def test_a_model_card_from_the_template_is_prefilled_and_documents_the_model(
        client, member, model, dataset):
    train = DatasetVersionFactory(dataset=dataset, label="2026.03", created_by=member)
    version = ModelVersionFactory(model=model, number=1, status="production",
                                  metrics={"auc": 0.91}, created_by=member)
    Lineage.objects.create(model_version=version, dataset_version=train, use="training")
    client.force_login(member)

    form = client.get("/wiki/project-fraud/new/?template=model-card&documents=model:scorer")
    body = form.context["form"].initial["body"]

    assert "| v1 | Production | auc=0.91 |" in body
    assert "[[dataset:transactions]] | 2026.03 |" in body
    assert form.context["form"].initial["documents"] == "model:scorer"

    response = client.post("/wiki/project-fraud/new/", {
        "title": "Scorer model card", "body": body, "template": "model-card",
        "documents": "model:scorer"})
    assert response.status_code == 302
    page = Page.objects.get(slug="scorer-model-card")
    assert page.template.kind == "model-card" and list(page.documents_models.all()) == [model]
    assert "Scorer model card" in client.get("/models/scorer/").content.decode()


def test_a_datasheet_gets_the_schema_owners_and_versions(client, member, dataset):
    DatasetColumn.objects.create(dataset=dataset, name="amount", dtype="decimal", is_pii=False,
                                 description="In EUR")
    DatasetVersionFactory(dataset=dataset, label="2026.06", created_by=member)
    client.force_login(member)

    response = client.get("/wiki/team-risk/new/?template=datasheet&documents=dataset:transactions")
    body = response.context["form"].initial["body"]

    assert "| amount | decimal | no | In EUR |" in body
    assert "Owner team: Risk" in body and "| 2026.06 |" in body


def test_a_member_creates_and_edits_a_team_template(client, member, team):
    client.force_login(member)
    response = client.post("/wiki/templates/new/", {
        "kind": "experiment-log", "name": "Experiment log", "team": team.pk,
        "required_sections": "Hypothesis\nResult", "body": "## Hypothesis\n\n## Result\n"})
    assert response.status_code == 302
    template = Template.objects.get(kind="experiment-log")
    assert template.required_sections == ["Hypothesis", "Result"] and not template.builtin

    response = client.post("/wiki/templates/experiment-log/edit/", {
        "name": "Experiment log", "required_sections": "Hypothesis\nResult\nNext step",
        "body": "## Hypothesis\n"})
    assert response.status_code == 302
    assert Template.objects.get(kind="experiment-log").required_sections[-1] == "Next step"


def test_built_in_templates_are_edited_by_staff_only(client, member):
    client.force_login(member)

    assert client.get("/wiki/templates/model-card/edit/").status_code == 403


@pytest.mark.parametrize("data,field", [
    ({"kind": "model-card", "name": "Dup"}, "kind"),
    ({"kind": "Bad Key", "name": "X"}, "kind"),
    ({"kind": "ok-key", "name": ""}, "name"),
    ({"kind": "ok-key", "name": "X", "required_sections": "A\na"}, "required_sections"),
])
def test_a_bad_template_shows_an_error_and_saves_nothing(client, member, team, data, field):
    client.force_login(member)
    before = Template.objects.count()

    response = client.post("/wiki/templates/new/", {"team": team.pk, **data})

    assert response.status_code == 400 and field in response.context["form"].errors
    assert Template.objects.count() == before


def test_an_outsider_cannot_make_a_template_for_another_team(client, outsider, team):
    client.force_login(outsider)

    response = client.post("/wiki/templates/new/", {"kind": "x", "name": "X", "team": team.pk})

    assert response.status_code == 400 and not Template.objects.filter(kind="x").exists()
