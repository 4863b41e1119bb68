"""The offline writer: honest drafts from the title, description and product page.

Used when no Anthropic key is set. It only rearranges what the person wrote (no invented
claims), follows each platform's format, applies the persona's measured style, and always
stays within every limit (``fit`` is the last step of every field).
"""

import re
import unicodedata

from launches import rules
from launches.writer import Brief, Written, output

# Sentence ends, including the CJK full stop and the full-width ! and ?.
SENTENCE_END = re.compile(r"(?<=[.!?\u3002\uff01\uff1f])\s+")
WORD = re.compile(r"[A-Za-z][A-Za-z0-9]{2,}")
ELLIPSIS = "…"
_STOPWORDS = (
    "the and for with that this from your you our are was were have has will can into "
    "built turns click each every like does done been being want need help makes "
    "about what when then than them they their there here just more most very also only "
    "its not but all any out get got how why who use using used make makes made new now one"
)
STOPWORDS = frozenset(_STOPWORDS.split())
EMOJI = ["🚀", "✨", "🎉"]
ZWJ = "\u200d"  # joins emoji sequences; kept although it is a format character


def write(brief: Brief) -> Written:
    written = Written(writer="offline")
    for platform in brief.platforms:
        raw = WRITERS[platform](brief)
        entry = output.to_entry(platform, raw, brief.existing.get(platform), writer="offline")
        written.contents[platform] = entry
    return written


# --- text helpers -----------------------------------------------------------------------------


def clean(text: str) -> str:
    """Printable text with normalized whitespace inside lines."""
    text = "".join(
        ch for ch in text if ch.isspace() or ch == ZWJ or unicodedata.category(ch)[0] != "C"
    )
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return "\n".join(line for line in lines if line).strip()


def sentences(text: str) -> list[str]:
    flat = " ".join(clean(text).split())
    return [s for s in SENTENCE_END.split(flat) if s]


def fit(text: str, limit: int, platform: str = "") -> str:
    """``text`` cut at a word boundary (with an ellipsis) so it fits ``limit``."""
    text = text.strip()
    if rules.text_length(platform, text) <= limit:
        return text
    words = text.split(" ")
    low, high = 0, len(words)
    while low < high:  # the longest prefix of words that fits with the ellipsis
        mid = (low + high + 1) // 2
        if rules.text_length(platform, " ".join(words[:mid]).rstrip() + ELLIPSIS) <= limit:
            low = mid
        else:
            high = mid - 1
    cut = " ".join(words[:low]).rstrip() or text[:limit]
    # Counting is not monotonic around URLs (a whole URL counts 23, a broken one its length)
    # and a first word can be longer than the limit: shorten until the result really fits.
    while len(cut) > 1 and rules.text_length(platform, cut + ELLIPSIS) > limit:
        cut = cut[:-1].rstrip() or cut[:1]
    return cut + ELLIPSIS


def keywords(brief: Brief, count: int) -> list[str]:
    """The product's name first, then the description's most telling words.

    Words of the title rank first, then words used more often, then longer words (short
    common verbs make poor hashtags).
    """
    title_words = {w.lower() for w in WORD.findall(brief.title)}
    words = WORD.findall(f"{brief.title} {brief.description}")
    frequency: dict[str, int] = {}
    spelling: dict[str, str] = {}
    for word in words:
        key = word.lower()
        if (key not in STOPWORDS and len(key) > 3) or key in title_words:
            frequency[key] = frequency.get(key, 0) + 1
            spelling.setdefault(key, word)
    ranked = sorted(frequency, key=lambda k: (k not in title_words, -frequency[k], -len(k)))
    name_tag = "".join(w[:1].upper() + w[1:] for w in WORD.findall(brief.title))[:40]
    tags = [name_tag] if name_tag and len(title_words) > 1 else []
    tags += [spelling[key] for key in ranked if key != name_tag.lower()]
    return tags[:count]


def hashtags(brief: Brief, count: int) -> str:
    return " ".join(f"#{word}" for word in keywords(brief, count))


def style(brief: Brief, platform: str) -> dict:
    return brief.voice.style_for(platform) if brief.voice else {}


def hashtag_count(brief: Brief, platform: str, default: int) -> int:
    value = style(brief, platform).get("hashtags_per_post")
    return default if value is None else max(0, min(30, round(float(value))))


def emoji(brief: Brief, platform: str, default: int = 0) -> str:
    value = style(brief, platform).get("emoji_per_post")
    count = default if value is None else max(0, min(3, round(float(value))))
    return "".join(EMOJI[:count])


def joiner(brief: Brief, platform: str) -> str:
    """The persona's habit of line breaks between paragraphs (blank lines by default)."""
    return {"none": " ", "single": "\n"}.get(style(brief, platform).get("line_breaks"), "\n\n")


def paragraphs(brief: Brief, platform: str, parts: list[str]) -> str:
    return joiner(brief, platform).join(part for part in parts if part)


def body_limit(brief: Brief, platform: str) -> int:
    """The persona's usual length when known (never below a readable minimum)."""
    limit = rules.RULES[platform].content_max
    average = style(brief, platform).get("avg_length")
    if not average:
        return limit
    return max(200, min(limit, int(float(average) * 1.2)))


def summary(brief: Brief) -> list[str]:
    found = sentences(brief.description)
    return found or [name(brief)]


def page_sentences(brief: Brief, count: int) -> list[str]:
    return sentences(brief.product_text)[:count] if brief.product_text else []


def name(brief: Brief) -> str:
    return " ".join(clean(brief.title).split()) or "our launch"


def with_tail(brief: Brief, platform: str, body: str, tail: str, limit: int) -> str:
    """``body`` shortened so that ``tail`` (link, hashtags) always fits after it."""
    if not tail:
        return fit(body, limit, platform)
    gap = joiner(brief, platform)
    room = limit - rules.text_length(platform, gap + tail)
    if room < 20:
        return fit(body, limit, platform)
    return fit(body, room, platform) + gap + tail


# --- platforms --------------------------------------------------------------------------------


def twitter(brief: Brief) -> dict:
    hook = f"{name(brief)} {emoji(brief, 'twitter')}".strip()
    pieces = [f"{hook}: {summary(brief)[0]}", *summary(brief)[1:]]
    tweets: list[str] = []
    for piece in pieces:
        piece = fit(piece, rules.TWEET_MAX, "twitter")
        joined = f"{tweets[-1]} {piece}" if tweets else piece
        if tweets and rules.tweet_length(joined) <= rules.TWEET_MAX:
            tweets[-1] = joined
        elif len(tweets) < rules.THREAD_MAX:
            tweets.append(piece)
    tags = hashtags(brief, hashtag_count(brief, "twitter", 0))
    link = f"Try it: {brief.product_url}" if brief.product_url else ""
    closing = " ".join(part for part in [link, tags] if part)
    if closing:
        candidate = f"{tweets[-1]}\n\n{closing}"
        if rules.tweet_length(candidate) <= rules.TWEET_MAX:
            tweets[-1] = candidate
        elif len(tweets) < rules.THREAD_MAX:
            tweets.append(fit(closing, rules.TWEET_MAX, "twitter"))
    return {"thread": tweets}


def linkedin(brief: Brief) -> dict:
    first, *rest = summary(brief)
    hook = f"{emoji(brief, 'linkedin')} Introducing {name(brief)}".strip()
    parts = [hook, first, *rest, *page_sentences(brief, 2)]
    tail = paragraphs(
        brief,
        "linkedin",
        [brief.product_url, hashtags(brief, hashtag_count(brief, "linkedin", 3))],
    )
    body = paragraphs(brief, "linkedin", parts)
    return {"content": with_tail(brief, "linkedin", body, tail, body_limit(brief, "linkedin"))}


def reddit(brief: Brief) -> dict:
    first, *rest = summary(brief)
    title = fit(f"I built {name(brief)}: {first}", 300)
    parts = [
        first,
        *rest,
        *page_sentences(brief, 3),
        "I'd love honest feedback - what would make this useful for you?",
    ]
    body = paragraphs(brief, "reddit", parts)
    tail = brief.product_url
    return {"title": title, "content": with_tail(brief, "reddit", body, tail, 3000)}


def facebook(brief: Brief) -> dict:
    text = f"{name(brief)} is here {emoji(brief, 'facebook', 1)}".strip()
    parts = [text, summary(brief)[0], "What would you use it for?"]
    tail = brief.product_url
    body = paragraphs(brief, "facebook", parts)
    return {"content": with_tail(brief, "facebook", body, tail, body_limit(brief, "facebook"))}


def instagram(brief: Brief) -> dict:
    parts = [f"{name(brief)} {emoji(brief, 'instagram', 1)}".strip(), *summary(brief)[:3]]
    parts.append("Link in bio.")
    tags = hashtags(brief, hashtag_count(brief, "instagram", 15))
    body = paragraphs(brief, "instagram", parts)
    return {"content": with_tail(brief, "instagram", body, tags, 2200)}


def tiktok(brief: Brief) -> dict:
    first = summary(brief)[0]
    parts = [f"POV: you just found {name(brief)} {emoji(brief, 'tiktok', 1)}".strip(), first]
    tags = hashtags(brief, hashtag_count(brief, "tiktok", 5))
    body = paragraphs(brief, "tiktok", parts)
    return {"content": with_tail(brief, "tiktok", body, tags, body_limit(brief, "tiktok"))}


def producthunt(brief: Brief) -> dict:
    first, *rest = summary(brief)
    tagline = fit(first.rstrip(".!?") or name(brief), 60)  # a bare "!" leaves nothing
    description = with_tail(brief, "producthunt", " ".join([first, *rest]), "", 500)
    comment = paragraphs(
        brief,
        "producthunt",
        [
            f"Hi Product Hunt! I'm the maker of {name(brief)}.",
            f"Why I built it: {first}",
            "I'd love your feedback - ask me anything in the comments.",
        ],
    )
    return {
        "title": tagline,
        "content": description,
        "maker_comment": fit(comment, rules.MAKER_COMMENT_MAX),
    }


def hackernews(brief: Brief) -> dict:
    first, *rest = summary(brief)
    title = fit(f"Show HN: {name(brief)} - {first.rstrip('.!?')}", 80)
    parts = [first, *rest, *page_sentences(brief, 3), "Happy to answer technical questions."]
    body = paragraphs(brief, "hackernews", parts)
    return {
        "title": title,
        "content": with_tail(brief, "hackernews", body, brief.product_url, 2000),
    }


def substack(brief: Brief) -> dict:
    parts = [f"Introducing {name(brief)}", *summary(brief), *page_sentences(brief, 4)]
    body = paragraphs(brief, "substack", parts)
    return {"content": with_tail(brief, "substack", body, brief.product_url, 3000)}


WRITERS = {
    "twitter": twitter,
    "linkedin": linkedin,
    "reddit": reddit,
    "facebook": facebook,
    "instagram": instagram,
    "tiktok": tiktok,
    "producthunt": producthunt,
    "hackernews": hackernews,
    "substack": substack,
}
