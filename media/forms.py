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


class GenerateForm(forms.Form):
    """Generate an image or a video with AI (or the local renderer) for a launch."""

    type = forms.ChoiceField(
        label="What to make",
        choices=[
            ("image", "Image"),
            ("script_video", "Video from a script (captions)"),
            ("video", "Video from a description"),
        ],
    )
    launch = forms.UUIDField(label="For the launch")
    prompt = forms.CharField(
        label="Prompt or script",
        widget=forms.Textarea(attrs={"rows": 4}),
        min_length=10,
        max_length=2000,
        help_text="10-2,000 characters. For a script video, one caption per line.",
    )
    aspect_ratio = forms.ChoiceField(
        label="Shape",
        initial="1:1",
        choices=[
            ("1:1", "1:1 square"),
            ("4:5", "4:5 portrait (Instagram feed)"),
            ("9:16", "9:16 vertical (Reels, TikTok)"),
            ("16:9", "16:9 landscape"),
            ("3:4", "3:4"),
            ("4:3", "4:3"),
            ("2:3", "2:3"),
            ("3:2", "3:2"),
            ("5:4", "5:4"),
            ("21:9", "21:9 wide"),
        ],
        help_text="Videos are 9:16 or 16:9.",
    )
    duration_seconds = forms.TypedChoiceField(
        label="Video length",
        coerce=int,
        initial=8,
        choices=[(4, "4 seconds"), (6, "6 seconds"), (8, "8 seconds")],
        required=False,
    )
    platform = forms.ChoiceField(
        label="Script for",
        choices=[("tiktok", "TikTok"), ("instagram", "Instagram")],
        required=False,
    )
