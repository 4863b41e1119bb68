"""Dashboard input shapes. Shape only: the rules are launches.rules, applied by the services."""

from django import forms
from django.utils import timezone

from launches import rules
from launches.models import Platform


class PlatformCheckboxes(forms.CheckboxSelectMultiple):
    """Each platform's checkbox with its logo beside the name, as people pick channels in
    Buffer or Postiz."""

    option_template_name = "launches/widgets/platform_option.html"


class LaunchCreateForm(forms.Form):
    title = forms.CharField(max_length=rules.TITLE_MAX, strip=False)
    product_description = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), strip=False)
    product_url = forms.URLField(
        required=False,
        assume_scheme="https",
        label="Product URL",
        help_text="Optional: the page is read for context when the content is written.",
    )
    platforms = forms.MultipleChoiceField(choices=Platform.choices, widget=PlatformCheckboxes)
    persona = forms.ModelChoiceField(queryset=None, required=False, empty_label="No persona")
    custom_content = forms.CharField(
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Optional: one text for every platform (leave empty to have it written).",
    )
    custom_content_reddit_title = forms.CharField(
        required=False,
        strip=False,
        label="Reddit title",
        help_text="Needed with custom content when Reddit is selected (max 300).",
    )
    scheduled_date = forms.DateTimeField(
        required=False,
        label="Schedule",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text="In your timezone; at least 15 minutes ahead.",
    )

    def __init__(self, *args, personas=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["persona"].queryset = personas
        self.fields[
            "scheduled_date"
        ].help_text = (
            f"In your timezone ({timezone.get_current_timezone_name()}); at least 15 minutes ahead."
        )

    def service_arguments(self) -> dict:
        """The cleaned data as create_launch's keyword arguments."""
        data = self.cleaned_data
        arguments = {
            "title": data["title"],
            "product_description": data["product_description"],
            "platforms": data["platforms"],
            "product_url": data["product_url"],
            # The form field made the naive input aware in the person's active timezone.
            "scheduled_date": data["scheduled_date"],
            "persona_id": data["persona"].pk if data["persona"] else None,
        }
        if data["custom_content"].strip():
            arguments["custom_content"] = data["custom_content"]
            if "reddit" in data["platforms"]:
                arguments["custom_content_reddit_title"] = data["custom_content_reddit_title"]
        return arguments


class ScheduleForm(forms.Form):
    """The editor's schedule: a date-time in the person's timezone, empty to unschedule."""

    scheduled_date = forms.DateTimeField(
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    def changes(self, current) -> dict:
        """``{"scheduled_date": ...}`` when the schedule changed, else ``{}``."""
        value = self.cleaned_data["scheduled_date"]
        unchanged = (value is None and current is None) or (
            value is not None
            and current is not None
            and value == current.replace(second=0, microsecond=0)
        )
        return {} if unchanged else {"scheduled_date": value}


class MarkPostedForm(forms.Form):
    """The address of a post the person made themselves (Product Hunt, Hacker News)."""

    url = forms.URLField(max_length=2048, assume_scheme="https")


# Form field names used by the editor; services field paths map back onto them for errors.
FIELD_OF_PATH = {
    "title": "title",
    "name": "title",
    "product_description": "product_description",
    "product_url": "product_url",
    "platforms": "platforms",
    "persona_id": "persona",
    "scheduled_date": "scheduled_date",
    "custom_content": "custom_content",
    "custom_content_reddit_title": "custom_content_reddit_title",
}


def contents_from_post(post, platforms: list[str], existing: dict) -> dict:
    """The editor's per-platform fields as a platform_contents update."""
    contents = {}
    for platform in platforms:
        entry = _entry_from_post(post, platform, existing.get(platform) or {})
        if entry:
            contents[platform] = entry
    return contents


def _entry_from_post(post, platform: str, existing: dict) -> dict:
    prefix = f"{platform}-"
    entry = {}
    if platform == "twitter":
        tweets = [tweet for tweet in post.getlist(f"{prefix}thread") if tweet.strip()]
        if len(tweets) == 1:
            entry["content"] = tweets[0]
        elif tweets:
            entry["thread"] = tweets
    elif f"{prefix}content" in post:
        entry["content"] = post[f"{prefix}content"]
    for field in ("title", "maker_comment"):
        if field in rules.allowed_fields(platform) and f"{prefix}{field}" in post:
            entry[field] = post[f"{prefix}{field}"]
    if platform == "reddit" and f"{prefix}subreddits" in post:
        entry["subreddits"] = _subreddits(post, existing)
    if platform == "tiktok" and f"{prefix}privacy_level" in post:
        entry["tiktok_settings"] = _tiktok_settings(post, prefix)
    return entry


def _subreddits(post, existing: dict) -> list[dict]:
    """The subreddits typed in the editor, each with the title, body and flair edited for it.

    A field left empty is dropped, so the subreddit falls back to the main title or body.
    """
    known = {s["name"].lower(): s for s in existing.get("subreddits") or []}
    edited = {}
    rows = zip(
        post.getlist("reddit-sub-name"),
        post.getlist("reddit-sub-title"),
        post.getlist("reddit-sub-content"),
        post.getlist("reddit-sub-flair_text"),
        strict=False,
    )
    for name, title, content, flair_text in rows:
        fields = {"title": title, "content": content, "flair_text": flair_text}
        edited[name.lower()] = {key: value for key, value in fields.items() if value.strip()}
    value = post["reddit-subreddits"]
    names = [name.strip().removeprefix("r/") for name in value.replace(",", " ").split()]
    targets = []
    for name in filter(None, names):
        target = dict(known.get(name.lower(), {"name": name}))
        if name.lower() in edited:
            for key in ("title", "content", "flair_text"):
                target.pop(key, None)
            target.update(edited[name.lower()])
        targets.append(target)
    return targets


def _tiktok_settings(post, prefix: str) -> dict:
    settings = {flag: f"{prefix}{flag}" in post for flag in rules.TIKTOK_FLAGS}
    if post[f"{prefix}privacy_level"]:
        settings["privacy_level"] = post[f"{prefix}privacy_level"]
    return settings
