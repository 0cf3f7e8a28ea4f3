from django.apps import AppConfig


class LifecycleConfig(AppConfig):
    name = "lifecycle"
    verbose_name = "Lifecycle"

    def ready(self) -> None:
        from lifecycle import gates
        from registry import services

        if gates.transition_guard not in services.TRANSITION_GUARDS:
            services.TRANSITION_GUARDS.append(gates.transition_guard)
        if gates.promotion_guard not in services.PROMOTION_GUARDS:
            services.PROMOTION_GUARDS.append(gates.promotion_guard)
