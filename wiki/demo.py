"""Demo pages for `seed_demo`: model cards, datasheets, a feasibility assessment, a charter
and retrospectives, linked to each other and to the demo assets. Idempotent."""

from __future__ import annotations

from registry.models import Dataset, MLModel, Person, Project
from wiki import services
from wiki.models import Page, Template
from wiki.prefill import answer_sections, skeleton_for


def _page(*, owner: Project, title: str, slug: str, kind: str, by: Person,
          documents: list[object], answers: dict[str, str], tags: list[str]) -> Page:
    space = services.space_for(owner)
    existing = space.pages.filter(slug=slug).first()
    if existing:
        return existing
    template = Template.objects.get(kind=kind)
    body = answer_sections(skeleton_for(template, documents, owner), answers)
    return services.page_create(space=space, title=title, slug=slug, body=body, by=by,
                                template=template, documents=documents, tags=tags,
                                summary="Demo page.")


def seed_wiki_demo() -> None:
    people = {p.username: p for p in Person.objects.filter(
        username__in=["amara", "demo", "dana", "emeka"])}
    projects = {p.slug: p for p in Project.objects.filter(
        slug__in=["card-fraud-detection", "churn-prediction", "sentiment-support-tickets"])}
    datasets = {d.slug: d for d in Dataset.objects.filter(
        slug__in=["card-transactions", "subscription-events"])}
    models = {m.slug: m for m in MLModel.objects.filter(slug__in=["fraud-scorer", "churn-classifier"])}
    if len(people) < 4 or len(projects) < 3 or len(datasets) < 2 or len(models) < 2:
        return
    fraud, churn, sentiment = (projects["card-fraud-detection"], projects["churn-prediction"],
                               projects["sentiment-support-tickets"])

    _page(owner=fraud, title="Card fraud detection: project charter", slug="charter",
          kind="project-charter", by=people["amara"], documents=[fraud], tags=["fraud", "charter"],
          answers={
              "Problem statement": "Card fraud losses grew 30% last year; rules catch too little.",
              "Business value": "Every point of recall at 1% FPR saves about €400k a year.",
              "Success criteria": "Recall at 1% FPR above 0.55, scoring under 50 ms at p99.",
              "Stakeholders": "Risk operations, the card issuing team, compliance.",
              "Constraints": "PCI DSS scope; no raw card numbers leave the vault.",
          })
    _page(owner=fraud, title="Card transactions: datasheet", slug="datasheet-card-transactions",
          kind="datasheet", by=people["amara"], documents=[datasets["card-transactions"]],
          tags=["fraud", "datasheet"], answers={
              "Motivation": "Built to train and evaluate [[model:fraud-scorer]].",
              "Collection process": "Streamed from the authorisation switch; chargebacks joined "
                                    "90 days later.",
              "Preprocessing, cleaning and labeling": "Card numbers hashed with a rotating salt.",
              "Uses": "Fraud scoring only; see the [[Card fraud detection: project charter]].",
              "Distribution": "Internal; restricted sensitivity.",
          })
    _page(owner=fraud, title="Fraud scorer: model card", slug="model-card-fraud-scorer",
          kind="model-card", by=people["demo"], documents=[models["fraud-scorer"]],
          tags=["fraud", "model-card"], answers={
              "Intended use": "Hold suspicious card transactions for manual review.",
              "Factors": "Merchant category, channel, country.",
              "Quantitative analyses": "Recall is lower for card-not-present transactions.",
              "Ethical considerations": "False positives block legitimate purchases; monitored by "
                                        "region.",
              "Caveats and recommendations": "Labels lag 90 days; see "
                                             "[[Card transactions: datasheet]].",
          })
    _page(owner=churn, title="Subscription events: datasheet",
          slug="datasheet-subscription-events", kind="datasheet", by=people["dana"],
          documents=[datasets["subscription-events"]], tags=["churn", "datasheet"], answers={
              "Motivation": "The event history behind [[model:churn-classifier]].",
              "Collection process": "Billing system change-data-capture.",
              "Uses": "Churn prediction and retention analytics.",
          })
    _page(owner=churn, title="Churn classifier: model card", slug="model-card-churn-classifier",
          kind="model-card", by=people["emeka"], documents=[models["churn-classifier"]],
          tags=["churn", "model-card"], answers={
              "Intended use": "Rank subscribers for retention outreach; never to deny service.",
              "Ethical considerations": "Check outreach rates by age band before deployment.",
          })
    _page(owner=sentiment, title="Support ticket sentiment: feasibility assessment",
          slug="feasibility", kind="feasibility-assessment", by=people["dana"],
          documents=[sentiment], tags=["nlp", "feasibility"], answers={
              "Question": "Can we route angry customers first from ticket text?",
              "Candidate data sources": "[[dataset:support-tickets]], [[dataset:nps-survey]].",
              "Data quality and coverage": "No reliable sentiment labels; 12% non-English.",
              "Baseline and success criteria": "Macro-F1 above 0.7 versus 0.48 for the baseline.",
              "Risks": "Relabelling 50k tickets is out of budget.",
              "Decision (go / no-go) and reasons": "No-go: no labels. Lesson: check label "
                                                   "availability during data discovery.",
          })
