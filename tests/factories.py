"""factory_boy factories. They build rows directly: tests of a service call the service."""

import factory
from factory.django import DjangoModelFactory

from registry import models


class PersonFactory(DjangoModelFactory):
    class Meta:
        model = models.Person
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"person{n}")
    display_name = factory.Faker("name")
    email = factory.LazyAttribute(lambda p: f"{p.username}@example.com")
    password = factory.django.Password("pw")


class TeamFactory(DjangoModelFactory):
    class Meta:
        model = models.Team

    slug = factory.Sequence(lambda n: f"team-{n}")
    name = factory.Sequence(lambda n: f"Team {n}")


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = models.Membership

    team = factory.SubFactory(TeamFactory)
    person = factory.SubFactory(PersonFactory)
    level = "member"


class ProjectFactory(DjangoModelFactory):
    class Meta:
        model = models.Project

    slug = factory.Sequence(lambda n: f"project-{n}")
    name = factory.Sequence(lambda n: f"Project {n}")
    summary = "Predict things from data."
    team = factory.SubFactory(TeamFactory)
    visibility = "internal"
    stage = "proposed"


class DatasetFactory(DjangoModelFactory):
    class Meta:
        model = models.Dataset
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"dataset-{n}")
    name = factory.Sequence(lambda n: f"Dataset {n}")
    description = "Rows of facts."
    team = factory.SubFactory(TeamFactory)
    format = "parquet"
    sensitivity = "internal"

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            self.tags.set(models.Tag.objects.get_or_create(name=t)[0] for t in extracted)


class DatasetVersionFactory(DjangoModelFactory):
    class Meta:
        model = models.DatasetVersion

    dataset = factory.SubFactory(DatasetFactory)
    label = factory.Sequence(lambda n: f"v{n}")
    row_count = 1000
    created_by = factory.SubFactory(PersonFactory)


class MLModelFactory(DjangoModelFactory):
    class Meta:
        model = models.MLModel

    slug = factory.Sequence(lambda n: f"model-{n}")
    name = factory.Sequence(lambda n: f"Model {n}")
    task = "classification"
    framework = "scikit-learn"
    project = factory.SubFactory(ProjectFactory)


class ModelVersionFactory(DjangoModelFactory):
    class Meta:
        model = models.ModelVersion

    model = factory.SubFactory(MLModelFactory)
    number = factory.Sequence(lambda n: n + 1)
    status = "candidate"
    metrics = factory.LazyFunction(lambda: {"auc": 0.8})
    created_by = factory.SubFactory(PersonFactory)
