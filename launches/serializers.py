"""API shapes of launches. Shape only: the limits and rules are launches.rules."""

import datetime as dt

from django.core.validators import RegexValidator
from django.utils import timezone
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema_field
from rest_framework import serializers

from dropspace.api.serializers import StrictSerializer
from launches import analytics, deletion, rules, selectors
from launches.models import AUTO_POST_PLATFORMS, REQUESTABLE_STATUSES, Launch, PostingLog

NULLABLE_URI = {"type": ["string", "null"], "format": "uri"}


def _text(**kwargs):
    # Keep people's text exactly as sent: the rules count what will be posted.
    return serializers.CharField(trim_whitespace=False, allow_blank=True, **kwargs)


class OffsetDateTimeField(serializers.DateTimeField):
    """ISO 8601; a time without an offset is kept naive so the rules can reject it clearly.
    An aware time is kept in UTC: ISO allows offsets up to ±23:59, PostgreSQL only ±15:59."""

    def enforce_timezone(self, value):
        return value.astimezone(dt.UTC) if timezone.is_aware(value) else value


# --- platform content -------------------------------------------------------------------------


class TikTokSettingsSerializer(StrictSerializer):
    """TikTok posting settings; privacy_level is required before publishing."""

    privacy_level = serializers.ChoiceField(
        choices=rules.PRIVACY_LEVELS, required=False, help_text="required before publishing"
    )
    allow_comments = serializers.BooleanField(required=False)
    allow_duet = serializers.BooleanField(required=False)
    allow_stitch = serializers.BooleanField(required=False)
    is_commercial = serializers.BooleanField(required=False)
    is_your_brand = serializers.BooleanField(required=False)
    is_branded_content = serializers.BooleanField(
        required=False, help_text="branded content cannot use SELF_ONLY privacy"
    )
    auto_add_music = serializers.BooleanField(required=False)


class SubredditSerializer(StrictSerializer):
    """One subreddit to post to, with its own title, body and flair when given."""

    name = serializers.CharField(help_text="subreddit name, e.g. SideProject (r/ optional)")
    title = _text(required=False, help_text="title for this subreddit (max 300)")
    content = _text(required=False, help_text="body for this subreddit (max 3,000)")
    flair_id = serializers.CharField(required=False)
    flair_text = serializers.CharField(required=False)


CONTENT_HELP = {
    "twitter": "one tweet (max 280 weighted characters); mutually exclusive with thread",
    "linkedin": "max 3,000 characters",
    "reddit": "post body, max 3,000 characters",
    "facebook": "max 3,000 characters",
    "instagram": "caption, max 2,200 characters",
    "tiktok": "caption, max 4,000 characters",
    "producthunt": "description, max 500 characters",
    "hackernews": "text, max 2,000 characters",
    "substack": "max 3,000 characters",
}
TITLE_HELP = {
    "reddit": "post title (max 300); required with content when creating",
    "producthunt": "tagline (max 60)",
    "hackernews": "title (max 80), e.g. 'Show HN: ...'",
}


def _entry_fields(platform: str, *, output: bool) -> dict:
    fields = {"content": _text(required=False, help_text=CONTENT_HELP[platform])}
    allowed = rules.allowed_fields(platform)
    if "thread" in allowed:
        fields["thread"] = serializers.ListField(
            child=_text(), required=False, help_text="1-6 tweets, each max 280 weighted characters"
        )
    if "thread_media" in allowed:
        fields["thread_media"] = serializers.ListField(
            child=serializers.ListField(child=serializers.CharField(), max_length=4),
            max_length=6,
            required=False,
            help_text="media per tweet (dropspace extension): one list of media asset ids "
            "(from the launch's media_assets) per tweet of the thread, in order, e.g. "
            '[["<id-1>", "<id-2>"], [], ["<id-3>"]]. Each tweet takes up to 4 images, or 1 '
            "video or GIF (X's rule); an asset goes on one tweet; listed assets are posted on X "
            "whatever media_mode says, unlisted ones are not. Not given (or []): all of X's "
            "media goes on the first tweet",
        )
    if "mixed_carousel" in allowed:
        fields["mixed_carousel"] = serializers.BooleanField(
            required=False,
            help_text="dropspace extension: true posts the launch's images and its video "
            "together as one Instagram carousel (the video a carousel item, up to 10 items, in "
            "the launch's media order) instead of what media_mode chooses",
        )
    if "title" in allowed:
        fields["title"] = _text(required=False, help_text=TITLE_HELP[platform])
    if "subreddits" in allowed:
        fields["subreddits"] = SubredditSerializer(
            many=True,
            required=False,
            help_text="post to several subreddits (max 10), each with its own title, body "
            "and flair; title/content default to the platform's title and content",
        )
    if "maker_comment" in allowed:
        fields["maker_comment"] = _text(required=False, help_text="maker comment (max 1,000)")
    if "tiktok_settings" in allowed:
        fields["tiktok_settings"] = TikTokSettingsSerializer(required=False)
    if "video_script" in allowed:
        fields["video_script"] = _text(
            required=False,
            help_text="the script of the AI video (10-2,000 characters, one caption per line); "
            "written for generate_ai_videos when not given",
        )
    if output:
        fields["platform"] = serializers.CharField()
        fields["generated_by"] = serializers.ChoiceField(
            choices=rules.WRITTEN_BY, required=False, help_text="who wrote the text"
        )
    return fields


def _contents_serializer(*, output: bool) -> type:
    suffix = "Out" if output else ""
    base = serializers.Serializer if output else StrictSerializer
    fields = {}
    for platform in rules.PLATFORMS:
        name = f"{platform.title()}Content{suffix}Serializer"
        doc = {"__doc__": f"Content for {platform}.", "__module__": __name__}
        entry = type(name, (base,), {**_entry_fields(platform, output=output), **doc})
        fields[platform] = entry(required=False)
    doc = "Content per platform; platforms without text are written by the AI writer."
    fields.update({"__doc__": doc, "__module__": __name__})
    return type(f"PlatformContents{suffix}Serializer", (base,), fields)


PlatformContentsSerializer = _contents_serializer(output=False)
PlatformContentsOutSerializer = _contents_serializer(output=True)


@extend_schema_field(
    {
        "oneOf": [
            {"type": "string"},
            {"type": "array", "items": {"type": "string"}, "minItems": 1, "maxItems": 6},
        ],
        "description": "one text for every platform, or a list of tweets (needs twitter)",
    }
)
class CustomContentField(serializers.JSONField):
    def to_internal_value(self, data):
        if isinstance(data, str) or (
            isinstance(data, list) and all(isinstance(item, str) for item in data)
        ):
            return data
        raise serializers.ValidationError("must be a string or a list of strings")


# --- media ------------------------------------------------------------------------------------

# Canonical base64 (RFC 4648 alphabet, padded, at least one byte), optionally as a data: URL.
BASE64 = (
    r"^(data:[^,;]*;base64,)?([A-Za-z0-9+/]{4})*"
    r"([A-Za-z0-9+/]{4}|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{2}==)$"
)


@extend_schema_field({"type": "string", "pattern": BASE64})
class Base64Field(serializers.CharField):
    """Base64 exactly as the schema's pattern says (a decoder would skip stray characters)."""

    def __init__(self, **kwargs):
        super().__init__(trim_whitespace=False, **kwargs)
        self.validators.append(RegexValidator(BASE64, message="data is not valid base64"))


class MediaUrlItemSerializer(StrictSerializer):
    """Inline media fetched from a public URL. The type is read from the bytes."""

    source = serializers.ChoiceField(choices=["url"])
    url = serializers.URLField(max_length=2048, help_text="public http(s) URL")


class MediaBase64ItemSerializer(StrictSerializer):
    """Inline media sent as base64 data. The type is read from the bytes."""

    source = serializers.ChoiceField(choices=["base64"])
    data = Base64Field(help_text="the file, base64 (padded), optionally as a data: URL")
    filename = serializers.CharField(required=False, max_length=255)
    mime_type = serializers.CharField(
        required=False, max_length=100, help_text="informative only: the bytes decide the type"
    )


MEDIA_ITEM_VARIANTS = {"url": MediaUrlItemSerializer, "base64": MediaBase64ItemSerializer}


@extend_schema_field(
    PolymorphicProxySerializer(
        component_name="MediaItem",
        serializers=MEDIA_ITEM_VARIANTS,
        resource_type_field_name="source",
    )
)
class MediaItemField(serializers.Field):
    """One inline media item: its ``source`` says which fields it has (oneOf in the schema)."""

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            raise serializers.ValidationError("must be an object")
        source = data.get("source")
        variant = MEDIA_ITEM_VARIANTS.get(source) if isinstance(source, str) else None
        if variant is None:
            raise serializers.ValidationError({"source": 'source must be "url" or "base64"'})
        item = variant(data=data)
        item.is_valid(raise_exception=True)
        return item.validated_data

    def to_representation(self, value):
        return value


class MediaAssetRefSerializer(StrictSerializer):
    """An asset already in your media library, by id (the other fields are informative:
    a launch's media_assets can be sent back as they were read)."""

    id = serializers.UUIDField()
    type = serializers.ChoiceField(choices=["image", "video"], required=False)
    url = serializers.CharField(required=False)
    filename = serializers.CharField(required=False)
    size = serializers.IntegerField(required=False)
    mime_type = serializers.CharField(required=False)
    width = serializers.IntegerField(required=False)
    height = serializers.IntegerField(required=False)
    duration = serializers.FloatField(required=False, allow_null=True)
    thumbnail_url = serializers.CharField(required=False)
    source = serializers.CharField(required=False)
    fal_request_id = serializers.CharField(required=False)
    alt_text = serializers.CharField(required=False)


class MediaAssetOutSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    type = serializers.ChoiceField(choices=["image", "video"])
    url = serializers.URLField(help_text="where the file is served (unguessable URL)")
    filename = serializers.CharField()
    size = serializers.IntegerField(help_text="bytes")
    mime_type = serializers.CharField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    source = serializers.ChoiceField(choices=["upload", "url", "generated"])
    duration = serializers.FloatField(required=False, help_text="seconds (videos)")
    thumbnail_url = serializers.URLField(required=False, help_text="a video's first frame")
    fal_request_id = serializers.CharField(required=False)
    alt_text = serializers.CharField(required=False)


class MediaFieldsMixin(serializers.Serializer):
    # Optional without allow_null: StrictSerializer reads their null as "not given".

    media = serializers.ListField(
        child=MediaItemField(),
        required=False,
        help_text="inline upload, max 10 items (9 images + 1 video); images jpeg/png/webp/gif "
        "<= 5 MB, videos mp4/mov <= 512 MB by URL or 4 MB as base64. Replaces the launch's "
        "media. Mutually exclusive with media_assets",
    )
    media_assets = MediaAssetRefSerializer(
        many=True,
        required=False,
        help_text="assets from your media library (by id), in order. Replaces the launch's "
        "media. Mutually exclusive with media",
    )
    media_attach_platforms = serializers.ListField(
        child=serializers.ChoiceField(choices=rules.PLATFORMS),
        required=False,
        help_text="platforms that get the media (subset of platforms); inferred when omitted",
    )
    media_mode = serializers.ChoiceField(
        choices=["images", "video"],
        required=False,
        help_text="inferred from the media when omitted (video when there is one)",
    )


# --- input ------------------------------------------------------------------------------------


@extend_schema_field(
    {
        "type": "array",
        "items": {"type": "string", "enum": rules.PLATFORMS},
        "minItems": 1,
        "maxItems": rules.PLATFORMS_MAX,
        "uniqueItems": True,
    }
)
class PlatformListField(serializers.ListField):
    """Platform names; launches.rules checks them (known, no repeats, 1-9) with its messages."""

    child = serializers.CharField()


@extend_schema_field(
    {
        "type": ["array", "null"],
        "items": {"type": "string", "enum": AUTO_POST_PLATFORMS},
        "uniqueItems": True,
    }
)
class DropspacePlatformsField(serializers.ListField):
    child = serializers.CharField()


@extend_schema_field(
    {
        "type": ["object", "null"],
        "propertyNames": {"pattern": rules.ACCOUNT_KEY.pattern},
        "additionalProperties": {"type": "string", "format": "uuid"},
    }
)
class UserPlatformAccountsField(serializers.DictField):
    child = serializers.CharField()


class PostingTargetsMixin(serializers.Serializer):
    """Where to post; launches.rules checks keys, ids and platforms with its own messages."""

    dropspace_platforms = DropspacePlatformsField(
        required=False,
        allow_null=True,
        help_text="post via dropspace official accounts (subset of the 6 auto-post platforms)",
    )
    user_platform_accounts = UserPlatformAccountsField(
        required=False,
        allow_null=True,
        help_text='account key -> connection id (UUID): "twitter", "reddit", "instagram", '
        '"tiktok", "linkedin:personal", "linkedin:organization:<id>", "facebook:page:<id>"',
    )


@extend_schema_field(
    {
        "type": "string",
        "maxLength": 2048,
        # "" (no page), or what launches.rules accepts: an http(s) URL with a host name.
        "pattern": r"^(?:|[Hh][Tt][Tt][Pp][Ss]?://[^\s\x00/?#@:\[\]]+(?::[0-9]{0,5})?"
        r"(?:[/?#][^\s\x00]*)?)$",
    }
)
class ProductUrlField(serializers.CharField):
    def __init__(self, **kwargs):
        super().__init__(required=False, allow_blank=True, **kwargs)


class LaunchCreateSerializer(StrictSerializer, PostingTargetsMixin, MediaFieldsMixin):
    """Create a launch: AI-written content, or your own (platform_contents or custom_content)."""

    mutually_exclusive = (("platform_contents", "custom_content"), ("media", "media_assets"))

    title = _text(help_text="launch title (1-200 characters)")
    product_description = _text(help_text="1-2,000 characters")
    platforms = PlatformListField(help_text=f"1-9 of: {', '.join(rules.PLATFORMS)}")
    product_url = ProductUrlField()
    scheduled_date = OffsetDateTimeField(
        required=False, allow_null=True, help_text="ISO 8601 with offset, >= 15 minutes ahead"
    )
    persona_id = serializers.UUIDField(required=False, allow_null=True)
    platform_contents = PlatformContentsSerializer(required=False)
    custom_content = CustomContentField(required=False)
    custom_content_reddit_title = _text(required=False, help_text="max 300 characters")
    generate_ai_videos = serializers.ListField(
        child=serializers.ChoiceField(choices=rules.VIDEO_SCRIPT_PLATFORMS),
        required=False,
        help_text="platforms to generate AI videos for: a video script is written per platform "
        "(kept when platform_contents has one) and rendering starts asynchronously; the "
        "finished video attaches to that platform",
    )


class LaunchUpdateSerializer(StrictSerializer, PostingTargetsMixin, MediaFieldsMixin):
    """Update a launch: send only the fields to change (at least one)."""

    requires_a_field = True
    mutually_exclusive = (("media", "media_assets"),)

    name = _text(required=False, help_text="max 200 characters")
    status = serializers.ChoiceField(choices=REQUESTABLE_STATUSES, required=False)
    platforms = PlatformListField(required=False)
    product_description = _text(required=False, help_text="max 10,000 characters")
    product_url = ProductUrlField(help_text="empty string to clear")
    scheduled_date = OffsetDateTimeField(
        required=False, allow_null=True, help_text=">= 15 minutes ahead; null to unschedule"
    )
    persona_id = serializers.UUIDField(required=False, allow_null=True, help_text="null to clear")
    platform_contents = PlatformContentsSerializer(
        required=False, help_text="deep-merged per platform: sent fields replace, others kept"
    )


class PlatformsSerializer(StrictSerializer):
    """Limit the operation to some of the launch's platforms (default: all)."""

    platforms = serializers.ListField(child=serializers.CharField(), required=False)


# --- output -----------------------------------------------------------------------------------


class LaunchSerializer(serializers.ModelSerializer):
    persona_id = serializers.UUIDField(allow_null=True)
    platforms = serializers.ListField(child=serializers.CharField())
    dropspace_platforms = serializers.ListField(child=serializers.CharField(), allow_null=True)
    user_platform_accounts = serializers.DictField(child=serializers.CharField(), allow_null=True)
    product_url = serializers.SerializerMethodField()
    product_description = serializers.SerializerMethodField()
    media_mode = serializers.SerializerMethodField()
    media_assets = MediaAssetOutSerializer(many=True)

    class Meta:
        model = Launch
        fields = [
            "id",
            "name",
            "status",
            "platforms",
            "scheduled_date",
            "product_url",
            "product_description",
            "persona_id",
            "media_mode",
            "media_assets",
            "dropspace_platforms",
            "user_platform_accounts",
            "created_at",
            "updated_at",
        ]

    # As given: an http(s) URL with a host (launches.rules), not necessarily RFC 3986 clean.
    @extend_schema_field({"type": ["string", "null"], "description": "null: no product page"})
    def get_product_url(self, launch) -> str | None:
        return launch.product_url or None

    def get_product_description(self, launch) -> str | None:
        return launch.product_description or None

    @extend_schema_field({"type": ["string", "null"], "enum": ["images", "video", None]})
    def get_media_mode(self, launch):
        return launch.media_mode or None


class PostingAccountStatusSerializer(serializers.Serializer):
    target_key = serializers.CharField(help_text="the user_platform_accounts key, or dropspace:<p>")
    status = serializers.ChoiceField(choices=PostingLog.Status.choices)
    post_url = serializers.URLField(required=False)
    posted_at = serializers.DateTimeField(required=False)
    error_message = serializers.CharField(required=False)


class PostingStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=PostingLog.Status.choices)
    post_url = serializers.URLField(required=False)
    posted_at = serializers.DateTimeField(required=False)
    error_message = serializers.CharField(required=False)
    accounts = PostingAccountStatusSerializer(
        many=True, required=False, help_text="each account, when the platform has several"
    )


class GenerationFailureSerializer(serializers.Serializer):
    message = serializers.CharField()
    at = serializers.DateTimeField()


class LaunchDetailSerializer(LaunchSerializer):
    platform_contents = PlatformContentsOutSerializer()
    posting_status = serializers.SerializerMethodField()
    generation_failures = serializers.DictField(
        child=GenerationFailureSerializer(),
        help_text="platforms the writer could not write; retry-content retries them",
    )

    class Meta(LaunchSerializer.Meta):
        fields = [
            *LaunchSerializer.Meta.fields,
            "platform_contents",
            "generation_failures",
            "media_attach_platforms",
            "posting_status",
            "started_at",
            "completed_at",
        ]

    @extend_schema_field(serializers.DictField(child=PostingStatusSerializer()))
    def get_posting_status(self, launch) -> dict:
        return selectors.posting_status(launch)


class GeneratedLaunchSerializer(serializers.ModelSerializer):
    platform_contents = PlatformContentsOutSerializer()

    class Meta:
        model = Launch
        fields = ["id", "name", "platform_contents"]


class GenerationSerializer(serializers.Serializer):
    platforms_generated = serializers.ListField(child=serializers.CharField())
    failures = serializers.DictField(
        child=serializers.CharField(), allow_null=True, help_text="platform -> why it failed"
    )
    generated_by = serializers.ChoiceField(choices=rules.WRITTEN_BY)


class GenerateContentResponseSerializer(serializers.Serializer):
    data = GeneratedLaunchSerializer()
    generation = GenerationSerializer()


class RetryContentResultSerializer(serializers.Serializer):
    retried = serializers.ListField(child=serializers.CharField())
    succeeded = serializers.ListField(child=serializers.CharField())
    still_failing = serializers.ListField(child=serializers.CharField())
    rate_limited = serializers.ListField(child=serializers.CharField())


# --- after publishing: analytics and post deletion ---------------------------------------------

_METRICS_HELP = (
    "the platform's numbers plus fetched_at; null when unavailable. Fields: "
    + "; ".join(
        f"{platform}: {', '.join(fields)}" for platform, fields in analytics.METRIC_FIELDS.items()
    )
)


@extend_schema_field(
    {
        "type": ["object", "null"],
        "description": _METRICS_HELP,
        "properties": {"fetched_at": {"type": "string", "format": "date-time"}},
        "additionalProperties": {"type": "number"},
    }
)
class MetricsField(serializers.Field):
    """The metrics object, its fetched_at written like every other date of the API."""

    def to_representation(self, value):
        dates = serializers.DateTimeField()
        return {
            name: dates.to_representation(item) if name == "fetched_at" else item
            for name, item in value.items()
        }


class AnalyticsSummarySerializer(serializers.Serializer):
    total = serializers.IntegerField()
    successful = serializers.IntegerField(help_text="published (incl. guided posts marked posted)")
    failed = serializers.IntegerField()
    pending = serializers.IntegerField(help_text="not settled yet, unconfirmed, or guided")


class PlatformAnalyticsSerializer(serializers.Serializer):
    platform = serializers.CharField()
    status = serializers.ChoiceField(choices=PostingLog.Status.choices)
    post_url = serializers.URLField(allow_null=True)
    post_id = serializers.CharField(allow_null=True)
    posted_at = serializers.DateTimeField(allow_null=True)
    cache_status = serializers.ChoiceField(
        choices=analytics.CACHE_STATUSES,
        help_text="fresh: < 5 min old, from cache; refreshed: just fetched; stale: the platform "
        "could not be asked (rate limit, no token), older numbers; unavailable: no data",
    )
    metrics = MetricsField(allow_null=True)


class AnalyticsSerializer(serializers.Serializer):
    launch_id = serializers.UUIDField()
    launch_name = serializers.CharField()
    launch_status = serializers.ChoiceField(choices=Launch.Status.choices)
    summary = AnalyticsSummarySerializer()
    fetched_at = serializers.DateTimeField(
        allow_null=True, help_text="the most recent time metrics were collected"
    )
    next_refresh_at = serializers.DateTimeField(
        allow_null=True, help_text="fetched_at + 5 minutes: when calling again can give new data"
    )
    platforms = PlatformAnalyticsSerializer(many=True)


class DeletedPostSerializer(serializers.Serializer):
    """One post's deletion: success with deleted_at, or the reason in error / error_code."""

    success = serializers.BooleanField()
    platform = serializers.CharField()
    post_id = serializers.CharField()
    deleted_at = serializers.DateTimeField(required=False)
    error = serializers.CharField(required=False)
    error_code = serializers.ChoiceField(
        choices=[
            deletion.NOT_SUPPORTED,
            deletion.RECONNECT_REQUIRED,
            deletion.PLATFORM_UNAVAILABLE,
            deletion.PLATFORM_REJECTED,
        ],
        required=False,
        help_text="DELETE_NOT_SUPPORTED: Instagram and TikTok posts are deleted in their apps",
    )


class DeletedPostsSerializer(serializers.Serializer):
    results = DeletedPostSerializer(many=True)
    no_failures = serializers.BooleanField()
    deleted_count = serializers.IntegerField()
    failed_count = serializers.IntegerField()
    skipped_count = serializers.IntegerField(help_text="posts on platforms without API deletion")


# --- publishing -------------------------------------------------------------------------------


class PostingLogSerializer(serializers.ModelSerializer):
    """One post on one platform account, as GET /v1/launches/:id/status documents it."""

    post_url = serializers.SerializerMethodField()
    post_id = serializers.SerializerMethodField()
    error_message = serializers.SerializerMethodField()
    error_code = serializers.SerializerMethodField()

    class Meta:
        model = PostingLog
        fields = [
            "id",
            "platform",
            "target_key",
            "status",
            "post_url",
            "post_id",
            "error_message",
            "error_code",
            "attempt_count",
            "posted_at",
            "created_at",
        ]

    @extend_schema_field(NULLABLE_URI)
    def get_post_url(self, entry) -> str | None:
        return entry.post_url or None

    def get_post_id(self, entry) -> str | None:
        return entry.post_id or None

    def get_error_message(self, entry) -> str | None:
        return entry.error_message or None

    def get_error_code(self, entry) -> str | None:
        return entry.error_code or None


class LaunchStatusSerializer(serializers.Serializer):
    launch_id = serializers.UUIDField()
    launch_status = serializers.ChoiceField(choices=Launch.Status.choices)
    posting_logs = PostingLogSerializer(many=True)


class NoBodySerializer(StrictSerializer):
    """Publish and retry take no fields; anything sent is refused (400 SERVER_002)."""


class PublishQueuedSerializer(serializers.Serializer):
    message = serializers.CharField(help_text="publish queued")


class RetryQueuedSerializer(serializers.Serializer):
    message = serializers.CharField(help_text="retry queued")
    platforms = serializers.ListField(
        child=serializers.CharField(), help_text="the platforms being retried"
    )
