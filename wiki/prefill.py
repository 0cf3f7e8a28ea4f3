"""A new page's starting text: the template's skeleton plus the facts Almanac knows."""

from __future__ import annotations

import re
from collections.abc import Sequence

from registry.models import Caveat, Dataset, Lineage, MLModel, ModelVersion, Project
from wiki.conformance import normalize
from wiki.models import Template

_HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]+(.+?)[ \t#]*$")


def _cell(value: object) -> str:
    text = " ".join(str(value if value not in (None, "") else "—").split())
    return text.replace("|", "\\|")


def _table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


GUIDANCE = "<!-- {section}: replace this comment with your text. -->"


def answer_sections(body: str, answers: dict[str, str]) -> str:
    """Replace the template's guidance comment of each answered section with the answer."""
    for section, text in answers.items():
        body = body.replace(GUIDANCE.format(section=section), text, 1)
    return body


def insert_under(body: str, heading: str, text: str) -> str:
    """Put `text` right under the heading `heading` (or append a section if absent)."""
    lines = body.split("\n")
    for index, line in enumerate(lines):
        match = _HEADING.match(line)
        if match and normalize(match.group(1)) == normalize(heading):
            lines[index + 1:index + 1] = ["", text.strip(), ""]
            return "\n".join(lines)
    return f"{body.rstrip()}\n\n## {heading}\n\n{text.strip()}\n"


def _datasheet_facts(dataset: Dataset) -> dict[str, str]:
    columns = list(dataset.columns.all())
    versions = list(dataset.versions.all()[:20])
    schema = _table(["Column", "Type", "PII", "Description"],
                    [(c.name, c.dtype, "yes" if c.is_pii else "no", c.description) for c in columns]) \
        if columns else "<!-- Almanac has no schema for this dataset yet. -->"
    facts = (
        f"Facts from Almanac about [[dataset:{dataset.slug}]]:\n\n"
        f"- Owner team: {_cell(dataset.team.name)}\n"
        f"- Steward: {_cell(dataset.steward.name if dataset.steward else None)}\n"
        f"- Format: {_cell(dataset.format)} · License: {_cell(dataset.license)} · "
        f"Sensitivity: {dataset.get_sensitivity_display()} · "
        f"Contains PII: {'yes' if dataset.contains_pii else 'no'}\n"
        f"- Source: {_cell(dataset.source_uri)}\n\n"
        f"### Schema\n\n{schema}\n"
    )
    version_table = _table(
        ["Version", "Date", "Rows", "Notes"],
        [(v.label, v.released_on, v.row_count, v.notes) for v in versions],
    ) if versions else "<!-- Almanac has no versions registered yet. -->"
    return {"Composition": facts, "Maintenance": f"### Versions\n\n{version_table}\n"}


def _model_card_facts(model: MLModel, audience: Project | None) -> dict[str, str]:
    versions = list(model.versions.order_by("-number")[:20])
    lineage = list(Lineage.objects.seen_by_every_reader_of(audience).filter(model_version__in=versions)
                   .select_related("dataset_version__dataset", "model_version")
                   .order_by("-model_version__number", "pk"))
    details = (
        f"Facts from Almanac about [[model:{model.slug}]]:\n\n"
        f"- Task: {_cell(model.task)} · Framework: {_cell(model.framework)}\n"
        f"- Project: [[project:{model.project.slug}]] · Team: {_cell(model.project.team.name)}\n\n"
        "### Versions\n\n" + (_table(
            ["Version", "Status", "Metrics", "Code revision"],
            [(f"v{v.number}", v.get_status_display(),
              ", ".join(f"{k}={val}" for k, val in sorted(v.metrics.items())), v.code_revision)
             for v in versions]) if versions else "<!-- Almanac has no versions registered yet. -->")
    )
    metrics = _table(["Version", "Metric", "Value"],
                     [(f"v{v.number}", k, val) for v in versions for k, val in sorted(v.metrics.items())]) \
        if any(v.metrics for v in versions) else "<!-- Almanac has no metrics recorded yet. -->"

    def uses(use: str) -> str:
        rows = [(f"v{edge.model_version.number}", f"[[dataset:{edge.dataset_version.dataset.slug}]]",
                 edge.dataset_version.label) for edge in lineage if edge.use == use]
        return _table(["Model version", "Dataset", "Dataset version"], rows) if rows \
            else "<!-- Almanac has no lineage recorded yet. -->"

    facts = {"Model details": details, "Metrics": metrics,
             "Training data": uses(Lineage.Use.TRAINING),
             "Evaluation data": uses(Lineage.Use.EVALUATION)}
    caveats = _inherited_caveats(versions, audience)
    if caveats:
        facts["Caveats and recommendations"] = caveats
    return facts


def _inherited_caveats(versions: Sequence[ModelVersion], audience: Project | None) -> str:
    """The open caveats the versions inherit from their data, each to be answered by a line
    “Caveat N: …” (which promotion to production asks for). Only caveats every reader of the
    space may see."""
    live = [v for v in versions if v.status != ModelVersion.Status.ARCHIVED]
    caveats = (Caveat.objects.seen_by_every_reader_of(audience)
               .filter(status=Caveat.Status.OPEN, dataset_version__lineage__model_version__in=live)
               .select_related("dataset_version__dataset").distinct().order_by("created_at", "pk"))
    lines = [f"- **Inherited caveat {c.pk}** ({c.get_kind_display().lower()}, from "
             f"[[dataset:{c.dataset_version.dataset.slug}]] {_cell(c.dataset_version.label)}): "
             f"{_cell(c.text)}" for c in caveats]
    if not lines:
        return ""
    return ("Open caveats on the data these versions used:\n\n" + "\n".join(lines) + "\n\n"
            "<!-- Answer each one below, a line per caveat: “Caveat N: how this model deals with "
            "it”. Promotion to production asks for every answer. -->\n")


def _project_facts(project: Project) -> dict[str, str]:
    return {"Problem statement": f"Facts from Almanac about [[project:{project.slug}]]: "
                                 f"{_cell(project.summary)}"}


def skeleton_for(template: Template | None, documents: Sequence[object],
                 audience: Project | None) -> str:
    """The template's skeleton, with the facts Almanac knows about what the page documents.
    The text is for every reader of the space it goes to (`audience`: the space's project,
    None for a team's or the global space), so it names only what all of them may see."""
    body = template.body if template else ""
    if template is None:
        return body
    shown = _seen_by_all(documents, audience)
    for target in [d for d in documents if (type(d), d.pk) in shown]:
        facts: dict[str, str] = {}
        if template.kind == "datasheet" and isinstance(target, Dataset):
            facts = _datasheet_facts(target)
        elif template.kind == "model-card" and isinstance(target, (MLModel, ModelVersion)):
            facts = _model_card_facts(target.model if isinstance(target, ModelVersion) else target,
                                      audience)
            facts = {heading: text for heading, text in facts.items() if text}
        elif template.kind == "project-charter" and isinstance(target, Project):
            facts = _project_facts(target)
        for heading, text in facts.items():
            body = insert_under(body, heading, text)
    return body


def _seen_by_all(documents: Sequence[object], audience: Project | None) -> set[tuple[type, int]]:
    """(class, id) of the documented objects every reader of the space may see."""
    shown: set[tuple[type, int]] = set()
    for model_class in (Project, Dataset, MLModel, ModelVersion):
        ids = [d.pk for d in documents if type(d) is model_class]
        if ids:
            seen = model_class.objects.seen_by_every_reader_of(audience).filter(pk__in=ids)
            shown |= {(model_class, pk) for pk in seen.values_list("pk", flat=True)}
    return shown
