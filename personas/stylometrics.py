"""Measured writing habits of a set of posts: pure functions, no database, no network.

``measure(posts)`` summarises how a voice writes (length, sentences, emoji, hashtags, line
breaks, capitalisation, questions, calls to action, frequent phrases, reading level). The writer
applies the habits it can (``emoji_per_post``, ``hashtags_per_post``, ``line_breaks``,
``avg_length``, ``uses_questions``); the analysis describes the rest.
"""

import math
import re
import statistics
from collections import Counter
from dataclasses import dataclass

# Emoji blocks: pictographs, symbols, dingbats, flags (regional indicators), misc symbols.
EMOJI_RE = re.compile(
    "[\U0001f1e6-\U0001f1ff\U0001f300-\U0001f5ff\U0001f600-\U0001f64f\U0001f680-\U0001f6ff"
    "\U0001f900-\U0001f9ff\U0001fa70-\U0001faff\u2600-\u26ff\u2700-\u27bf\u2b50\u2b55]"
)
HASHTAG_RE = re.compile(r"(?<![\w#])#\w*[^\W\d_]\w*")
MENTION_RE = re.compile(r"(?<![\w@])@\w+")
URL_RE = re.compile(r"https?://\S+|www\.\S+")
WORD_RE = re.compile(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)*")  # apostrophes: ' and curly
SENTENCE_SPLIT_RE = re.compile(r"(?<=[.!?…])\s+|\n+")
CTA_RE = re.compile(
    r"\b(check (it|this|us) out|try it|sign up|join (us|me|the)|learn more|read more|link in "
    r"(bio|comments)|click|download|get started|let me know|tell me|what do you think|"
    r"comment below|drop a comment|share (this|it)|follow (me|us|along)|subscribe|dm me|"
    r"book a|register|grab (it|yours|a)|give it a (try|go)|reply with|sign-up)\b",
    re.IGNORECASE,
)
_STOPWORD_TEXT = """
a an and are as at be but by for from has have i in is it its it's of on or so that the this to
was were will with you your our my me us they them he she his her their not just than then there
what when which who how all can do if into out up about more no we
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())
PHRASE_SIZES = (2, 3)
TOP_N = 8
QUESTION_HABIT = 0.3  # a voice "uses questions" when at least this share of posts asks one


@dataclass(frozen=True)
class PostFeatures:
    """What one post measures; the representative-sample choice compares these."""

    length: int
    words: int
    sentences: int
    syllables: int
    emoji: int
    hashtags: int
    mentions: int
    links: int
    line_breaks: str  # none | single | double
    question: bool
    cta: bool
    exclamation: bool
    lowercase_starts: int
    all_caps_words: int


def features(text: str) -> PostFeatures:
    words = WORD_RE.findall(URL_RE.sub(" ", text))
    sentences = [part for part in SENTENCE_SPLIT_RE.split(text.strip()) if WORD_RE.search(part)]
    return PostFeatures(
        length=len(text),
        words=len(words),
        sentences=max(1, len(sentences)),
        syllables=sum(syllables(word) for word in words),
        emoji=len(EMOJI_RE.findall(text)),
        hashtags=len(HASHTAG_RE.findall(text)),
        mentions=len(MENTION_RE.findall(text)),
        links=len(URL_RE.findall(text)),
        line_breaks=line_break_style(text),
        question="?" in text,
        cta=bool(CTA_RE.search(text)),
        exclamation="!" in text,
        lowercase_starts=sum(1 for sentence in sentences if _starts_lowercase(sentence)),
        all_caps_words=sum(1 for word in words if len(word) > 2 and word.isupper()),
    )


def line_break_style(text: str) -> str:
    stripped = text.strip()
    if re.search(r"\n[ \t]*\n", stripped):
        return "double"
    return "single" if "\n" in stripped else "none"


def syllables(word: str) -> int:
    """Vowel-group estimate of syllables, the usual approximation behind Flesch scores."""
    word = word.lower()
    groups = re.findall(r"[aeiouy]+", word)
    count = len(groups)
    if word.endswith("e") and not word.endswith(("le", "ee")) and count > 1:
        count -= 1  # silent final e: "make", "voice"
    return max(1, count)


def measure(posts: list[str]) -> dict:
    """Summarise the posts' habits; an empty list gives ``{"sample_count": 0}``."""
    posts = [post for post in posts if post.strip()]
    if not posts:
        return {"sample_count": 0}
    each = [features(post) for post in posts]
    n = len(each)
    words = sum(f.words for f in each) or 1
    sentences = sum(f.sentences for f in each)
    syllable_total = sum(f.syllables for f in each)
    return {
        "sample_count": n,
        "avg_length": round(statistics.fmean(f.length for f in each)),
        "median_length": round(statistics.median(f.length for f in each)),
        "avg_words": round(words / n, 1),
        "avg_sentence_words": round(words / sentences, 1),
        "emoji_per_post": _rate(sum(f.emoji for f in each), n),
        "hashtags_per_post": _rate(sum(f.hashtags for f in each), n),
        "mentions_per_post": _rate(sum(f.mentions for f in each), n),
        "links_per_post": _rate(sum(f.links for f in each), n),
        "line_breaks": _most_common_break(each),
        "question_rate": _rate(sum(f.question for f in each), n),
        "uses_questions": sum(f.question for f in each) / n >= QUESTION_HABIT,
        "cta_rate": _rate(sum(f.cta for f in each), n),
        "exclamation_rate": _rate(sum(f.exclamation for f in each), n),
        "lowercase_start_rate": _rate(sum(f.lowercase_starts for f in each), sentences),
        "all_caps_words_per_100": _rate(100 * sum(f.all_caps_words for f in each), words),
        "capitalisation": _capitalisation(sum(f.lowercase_starts for f in each) / sentences),
        **reading_level(words, sentences, syllable_total),
        "top_phrases": frequent_phrases(posts),
        "top_hashtags": _top(tag.lower() for post in posts for tag in HASHTAG_RE.findall(post)),
        "top_emoji": _top(emoji for post in posts for emoji in EMOJI_RE.findall(post)),
    }


def measure_sources(samples_by_source: dict[str, list[str]]) -> dict[str, dict]:
    """``measure`` for each source with samples, plus ``"overall"`` across all of them."""
    result = {source: measure(posts) for source, posts in samples_by_source.items() if posts}
    result["overall"] = measure([post for posts in samples_by_source.values() for post in posts])
    return result


def reading_level(words: int, sentences: int, syllable_total: int) -> dict:
    """Flesch reading ease (0-100, higher is easier) and Flesch-Kincaid grade."""
    words_per_sentence = words / max(1, sentences)
    syllables_per_word = syllable_total / max(1, words)
    ease = 206.835 - 1.015 * words_per_sentence - 84.6 * syllables_per_word
    grade = 0.39 * words_per_sentence + 11.8 * syllables_per_word - 15.59
    return {
        "flesch_reading_ease": round(min(100.0, max(0.0, ease)), 1),
        "flesch_kincaid_grade": round(max(0.0, grade), 1),
        "reading_level": _reading_label(ease),
    }


def frequent_phrases(posts: list[str], limit: int = TOP_N) -> list[str]:
    """Word n-grams that recur across posts (counted once per post), longest first on ties."""
    counts: Counter[tuple[str, ...]] = Counter()
    for post in posts:
        tokens = [word.lower() for word in WORD_RE.findall(URL_RE.sub(" ", post))]
        grams = {
            tuple(tokens[i : i + size])
            for size in PHRASE_SIZES
            for i in range(len(tokens) - size + 1)
        }
        counts.update(gram for gram in grams if not all(word in STOPWORDS for word in gram))
    recurring = [(gram, count) for gram, count in counts.items() if count >= 2]
    recurring.sort(key=lambda item: (-item[1], -len(item[0]), item[0]))
    chosen: list[str] = []
    for gram, _count in recurring:
        phrase = " ".join(gram)
        if not any(phrase in longer for longer in chosen):  # "ship it" inside "ship it today"
            chosen.append(phrase)
        if len(chosen) == limit:
            break
    return chosen


def representative(posts: list[str], k: int) -> list[str]:
    """The ``k`` posts closest to the set's typical habits, near-duplicates left out.

    Each post is a point (length on a log scale, emoji, hashtags, line-break style, question);
    distance to the mean is measured in standard deviations so no single habit dominates.
    """
    unique = list(dict.fromkeys(post for post in posts if post.strip()))
    if len(unique) <= k:
        return unique
    points = [_point(features(post)) for post in unique]
    centre = [statistics.fmean(axis) for axis in zip(*points, strict=True)]
    spread = [max(statistics.pstdev(axis), 0.25) for axis in zip(*points, strict=True)]
    distance = [
        math.fsum(((value - c) / s) ** 2 for value, c, s in zip(point, centre, spread, strict=True))
        for point in points
    ]
    ranked = [unique[i] for i in sorted(range(len(unique)), key=lambda i: (distance[i], i))]
    # Variety first, but not from the least typical quarter: an outlier never beats a near-copy.
    chosen: list[str] = []
    for post in ranked[: max(k, len(ranked) - len(ranked) // 4)]:
        if len(chosen) < k and not any(_near_duplicate(post, other) for other in chosen):
            chosen.append(post)
    chosen += [post for post in ranked if post not in chosen][: k - len(chosen)]
    return chosen


def _point(f: PostFeatures) -> tuple[float, ...]:
    breaks = {"none": 0.0, "single": 1.0, "double": 2.0}[f.line_breaks]
    return (math.log1p(f.length), f.emoji, f.hashtags, breaks, float(f.question))


def _near_duplicate(a: str, b: str) -> bool:
    words_a, words_b = set(WORD_RE.findall(a.lower())), set(WORD_RE.findall(b.lower()))
    if not words_a or not words_b:
        return a.strip().lower() == b.strip().lower()
    return len(words_a & words_b) / len(words_a | words_b) > 0.8


def _starts_lowercase(sentence: str) -> bool:
    first = next((char for char in sentence if char.isalpha()), "")
    return first.islower()


def _capitalisation(lowercase_share: float) -> str:
    if lowercase_share >= 0.6:
        return "mostly lowercase"
    return "sentence case" if lowercase_share <= 0.15 else "mixed"


def _most_common_break(each: list[PostFeatures]) -> str:
    counts = Counter(f.line_breaks for f in each)
    # Ties go to the more structured style: a writer who sometimes spaces out posts does.
    return max(("double", "single", "none"), key=lambda style: counts[style])


def _rate(total: float, count: int) -> float:
    return round(total / count, 2) if count else 0.0


def _top(items, limit: int = TOP_N) -> list[str]:
    return [item for item, _count in Counter(items).most_common(limit)]


def _reading_label(ease: float) -> str:
    for floor, label in ((80, "very easy"), (65, "easy"), (50, "plain"), (30, "difficult")):
        if ease >= floor:
            return label
    return "very difficult"
