from registry.models import Project


def at_stage(project: Project, stage: str) -> Project:
    Project.objects.filter(pk=project.pk).update(stage=stage)
    project.refresh_from_db()
    return project
