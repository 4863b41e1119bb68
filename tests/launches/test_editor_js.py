"""The editor's live counter (editor.js) counts exactly as the server (twitter-text) does."""

import json
import random
import shutil
import subprocess
from pathlib import Path

import pytest

from launches import rules

EDITOR_JS = Path(__file__).resolve().parents[2] / "launches" / "static" / "launches" / "editor.js"
PARTS = [
    "hello",
    "world",
    "https://acme.com/x",
    "acme.io",
    "日本",
    "😀",
    "👍🏽",
    "a@b.com",
    "—",
    "\n",
    "café",
    "www.x.org/p?q=1",
    "http://localhost:8000",
    "foo.bar",
    "1.5",
    "e.g.",
    "#tag",
    "Ω",
    "🇯🇵",
    "x.com/abc",
    "(acme.com)",
    "acme.com,",
    "👨‍👩‍👧",
    "한국어",
    "https://10.0.0.1/x",
]
SAMPLES = ["", "x" * 300, "see https://example.com/path?x=1 now", "email me at a@b.com"]


def js_lengths(texts: list[str]) -> list[int]:
    script = (
        f"var window = {{dropspaceTlds: {json.dumps(rules.x_url_tlds())}}};"
        "var document = {addEventListener: function () {}};"
        + EDITOR_JS.read_text()
        + f"\nconsole.log(JSON.stringify({json.dumps(texts)}.map(window.dropspaceTweetLength)));"
    )
    result = subprocess.run(["node", "-e", script], capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


@pytest.mark.skipif(shutil.which("node") is None, reason="node runs the editor's JavaScript")
def test_editor_counter_matches_the_server_count():
    generator = random.Random(7)
    texts = SAMPLES + [
        " ".join(generator.choice(PARTS) for _ in range(generator.randint(1, 12)))
        for _ in range(300)
    ]
    expected = [rules.tweet_length(text) for text in texts]
    mismatches = [
        (text, want, got)
        for text, want, got in zip(texts, expected, js_lengths(texts), strict=True)
        if want != got
    ]
    assert mismatches == []
