"""Web UI of the registry: thin views around selectors, permissions and services, one module
per entity. Pages that also show documentation or the lifecycle are composed by the apps
above (lifecycle.views.projects serves the project page)."""
