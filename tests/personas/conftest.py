"""Persona test fixtures: personas and Claude's tool-use answers (mocked by ``anthropic_api``)."""

import pytest

from personas.models import Persona


@pytest.fixture
def persona(user):
    return Persona.objects.create(
        owner=user,
        name="Acme",
        description="A friendly dev-tools brand.",
        tone="witty, warm",
        twitter_samples=[
            "shipping day 🚀 the new editor is live. try it and tell me what breaks #buildinpublic",
            "small fixes, big wins 🎉 dark mode is here #buildinpublic",
            "what would you build with an API that never sleeps? 🤔",
        ],
        linkedin_samples=[
            "We shipped our editor today.\n\nThree lessons from six months of building it:"
            "\n\n1. Talk to users weekly.\n2. Ship small.\n3. Write the docs first.",
        ],
        custom_samples=["Our mission: make shipping boring."],
    )


def tool_use_message(profile: dict, *, name: str = "record_voice_profile") -> dict:
    """A Messages API response whose content is one forced tool_use block (the real shape)."""
    return {
        "id": "msg_01XFDUDYJgAACzvnptvVoYEL",
        "type": "message",
        "role": "assistant",
        "model": "claude-sonnet-4-5",
        "content": [
            {
                "type": "tool_use",
                "id": "toolu_01A09q90qw90lq917835lq9",
                "name": name,
                "input": profile,
            }
        ],
        "stop_reason": "tool_use",
        "stop_sequence": None,
        "usage": {"input_tokens": 2095, "output_tokens": 503},
    }


PROFILE = {
    "summary": "Playful, builder-to-builder updates that celebrate small wins.",
    "tone": ["witty", "warm", "energetic"],
    "voice": "First person, talks to fellow builders as peers.",
    "audience": "Indie hackers and developers.",
    "vocabulary": {
        "signature_phrases": ["shipping day", "small fixes, big wins"],
        "preferred_words": ["ship", "build"],
        "avoid_words": ["synergy"],
    },
    "sentence_length": "Short, punchy sentences.",
    "emoji": "One emoji per post, usually 🚀 or 🎉.",
    "hashtags": "#buildinpublic at the end.",
    "formatting": "Lowercase openers on Twitter; numbered lists on LinkedIn.",
    "do": ["Celebrate the shipped thing first."],
    "dont": ["Don't use corporate jargon."],
    "platform_notes": {"twitter": "Lowercase, one emoji.", "linkedin": "Lessons as lists."},
}
