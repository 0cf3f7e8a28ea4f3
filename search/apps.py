from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "Search"

    def ready(self) -> None:
        from search import kinds, signals

        kinds.register_registry_kinds()
        kinds.register_wiki_kinds()
        signals.connect()  # keeps the index of every kind registered above in step
