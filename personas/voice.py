"""What the writer knows of a persona: the one interface between personas and launches.

The launches writer calls ``voice_for(persona, platforms)`` and never reads Persona fields
itself, so how samples are chosen and what the analysis holds can evolve here.
"""

from dataclasses import dataclass, field

from personas import stylometrics
from personas.models import SAMPLE_SOURCES, Persona

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
        attributes=persona.attributes,
        samples={platform: _best_samples(persona, platform) for platform in platforms},
        style=_style(persona, structured, platforms),
    )


def _best_samples(persona: Persona, platform: str) -> list[str]:
    """The most representative samples of the platform, else of custom, else of all sources.

    "Representative" is measured (length, emoji, hashtags, line breaks, questions), so the
    writer sees the voice's typical posts rather than whichever were pasted first.
    """
    own = persona.samples(platform) if platform in SAMPLE_SOURCES else []
    for pool in (own, persona.custom_samples):
        if pool:
            return stylometrics.representative(pool, SAMPLES_PER_PLATFORM)
    everything = [post for posts in persona.samples_by_source().values() for post in posts]
    return stylometrics.representative(everything, SAMPLES_PER_PLATFORM)


def _style(persona: Persona, structured: dict, platforms: list[str]) -> dict[str, dict]:
    """Measured habits per platform and overall: from the analysis, else from the samples now.

    A persona never analysed still has samples; measuring them here lets the offline writer
    apply the voice's habits before the first analysis.
    """
    measured = structured.get("stylometrics")
    if not measured:
        samples = persona.samples_by_source()
        measured = {
            source: stats
            for source, stats in stylometrics.measure_sources(samples).items()
            if stats.get("sample_count")
        }
    wanted = {*platforms, "overall"}
    return {source: stats for source, stats in measured.items() if source in wanted}
