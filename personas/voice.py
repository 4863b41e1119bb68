"""What the writer knows of a persona: the one interface between personas and launches.

The launches writer calls ``voice_for(persona, platforms)`` and never reads Persona fields
itself, so how samples are chosen and what the analysis holds can evolve here.
"""

from dataclasses import dataclass, field

from personas.models import Persona

SAMPLES_PER_PLATFORM = 3


@dataclass(frozen=True)
class Voice:
    """A persona's voice, ready for a prompt or the offline writer.

    ``style`` maps a platform (or ``"overall"``) to measured habits the offline writer can
    apply: ``emoji_per_post`` (float), ``hashtags_per_post`` (float), ``line_breaks``
    (``"none" | "single" | "double"``), ``avg_length`` (characters), ``uses_questions`` (bool).
    """

    name: str
    analysis: str = ""
    structured: dict = field(default_factory=dict)
    attributes: dict = field(default_factory=dict)
    samples: dict[str, list[str]] = field(default_factory=dict)
    style: dict[str, dict] = field(default_factory=dict)

    def style_for(self, platform: str) -> dict:
        return self.style.get(platform) or self.style.get("overall") or {}


def voice_for(persona: Persona, platforms: list[str]) -> Voice:
    """The persona's analysis, attributes and best few samples for each of ``platforms``."""
    structured = persona.persona_analysis_structured or {}
    return Voice(
        name=persona.name,
        analysis=persona.persona_analysis,
        structured=structured,
        attributes={
            "description": persona.description,
            "tone": persona.tone,
            "target_audience": persona.target_audience,
            "industry": persona.industry,
            "terminology": persona.terminology,
        },
        samples={platform: _best_samples(persona, platform) for platform in platforms},
        style=structured.get("stylometrics", {}),
    )


def _best_samples(persona: Persona, platform: str) -> list[str]:
    source = platform if hasattr(persona, f"{platform}_samples") else "custom"
    samples = persona.samples(source) or persona.custom_samples
    return list(samples[:SAMPLES_PER_PLATFORM])
