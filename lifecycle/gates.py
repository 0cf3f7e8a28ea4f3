"""Documentation gates: what a project needs written (and approved) to enter a stage, and
what a model needs before a version goes to production.

`evaluate()` returns the checklist the UI and the API show; `unmet()` and `refusal()` are what
lifecycle.services.stages refuses a move with; `promotion_guard()` refuses a promotion
(lifecycle.services.promotion).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db.models import Q
from django.urls import reverse

from config.exceptions import ApplicationError
from lifecycle.models import Approval, Requirement
from registry import permissions as registry_permissions
from registry.models import Caveat, Dataset, MLModel, ModelVersion, Project, Stage
from wiki.conformance import missing_sections, section_text
from wiki.models import Page, PageRevision, Template
from wiki.refs import DocRef, start_url
from wiki.selectors import page_project, page_project_ids

Target = Project | Dataset | MLModel

ETHICS_KIND = "ethics-bias-review"
MODEL_CARD_KIND = "model-card"
_NO_GO = re.compile(r"\bno[\s_-]*go\b", re.IGNORECASE)
_GO = re.compile(r"\bgo\b", re.IGNORECASE)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


@dataclass
class Check:
    requirement: Requirement
    target: Target | None
    template_name: str
    met: bool
    problem: str = ""
    page: Page | None = None
    start_url: str = ""
    hidden_target: str = ""

    @property
    def label(self) -> str:
        where = f" for {self.target or self.hidden_target}" if self.target or self.hidden_target else ""
        return f"{self.requirement.label}{where}"

    def as_dict(self) -> dict[str, object]:
        return {
            "requirement": self.requirement.label,
            "template": self.requirement.template_kind,
            "target": _describe(self.target),
            "hidden_target": self.hidden_target,
            "met": self.met,
            "problem": self.problem,
            "page": self.page.get_absolute_url() if self.page else None,
            "start_url": self.start_url,
        }


def _describe(target: Target | None) -> dict[str, str] | None:
    if target is None:
        return None
    return {"type": DocRef.of(target).kind, "slug": target.slug, "name": str(target)}


def decision_of(page: Page) -> str:
    """"go", "no-go" or "" read from the page's Decision section."""
    text = ""
    for title in ("Decision (go / no-go) and reasons", "Decision"):
        text = _COMMENT.sub("", section_text(page, title) or "")
        if text.strip():
            break
    if _NO_GO.search(text):
        return "no-go"
    return "go" if _GO.search(text) else ""


class Context:
    """Everything the gates read for a set of projects, loaded in a fixed number of
    queries, so a board of any size costs the same handful of queries."""

    def __init__(self, projects: list[Project]) -> None:
        ids = [p.pk for p in projects]
        self.requirements = list(Requirement.objects.filter(active=True))
        kinds = {r.template_kind for r in self.requirements} | {MODEL_CARD_KIND, ETHICS_KIND}
        self.template_names = dict(Template.objects.filter(kind__in=kinds).values_list("kind", "name"))
        links = Project.datasets.through.objects.filter(project_id__in=ids).select_related("dataset")
        self.datasets: dict[int, list[Dataset]] = {}
        for link in links:
            self.datasets.setdefault(link.project_id, []).append(link.dataset)
        live = ModelVersion.objects.exclude(status=ModelVersion.Status.ARCHIVED).values("model_id")
        self.candidates: dict[int, list[MLModel]] = {}
        for model in MLModel.objects.filter(project_id__in=ids, pk__in=live).order_by("name"):
            self.candidates.setdefault(model.project_id, []).append(model)
        self.pages: dict[tuple[type, int], list[Page]] = {}
        dataset_ids = [d.pk for ds in self.datasets.values() for d in ds]
        model_ids = [m.pk for ms in self.candidates.values() for m in ms]
        sources = ((Project, Page.documents_projects, "project", ids),
                   (Dataset, Page.documents_datasets, "dataset", dataset_ids),
                   (MLModel, Page.documents_models, "mlmodel", model_ids))
        for kind, relation, column, keys in sources:
            rows = relation.through.objects.filter(
                **{f"{column}_id__in": keys}, page__deleted_at__isnull=True,
                page__template__kind__in=kinds,
            ).select_related("page", "page__template", "page__space")
            for row in rows.order_by("page__title", "page_id"):
                self.pages.setdefault((kind, getattr(row, f"{column}_id")), []).append(row.page)
        pages = {page.pk: page for pages in self.pages.values() for page in pages}
        self.approvals: dict[int, list[Approval]] = {}
        for approval in Approval.objects.filter(page_id__in=pages).select_related("reviewer"):
            self.approvals.setdefault(approval.page_id, []).append(approval)
        # an approval counts when given by a Reviewer of the project the page belongs to
        self.page_projects = page_project_ids(list(pages.values()))
        reviewers: dict[int, set[int]] = {}
        for project_id, person_id in registry_permissions.reviewer_grants().filter(
                project_id__in=set(self.page_projects.values()) - {None}).values_list(
                "project_id", "person_id"):
            reviewers.setdefault(project_id, set()).add(person_id)
        self.page_reviewers = {pk: reviewers.get(project_id, set())
                               for pk, project_id in self.page_projects.items()}
        self.authors: dict[int, set[int]] = {}
        for page_id, author_id in PageRevision.objects.filter(page_id__in=pages).values_list(
                "page_id", "author_id").distinct():
            self.authors.setdefault(page_id, set()).add(author_id)

    def documenting(self, target: Target, kind: str) -> list[Page]:
        return [p for p in self.pages.get((type(target), target.pk), []) if p.template.kind == kind]


def approval_state(page: Page, reviewers: set[int] | None = None,
                   approvals: list[Approval] | None = None,
                   authors: set[int] | None = None) -> tuple[Approval | None, str]:
    """The approval that counts for the page's current revision, and the sentence the page
    shows. It counts when given by a Reviewer of the project the page belongs to
    (`page_project`; a role its holder granted themselves does not count) who wrote no
    revision of the page, and no later decision of such a Reviewer on the same revision asks
    for changes or rejects it. The gates, the page's panel and the API all read it here;
    `reviewers`, `approvals` (newest first) and `authors` are what a caller loaded for many
    pages at once."""
    if reviewers is None:
        project = page_project(page)
        reviewers = registry_permissions.reviewers_of(project) if project else set()
    if approvals is None:
        approvals = list(page.approvals.select_related("reviewer"))
    if authors is None:
        authors = set(page.revisions.values_list("author_id", flat=True))
    current = [a for a in approvals if a.revision == page.revision
               and a.reviewer_id in reviewers and a.reviewer_id not in authors]
    if current:
        latest = current[0]
        by = f"{latest.reviewer.name} (revision {latest.revision})"
        if latest.approves:
            return latest, f"Approved by {by}."
        said = f": “{latest.comment}”" if latest.comment else "."
        return None, f"{latest.get_decision_display()} by {by}{said}"
    void = next((a for a in approvals if a.revision < page.revision and a.approves), None)
    if void:
        return None, (f"Approval void: {void.reviewer.name} approved revision {void.revision}; "
                      f"the page is now at revision {page.revision}.")
    return None, "Not yet approved by a Reviewer of the project."


def _page_problem(requirement: Requirement, page: Page, project: Project, ctx: Context) -> str:
    if requirement.must_be_complete:
        missing = missing_sections(page)
        if missing:
            return f"{len(missing)} required section(s) still empty: {', '.join(missing)}."
    for title in requirement.extra_sections:
        if not (section_text(page, title) or "").strip():
            return f"The section “{title}” is missing or empty."
    if requirement.decision and decision_of(page) != requirement.decision:
        return f"The decision is not “{requirement.decision}”."
    if requirement.needs_approval:
        approval, sentence = approval_state(page, ctx.page_reviewers.get(page.pk, set()),
                                            ctx.approvals.get(page.pk, []),
                                            ctx.authors.get(page.pk, set()))
        if approval is None:
            return sentence
    return ""


def _targets(requirement: Requirement, project: Project, ctx: Context) -> list[Target | None]:
    if requirement.scope == Requirement.Scope.EACH_DATASET:
        return ctx.datasets.get(project.pk, [])
    if requirement.scope == Requirement.Scope.CANDIDATE_MODEL:
        return ctx.candidates.get(project.pk, []) or [None]
    return [project]


def _check(requirement: Requirement, target: Target | None, project: Project, ctx: Context,
           *, links: bool) -> Check:
    name = ctx.template_names.get(requirement.template_kind, requirement.template_kind)
    check = Check(requirement=requirement, target=target, template_name=name, met=False)
    if target is None:
        check.problem = "The project has no candidate model yet: register one first."
        check.start_url = reverse("registry:model_create")
        return check
    if links:
        check.start_url = start_url(requirement.template_kind, target)
    pages = ctx.documenting(target, requirement.template_kind)
    if not pages:
        check.problem = f"No {name.lower()} documents {target}."
        return check
    problems = []
    for page in pages:
        problem = _page_problem(requirement, page, project, ctx)
        if not problem:
            check.met, check.page, check.problem = True, page, ""
            return check
        problems.append((page, problem))
    check.page, check.problem = problems[0]
    return check


def evaluate(project: Project, to: str, ctx: Context | None = None, *, links: bool = True) -> list[Check]:
    """The checklist for `project` entering stage `to` (empty when nothing is required).
    `links=False` skips the "start this page" links (which may create wiki spaces)."""
    ctx = ctx or Context([project])
    return [_check(r, target, project, ctx, links=links)
            for r in ctx.requirements if r.stage == to for target in _targets(r, project, ctx)]


def for_reader(checks: list[Check], user: object) -> list[Check]:
    """The checklist as `user` may see it: a target (a dataset registered under another
    private project, say) or a page the reader cannot see is named only by its kind."""
    datasets = [c.target.pk for c in checks if isinstance(c.target, Dataset)]
    models = [c.target.pk for c in checks if isinstance(c.target, MLModel)]
    pages = [c.page.pk for c in checks if c.page is not None]
    seen = {
        Dataset: set(Dataset.objects.visible_to(user).filter(pk__in=datasets).values_list("pk", flat=True)),
        MLModel: set(MLModel.objects.visible_to(user).filter(pk__in=models).values_list("pk", flat=True)),
    }
    readable = set(Page.objects.visible_to(user).filter(pk__in=pages).values_list("pk", flat=True))
    for check in checks:
        hidden = type(check.target) in seen and check.target.pk not in seen[type(check.target)]
        if hidden:
            kind = "dataset" if isinstance(check.target, Dataset) else "model"
            check.target, check.hidden_target = None, f"a linked {kind} you cannot see"
            check.problem, check.start_url = "Ask its owners: it is outside what you can see.", ""
        if check.page is not None and check.page.pk not in readable:
            check.page = None
    return checks


def unmet(project: Project, to: str, *, reader: object) -> list[Check]:
    """What stops `project` from entering `to`, as `reader` may see it ([] when nothing)."""
    return [check for check in for_reader(evaluate(project, to), reader) if not check.met]


def refusal(to: str, unmet_checks: list[Check]) -> ApplicationError:
    """The refusal of a move to `to`: each unmet check named, and listed in `unmet`."""
    listing = "; ".join(f"{c.label}: {c.problem.rstrip('.')}" for c in unmet_checks)
    return ApplicationError(f"Cannot enter {Stage(to).label}: {listing}.",
                            extra={"unmet": [c.as_dict() for c in unmet_checks]})


# --- promotion of a model version ------------------------------------------------------------
CAVEATS_SECTION = "Caveats and recommendations"  # the model card's limitations section


@dataclass
class PromotionCheck:
    """One line of a version's promotion checklist."""

    requirement: str
    met: bool
    problem: str = ""
    page: Page | None = None
    start_url: str = ""
    caveat: Caveat | None = None

    def as_dict(self) -> dict[str, object]:
        return {"requirement": self.requirement, "met": self.met, "problem": self.problem,
                "page": self.page.get_absolute_url() if self.page else None,
                "start_url": self.start_url,
                "caveat": self.caveat.pk if self.caveat else None}


def inherited_caveats(version: ModelVersion, *, status: str | None = Caveat.Status.OPEN) -> list[Caveat]:
    """The caveats of the dataset versions `version` was trained or evaluated on (open ones
    by default), oldest first; every one counts for the gate, whoever may read it."""
    qs = Caveat.objects.filter(dataset_version__lineage__model_version=version).distinct()
    if status:
        qs = qs.filter(status=status)
    return list(qs.select_related("dataset_version__dataset", "raised_by").order_by("created_at", "pk"))


def caveat_answered(card: Page, caveat: Caveat) -> bool:
    """The card's limitations section answers `caveat`: a line “Caveat 12: …” says, in the
    author's words, how the model deals with it (guidance comments and the list a new card is
    pre-filled with do not count)."""
    text = _COMMENT.sub("", section_text(card, CAVEATS_SECTION) or "")
    line = rf"^[ \t]*(?:[-*+][ \t]+)?(?:\*\*)?caveat[ \t]*#?{caveat.pk}(?:\*\*)?[ \t]*:(?:\*\*)?[ \t]*\w"
    return re.search(line, text, re.IGNORECASE | re.MULTILINE) is not None


def _card_problem(card: Page, version: ModelVersion, caveats: list[Caveat]) -> str:
    missing = missing_sections(card)
    if missing:
        return f"{len(missing)} required section(s) still empty: {', '.join(missing)}."
    if card.updated_at < version.created_at:
        return (f"Stale: last revised {card.updated_at:%Y-%m-%d %H:%M}, before v{version.number} "
                "was registered; revise it to document this version.")
    raised = [c for c in caveats if c.created_at > card.updated_at]
    if raised:
        return (f"Stale: caveat(s) {', '.join(str(c.pk) for c in raised)} were raised on its "
                "training or evaluation data after its last revision.")
    return ""


def promotion_checklist(version: ModelVersion) -> list[PromotionCheck]:
    """What `version` needs to go to production (or to a serving alias): a complete model card
    that documents it (the model or the version) revised since it was registered and since
    every caveat it inherits was raised; an ethics & bias review approved by a Reviewer of the
    project; and each open inherited caveat answered in the card's "Caveats and
    recommendations". Each line says what is missing and links to start it."""
    model = version.model
    caveats = inherited_caveats(version)
    cards = list(Page.objects.live().filter(
        Q(documents_models=model) | Q(documents_model_versions=version),
        template__kind=MODEL_CARD_KIND).distinct().select_related("template", "space")
        .order_by("-updated_at", "pk"))
    card_url = start_url(MODEL_CARD_KIND, version)
    checks = []
    problems = [(card, _card_problem(card, version, caveats)) for card in cards]
    good = next((card for card, problem in problems if not problem), None)
    if good:
        checks.append(PromotionCheck("Model card", True, page=good))
    elif problems:
        card, problem = problems[0]
        checks.append(PromotionCheck("Model card", False, problem, page=card,
                                     start_url=card.get_absolute_url()))
    else:
        checks.append(PromotionCheck("Model card", False,
                                     f"No model card documents {model} or v{version.number}.",
                                     start_url=card_url))
    reviews = list(Page.objects.live().filter(
        Q(documents_models=model) | Q(documents_projects=model.project_id)
        | Q(documents_model_versions=version), template__kind=ETHICS_KIND).distinct())
    approved = next((r for r in reviews if approval_state(r)[0]), None)
    checks.append(PromotionCheck(
        "Ethics & bias review", approved is not None,
        "" if approved else ("Not yet approved by a Reviewer of the project." if reviews else
                             f"No ethics & bias review documents {model} or its project."),
        page=approved or (reviews[0] if reviews else None),
        start_url="" if approved else (reviews[0].get_absolute_url() if reviews
                                       else start_url(ETHICS_KIND, version))))
    answering = good or (cards[0] if cards else None)
    for caveat in caveats:
        met = answering is not None and caveat_answered(answering, caveat)
        checks.append(PromotionCheck(
            f"{caveat.ref} ({caveat.get_kind_display().lower()}, {caveat.dataset_version})",
            met, "" if met else (f"Answer it in the model card's “{CAVEATS_SECTION}”: write "
                                 f"“{caveat.ref}:” and how this model deals with it."),
            page=answering, caveat=caveat,
            start_url=answering.get_absolute_url() if answering else card_url))
    return checks


def promotion_for_reader(checks: list[PromotionCheck], user: object) -> list[PromotionCheck]:
    """The checklist as `user` may see it: a caveat on a dataset they cannot see is named only
    by its number, and a page they cannot read is not linked."""
    datasets = {c.caveat.dataset_version.dataset_id for c in checks if c.caveat}
    seen = set(Dataset.objects.visible_to(user).filter(pk__in=datasets).values_list("pk", flat=True))
    pages = {c.page.pk for c in checks if c.page}
    readable = set(Page.objects.visible_to(user).filter(pk__in=pages).values_list("pk", flat=True))
    for check in checks:
        if check.caveat and check.caveat.dataset_version.dataset_id not in seen:
            check.requirement = f"{check.caveat.ref} (on a dataset version you cannot see)"
        if check.page and check.page.pk not in readable:
            check.page, check.start_url = None, ""
    return checks


def promotion_guard(version: ModelVersion, *, to: str = "production") -> None:
    """Refuse (409, each unmet line in `unmet`) a version that does not pass its checklist."""
    unmet_checks = [c for c in promotion_checklist(version) if not c.met]
    if unmet_checks:
        listing = "; ".join(f"{c.requirement}: {c.problem.rstrip('.')}" for c in unmet_checks)
        raise ApplicationError(f"{version} cannot go to {to}: {listing}.",
                               extra={"unmet": [c.as_dict() for c in unmet_checks]})
