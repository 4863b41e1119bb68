"""The platform registry: platform name -> adapter class. Dispatch goes through here only."""

from django.conf import settings
from django.utils.module_loading import import_string

REGISTRY = {
    "facebook": "connections.platforms.facebook.Facebook",
    "linkedin": "connections.platforms.linkedin.LinkedIn",
    "twitter": "connections.platforms.twitter.Twitter",
    "reddit": "connections.platforms.reddit.Reddit",
    "instagram": "connections.platforms.instagram.Instagram",
    "tiktok": "connections.platforms.tiktok.TikTok",
}

# Platforms without a posting API: their modules build a guided submission kit.
GUIDED = {
    "producthunt": "connections.platforms.producthunt",
    "hackernews": "connections.platforms.hackernews",
}


def adapter_class(platform: str):
    return import_string(REGISTRY[platform])


def get_adapter(platform: str, *, sandbox: bool = False):
    """An adapter bound to the real platform API, or to the local sandbox."""
    return adapter_class(platform)(sandbox=sandbox)


def adapter_for(connection):
    """The adapter a stored connection talks to (a sandbox connection stays on the sandbox)."""
    return get_adapter(connection.platform, sandbox=connection.is_sandbox)


def is_configured(platform: str) -> bool:
    """Whether the operator set this platform's OAuth app credentials."""
    return bool(settings.PLATFORM_CREDENTIALS[platform]["client_id"])


def uses_sandbox(platform: str) -> bool:
    """New connections to an unconfigured platform go to the sandbox when it is enabled."""
    return not is_configured(platform) and settings.SANDBOX_ENABLED
