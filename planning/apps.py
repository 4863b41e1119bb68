from django.apps import AppConfig


class PlanningConfig(AppConfig):
    """Planning across launches: the calendar, bulk import and export, analytics."""

    name = "planning"
    default_auto_field = "django.db.models.BigAutoField"
