"""Dashboard input shapes for personas (rules live in personas.services)."""

from django import forms

from personas.models import (
    ANALYSIS_PLATFORMS,
    MAX_DESCRIPTION_LENGTH,
    MAX_SAMPLES_PER_SOURCE,
    SAMPLE_SOURCES,
)

SOURCE_LABELS = {
    "custom": "Custom",
    "twitter": "Twitter / X",
    "reddit": "Reddit",
    "facebook": "Facebook",
    "instagram": "Instagram",
    "tiktok": "TikTok",
    "linkedin": "LinkedIn",
}


class PersonaCreateForm(forms.Form):
    name = forms.CharField(
        max_length=100, help_text="The brand or client this voice belongs to, e.g. “Acme”."
    )


class PersonaAttributesForm(forms.Form):
    name = forms.CharField(max_length=100)
    description = forms.CharField(
        required=False,
        max_length=MAX_DESCRIPTION_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The voice, tone and style the AI should emulate.",
    )
    tone = forms.CharField(
        required=False, max_length=200, help_text="Comma-separated, e.g. professional, witty."
    )
    target_audience = forms.CharField(required=False, max_length=500)
    industry = forms.CharField(required=False, max_length=200)
    terminology = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Terms and phrases the brand uses: one per line or comma-separated.",
    )

    def clean_terminology(self) -> list[str]:
        raw = self.cleaned_data["terminology"].replace("\n", ",")
        return [term.strip() for term in raw.split(",") if term.strip()]


class SamplesForm(forms.Form):
    source = forms.ChoiceField(
        choices=[(source, SOURCE_LABELS[source]) for source in SAMPLE_SOURCES]
    )
    text = forms.CharField(
        label="Add samples",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=(
            "Paste one post, or many separated by a blank line or a line with ---. "
            f"Up to {MAX_SAMPLES_PER_SOURCE} per platform; duplicates are skipped."
        ),
    )


class AnalyzeForm(forms.Form):
    platforms = forms.MultipleChoiceField(
        required=False,
        choices=[(platform, SOURCE_LABELS[platform]) for platform in ANALYSIS_PLATFORMS],
        widget=forms.CheckboxSelectMultiple,
        help_text="Leave empty to analyse every platform that has samples.",
    )
    include_custom_samples = forms.BooleanField(required=False, initial=True)


class ImportForm(forms.Form):
    connection_id = forms.UUIDField()
