"""Fill a database with many realistic-looking registry objects, fast (bulk inserts).

    python manage.py seed_scale --datasets 100000 --pages 50000

Rows are inserted with bulk_create (no per-row signals or activity); the search index is
rebuilt in bulk at the end. Runs again add more rows with new slugs.
"""

from __future__ import annotations

import random
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from registry.models import (
    Dataset,
    DatasetColumn,
    Membership,
    MLModel,
    Person,
    Project,
    Stage,
    Tag,
    Team,
    Visibility,
)
from search import index

DOMAINS = ["payments", "retail", "claims", "logistics", "marketing", "telecom", "energy",
           "insurance", "lending", "healthcare", "manufacturing", "travel", "media", "gaming",
           "agriculture", "real estate", "education", "mobility", "security", "support"]
NOUNS = ["transactions", "sessions", "shipments", "invoices", "sensor readings", "tickets",
         "orders", "clickstream", "call records", "meter readings", "policies", "loans",
         "admissions", "work orders", "bookings", "impressions", "match events", "harvests",
         "listings", "enrolments", "trips", "login events", "chat transcripts", "returns",
         "chargebacks", "reviews", "inventory snapshots", "price quotes", "survey answers",
         "images", "audio clips", "documents", "device logs", "weather observations"]
QUALIFIERS = ["raw", "curated", "daily", "hourly", "monthly", "aggregated", "anonymised",
              "labelled", "sampled", "deduplicated", "enriched", "historical", "synthetic",
              "streaming", "quarterly", "cleaned", "joined", "scored", "reference", "golden"]
REGIONS = ["EU", "US", "UK", "APAC", "LATAM", "Nordics", "DACH", "global", "France", "India"]
VERBS = ["captures", "records", "lists", "aggregates", "tracks", "holds", "summarises"]
USES = ["churn prediction", "fraud detection", "demand forecasting", "anomaly detection",
        "credit scoring", "recommendation", "segmentation", "price optimisation",
        "predictive maintenance", "sentiment analysis", "route optimisation", "triage",
        "lifetime value modelling", "attribution", "capacity planning", "risk scoring"]
CAVEATS = ["Labels arrive late for recent rows", "Coverage is thin before 2019",
           "Rural regions are under-represented", "Timestamps were in local time until 2021",
           "Free-text fields may contain personal data", "Duplicates exist across sources",
           "Sampling over-represents weekdays", "Some vendors report in different currencies",
           "Opt-out customers are removed, which skews the age distribution"]
COLUMNS = ["customer_id", "account_id", "event_ts", "created_at", "amount_eur", "currency",
           "country_code", "merchant_id", "device_id", "session_id", "postcode", "age_band",
           "channel", "product_sku", "quantity", "unit_price", "label", "score", "status",
           "latitude", "longitude", "temperature_c", "duration_s", "page_url", "user_agent",
           "email_hash", "policy_number", "claim_amount", "diagnosis_code", "route_id",
           "driver_id", "vehicle_type", "tariff", "kwh", "plan_name", "churned", "is_fraud",
           "rating", "review_text", "image_path", "transcript", "language", "segment"]
DTYPES = ["int64", "string", "timestamp", "float64", "bool", "decimal(12,2)", "date"]
FORMATS = ["parquet", "csv", "jsonl", "avro", "delta", "tfrecord", "orc", "tiff", "wav"]
LICENSES = ["internal-use", "cc-by-4.0", "cc-by-sa-4.0", "odbl", "licensed-vendor", "mit",
            "cc0-1.0", "proprietary"]
TASKS = ["binary classification", "regression", "ranking", "forecasting", "clustering",
         "object detection", "text classification", "anomaly detection"]
FRAMEWORKS = ["scikit-learn", "xgboost", "lightgbm", "pytorch", "tensorflow", "prophet"]
STAGES = list(Stage.values)
SOURCES = ["platform", "warehouse", "vendor feed", "mobile app", "data lake", "CRM", "ERP"]
GRAINS = ["one row per event", "one row per customer per day", "partitioned by day",
          "refreshed nightly", "updated weekly", "append-only", "snapshotted monthly"]


def _slugify(text: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


class Command(BaseCommand):
    help = "Bulk-insert many datasets (and projects, models, pages) with varied text."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--datasets", type=int, default=1000)
        parser.add_argument("--pages", type=int, default=0)
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument("--batch-size", type=int, default=5000)

    def handle(self, *args: Any, datasets: int, pages: int, seed: int, batch_size: int,
               **options: Any) -> None:
        if datasets < 0 or pages < 0 or batch_size < 1:
            raise CommandError("Counts must be zero or more, the batch size at least 1.")
        self.rng = random.Random(seed)
        self.batch = batch_size
        self.run = f"{Dataset.objects.count() + Project.objects.count():x}"
        started = time.monotonic()
        with transaction.atomic():
            teams = self._teams(max(5, min(40, datasets // 2500 or 5)))
            self._people(teams)
            projects = self._projects(teams, max(10, datasets // 50))
            self._datasets(teams, projects, datasets)
            self._models(projects, max(10, datasets // 20))
            self._pages(teams, projects, pages)
        self.stdout.write(f"Rows inserted in {time.monotonic() - started:.0f}s; indexing…")
        mark = time.monotonic()
        counts = index.rebuild(batch_size=5000)
        self.stdout.write(f"Indexed {counts} in {time.monotonic() - mark:.0f}s; "
                          f"total {time.monotonic() - started:.0f}s.")

    def _pick(self, seq: list, k: int) -> list:
        return self.rng.sample(seq, k)

    def _teams(self, n: int) -> list[Team]:
        names = [f"{d.title()} ML {self.run}-{i}" for i, d in
                 enumerate(self.rng.choice(DOMAINS) for _ in range(n))]
        return Team.objects.bulk_create([Team(slug=_slugify(name), name=name) for name in names])

    def _people(self, teams: list[Team]) -> None:
        people = Person.objects.bulk_create([
            Person(username=f"scale-{self.run}-{i}", display_name=f"Person {i}",
                   password="!") for i in range(len(teams) * 8)])
        Membership.objects.bulk_create([
            Membership(team=teams[i % len(teams)], person=p,
                       level="lead" if i < len(teams) else self.rng.choice(["member", "viewer"]))
            for i, p in enumerate(people)])

    def _projects(self, teams: list[Team], n: int) -> list[Project]:
        now = timezone.now()
        rows = []
        for i in range(n):
            use, domain = self.rng.choice(USES), self.rng.choice(DOMAINS)
            name = f"{domain.title()} {use} {i}"
            rows.append(Project(
                slug=f"{_slugify(name)}-{self.run}", name=name, team=self.rng.choice(teams),
                summary=f"{use.capitalize()} for {domain} using {self.rng.choice(NOUNS)}.",
                visibility=Visibility.PRIVATE if self.rng.random() < 0.2 else Visibility.INTERNAL,
                stage=self.rng.choice(STAGES), stage_changed_at=now))
        return Project.objects.bulk_create(rows, batch_size=self.batch)

    def _dataset(self, i: int, teams: list[Team], projects: list[Project]) -> Dataset:
        rng = self.rng
        domain, noun = rng.choice(DOMAINS), rng.choice(NOUNS)
        name = f"{rng.choice(QUALIFIERS).capitalize()} {domain} {noun} {rng.choice(REGIONS)}"
        uses = self._pick(USES, 2)
        description = (
            f"{name} {rng.choice(VERBS)} {noun} from the {domain} {rng.choice(SOURCES)}"
            f" since {rng.randint(2012, 2024)}, {rng.choice(GRAINS)}. "
            f"Used for {uses[0]} and {uses[1]}; joins to {rng.choice(NOUNS)} on {rng.choice(COLUMNS)}."
        )
        home = rng.choice(projects) if rng.random() < 0.3 else None
        return Dataset(
            slug=f"{_slugify(name)}-{self.run}-{i}", name=name, description=description,
            team=rng.choice(teams), home_project=home,
            source_uri=f"s3://lake/{_slugify(domain)}/{_slugify(noun)}/{i}/",
            format=rng.choice(FORMATS), license=rng.choice(LICENSES),
            sensitivity=rng.choice(Dataset.Sensitivity.values),
            contains_pii=rng.random() < 0.3,
            limitations=". ".join(self._pick(CAVEATS, 2)) + ".",
        )

    def _datasets(self, teams: list[Team], projects: list[Project], n: int) -> None:
        tag_names = sorted({_slugify(t) for t in DOMAINS + USES + QUALIFIERS + FORMATS
                            + ["pii", "gold", "bronze", "silver", "external", "tabular", "text",
                               "vision", "timeseries", "geo", "labelled-data"]})
        existing = {t.name for t in Tag.objects.filter(name__in=tag_names)}
        Tag.objects.bulk_create([Tag(name=t) for t in tag_names if t not in existing])
        tag_ids = list(Tag.objects.filter(name__in=tag_names).values_list("pk", flat=True))
        Link = Project.datasets.through
        TagLink = Dataset.tags.through
        for start in range(0, n, self.batch):
            rows = Dataset.objects.bulk_create(
                [self._dataset(i, teams, projects) for i in range(start, min(n, start + self.batch))])
            TagLink.objects.bulk_create([
                TagLink(dataset_id=d.pk, tag_id=t) for d in rows
                for t in self._pick(tag_ids, self.rng.randint(2, 5))], batch_size=self.batch)
            columns = []
            for d in rows:
                for pos, name in enumerate(self._pick(COLUMNS, self.rng.randint(3, 8))):
                    columns.append(DatasetColumn(dataset_id=d.pk, position=pos, name=name,
                                                 dtype=self.rng.choice(DTYPES),
                                                 is_pii=name in ("email_hash", "postcode")))
            DatasetColumn.objects.bulk_create(columns, batch_size=self.batch)
            links = {(self.rng.choice(projects).pk, d.pk) for d in rows if self.rng.random() < 0.4}
            Link.objects.bulk_create([Link(project_id=p, dataset_id=d) for p, d in links],
                                     batch_size=self.batch)
            self.stdout.write(f"  datasets: {start + len(rows)}/{n}")

    def _models(self, projects: list[Project], n: int) -> None:
        rows = []
        for i in range(n):
            task, use = self.rng.choice(TASKS), self.rng.choice(USES)
            name = f"{use.capitalize()} {self.rng.choice(FRAMEWORKS)} model {i}"
            rows.append(MLModel(slug=f"{_slugify(name)}-{self.run}", name=name, task=task,
                                framework=self.rng.choice(FRAMEWORKS),
                                description=f"{task.capitalize()} for {use} on "
                                            f"{self.rng.choice(DOMAINS)} {self.rng.choice(NOUNS)}.",
                                project=self.rng.choice(projects)))
        MLModel.objects.bulk_create(rows, batch_size=self.batch)

    def _pages(self, teams: list[Team], projects: list[Project], n: int) -> None:
        """Wiki pages in the global, team and project spaces, a tenth of them retrospectives,
        with a few paragraphs of varied text; HTML written directly (rendering 50,000 pages
        through markdown would take longer than the rest of the seed)."""
        from wiki.models import Page, Space, Template

        if not n:
            return
        spaces = [Space.objects.get_or_create(key="global", defaults={"kind": "global"})[0]]
        spaces += Space.objects.bulk_create(
            [Space(key=f"team-{t.slug}", kind="team", team=t) for t in teams]
            + [Space(key=f"project-{p.slug}", kind="project", project=p) for p in projects],
            batch_size=self.batch)
        templates = {t.kind: t for t in Template.objects.all()}
        retro = templates.get("retrospective")
        others = [t for k, t in templates.items() if k != "retrospective"]
        author = Person.objects.filter(username__startswith=f"scale-{self.run}-").first()
        tag_ids = list(Tag.objects.values_list("pk", flat=True)[:200])
        TagLink = Page.tags.through
        rng = self.rng
        for start in range(0, n, self.batch):
            rows = []
            for i in range(start, min(n, start + self.batch)):
                template = retro if retro and rng.random() < 0.1 else (
                    rng.choice(others) if others and rng.random() < 0.6 else None)
                title, sections = self._page_text(i, template)
                body = "\n\n".join(f"## {h}\n\n{text}" for h, text in sections)
                html = "".join(f"<h2>{h}</h2>\n<p>{text}</p>\n" for h, text in sections)
                rows.append(Page(space=rng.choice(spaces), slug=f"{_slugify(title)[:100]}-{self.run}-{i}",
                                 title=title, body=body, html=html, template=template, revision=1,
                                 created_by=author, updated_by=author))
            pages = Page.objects.bulk_create(rows)
            TagLink.objects.bulk_create([TagLink(page_id=p.pk, tag_id=t) for p in pages
                                         for t in self._pick(tag_ids, rng.randint(0, 3))],
                                        batch_size=self.batch)
            self.stdout.write(f"  pages: {start + len(pages)}/{n}")

    def _page_text(self, i: int, template: Any) -> tuple[str, list[tuple[str, str]]]:
        rng = self.rng
        use, domain, noun = rng.choice(USES), rng.choice(DOMAINS), rng.choice(NOUNS)
        if template is not None and template.kind == "retrospective":
            title = f"Sprint {rng.randint(1, 60)} retrospective: {domain} {use}"
            return title, [
                ("What went well", f"The {noun} pipeline for {use} {rng.choice(VERBS)} "
                                   f"{rng.choice(QUALIFIERS)} data on time; {rng.choice(CAVEATS).lower()}."),
                ("What did not go well", f"{rng.choice(CAVEATS)}. The {domain} team lost two "
                                         f"days to {rng.choice(COLUMNS)} mismatches in the "
                                         f"{rng.choice(SOURCES)}."),
                ("Lessons", f"Check {rng.choice(COLUMNS)} and {rng.choice(COLUMNS)} before training; "
                            f"{rng.choice(GRAINS)} data needs a freshness alert."),
            ]
        kind = template.name if template is not None else rng.choice(
            ["Notes", "How-to", "Design", "Onboarding", "FAQ", "Runbook"])
        title = f"{kind}: {rng.choice(QUALIFIERS)} {domain} {noun} {rng.choice(REGIONS)} {i}"
        return title, [
            ("Context", f"This page {rng.choice(VERBS)} how the {domain} team uses {noun} for "
                        f"{use} and {rng.choice(USES)}. {rng.choice(CAVEATS)}."),
            ("Data", f"Sources: the {rng.choice(SOURCES)} and the {rng.choice(SOURCES)}, "
                     f"{rng.choice(GRAINS)}; key columns {', '.join(self._pick(COLUMNS, 4))}."),
            ("Decisions", f"We chose {rng.choice(FRAMEWORKS)} for {rng.choice(TASKS)} because "
                          f"{rng.choice(CAVEATS).lower()}; revisit after {rng.choice(REGIONS)} launch."),
        ]
