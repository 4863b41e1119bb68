"""Persona state changes: create, edit, samples, delete, and the analysis build."""

import logging
import re
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from billing import services as billing
from connections.platforms import adapter_for
from connections.platforms.base import PlatformError, RetryableError
from dropspace.api.errors import ApiError, Code
from personas import analysis, selectors, stylometrics, tasks
from personas.models import (
    ANALYSIS_PLATFORMS,
    ATTRIBUTE_FIELDS,
    MAX_DESCRIPTION_LENGTH,
    MAX_SAMPLE_LENGTH,
    MAX_SAMPLES_PER_SOURCE,
    MAX_TERM_LENGTH,
    MAX_TERMS,
    SAMPLE_SOURCES,
    Persona,
)
from webhooks.services import record_event

logger = logging.getLogger(__name__)

# Pasted samples are separated by a blank line or a line holding only "---".
PASTE_SEPARATOR_RE = re.compile(r"\n[ \t]*-{3,}[ \t]*\n|\n[ \t]*\n")
STALE_BUILD_ERROR = "the analysis stopped unexpectedly (its worker was lost); please analyse again"
EDITABLE_FIELDS = ["name", *ATTRIBUTE_FIELDS, *(f"{source}_samples" for source in SAMPLE_SOURCES)]
_CHAR_LIMITS = {
    "description": MAX_DESCRIPTION_LENGTH,
    "tone": Persona._meta.get_field("tone").max_length,
    "target_audience": Persona._meta.get_field("target_audience").max_length,
    "industry": Persona._meta.get_field("industry").max_length,
}


def create_persona(*, owner, name: str, **fields) -> Persona:
    """Create a persona, within the plan's persona limit (429 PERSONA_001)."""
    values = _clean_fields(name=name, **fields)
    with transaction.atomic():
        billing.ensure_room(
            account=owner,
            limit_name="personas",
            count=lambda: Persona.objects.filter(owner=owner).count(),
        )
        _ensure_name_free(owner=owner, name=values["name"])
        return Persona.objects.create(owner=owner, **values)


def update_persona(*, persona: Persona, **fields) -> Persona:
    """Change the name, attributes and/or whole sample lists given (others stay as they are)."""
    values = _clean_fields(**fields)
    if "name" in values and values["name"] != persona.name:
        _ensure_name_free(owner=persona.owner, name=values["name"], exclude=persona.pk)
    for field, value in values.items():
        setattr(persona, field, value)
    try:
        persona.save(update_fields=[*values, "updated_at"])
    except IntegrityError:  # a concurrent rename took the name first
        raise _name_taken(values.get("name", persona.name)) from None
    return persona


def add_samples(*, persona: Persona, source: str, text: str) -> tuple[int, int]:
    """Append the samples pasted in ``text``; returns (added, skipped as duplicates)."""
    pasted = [part.strip() for part in PASTE_SEPARATOR_RE.split(text.strip()) if part.strip()]
    if not pasted:
        raise _invalid(f"{source}_samples", "paste at least one sample")
    return _append_samples(persona=persona, source=source, samples=pasted)


def remove_sample(*, persona: Persona, source: str, index: int) -> Persona:
    """Remove one sample by position; an index already gone is a no-op."""
    samples = list(persona.samples(_source(source)))
    if 0 <= index < len(samples):
        del samples[index]
        update_persona(persona=persona, **{f"{source}_samples": samples})
    return persona


def import_samples(*, persona: Persona, connection) -> dict:
    """Pull the connected account's recent posts into the platform's samples, skipping duplicates.

    Returns ``{"source", "fetched", "imported", "skipped_duplicates", "skipped_over_limit"}``.
    The account's platform call happens outside any transaction; a platform failure is 422
    SERVER_005 (reconnect / refused) or 503 SERVER_001 (try again later).
    """
    source = connection.platform
    if source not in ANALYSIS_PLATFORMS:
        raise ApiError(Code.SERVER_005, f"{source} accounts have no writing samples to import")
    posts = _recent_posts(connection)
    texts = [post.text.strip()[:MAX_SAMPLE_LENGTH] for post in posts if post.text.strip()]
    with transaction.atomic():
        persona = Persona.objects.select_for_update().get(pk=persona.pk)
        existing = list(persona.samples(source))
        seen = {sample.strip() for sample in existing}
        new = [text for text in dict.fromkeys(texts) if text not in seen]
        room = max(0, MAX_SAMPLES_PER_SOURCE - len(existing))
        if new[:room]:
            update_persona(persona=persona, **{f"{source}_samples": existing + new[:room]})
    return {
        "source": source,
        "fetched": len(posts),
        "imported": len(new[:room]),
        "skipped_duplicates": len(texts) - len(new),
        "skipped_over_limit": len(new[room:]),
    }


def _recent_posts(connection) -> list:
    adapter = adapter_for(connection)
    try:
        return adapter.recent_posts(connection, limit=MAX_SAMPLES_PER_SOURCE)
    except RetryableError as exc:
        wait = getattr(exc, "retry_after", None)
        raise ApiError(
            Code.SERVER_001,
            f"{adapter.label} is unavailable right now ({exc}); try the import again later",
            status=503,
            headers={"Retry-After": str(max(1, int(wait)))} if wait else None,
        ) from exc
    except PlatformError as exc:
        # ReauthError arrives with the connection already marked needs_reauth by the adapter.
        raise ApiError(
            Code.SERVER_005,
            f"{adapter.label} refused to list the account's recent posts: {exc}",
            status=422,
        ) from exc


def delete_persona(*, persona: Persona) -> None:
    """Delete the persona unless launches use it (422 SERVER_005)."""
    with transaction.atomic():
        if selectors.persona_in_use(persona):
            raise ApiError(
                Code.SERVER_005,
                "persona is used by launches: remove it from them before deleting it",
                status=422,
            )
        persona.delete()


def analyze_persona(
    *, persona: Persona, platforms: list[str] | None = None, include_custom_samples: bool = False
) -> Persona:
    """Start an analysis build (409 if one is running, 429 PERSONA_003 past the plan limit).

    ``platforms`` defaults to every platform that has samples. The build runs in a Celery task
    enqueued after commit.
    """
    platforms = _analysis_platforms(persona, platforms)
    with transaction.atomic():
        persona = Persona.objects.select_for_update().get(pk=persona.pk)
        _ensure_can_analyze(persona, platforms, include_custom_samples)
        persona.build_status = Persona.BuildStatus.BUILDING
        persona.build_progress = 0
        persona.build_started_at = timezone.now()
        persona.build_error = ""
        persona.analysis_count += 1
        persona.save(
            update_fields=[
                "build_status",
                "build_progress",
                "build_started_at",
                "build_error",
                "analysis_count",
                "updated_at",
            ]
        )
        persona_id = str(persona.pk)
        transaction.on_commit(
            lambda: tasks.analyze_persona.delay(persona_id, platforms, include_custom_samples)
        )
    return persona


def build_persona_analysis(
    *, persona_id, platforms: list[str], include_custom_samples: bool
) -> Persona | None:
    """Run the build started by ``analyze_persona``; a build no longer running is left alone."""
    persona = Persona.objects.filter(pk=persona_id, build_status="building").first()
    if persona is None:
        return None
    try:
        structured = _build(persona, platforms, include_custom_samples)
    except analysis.AnalysisError as exc:
        return _finish(persona_id, error=str(exc))
    except Exception:
        logger.exception("persona %s: analysis failed", persona_id)
        return _finish(persona_id, error="the analysis failed unexpectedly; please try again")
    return _finish(persona_id, structured=structured)


def fail_stale_builds() -> int:
    """Fail builds whose worker died (still "building" past the stale age); returns how many."""
    cutoff = timezone.now() - timedelta(seconds=settings.PERSONAS_BUILD_STALE_SECONDS)
    stale = Persona.objects.filter(build_status="building", build_started_at__lt=cutoff)
    failed = 0
    for persona_id in stale.values_list("pk", flat=True):
        if _finish(persona_id, error=STALE_BUILD_ERROR, stale_before=cutoff):
            failed += 1
    return failed


def _build(persona: Persona, platforms: list[str], include_custom_samples: bool) -> dict:
    sources = (["custom"] if include_custom_samples else []) + platforms
    material_samples = {source: list(persona.samples(source)) for source in sources}
    _progress(persona, 10)
    measured = {}
    for done, source in enumerate(sources, start=1):
        measured[source] = stylometrics.measure(material_samples[source])
        _progress(persona, 10 + 30 * done // len(sources))
    measured["overall"] = stylometrics.measure(
        [post for posts in material_samples.values() for post in posts]
    )
    measured = {source: stats for source, stats in measured.items() if stats["sample_count"]}
    material = analysis.Material(persona.name, persona.attributes, material_samples, measured)
    _progress(persona, 45)
    if analysis.claude_enabled():
        profile = {**analysis.ask_claude(material), "source": "claude"}
        profile["model"] = settings.ANTHROPIC_MODEL
    else:
        profile = {**analysis.local_profile(material), "source": "local"}
    _progress(persona, 90)
    return {
        **profile,
        "platforms": platforms,
        "include_custom_samples": include_custom_samples,
        "sample_counts": {source: len(posts) for source, posts in material_samples.items()},
        "stylometrics": measured,
    }


def _progress(persona: Persona, percent: int) -> None:
    """Save progress at once (outside any transaction) so the dashboard's polling sees it."""
    Persona.objects.filter(pk=persona.pk, build_status="building").update(
        build_progress=percent, updated_at=timezone.now()
    )


def _finish(
    persona_id, *, structured: dict | None = None, error: str = "", stale_before=None
) -> Persona | None:
    """Complete or fail a running build and record persona.analyzed; None if not running."""
    with transaction.atomic():
        persona = Persona.objects.select_for_update().filter(pk=persona_id).first()
        if persona is None or not persona.is_building:
            return None
        if stale_before and persona.build_started_at >= stale_before:
            return None  # restarted since the sweeper looked
        now = timezone.now()
        if error:
            persona.build_status = Persona.BuildStatus.ERROR
            persona.build_error = error
            # A failed build is not the owner's doing, so it does not use up the plan's builds.
            persona.analysis_count = max(0, persona.analysis_count - 1)
        else:
            persona.build_status = Persona.BuildStatus.COMPLETE
            persona.build_progress = 100
            persona.persona_analysis_structured = structured
            persona.persona_analysis = analysis.render(structured)
            persona.last_analyzed_at = now
        persona.save()
        record_event(owner=persona.owner, type="persona.analyzed", data=_event_data(persona))
    return persona


def _event_data(persona: Persona) -> dict:
    structured = persona.persona_analysis_structured or {}
    return {
        "persona_id": str(persona.pk),
        "name": persona.name,
        "build_status": persona.build_status,
        "build_error": persona.build_error or None,
        "source": structured.get("source") if persona.build_status == "complete" else None,
        "last_analyzed_at": persona.last_analyzed_at.isoformat()
        if persona.last_analyzed_at
        else None,
    }


def _ensure_can_analyze(persona: Persona, platforms: list[str], include_custom: bool) -> None:
    stale = timezone.now() - timedelta(seconds=settings.PERSONAS_BUILD_STALE_SECONDS)
    if persona.is_building and persona.build_started_at and persona.build_started_at > stale:
        raise ApiError(Code.SERVER_009, "persona is already building; wait for it to finish")
    billing.ensure_room(
        account=persona.owner,
        limit_name="analyses_per_persona",
        count=lambda: persona.analysis_count,
    )
    sources = platforms + (["custom"] if include_custom else [])
    has_samples = any(persona.samples(source) for source in sources)
    if not has_samples and not (persona.description or persona.tone):
        hint = " (custom samples are left out unless include_custom_samples is true)"
        raise ApiError(
            Code.SERVER_005,
            "nothing to analyse: add writing samples or a description first"
            + (hint if persona.custom_samples and not include_custom else ""),
        )


def _analysis_platforms(persona: Persona, platforms: list[str] | None) -> list[str]:
    if platforms is None:
        return [platform for platform in ANALYSIS_PLATFORMS if persona.samples(platform)]
    unknown = sorted(set(platforms) - set(ANALYSIS_PLATFORMS))
    if unknown:
        raise _invalid(
            "platforms",
            f"unknown platform(s) {', '.join(unknown)}; "
            f"choose from {', '.join(ANALYSIS_PLATFORMS)}",
        )
    return [platform for platform in ANALYSIS_PLATFORMS if platform in platforms]


def _append_samples(*, persona: Persona, source: str, samples: list[str]) -> tuple[int, int]:
    with transaction.atomic():
        persona = Persona.objects.select_for_update().get(pk=persona.pk)
        existing = list(persona.samples(_source(source)))
        seen = {sample.strip() for sample in existing}
        new = [sample for sample in dict.fromkeys(samples) if sample.strip() not in seen]
        room = MAX_SAMPLES_PER_SOURCE - len(existing)
        if len(new) > room:
            raise _invalid(
                f"{source}_samples",
                f"only {room} more {source} samples fit (at most {MAX_SAMPLES_PER_SOURCE} "
                f"per source) and {len(new)} new ones were given; remove some first",
            )
        if new:
            update_persona(persona=persona, **{f"{source}_samples": existing + new})
    return len(new), len(samples) - len(new)


def _clean_fields(**fields) -> dict:
    """Check every editable field given; raise 400 SERVER_002 naming the field and the limit."""
    unknown = sorted(set(fields) - set(EDITABLE_FIELDS))
    if unknown:
        raise _invalid(unknown[0], "unrecognized field")
    values = {}
    for field, value in fields.items():
        if field == "name":
            values[field] = _clean_name(value)
        elif field.endswith("_samples"):
            values[field] = _clean_samples(field, value)
        elif field == "terminology":
            values[field] = _clean_terms(value)
        else:
            values[field] = _clean_text(field, value)
    return values


def _clean_name(name: str) -> str:
    name = (name or "").strip()
    if not 1 <= len(name) <= 100:
        raise _invalid("name", "a name of 1 to 100 characters is required")
    return name


def _clean_samples(field: str, samples: list[str]) -> list[str]:
    if len(samples) > MAX_SAMPLES_PER_SOURCE:
        raise _invalid(
            field, f"at most {MAX_SAMPLES_PER_SOURCE} samples per source (got {len(samples)})"
        )
    cleaned = []
    for index, sample in enumerate(samples):
        sample = sample.strip()
        if not sample:
            raise _invalid(f"{field}.{index}", "a sample cannot be empty")
        if len(sample) > MAX_SAMPLE_LENGTH:
            raise _invalid(
                f"{field}.{index}", f"a sample can be at most {MAX_SAMPLE_LENGTH} characters"
            )
        cleaned.append(sample)
    return cleaned


def _clean_terms(terms: list[str]) -> list[str]:
    cleaned = list(dict.fromkeys(term.strip() for term in terms if term.strip()))
    if len(cleaned) > MAX_TERMS or any(len(term) > MAX_TERM_LENGTH for term in cleaned):
        raise _invalid(
            "terminology", f"at most {MAX_TERMS} terms of at most {MAX_TERM_LENGTH} characters"
        )
    return cleaned


def _clean_text(field: str, value: str) -> str:
    value = (value or "").strip()
    if len(value) > _CHAR_LIMITS[field]:
        raise _invalid(field, f"at most {_CHAR_LIMITS[field]} characters")
    return value


def _source(source: str) -> str:
    if source not in SAMPLE_SOURCES:
        raise _invalid("source", f"choose one of {', '.join(SAMPLE_SOURCES)}")
    return source


def _ensure_name_free(*, owner, name: str, exclude=None) -> None:
    others = Persona.objects.filter(owner=owner, name__iexact=name).exclude(pk=exclude)
    if others.exists():
        raise _name_taken(name)


def _name_taken(name: str) -> ApiError:
    return ApiError(Code.SERVER_009, f"name: a persona named {name!r} already exists")


def _invalid(field: str, message: str) -> ApiError:
    return ApiError(
        Code.SERVER_002, f"{field}: {message}", details=[{"field": field, "message": message}]
    )
