from django.core.management import call_command

from registry.models import Dataset, DatasetVersion, MLModel, ModelVersion, Person, Project, Team


def test_seed_demo_builds_a_realistic_registry_and_runs_twice(db, client):
    call_command("seed_demo")
    counts = [Team.objects.count(), Person.objects.count(), Project.objects.count(),
              Dataset.objects.count(), DatasetVersion.objects.count(), MLModel.objects.count(),
              ModelVersion.objects.count()]
    call_command("seed_demo")

    assert counts == [Team.objects.count(), Person.objects.count(), Project.objects.count(),
                      Dataset.objects.count(), DatasetVersion.objects.count(),
                      MLModel.objects.count(), ModelVersion.objects.count()]
    assert counts[0] >= 3 and counts[1] >= 10 and counts[2] >= 6 and counts[3] >= 25
    assert counts[5] >= 8
    assert Project.objects.filter(stage="abandoned").exists()
    assert Project.objects.filter(visibility="private").exists()
    assert len(set(Project.objects.values_list("stage", flat=True))) >= 6
    assert ModelVersion.objects.filter(lineage__isnull=False).exists()
    demo = Person.objects.get(username="demo")
    assert not demo.is_staff and demo.check_password("demo")
    assert demo.memberships.count() == 1

    assert client.login(username="demo", password="demo")
    for url in ["/", "/projects/", "/datasets/", "/models/", "/teams/", "/people/",
                "/projects/card-fraud-detection/", "/datasets/card-transactions/",
                "/models/fraud-scorer/"]:
        assert client.get(url).status_code == 200, url
