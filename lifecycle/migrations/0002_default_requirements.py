from django.db import migrations

# PRODUCT.md's documentation gates: (stage, template kind, scope, complete, decision,
# extra sections, approval, label)
DEFAULTS = [
    ("data_discovery", "project-charter", "project", True, "", [], False, "Project charter"),
    ("experimentation", "feasibility-assessment", "project", True, "go", [], False,
     "Feasibility assessment with a “go” decision"),
    ("experimentation", "datasheet", "each_dataset", True, "", [], False, "Datasheet"),
    ("validation", "model-card", "candidate_model", False, "", [], False, "Model card draft"),
    ("deployment", "model-card", "candidate_model", True, "", [], False, "Complete model card"),
    ("deployment", "ethics-bias-review", "project", True, "", [], True,
     "Ethics & bias review approved by a Reviewer"),
    ("deployment", "deployment-runbook", "project", True, "", [], False, "Deployment runbook"),
    ("monitoring", "monitoring-drift-plan", "project", True, "", [], False, "Monitoring & drift plan"),
    ("retraining", "drift-report", "project", True, "", [], False, "Drift report"),
    ("retired", "retirement-note", "project", True, "", [], False, "Retirement note"),
    ("abandoned", "feasibility-assessment", "project", False, "no-go", ["Lessons learned"], False,
     "Feasibility assessment with a “no-go” decision and lessons learned"),
]


def add_defaults(apps, schema_editor):
    Requirement = apps.get_model("lifecycle", "Requirement")
    db = schema_editor.connection.alias  # the database being migrated, not always "default"
    for stage, kind, scope, complete, decision, extra, approval, label in DEFAULTS:
        Requirement.objects.using(db).get_or_create(
            stage=stage, template_kind=kind, scope=scope,
            defaults={"must_be_complete": complete, "decision": decision, "extra_sections": extra,
                      "needs_approval": approval, "label": label},
        )


class Migration(migrations.Migration):
    dependencies = [("lifecycle", "0001_initial")]
    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
