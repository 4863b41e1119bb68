"""The catalog of webhook event types: the one list of names and their documented payloads.

Every event is delivered in the envelope ``{"id": "evt_...", "type", "created_at", "data"}``;
``data`` has the fields listed here. Payloads stay thin (ids, statuses, URLs): a receiver that
needs more fetches the object through the API. Fields may be added over time, never removed.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    description: str


@dataclass(frozen=True)
class EventType:
    name: str
    description: str
    fields: list[Field]
    example: dict = field(default_factory=dict)


_LAUNCH = [
    Field("launch_id", "uuid", "the launch"),
    Field("name", "string", "the launch's name"),
    Field("status", "string", "the launch status after the change"),
    Field("platforms", "string[]", "the launch's target platforms"),
]
_POST_RESULTS = Field(
    "posts",
    "object[]",
    "one entry per target account: `platform`, `status` (published|failed), "
    "`post_url` (string|null), `error` (string|null)",
)
_POST = [
    Field("launch_id", "uuid", "the launch the post belongs to"),
    Field("post_id", "uuid", "the posting log entry"),
    Field("platform", "string", "e.g. twitter, linkedin, reddit"),
]
_MEDIA = [
    Field("media_id", "uuid", "the media asset (media.ready) or the generation job (media.failed)"),
    Field("job_id", "uuid", "the generation job (GET /v1/media/{job_id})"),
    Field("launch_id", "uuid", "the launch the media was generated for"),
    Field("type", "string", "image | video"),
    Field("generation_type", "string", "image | video | script_video"),
]

_LAUNCH_EXAMPLE = {
    "launch_id": "5b0c8a52-54a8-4a55-9d57-6d2b0e0f2a31",
    "name": "announcing our new feature",
    "platforms": ["twitter", "linkedin"],
}

EVENT_TYPES: dict[str, EventType] = {
    event.name: event
    for event in [
        EventType(
            "launch.completed",
            "every post of a launch was published",
            [*_LAUNCH, _POST_RESULTS],
            {
                **_LAUNCH_EXAMPLE,
                "status": "completed",
                "posts": [
                    {
                        "platform": "twitter",
                        "status": "published",
                        "post_url": "https://x.com/acme/status/1",
                        "error": None,
                    }
                ],
            },
        ),
        EventType(
            "launch.partial",
            "a launch finished with some posts published and some failed",
            [*_LAUNCH, _POST_RESULTS],
            {**_LAUNCH_EXAMPLE, "status": "partial", "posts": []},
        ),
        EventType(
            "launch.failed",
            "a launch finished without any post published",
            [*_LAUNCH, _POST_RESULTS],
            {**_LAUNCH_EXAMPLE, "status": "failed", "posts": []},
        ),
        EventType(
            "launch.scheduled",
            "a launch was scheduled to publish later",
            [*_LAUNCH, Field("scheduled_date", "ISO 8601", "when it will publish")],
            {**_LAUNCH_EXAMPLE, "status": "scheduled", "scheduled_date": "2026-12-01T09:00:00Z"},
        ),
        EventType(
            "launch.cancelled",
            "a scheduled or running launch was cancelled",
            _LAUNCH,
            {**_LAUNCH_EXAMPLE, "status": "cancelled"},
        ),
        EventType(
            "post.published",
            "one post went live on a platform",
            [*_POST, Field("post_url", "string", "the public URL of the post")],
            {
                "launch_id": _LAUNCH_EXAMPLE["launch_id"],
                "post_id": "0d7b5a0e-8f0e-4a5b-b7f5-3f4c2e9d1a10",
                "platform": "twitter",
                "post_url": "https://x.com/acme/status/1",
            },
        ),
        EventType(
            "post.failed",
            "one post could not be published",
            [*_POST, Field("error", "string", "why the platform refused it")],
            {
                "launch_id": _LAUNCH_EXAMPLE["launch_id"],
                "post_id": "0d7b5a0e-8f0e-4a5b-b7f5-3f4c2e9d1a10",
                "platform": "reddit",
                "error": "subreddit requires flair",
            },
        ),
        EventType(
            "post.deleted",
            "a published post was deleted from its platform",
            [
                *_POST,
                Field(
                    "reason",
                    "string",
                    "deleted_by_user (through dropspace) or removed_on_platform (noticed later)",
                ),
            ],
            {
                "launch_id": _LAUNCH_EXAMPLE["launch_id"],
                "post_id": "0d7b5a0e-8f0e-4a5b-b7f5-3f4c2e9d1a10",
                "platform": "linkedin",
                "reason": "deleted_by_user",
            },
        ),
        EventType(
            "media.ready",
            "an AI media generation job finished: the file is in the library and on its launch",
            [*_MEDIA, Field("url", "string", "where the media can be fetched")],
            {
                "media_id": "c3d9a2f1-0b7e-4d7a-9c55-1e2f3a4b5c6d",
                "job_id": "8f1e2d3c-4b5a-4c6d-8e7f-9a0b1c2d3e4f",
                "launch_id": "5b0c8a52-54a8-4a55-9d57-6d2b0e0f2a31",
                "type": "image",
                "generation_type": "image",
                "url": "https://dropspace.example/media/files/Zx3.../acme-image.jpg",
            },
        ),
        EventType(
            "media.failed",
            "an AI media generation job failed (error says why)",
            [*_MEDIA, Field("error", "string", "what went wrong")],
            {
                "media_id": "8f1e2d3c-4b5a-4c6d-8e7f-9a0b1c2d3e4f",
                "job_id": "8f1e2d3c-4b5a-4c6d-8e7f-9a0b1c2d3e4f",
                "launch_id": "5b0c8a52-54a8-4a55-9d57-6d2b0e0f2a31",
                "type": "video",
                "generation_type": "script_video",
                "error": "the generation did not finish within 30 minutes and was stopped",
            },
        ),
        EventType(
            "persona.analyzed",
            "a persona's writing style analysis finished, successfully or not",
            [
                Field("persona_id", "uuid", "the persona"),
                Field("name", "string", "the persona's name"),
                Field("build_status", "string", "complete or error"),
                Field("build_error", "string?", "why the analysis failed, when it did"),
                Field("source", "string?", "claude or local: who wrote the analysis"),
                Field("last_analyzed_at", "ISO 8601?", "when the analysis finished"),
            ],
            {
                "persona_id": "7f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b",
                "name": "founder voice",
                "build_status": "complete",
                "build_error": None,
                "source": "claude",
                "last_analyzed_at": "2026-11-28T10:00:00Z",
            },
        ),
        EventType(
            "connection.needs_reauth",
            "a connected platform account lost its authorization; reconnect it",
            [
                Field("connection_id", "uuid", "the connection"),
                Field("platform", "string", "e.g. twitter"),
                Field("account_name", "string", "the account's display name"),
            ],
            {
                "connection_id": "2a3b4c5d-6e7f-4a8b-9c0d-1e2f3a4b5c6d",
                "platform": "twitter",
                "account_name": "@acme",
            },
        ),
        EventType(
            "webhook.test",
            "sent by the test button or POST /v1/webhooks/:id/test; always delivered, whatever "
            "the endpoint subscribes to",
            [
                Field("webhook_id", "uuid", "the endpoint being tested"),
                Field("message", "string", "a human-readable note"),
            ],
            {
                "webhook_id": "9e8d7c6b-5a49-4382-a1b0-c9d8e7f6a5b4",
                "message": "test event from dropspace",
            },
        ),
    ]
}

EVENT_NAMES = list(EVENT_TYPES)
TEST_EVENT = "webhook.test"


def is_known(name: str) -> bool:
    return name in EVENT_TYPES
