"""Dashboard -> Personas: thin HTMX pages over personas.services and selectors."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from billing import selectors as billing_selectors
from connections import selectors as connection_selectors
from dropspace.api.errors import ApiError
from personas import analysis, selectors, services
from personas.forms import (
    SOURCE_LABELS,
    AnalyzeForm,
    ImportForm,
    PersonaAttributesForm,
    PersonaCreateForm,
    SamplesForm,
)
from personas.models import ANALYSIS_PLATFORMS, MAX_SAMPLES_PER_SOURCE, SAMPLE_SOURCES, Persona

PAGE = "personas/detail.html"


def _get_persona(request, persona_id) -> Persona:
    return get_object_or_404(selectors.personas_visible_to(request.user), pk=persona_id)


def _field_of(error: ApiError) -> str | None:
    field = error.message.split(":", 1)[0]
    return field if ":" in error.message and " " not in field else None


@login_required
@require_http_methods(["GET", "POST"])
def persona_list(request):
    form = PersonaCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            persona = services.create_persona(owner=request.user, name=form.cleaned_data["name"])
        except ApiError as error:
            form.add_error("name" if _field_of(error) == "name" else None, error.message)
        else:
            return redirect("personas:detail", persona_id=persona.pk)
    personas = selectors.personas_visible_to(request.user)
    context = {
        "personas": personas,
        "form": form,
        "limit": billing_selectors.limit_of(request.user, "personas"),
        "count": len(personas),
    }
    return render(request, "personas/list.html", context)


@login_required
@require_GET
def detail(request, persona_id):
    persona = _get_persona(request, persona_id)
    source = request.GET.get("source", "custom")
    if request.htmx and request.htmx.target in ("analysis", "samples"):
        return _render(request, persona, f"#{request.htmx.target}", source=source)
    return _render(request, persona, source=source)


@login_required
@require_POST
def edit(request, persona_id):
    persona = _get_persona(request, persona_id)
    form = PersonaAttributesForm(request.POST)
    if form.is_valid():
        try:
            services.update_persona(persona=persona, **form.cleaned_data)
        except ApiError as error:
            field = _field_of(error)
            form.add_error(field if field in form.fields else None, error.message)
        else:
            if not request.htmx:
                messages.success(request, "Voice attributes saved.")
                return redirect("personas:detail", persona_id=persona.pk)
            return _render(request, persona, "#attributes", notice="Voice attributes saved.")
    persona.refresh_from_db()
    return _render(request, persona, "#attributes" if request.htmx else "", attributes_form=form)


@login_required
@require_POST
def add_samples(request, persona_id):
    persona = _get_persona(request, persona_id)
    form = SamplesForm(request.POST)
    source = request.POST.get("source", "custom")
    notice = ""
    if form.is_valid():
        source = form.cleaned_data["source"]
        try:
            added, skipped = services.add_samples(
                persona=persona, source=source, text=form.cleaned_data["text"]
            )
        except ApiError as error:
            form.add_error("text", error.message.split(": ", 1)[-1])
        else:
            notice = f"Added {added} sample{'s'[: added != 1]}" + (
                f", skipped {skipped} duplicate{'s'[: skipped != 1]}." if skipped else "."
            )
            form = None
    persona.refresh_from_db()
    return _samples_response(request, persona, source, samples_form=form, notice=notice)


@login_required
@require_POST
def remove_sample(request, persona_id, source, index):
    persona = _get_persona(request, persona_id)
    try:
        services.remove_sample(persona=persona, source=source, index=index)
    except ApiError:
        source = "custom"
    return _samples_response(request, persona, source, notice="Sample removed.")


@login_required
@require_POST
def import_samples(request, persona_id):
    persona = _get_persona(request, persona_id)
    form = ImportForm(request.POST)
    if not form.is_valid():
        raise Http404("connection not found")
    connection = get_object_or_404(
        connection_selectors.connections_visible_to(request.user),
        pk=form.cleaned_data["connection_id"],
    )
    try:
        result = services.import_samples(persona=persona, connection=connection)
    except ApiError as error:
        persona.refresh_from_db()
        return _samples_response(request, persona, connection.platform, import_error=error.message)
    persona.refresh_from_db()
    notice = _import_notice(result, connection)
    return _samples_response(request, persona, result["source"], notice=notice)


def _import_notice(result: dict, connection) -> str:
    imported = result["imported"]
    parts = [f"Imported {imported} post{'s'[: imported != 1]} from {connection}"]
    if result["skipped_duplicates"]:
        parts.append(f"{result['skipped_duplicates']} were already samples")
    if result["skipped_over_limit"]:
        parts.append(
            f"{result['skipped_over_limit']} did not fit (at most {MAX_SAMPLES_PER_SOURCE})"
        )
    return "; ".join(parts) + "."


@login_required
@require_POST
def analyze(request, persona_id):
    persona = _get_persona(request, persona_id)
    form = AnalyzeForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            persona = services.analyze_persona(
                persona=persona,
                platforms=form.cleaned_data["platforms"] or None,
                include_custom_samples=form.cleaned_data["include_custom_samples"],
            )
        except ApiError as exc:
            error = exc.message
    if not request.htmx:
        if error:
            messages.error(request, error)
        return redirect("personas:detail", persona_id=persona.pk)
    return _render(request, persona, "#analysis", analyze_error=error, analyze_form=form)


@login_required
@require_POST
def delete(request, persona_id):
    persona = _get_persona(request, persona_id)
    try:
        services.delete_persona(persona=persona)
    except ApiError as error:
        messages.error(request, error.message)
        target = reverse("personas:detail", kwargs={"persona_id": persona.pk})
    else:
        messages.success(request, f"Persona “{persona.name}” deleted.")
        target = reverse("personas:list")
    return HttpResponseClientRedirect(target) if request.htmx else redirect(target)


def _samples_response(request, persona, source, **extra):
    if request.htmx:
        return _render(request, persona, "#samples", source=source, **extra)
    if extra.get("notice"):
        messages.success(request, extra["notice"])
    if extra.get("import_error"):
        messages.error(request, extra["import_error"])
    return redirect(
        reverse("personas:detail", kwargs={"persona_id": persona.pk}) + f"?source={source}"
    )


def _render(request, persona, partial: str = "", *, source: str = "custom", **extra):
    source = source if source in SAMPLE_SOURCES else "custom"
    context = {
        "persona": persona,
        "source": source,
        "source_label": SOURCE_LABELS[source],
        "sources": [
            (name, SOURCE_LABELS[name], len(persona.samples(name))) for name in SAMPLE_SOURCES
        ],
        "samples": list(enumerate(persona.samples(source))),
        "max_samples": MAX_SAMPLES_PER_SOURCE,
        "structured": persona.persona_analysis_structured or {},
        "claude_enabled": analysis.claude_enabled(),
        "analyses_left": billing_selectors.remaining(
            persona.owner, "analyses_per_persona", persona.analysis_count
        ),
        "launches": selectors.launches_using(persona)[:20],
        "accounts": _accounts_for(request.user, source),
        "attributes_form": extra.pop("attributes_form", None) or _attributes_form(persona),
        "samples_form": _samples_form(extra.pop("samples_form", None), source),
        "analyze_form": extra.pop("analyze_form", None) or AnalyzeForm(),
        **extra,
    }
    return render(request, PAGE + partial, context)


def _accounts_for(user, source: str) -> list:
    """The user's connected accounts whose recent posts can fill this source's samples."""
    if source not in ANALYSIS_PLATFORMS:
        return []
    return list(connection_selectors.connections_visible_to(user).filter(platform=source))


def _samples_form(form: SamplesForm | None, source: str) -> SamplesForm:
    form = form or SamplesForm(initial={"source": source})
    form.fields["text"].label = f"Add {SOURCE_LABELS[source]} samples"
    return form


def _attributes_form(persona: Persona) -> PersonaAttributesForm:
    initial = {**persona.attributes, "name": persona.name}
    initial["terminology"] = "\n".join(persona.terminology)
    return PersonaAttributesForm(initial=initial)
