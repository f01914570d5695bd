from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "organisations"
    verbose_name = "Organisations and people"

    def ready(self) -> None:
        # The sign-in counters and the audit log listen to Django's signals; a new
        # organisation gets its top unit from one.
        from organisations import audit, throttle, units  # noqa: F401
