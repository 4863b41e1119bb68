"""The offline writer: drafts a person would post, from the title, description and product page.

Used when no Anthropic key is set. It only rearranges what the person wrote (no invented
claims) into each platform's shape: an X hook and thread, a LinkedIn story in short paragraphs,
a value-first Reddit post per subreddit, a Product Hunt tagline and description, a Show HN
title, captions with hashtags. Sentences and words are never cut (a piece that does not fit is
left out whole), a piece that would repeat what precedes it is left out, the persona's measured
habits are applied (``habits``), and each regeneration words the draft differently.
"""

from launches.writer import Brief, Written, output
from launches.writer.offline import platforms
from launches.writer.offline.habits import EMOJI, habits_for
from launches.writer.offline.platforms import Material
from launches.writer.offline.text import WORD_KEYWORD, bare, clean, sentences, tokens

__all__ = ["EMOJI", "write"]

PAGE_SENTENCES = 12
PAGE_SENTENCE_WORDS = 5  # shorter page lines are menus and buttons, not sentences
_STOPWORDS = (
    "actually becomes really without through across after before other every which "
    "the and for with that this from your you our are was were have has will can into "
    "built turns click each every like does done been being want need help makes "
    "about what when then than them they their there here just more most very also only "
    "its not but all any out get got how why who use using used make makes made new now one"
)
STOPWORDS = frozenset(_STOPWORDS.split())
TELLING_NAME_WORD = 7  # letters: a name's word this long is a tag of its own (#Changelog)
# Tags any launch may carry, after the product's own words: a caption whose product words are
# few (a one-line description) still gets the hashtags Instagram and TikTok captions are read by.
LAUNCH_TAGS = ("LaunchDay", "NewProduct", "MadeThis", "BuildInPublic", "Startup", "SmallBusiness")


def write(brief: Brief) -> Written:
    written = Written(writer="offline")
    material = material_of(brief)
    for platform in brief.platforms:
        habits = habits_for(brief, platform)
        if platform == "reddit":
            chosen = (brief.existing.get("reddit") or {}).get("subreddits") or []
            raw = platforms.reddit(material, habits, chosen)
        else:
            raw = WRITERS[platform](material, habits)
        existing = brief.existing.get(platform)
        written.contents[platform] = output.to_entry(platform, raw, existing, writer="offline")
    return written


WRITERS = {
    "twitter": platforms.twitter,
    "linkedin": platforms.linkedin,
    "facebook": platforms.facebook,
    "instagram": platforms.instagram,
    "tiktok": platforms.tiktok,
    "producthunt": platforms.producthunt,
    "hackernews": platforms.hackernews,
    "substack": platforms.substack,
}


def material_of(brief: Brief) -> Material:
    summary = sentences(brief.description)
    known = {tuple(tokens(s)) for s in summary}
    page = [
        s
        for s in sentences(brief.product_text)
        if len(tokens(s)) >= PAGE_SENTENCE_WORDS and tuple(tokens(s)) not in known
    ]
    name = " ".join(clean(brief.title).split()) or platforms.LINES["no_name"][0]
    page = list(dict.fromkeys(page))
    taglines = [s for s in page if platforms.without_name(bare(s), name) != bare(s)]
    return Material(
        name=name,
        summary=tuple(summary),
        page=tuple(s for s in page if s not in taglines)[:PAGE_SENTENCES],
        url=brief.product_url,
        keywords=tuple(keywords(brief, 30)),
        variant=brief.variant,
        taglines=tuple(taglines),
    )


def keywords(brief: Brief, count: int) -> list[str]:
    """Hashtag words: the product's name, its words, then the words the description and page
    use more than once, then long words (short common verbs make poor hashtags)."""
    title_words = {w.lower() for w in WORD_KEYWORD.findall(brief.title)}
    # #PocketBudget says the name; #Pocket and #Budget on their own say little.
    untold = (
        {w for w in title_words if len(w) < TELLING_NAME_WORD} if len(title_words) > 1 else set()
    )
    title_words -= untold
    words = WORD_KEYWORD.findall(f"{brief.title} {brief.description} {brief.product_text}")
    frequency: dict[str, int] = {}
    spelling: dict[str, str] = {}
    for word in words:
        key = word.lower()
        if key in untold:
            continue
        if (key not in STOPWORDS and len(key) > 4) or key in title_words:
            frequency[key] = frequency.get(key, 0) + 1
            spelling.setdefault(key, word[:1].upper() + word[1:])
    telling = [k for k in frequency if k in title_words or frequency[k] > 1 or len(k) >= 8]
    ranked = sorted(telling, key=lambda k: (k not in title_words, -frequency[k], -len(k)))
    name_tag = "".join(w[:1].upper() + w[1:] for w in WORD_KEYWORD.findall(brief.title))[:40]
    tags = [name_tag] if name_tag else []
    tags += [spelling[key] for key in ranked if key != name_tag.lower()]
    taken = {tag.lower() for tag in tags}
    tags += [tag for tag in LAUNCH_TAGS if tag.lower() not in taken]
    return tags[:count]
