"""Reads shared by the API and the pages; the one place persona tenant scoping lives."""

import uuid

from django.db.models import QuerySet

from dropspace.api.errors import ApiError, Code
from personas.models import Persona

LAUNCH_MODEL = "launches.Launch"


def personas_visible_to(user) -> QuerySet[Persona]:
    return Persona.objects.filter(owner=user)


def get_persona_for_user(user, persona_id) -> Persona:
    """The user's persona, or 404 PERSONA_002 (also for a stranger's persona)."""
    try:
        persona_id = uuid.UUID(str(persona_id))
    except ValueError:
        raise ApiError(Code.PERSONA_002, "persona not found") from None
    persona = personas_visible_to(user).filter(pk=persona_id).first()
    if persona is None:
        raise ApiError(Code.PERSONA_002, "persona not found")
    return persona


def launches_using(persona: Persona) -> QuerySet | list:
    """The launches that use the persona (none while the launches app has no persona FK).

    Found through the model's reverse relations rather than a related_name, so this keeps
    working whatever name the launches app gives its ``persona`` foreign key.
    """
    relation = next(
        (
            rel
            for rel in Persona._meta.related_objects
            if rel.related_model._meta.label == LAUNCH_MODEL
        ),
        None,
    )
    if relation is None:
        return []
    launches = relation.related_model.objects.filter(**{relation.field.name: persona})
    return launches.order_by("-pk") if not launches.ordered else launches


def persona_in_use(persona: Persona) -> bool:
    launches = launches_using(persona)
    return bool(launches) if isinstance(launches, list) else launches.exists()
