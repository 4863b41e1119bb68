"""Dashboard input shapes for media. Shape only: the rules are media.services'."""

from django import forms


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Django's documented way to accept several files in one field."""

    def clean(self, data, initial=None):
        items = [item for item in (data if isinstance(data, list | tuple) else [data]) if item]
        if not items:
            raise forms.ValidationError("Choose at least one file.")
        return [super(MultipleFileField, self).clean(item, initial) for item in items if item]


class UploadForm(forms.Form):
    files = MultipleFileField(
        widget=MultipleFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp,image/gif,video/mp4,video/quicktime"}
        ),
        label="Images or videos",
        help_text="JPEG, PNG, WebP, GIF up to 5 MB; MP4 or MOV up to 512 MB.",
    )


class FetchForm(forms.Form):
    url = forms.URLField(
        label="From a link",
        assume_scheme="https",
        max_length=2048,
        help_text="A public link to an image or video; it is downloaded and checked here.",
    )
