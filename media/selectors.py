"""Reads of media shared by the API, the pages and publishing; tenant scoping lives here."""

from __future__ import annotations

import contextlib
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.utils import timezone

from dropspace.api.errors import ApiError, Code
from media.models import LaunchMedia, MediaAsset, MediaFetch, MediaJob
from media.storage import media_storage


def assets_visible_to(user) -> QuerySet[MediaAsset]:
    return MediaAsset.objects.filter(owner=user)


def library_for(user) -> QuerySet[MediaAsset]:
    """The person's media, newest first, with how many launches use each."""
    return assets_visible_to(user).annotate(launch_count=Count("launchmedia"))


def get_asset_for_user(user, asset_id) -> MediaAsset:
    """The asset when ``user`` owns it; 404 SERVER_003 otherwise (a stranger's id included)."""
    try:
        return assets_visible_to(user).get(pk=asset_id)
    except (MediaAsset.DoesNotExist, ValueError, ValidationError) as exc:
        raise ApiError(Code.SERVER_003, "media asset not found") from exc


def owned_assets(user, asset_ids: list) -> list[MediaAsset]:
    """The assets with these ids, in this order; 404 SERVER_003 naming the first not owned."""
    found = {}
    with contextlib.suppress(ValueError, ValidationError):
        found = {str(a.pk): a for a in assets_visible_to(user).filter(pk__in=asset_ids)}
    for index, asset_id in enumerate(asset_ids):
        if str(asset_id) not in found:
            message = f"media_assets[{index}]: media asset {asset_id} not found"
            details = [{"field": f"media_assets[{index}].id", "message": "media asset not found"}]
            raise ApiError(Code.SERVER_003, message, details=details)
    return [found[str(asset_id)] for asset_id in asset_ids]


def launch_assets(launch) -> list[MediaAsset]:
    """The launch's assets in its order."""
    links = LaunchMedia.objects.filter(launch=launch).select_related("asset").order_by("position")
    return [link.asset for link in links]


def launches_using(asset) -> QuerySet:
    return asset.launches.order_by("-created_at")


def asset_by_token(token: str) -> MediaAsset | None:
    """The asset served at an unguessable URL (no owner check: the token is the secret)."""
    return MediaAsset.objects.filter(public_token=token).first()


def open_file(asset: MediaAsset, *, poster: bool = False):
    """The stored bytes (or the video's poster frame) as a readable file; caller closes it."""
    return media_storage().open(asset.poster_name if poster else asset.storage_name, "rb")


def get_job_for_user(user, job_id) -> MediaJob:
    """The person's generation job; 404 SERVER_003 for anyone else's or none."""
    job = MediaJob.objects.filter(owner=user, pk=job_id).select_related("asset").first()
    if job is None:
        raise ApiError(Code.SERVER_003, "media job not found")
    return job


def recent_jobs(user, *, launch=None, limit: int = 5):
    jobs = MediaJob.objects.filter(owner=user).select_related("asset", "launch")
    if launch is not None:
        jobs = jobs.filter(launch=launch)
    return list(jobs[:limit])


def recent_fetches(user, *, hours: int = 24, limit: int = 10) -> list[MediaFetch]:
    """The person's latest "add from a link" fetches: running ones and the last day's."""
    since = timezone.now() - timedelta(hours=hours)
    return list(
        MediaFetch.objects.filter(owner=user, created_at__gte=since).select_related("asset")[:limit]
    )


def fetch_for_user(user, fetch_id) -> MediaFetch | None:
    return MediaFetch.objects.filter(owner=user, pk=fetch_id).select_related("asset").first()
