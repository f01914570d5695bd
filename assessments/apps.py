from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = "Organisations and workshops"

    def ready(self) -> None:
        from assessments import signals  # noqa: F401  (connects the receivers)
