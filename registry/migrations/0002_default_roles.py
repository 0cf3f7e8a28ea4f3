from django.db import migrations

DEFAULT_ROLES = [
    ("owner", "Owner", "Accountable for the asset; may edit it."),
    ("data-scientist", "Data Scientist", "Explores data, trains and evaluates models."),
    ("ml-engineer", "ML Engineer", "Builds, deploys and monitors the serving system."),
    ("data-steward", "Data Steward", "Keeps a dataset's quality, access and documentation."),
    ("reviewer", "Reviewer", "Reviews and approves documentation such as ethics reviews."),
    ("stakeholder", "Stakeholder", "Has a stake in the outcome; kept informed."),
]


def add_roles(apps, schema_editor):
    Role = apps.get_model("registry", "Role")
    db = schema_editor.connection.alias  # the database being migrated, not always "default"
    for slug, name, description in DEFAULT_ROLES:
        Role.objects.using(db).get_or_create(slug=slug, defaults={"name": name, "description": description})


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(add_roles, migrations.RunPython.noop)]
