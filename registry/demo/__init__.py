"""The registry part of the demo data (`manage.py seed_demo` runs it with the wiki and
lifecycle parts). The content is in `data`; this module writes it through the services."""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils import timezone

from registry import services
from registry.demo.data import (
    ABANDON_REASON,
    ADMIN,
    DATASET_TOPICS,
    DEMO_PASSWORD,
    MODELS,
    PEOPLE,
    PROJECT_DATASETS,
    PROJECTS,
    ROLES,
    TEAMS,
)
from registry.models import (
    STAGE_ORDER,
    Dataset,
    DatasetVersion,
    Lineage,
    Membership,
    MLModel,
    ModelVersion,
    Person,
    Project,
    Role,
    Stage,
    StageTransition,
    Team,
)

__all__ = ["ABANDON_REASON", "DEMO_PASSWORD", "Seeded", "backdate_history", "is_seeded", "path_to",
           "seed_registry"]


@dataclass
class Seeded:
    """What the registry part of the demo made, for the wiki and lifecycle parts."""

    people: dict[str, Person]
    projects: dict[str, Project]
    datasets: dict[str, Dataset]
    models: dict[str, MLModel]
    stages: dict[str, str] = field(default_factory=dict)
    production: list[ModelVersion] = field(default_factory=list)
    # versions promoted before the production version of their model, which archives them
    replaced: list[ModelVersion] = field(default_factory=list)


def is_seeded() -> bool:
    return Project.objects.filter(slug=PROJECTS[0][0]).exists()


def seed_registry() -> Seeded:
    """Teams, people, datasets, projects (all still proposed), models and roles.

    Stage moves and production statuses need documentation, which the lifecycle part of
    the demo writes; the stages and versions it must reach are returned for it.
    """
    rng = random.Random(42)
    people = _people()
    teams = _teams(people, people[ADMIN[0]])
    datasets = _datasets(teams, people, rng)
    projects = _projects(teams, datasets, people)
    production = _models(projects, datasets, people, rng)
    live = {version.model_id: version for version in production}  # the last one of each model
    replaced = [version for version in production if live[version.model_id] != version]
    production = [version for version in production if live[version.model_id] == version]
    _roles(people, projects)
    return Seeded(people=people, projects=projects, datasets=datasets,
                  models={m.slug: m for m in MLModel.objects.all()},
                  stages={slug: stage for slug, _n, _t, stage, _v, _s in PROJECTS},
                  production=production, replaced=replaced)


def _people() -> dict[str, Person]:
    people = {}
    everyone = [(username, display, title, False) for username, display, title, _t, _l in PEOPLE]
    for username, display, title, is_staff in [*everyone, (*ADMIN, True)]:
        first, _, last = display.partition(" ")
        person, created = Person.objects.get_or_create(
            username=username,
            defaults={"display_name": display, "title": title, "first_name": first,
                      "last_name": last, "email": f"{username}@almanac.example",
                      "is_staff": is_staff},
        )
        if created:
            person.set_password(DEMO_PASSWORD)
            person.save(update_fields=["password"])
        people[username] = person
    return people


def _teams(people: dict[str, Person], admin: Person) -> dict[str, Team]:
    teams = {}
    for slug, name, description in TEAMS:
        lead = next(p for p in PEOPLE if p[3] == slug and p[4] == "lead")
        team = Team.objects.filter(slug=slug).first() or services.team_create(
            slug=slug, name=name, description=description, by=admin, lead=people[lead[0]])
        teams[slug] = team
    for username, _display, _title, team_slug, level in PEOPLE:
        if not Membership.objects.filter(team=teams[team_slug], person=people[username]).exists():
            services.membership_set(team=teams[team_slug], person=people[username], level=level,
                                    by=admin)
    services.membership_set(team=teams["platform-ml"], person=people["bruno"], level="viewer",
                            by=people["gustavo"])
    return teams


def _datasets(teams: dict[str, Team], people: dict[str, Person],
              rng: random.Random) -> dict[str, Dataset]:
    datasets = {}
    stewards = {"risk-ml": "chen", "customer-insights": "farah", "platform-ml": "kofi"}
    for (slug, name, team, fmt, license_, sensitivity, pii, tags, description,
         columns) in DATASET_TOPICS:
        by = people[stewards[team]] if stewards[team] != "chen" else people["amara"]
        dataset = services.dataset_create(
            slug=slug, name=name, team=teams[team], by=by, tags=tags, description=description,
            format=fmt, license=license_, sensitivity=sensitivity, contains_pii=pii,
            steward=people[stewards[team]], source_uri=f"s3://almanac-{team}/{slug}/",
            limitations=_limitations(tags),
        )
        services.dataset_columns_set(
            dataset=dataset, by=by,
            columns=[{"name": n, "dtype": t, "description": d, "is_pii": p}
                     for n, t, d, p in columns])
        rows = rng.randint(20_000, 5_000_000)
        for number in range(1, rng.randint(2, 4) + 1):
            label = f"2026.{number * 3:02d}"
            rows = int(rows * rng.uniform(1.05, 1.4))
            services.dataset_version_add(
                dataset=dataset, label=label, by=by,
                released_on=date(2026, 1, 15) + timedelta(days=90 * (number - 1)),
                row_count=rows, size_bytes=rows * rng.randint(80, 400),
                checksum=hashlib.sha256(f"{slug}{label}".encode()).hexdigest(),
                location=f"s3://almanac-{team}/{slug}/{label}/",
                notes=rng.choice([
                    "Monthly refresh; no schema change.",
                    "Backfilled two weeks of late-arriving records.",
                    "Dropped duplicate rows found by the quality checks.",
                    "Added the most recent quarter.",
                ]),
            )
        datasets[slug] = dataset
    return datasets


def _limitations(tags: list[str]) -> str:
    notes = []
    if "external" in tags:
        notes.append("Provided by a third party; coverage and definitions may change.")
    if "text" in tags:
        notes.append("Free text is mostly English; other languages are under-represented.")
    if "fraud" in tags:
        notes.append("Labels arrive up to 90 days late; recent rows under-count fraud.")
    if "credit" in tags:
        notes.append("Applicants declined before 2023 are missing: selection bias.")
    return " ".join(notes)


def _projects(teams: dict[str, Team], datasets: dict[str, Dataset],
              people: dict[str, Person]) -> dict[str, Project]:
    projects = {}
    for slug, name, team, _stage, visibility, summary in PROJECTS:
        lead = next(p[0] for p in PEOPLE if p[3] == team and p[4] == "lead")
        by = people[lead]
        project = services.project_create(
            slug=slug, name=name, team=teams[team], summary=summary, visibility=visibility,
            datasets=[datasets[d] for d in PROJECT_DATASETS[slug]], by=by)
        projects[slug] = project
    if "credit-limit-advisor" in projects:
        project = projects["credit-limit-advisor"]
        for slug in ("credit-bureau-scores", "credit-limit-history"):
            services.dataset_update(dataset=datasets[slug], home_project=project,
                                    by=people["amara"])
    return projects


def backdate_history(project: Project) -> None:
    """Spread the demo history over past months so the timeline reads like a real one."""
    moves = list(project.transitions.order_by("created_at", "pk"))
    start = timezone.now() - timedelta(days=45 * len(moves))
    for index, move in enumerate(moves):
        StageTransition.objects.filter(pk=move.pk).update(created_at=start + timedelta(days=45 * index))
    last = start + timedelta(days=45 * (len(moves) - 1))
    Project.objects.filter(pk=project.pk).update(stage_changed_at=last)


def path_to(stage: str) -> list[str]:
    if stage == Stage.ABANDONED:
        return [Stage.DATA_DISCOVERY, Stage.ABANDONED]
    if stage == Stage.RETRAINING:
        return [*STAGE_ORDER[1:STAGE_ORDER.index(Stage.MONITORING) + 1], Stage.RETRAINING]
    return list(STAGE_ORDER[1:STAGE_ORDER.index(stage) + 1])


def _models(projects: dict[str, Project], datasets: dict[str, Dataset],
            people: dict[str, Person], rng: random.Random) -> list[ModelVersion]:
    """Register the demo models; versions meant for production start as staging (the
    lifecycle part promotes them once their model card and ethics review exist)."""
    production = []
    for (slug, name, project, task, framework, statuses, metrics, train,
         evaluate) in MODELS:
        owner_team = projects[project].team
        trainer = Membership.objects.filter(team=owner_team).exclude(level="viewer") \
            .select_related("person").first().person
        model = services.model_create(
            slug=slug, name=name, task=task, project=projects[project], framework=framework,
            description=f"{name} for {projects[project].name.lower()}.", by=trainer)
        for number, status in enumerate(statuses, start=1):
            lineage = [(_version(datasets[d], number), Lineage.Use.TRAINING) for d in train]
            lineage += [(_version(datasets[d], number), Lineage.Use.EVALUATION)
                        for d in evaluate]
            jitter = {k: round(v * rng.uniform(0.93, 1.0 + 0.02 * number), 3)
                      for k, v in metrics.items()}
            version = services.model_version_add(
                model=model, by=trainer, metrics=jitter,
                status="staging" if status == "production" else status,
                code_revision=hashlib.sha1(f"{slug}{number}".encode()).hexdigest()[:12],
                params={"learning_rate": round(0.1 / number, 3), "seed": 7 * number},
                tags={"pipeline": "nightly" if number > 1 else "manual", "framework": framework},
                run_id=hashlib.md5(f"run{slug}{number}".encode()).hexdigest(),
                artifact_uri=f"s3://almanac-models/{slug}/{number}/model.bin",
                trained_by=trainer, lineage=lineage,
                notes=f"Retrained on the {'latest' if number > 1 else 'first'} data release.")
            if status == "production":
                production.append(version)
    return production


def _version(dataset: Dataset, number: int) -> DatasetVersion:
    versions = list(dataset.versions.order_by("created_at", "pk"))
    return versions[min(number, len(versions)) - 1]


def _roles(people: dict[str, Person], projects: dict[str, Project]) -> None:
    """Roles on projects, datasets and models, granted by the administrator (nobody grants
    themselves the Reviewer or Owner role)."""
    getters = {"project": Project, "dataset": Dataset, "model": MLModel}
    for username, role_slug, kind, slug in ROLES:
        target = getters[kind].objects.get(slug=slug)
        services.role_assign(role=Role.objects.get(slug=role_slug), person=people[username],
                             target=target, by=people[ADMIN[0]])
