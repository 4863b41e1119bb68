"""Dashboard input shapes of planning. Shape only: the rules are the launch services'."""

from django import forms

from launches.models import Platform
from planning import analytics, calendar
from planning.selectors import CALENDAR_STATUSES

STATUS_CHOICES = [("", "All statuses"), ("published", "published")] + [
    (status, status) for status in CALENDAR_STATUSES if status not in ("completed", "partial")
]
PLATFORM_CHOICES = [("", "All platforms"), *Platform.choices]


class CalendarForm(forms.Form):
    view = forms.ChoiceField(
        choices=[(calendar.MONTH, "Month"), (calendar.WEEK, "Week")], required=False
    )
    date = forms.DateField(required=False)
    status = forms.ChoiceField(choices=STATUS_CHOICES, required=False)
    platform = forms.ChoiceField(choices=PLATFORM_CHOICES, required=False)

    def choices(self) -> dict:
        """view, date, status, platform: a broken or empty query string falls back to the
        month of today, everything shown."""
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "view": data.get("view") or calendar.MONTH,
            "date": data.get("date") or calendar.today(),
            "status": data.get("status") or "",
            "platform": data.get("platform") or "",
        }


class MoveForm(forms.Form):
    """Where a dragged launch was dropped: a day, and an hour in the week view."""

    day = forms.DateField()
    hour = forms.IntegerField(min_value=0, max_value=23, required=False)


class ImportForm(forms.Form):
    file = forms.FileField(
        label="CSV or JSON file",
        help_text="One launch per row. Nothing is created until you confirm the preview.",
    )


class AnalyticsForm(forms.Form):
    period = forms.ChoiceField(
        choices=[
            ("7d", "Last 7 days"),
            ("30d", "Last 30 days"),
            ("90d", "Last 90 days"),
            ("365d", "Last 12 months"),
            ("all", "All time"),
        ],
        required=False,
        initial=analytics.DEFAULT_PERIOD,
    )
    platform = forms.ChoiceField(choices=PLATFORM_CHOICES, required=False)
    persona = forms.ChoiceField(required=False)

    def __init__(self, *args, personas=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["persona"].choices = [("", "All personas")] + [
            (str(p.pk), p.name) for p in personas
        ]

    def filters(self) -> analytics.Filters:
        data = self.cleaned_data if self.is_valid() else {}
        return analytics.Filters(
            period=data.get("period") or analytics.DEFAULT_PERIOD,
            platform=data.get("platform") or "",
            persona_id=data.get("persona") or "",
        )
