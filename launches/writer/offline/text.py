"""Text building blocks of the offline writer: whole sentences and clauses, never a cut word.

Everything the writer emits is assembled from whole sentences (or whole clauses) of what the
person wrote plus the writer's own short lines. ``compose`` is the one way pieces are joined: it
leaves out a piece that would repeat what comes right before it ("Acme Acme turns…") or a
sentence already used, so a draft never stutters.
"""

import re
import unicodedata

from launches import rules

SENTENCE_END = re.compile(r"(?<=[.!?\u3002\uff01\uff1f])\s+")
# Clause seams: after , ; : or around a spaced dash.
CLAUSE_SEAM = re.compile(r"(?<=[,;:])\s+|\s+[-\u2013\u2014]\s+")
BULLET = re.compile(r"^\s*(?:[-*\u2022\u2023\u25e6]|\d+[.)])\s+")
TERMINAL = ".!?\u2026\u3002\uff01\uff1f"
TOKEN = re.compile(r"\w+")
WORD_KEYWORD = re.compile(r"[A-Za-z][A-Za-z0-9]{2,}")  # a word fit for a hashtag
HASHTAG = re.compile(r"#\w+")
ZWJ = "\u200d"  # joins emoji sequences; kept although it is a format character
# The longest repeated run of words the seam check looks for; longer runs only come from text
# that already repeats itself.
REPEAT_WINDOW = 8


def clean(text: str) -> str:
    """Printable text with normalized whitespace inside lines."""
    text = "".join(
        ch for ch in text if ch.isspace() or ch == ZWJ or unicodedata.category(ch)[0] != "C"
    )
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return "\n".join(line for line in lines if line).strip()


def sentences(text: str) -> list[str]:
    """The whole sentences of ``text``, one per line item or sentence, each with an ending."""
    found = []
    for line in clean(text).splitlines():
        line = BULLET.sub("", line)
        found += [finish(part) for part in SENTENCE_END.split(line) if TOKEN.search(part)]
    return found


def finish(sentence: str) -> str:
    """``sentence`` with a full stop when it ends in a word (a list item, a last line)."""
    sentence = sentence.strip()
    if sentence and sentence[-1] not in TERMINAL and (sentence[-1].isalnum()):
        return sentence + "."
    return sentence


def bare(sentence: str) -> str:
    """A sentence as a title or tagline: without its full stop (kept: ! ? and …)."""
    return sentence.rstrip().rstrip(".\u3002").rstrip()


def clauses(sentence: str) -> list[str]:
    """The sentence's clauses, each a complete run of words (no punctuation at the seam)."""
    parts = [part.strip().rstrip(",;:").strip() for part in CLAUSE_SEAM.split(sentence)]
    return [part for part in parts if TOKEN.search(part)]


def tokens(text: str) -> list[str]:
    """Lower-cased words, hashtags left out (a tag block is not part of the sentence)."""
    return [token.lower() for token in TOKEN.findall(HASHTAG.sub(" ", text))]


def doubled(words: list[str], window: int = REPEAT_WINDOW) -> set[tuple[str, ...]]:
    """Runs of words said twice in a row ("acme changelog acme changelog")."""
    found = set()
    for size in range(1, window + 1):
        for start in range(len(words) - 2 * size + 1):
            run = tuple(words[start : start + size])
            if run == tuple(words[start + size : start + 2 * size]):
                found.add(run)
    return found


def stutters(before: str, after: str) -> bool:
    """Whether joining ``after`` to ``before`` says the same words twice in a row."""
    span = 2 * REPEAT_WINDOW
    tail, head = tokens(before)[-span:], tokens(after)[:span]
    return bool(doubled(tail + head) - doubled(tail) - doubled(head))


def length(platform: str, text: str) -> int:
    return rules.text_length(platform, text)


def compose(pieces, separator: str = " ", *, platform: str = "", limit: int | None = None) -> str:
    """Join whole pieces; leave out one that stutters, repeats a sentence or would not fit."""
    text, seen = "", set()
    for piece in pieces:
        piece = (piece or "").strip()
        key = tuple(tokens(piece))
        if not piece or (key and key in seen) or (text and stutters(text, piece)):
            continue
        candidate = f"{text}{separator}{piece}" if text else piece
        if limit is not None and length(platform, candidate) > limit:
            continue
        text = candidate
        if key:
            seen.add(key)
    return text


def fits(platform: str, text: str, limit: int) -> bool:
    return bool(text) and length(platform, text) <= limit


def first_fitting(candidates, limit: int, platform: str = "") -> str:
    """The first candidate that fits ``limit`` whole ("" when none does)."""
    return next((c for c in candidates if c and fits(platform, c, limit)), "")


def phrases(sentences_: list[str]) -> list[str]:
    """Each sentence, then its clauses: the candidates for a short title, longest idea first."""
    out = [bare(s) for s in sentences_]
    for sentence in sentences_:
        out += [bare(clause) for clause in clauses(sentence)[:1]]
    return out


def pieces_of(sentence: str, limit: int, platform: str) -> list[str]:
    """A sentence as pieces of at most ``limit``: itself, else its clauses, else runs of whole
    words. A sentence longer than a tweet continues in the next one; no word is ever cut."""
    if length(platform, sentence) <= limit:
        return [sentence]
    out: list[str] = []
    for clause in clauses(sentence) or [sentence]:
        out += _word_runs(clause, limit, platform)
    return out


def _word_runs(text: str, limit: int, platform: str) -> list[str]:
    runs, current = [], ""
    for word in text.split(" "):
        candidate = f"{current} {word}" if current else word
        if length(platform, candidate) <= limit:
            current = candidate
        elif length(platform, word) <= limit:
            runs.append(current)
            current = word
        # a single word longer than the limit (a 300-letter token) cannot be said whole: skip it
    if current:
        runs.append(current)
    return [run for run in runs if run]
