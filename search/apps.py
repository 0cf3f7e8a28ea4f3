from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "Search"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from search import backends, kinds, signals

        connection_created.connect(backends.tune_connection, dispatch_uid="search-trigram")

        kinds.register_registry_kinds()  # connects each kind's save/delete signals
        kinds.register_wiki_kinds()
        signals.connect()
