from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "organisations"
    verbose_name = "Organisations and people"

    def ready(self) -> None:
        # The sign-in counters listen to Django's signals (organisations/throttle.py).
        from organisations import throttle  # noqa: F401
