"""Install the global space and the built-in templates of PRODUCT.md.

The data is written out here, not imported from app code, so this migration keeps meaning
what it meant when it ran.
"""

from django.db import migrations

BUILTIN = [
    # kind, name, description, required sections
    ("project-charter", "Project charter",
     "Why the project exists and how we will know it worked.",
     ["Problem statement", "Business value", "Success criteria", "Stakeholders", "Constraints"]),
    ("feasibility-assessment", "Feasibility assessment",
     "Can the data answer the question? Ends with a go / no-go decision.",
     ["Question", "Candidate data sources", "Data quality and coverage",
      "Baseline and success criteria", "Risks", "Decision (go / no-go) and reasons"]),
    ("datasheet", "Datasheet for a dataset",
     'After Gebru et al., "Datasheets for Datasets".',
     ["Motivation", "Composition", "Collection process", "Preprocessing, cleaning and labeling",
      "Uses", "Distribution", "Maintenance"]),
    ("model-card", "Model card",
     'After Mitchell et al., "Model Cards for Model Reporting".',
     ["Model details", "Intended use", "Factors", "Metrics", "Evaluation data", "Training data",
      "Quantitative analyses", "Ethical considerations", "Caveats and recommendations"]),
    ("ethics-bias-review", "Ethics & bias review",
     "Who could be harmed, how fairness is measured, and the reviewer's sign-off.",
     ["Sensitive attributes", "Potential harms", "Fairness metrics by group", "Mitigations",
      "Reviewer sign-off"]),
    ("deployment-runbook", "Deployment runbook",
     "How the model is served, rolled out, rolled back and supported.",
     ["Serving", "Dependencies", "Rollout and rollback", "Alerts and on-call", "Service levels"]),
    ("monitoring-drift-plan", "Monitoring & drift plan",
     "What is watched in production and what triggers retraining.",
     ["Monitored metrics and features", "Drift tests and thresholds",
      "Retraining trigger and cadence", "Owners"]),
    ("drift-report", "Drift report",
     "What drifted, its impact, and whether we retrain.",
     ["What drifted", "When and how it was detected", "Impact", "Retraining decision"]),
    ("retrospective", "Post-sprint retrospective",
     "What the sprint taught us, with owned action items.",
     ["Sprint goal and outcome", "What went well", "What did not go well", "Lessons learned",
      "Action items", "Data and model changes", "Ethics and bias observations"]),
    ("decision-record", "Decision record",
     "One decision, its context and its consequences.",
     ["Context", "Decision", "Consequences"]),
    ("incident-postmortem", "Incident postmortem",
     "A blameless account of an incident and what changes because of it.",
     ["Summary", "Impact", "Timeline", "Root cause", "Action items"]),
    ("retirement-note", "Retirement note",
     "Why a model or project is retired and what happens to its data and artifacts.",
     ["Reason", "Replacement", "Data and artifact disposal"]),
]


def _skeleton(sections):
    parts = []
    for section in sections:
        parts.append(f"## {section}\n\n<!-- {section}: replace this comment with your text. -->\n")
    return "\n".join(parts)


def install(apps, schema_editor):
    Template = apps.get_model("wiki", "Template")
    Space = apps.get_model("wiki", "Space")
    db = schema_editor.connection.alias  # the database being migrated, not always "default"
    Space.objects.using(db).get_or_create(key="global", defaults={"kind": "global"})
    for kind, name, description, sections in BUILTIN:
        Template.objects.using(db).update_or_create(
            kind=kind,
            defaults={"name": name, "description": description, "body": _skeleton(sections),
                      "required_sections": sections, "builtin": True, "team": None},
        )


def uninstall(apps, schema_editor):
    apps.get_model("wiki", "Template").objects.using(schema_editor.connection.alias).filter(
        builtin=True).delete()


class Migration(migrations.Migration):
    dependencies = [("wiki", "0001_initial")]

    operations = [migrations.RunPython(install, uninstall)]
