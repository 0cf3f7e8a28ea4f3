"""Web UI of the lifecycle, and the pages it composes from the apps below: a project's page
(stage, gates, sprints), a wiki page (its review), a model version's page (its status)."""
