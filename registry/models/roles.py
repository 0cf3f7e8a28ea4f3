"""A role held by a person on a project, dataset or model."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from registry.models.datasets import Dataset
from registry.models.mlmodels import MLModel
from registry.models.people import Person, Role
from registry.models.projects import Project
from registry.visibility import (
    RoleAssignmentQuerySet,
)


class RoleAssignment(models.Model):
    """A person holding a role on exactly one project, dataset or model."""

    role = models.ForeignKey(Role, on_delete=models.PROTECT, related_name="assignments")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="role_assignments")
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, null=True, blank=True, related_name="role_assignments"
    )
    dataset = models.ForeignKey(
        Dataset, on_delete=models.CASCADE, null=True, blank=True, related_name="role_assignments"
    )
    model = models.ForeignKey(
        MLModel, on_delete=models.CASCADE, null=True, blank=True, related_name="role_assignments"
    )
    granted_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        help_text="Who granted it (empty for grants made before this was recorded).")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["role__name", "person__username"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(project__isnull=False, dataset__isnull=True, model__isnull=True)
                    | Q(project__isnull=True, dataset__isnull=False, model__isnull=True)
                    | Q(project__isnull=True, dataset__isnull=True, model__isnull=False)
                ),
                name="role_assignment_one_target",
            ),
            models.UniqueConstraint(
                fields=["role", "person", "project"],
                condition=Q(project__isnull=False),
                name="role_assignment_unique_project",
            ),
            models.UniqueConstraint(
                fields=["role", "person", "dataset"],
                condition=Q(dataset__isnull=False),
                name="role_assignment_unique_dataset",
            ),
            models.UniqueConstraint(
                fields=["role", "person", "model"],
                condition=Q(model__isnull=False),
                name="role_assignment_unique_model",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} is {self.role} of {self.target}"

    @property
    def target(self) -> Project | Dataset | MLModel:
        return self.project or self.dataset or self.model
