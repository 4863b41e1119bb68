from django import forms

from webhooks import catalog


class EndpointForm(forms.Form):
    url = forms.URLField(
        label="Endpoint URL",
        max_length=2048,
        assume_scheme="https",
        help_text="A public HTTPS URL that accepts POST requests.",
        widget=forms.URLInput(attrs={"placeholder": "https://your-app.com/webhooks"}),
    )
    events = forms.MultipleChoiceField(
        label="Events",
        choices=[(event.name, event.name) for event in catalog.EVENT_TYPES.values()],
        widget=forms.CheckboxSelectMultiple,
        help_text="Subscribe only to what you need. webhook.test is always sent by the test "
        "button.",
    )
