"""The lifecycle part of the demo: every project walks its stages the way a team would,
writing (and getting approved) the documentation each gate asks for; then sprints,
retrospectives and action items. Everything goes through the services."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from lifecycle import gates, services
from lifecycle.gates import Check
from lifecycle.models import Sprint
from registry import permissions as registry_permissions
from registry import services as registry_services
from registry.demo import ABANDON_REASON, Seeded, backdate_history, path_to
from registry.models import Dataset, Membership, MLModel, Person, Project, Stage
from wiki.conformance import missing_sections
from wiki.models import Template
from wiki.prefill import GUIDANCE, answer_sections, insert_under, skeleton_for
from wiki.services import page_create, page_update, space_for_target

ANSWERS: dict[str, dict[str, str]] = {
    "project-charter": {
        "Problem statement": "{name} addresses a recurring cost that manual work no longer keeps up with.",
        "Business value": "Fewer losses and less manual review; the estimate is in the sizing sheet.",
        "Success criteria": "Beat the current process on the agreed offline metric, then in an A/B test.",
        "Stakeholders": "The owning team, operations, compliance and the product owner.",
        "Constraints": "Personal data stays in the EU region; decisions must be explainable.",
    },
    "feasibility-assessment": {
        "Question": "Can the available data predict the outcome well enough to act on it?",
        "Candidate data sources": "The linked datasets in the registry, reviewed with their stewards.",
        "Data quality and coverage": "Two years of history, under 2% missing values in key columns.",
        "Baseline and success criteria": "A logistic regression baseline; we need +5 points.",
        "Risks": "Label delay and seasonal drift; both have mitigations in the plan.",
        "Decision (go / no-go) and reasons": "Go: the baseline already clears the bar on a holdout.",
    },
    "datasheet": {
        "Motivation": "Collected to support {name}'s models and analyses.",
        "Composition": "One row per event; the schema table above lists every column.",
        "Collection process": "Extracted daily from the source system by the data platform.",
        "Preprocessing, cleaning and labeling": "Deduplicated; identifiers pseudonymised at ingestion.",
        "Uses": "Training and evaluating the team's models; not for individual decisions.",
        "Distribution": "Internal only, through the warehouse with role-based access.",
        "Maintenance": "The steward refreshes it monthly and records each release as a version.",
    },
    "model-card": {
        "Model details": "{name}, owned by the project team; see the versions table.",
        "Intended use": "Decision support for trained staff; not for fully automated decisions.",
        "Factors": "Region, channel and customer tenure.",
        "Metrics": "The offline metrics in the versions table, measured on a time-based holdout.",
        "Evaluation data": "The evaluation dataset versions listed in the lineage.",
        "Training data": "The training dataset versions listed in the lineage.",
        "Quantitative analyses": "Performance is within 2 points across regions and channels.",
        "Ethical considerations": "False positives burden customers; reviewed in the ethics review.",
        "Caveats and recommendations": "Retrain when the drift plan's thresholds are crossed.",
    },
    "ethics-bias-review": {
        "Sensitive attributes": "Age band and region (proxies checked: postcode, device).",
        "Potential harms": "Unequal error rates could burden some groups more than others.",
        "Fairness metrics by group": "False-positive rate by age band within ±1.5 points.",
        "Mitigations": "Threshold per region reviewed quarterly; human review of all holds.",
        "Reviewer sign-off": "Signed off by the project's reviewer on the current revision.",
    },
    "deployment-runbook": {
        "Serving": "A containerised service behind the platform gateway, two replicas per zone.",
        "Dependencies": "Feature store, model registry artifact, the platform's auth service.",
        "Rollout and rollback": "Shadow for a week, then 10% → 50% → 100%; rollback is one flag.",
        "Alerts and on-call": "Latency and error alerts page the team's on-call rotation.",
        "Service levels": "p99 under 50 ms, 99.9% availability.",
    },
    "monitoring-drift-plan": {
        "Monitored metrics and features": "Prediction rate, top-10 features' distributions, latency.",
        "Drift tests and thresholds": "PSI above 0.2 on any monitored feature for 3 days.",
        "Retraining trigger and cadence": "Monthly, or when a drift test fires.",
        "Owners": "The project's ML engineer, with the data steward for input data.",
    },
    "drift-report": {
        "What drifted": "The transaction amount distribution after a pricing change.",
        "When and how it was detected": "The weekly PSI check crossed 0.2 three days running.",
        "Impact": "Forecast error rose from 7% to 11% on affected warehouses.",
        "Retraining decision": "Retrain on the last 12 months including the new prices.",
    },
    "retirement-note": {
        "Reason": "Replaced by a newer approach.",
        "Replacement": "See the project's successor.",
        "Data and artifact disposal": "Artifacts archived for 2 years, then deleted.",
    },
}

RETROS = {
    "card-fraud-detection": [
        ("Shadow scoring found no latency regressions.",
         "Agree the label delay before promising weekly retrains."),
        ("The new merchant features lifted recall by 3 points.",
         "Document feature provenance in the [[Card transactions: datasheet]]."),
    ],
    "churn-prediction": [
        ("Staging evaluation on [[dataset:subscription-events]] went smoothly.",
         "Freeze the evaluation set before tuning."),
        ("Retention ran its first outreach from the staging scores.",
         "Talk to the retention team before changing the score's meaning."),
    ],
    "demand-forecasting": [
        ("The drift alert fired before anyone noticed worse forecasts.",
         "Keep the drift thresholds in the plan, not in code comments."),
    ],
}


def _answer(kind: str, section: str, target: object) -> str:
    text = ANSWERS.get(kind, {}).get(section, f"Written up for {target}.")
    return text.format(name=target)


def _fill(body: str, kind: str, sections: list[str], target: object) -> str:
    for section in sections:
        answer = _answer(kind, section, target)
        guidance = GUIDANCE.format(section=section)
        body = body.replace(guidance, answer) if guidance in body else insert_under(body, section, answer)
    return body


def _reviewer(project: Project) -> Person | None:
    ids = registry_permissions.reviewers_of(project)
    return Person.objects.filter(pk__in=ids).order_by("username").first()


def _satisfy(check: Check, project: Project, by: Person) -> None:
    requirement, target = check.requirement, check.target
    kind = requirement.template_kind
    extra = list(requirement.extra_sections)
    decision = {"go": "Go: the baseline already clears the bar on a holdout.",
                "no-go": ABANDON_REASON}.get(requirement.decision)
    page = check.page
    if page is None:
        template = Template.objects.get(kind=kind)
        space = space_for_target(target)
        body = _fill(skeleton_for(template, [target], space.project if space.project_id else None), kind,
                     list(template.required_sections) + extra, target)
        if decision:
            body = body.replace(ANSWERS["feasibility-assessment"]["Decision (go / no-go) and reasons"],
                                decision)
        page = page_create(space=space, title=f"{target.name}: {template.name.lower()}",
                           body=body, by=by, template=template, documents=[target],
                           summary="Written for the stage gate.")
    else:
        body = _fill(page.body, kind, missing_sections(page) + extra, target)
        if body != page.body:
            page = page_update(page=page, title=page.title, body=body, base_revision=page.revision,
                               by=by, summary="Filled in the empty sections.").page
    if requirement.needs_approval:
        reviewer = _reviewer(project)
        if reviewer and not page.approvals.filter(revision=page.revision).exists():
            services.page_approve(page=page, revision=page.revision, by=reviewer,
                                  comment="Reviewed with the team.")


def _lead(project: Project) -> Person:
    return Membership.objects.filter(team=project.team, level=Membership.Level.LEAD) \
        .select_related("person").first().person


def _walk(project: Project, stage: str) -> None:
    by = _lead(project)
    for step in path_to(stage):
        for check in gates.evaluate(project, step, links=False):
            if not check.met:
                _satisfy(check, project, by)
        note = ABANDON_REASON if step == Stage.ABANDONED else f"Ready for {Stage(step).label}."
        services.project_stage_change(project=project, to=step, note=note, by=by)
    backdate_history(project)


def _sprints(seeded: Seeded) -> None:
    today = timezone.localdate()
    for slug in ("card-fraud-detection", "churn-prediction", "demand-forecasting",
                 "credit-limit-advisor", "next-best-offer"):
        project = seeded.projects[slug]
        by = _lead(project)
        # four two-week sprints: three over (the last without its retrospective yet), one running
        first_start = today - timedelta(days=14 * 3 + 10)
        sprints = [
            services.sprint_create(project=project, by=by,
                                   starts_on=first_start + timedelta(days=14 * n),
                                   ends_on=first_start + timedelta(days=14 * n + 11),
                                   goal=goal)
            for n, goal in enumerate([
                "Agree the evaluation protocol and a baseline.",
                "Add the new features and compare against the baseline.",
                "Harden the pipeline and prepare the review.",
                "Address the review's findings.",
            ])
        ]
        owner = seeded.people["demo"] if project.team.slug == "risk-ml" else by
        services.action_item_add(sprint=sprints[0], text="Book reviewer time at sprint planning",
                                 owner=by, due_on=sprints[1].ends_on, by=by)
        done = services.action_item_add(sprint=sprints[0], text="Link the datasheets from the charter",
                                        owner=owner, due_on=sprints[0].ends_on, by=by)
        services.action_item_update(item=done, status="done", by=by)
        services.action_item_add(sprint=sprints[1], text="Freeze the evaluation set before tuning",
                                 owner=owner, due_on=today - timedelta(days=3), by=by)
        for sprint, (went_well, lesson) in zip(sprints[:2], RETROS.get(slug, []), strict=False):
            _retrospective(sprint, by, went_well, lesson)


def _retrospective(sprint: Sprint, by: Person, went_well: str, lesson: str) -> None:
    page = services.retrospective_write(sprint=sprint, by=by)
    answers = {
        "Sprint goal and outcome": "Goal met.",
        "What went well": went_well,
        "What did not go well": "Reviews waited two days for a reviewer.",
        "Lessons learned": lesson,
        "Ethics and bias observations": "Nothing new this sprint.",
    }
    body = answer_sections(page.body, answers)
    page_update(page=page, title=page.title, body=body, base_revision=page.revision, by=by,
                summary="Written after the sprint review.")


def seed_lifecycle_demo(seeded: Seeded) -> None:
    for slug, stage in seeded.stages.items():
        _walk(seeded.projects[slug], stage)
    for version in [*seeded.replaced, *seeded.production]:  # a replaced one is archived by the next
        _walk_promotion(version, seeded)
    _registry_story()
    _sprints(seeded)


def _registry_story() -> None:
    """The model registry as a serving job reads it: fraud-scorer v2 was replaced in production
    by v3 (and archived by that promotion); `champion` (serving) names v3, `challenger` a v5
    trained on a new card-transactions release that carries an open bias caveat, so v5's
    promotion is refused until its model card answers it. The private limit-advisor has a
    `champion` too (outsiders must not learn of it)."""
    model = MLModel.objects.get(slug="fraud-scorer")
    by = _lead(model.project)
    live = model.versions.get(status="production")
    services.model_alias_set(model=model, name="champion", version=live, by=by, serving=True)
    data = Dataset.objects.get(slug="card-transactions")
    steward = by  # the lead: the steward of this dataset reads, the team writes
    release = registry_services.dataset_version_add(
        dataset=data, label="2026.12", by=steward, row_count=4_800_000,
        notes="Adds the new instant-payments channel.", location="s3://almanac-risk-ml/card-transactions/2026.12/")
    challenger = registry_services.model_version_add(
        model=model, by=by, metrics={"auc": 0.934, "recall_at_1pct_fpr": 0.66},
        params={"learning_rate": 0.03, "num_leaves": 63, "seed": 35},
        tags={"pipeline": "nightly", "framework": "LightGBM", "candidate-for": "champion"},
        run_id="8f14e45fceea167a5a36dedd4bea2543", source_uri="https://mlflow.example.com/#/runs/8f14e45f",
        code_revision="c0ffee123456", artifact_uri="s3://almanac-models/fraud-scorer/5/model.bin",
        lineage=[(release, "training"), (chargebacks_latest(), "evaluation")],
        notes="Retrained with the instant-payments channel.")
    services.model_alias_set(model=model, name="challenger", version=challenger, by=by)
    registry_services.caveat_raise(
        dataset_version=release, kind="bias", by=steward,
        text="Instant payments are almost all from customers under 35: older customers are "
             "under-represented in the new channel.")
    private = MLModel.objects.get(slug="limit-advisor")
    services.model_alias_set(model=private, name="champion", version=private.versions.order_by(
        "-number").first(), by=_lead(private.project))
    hidden = Dataset.objects.filter(home_project=private.project).order_by("pk").first()
    registry_services.caveat_raise(
        dataset_version=hidden.versions.order_by("pk").first(), kind="quality", by=_lead(private.project),
        text="Bureau scores are missing for thin-file applicants.")


def chargebacks_latest() -> object:
    return Dataset.objects.get(slug="chargebacks").versions.order_by("-created_at", "-pk").first()


def _walk_promotion(version: object, seeded: Seeded) -> None:
    project = version.model.project
    by = _lead(project)
    for check in gates.evaluate(project, Stage.DEPLOYMENT, links=False):
        if not check.met and check.requirement.template_kind in ("model-card", gates.ETHICS_KIND):
            _satisfy(check, project, by)
    services.model_version_set_status(version=version, status="production", by=by)

