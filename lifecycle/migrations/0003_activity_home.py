"""Activity rows of pages, spaces, sprints and action items store the project they live under
whatever its visibility (it used to be stored only while the project was private), so that
who reads a row is decided from the project's visibility when the row is read."""

from django.db import migrations


def backfill(apps, schema_editor):
    Activity = apps.get_model("registry", "Activity")
    ContentType = apps.get_model("contenttypes", "ContentType")
    homes = {
        ("wiki", "page"): lambda ids: apps.get_model("wiki", "Page").objects.filter(
            pk__in=ids, space__project__isnull=False).values_list("pk", "space__project_id"),
        ("wiki", "space"): lambda ids: apps.get_model("wiki", "Space").objects.filter(
            pk__in=ids, project__isnull=False).values_list("pk", "project_id"),
        ("lifecycle", "sprint"): lambda ids: apps.get_model("lifecycle", "Sprint").objects.filter(
            pk__in=ids).values_list("pk", "project_id"),
        ("lifecycle", "actionitem"): lambda ids: apps.get_model("lifecycle", "ActionItem").objects.filter(
            pk__in=ids).values_list("pk", "project_id"),
    }
    for (app_label, model), home_of in homes.items():
        content_type = ContentType.objects.filter(app_label=app_label, model=model).first()
        if content_type is None:
            continue
        rows = Activity.objects.filter(target_type=content_type, scope_project__isnull=True)
        ids = set(rows.values_list("target_id", flat=True))
        for target_id, project_id in home_of(ids):
            rows.filter(target_id=target_id).update(scope_project_id=project_id)


class Migration(migrations.Migration):
    dependencies = [
        ("lifecycle", "0002_default_requirements"),
        ("registry", "0002_default_roles"),
        ("wiki", "0002_builtin_templates_and_global_space"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
