from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "Search"

    def ready(self) -> None:
        from search import kinds, signals

        kinds.register_registry_kinds()  # connects each kind's save/delete signals
        signals.connect()
