"""One function per platform: the shape a person would post there, from whole sentences.

Every function takes the launch's ``Material`` and the voice's ``Habits`` and returns the
platform's fields. The writer's own words are all in ``LINES`` (several wordings each: the
draft's variant picks one, so a regeneration reads differently).
"""

import re
from dataclasses import dataclass

from launches import rules
from launches.writer.offline.habits import Habits
from launches.writer.offline.text import (
    bare,
    first_fitting,
    fits,
    length,
    phrases,
    pieces_of,
    stutters,
    tokens,
)

# The writer's own lines. {name} is the product, {url} its address.
LINES: dict[str, tuple[str, ...]] = {
    "hook": (
        "{name} is live.",
        "Today I'm launching {name}.",
        "Meet {name}.",
        "Just shipped: {name}.",
    ),
    "hook_plain": ("It's launch day.", "Shipped today.", "Something new is out today."),
    "linkedin_hook": (
        "Today I'm launching {name}.",
        "{name} is live today.",
        "After a lot of building, {name} is out.",
        "I'm sharing something new today: {name}.",
    ),
    "details": ("How it works:", "A few details:", "What it does:"),
    "ask": (
        "What would you use it for?",
        "What would make this more useful for you?",
        "Would this fit the way you work?",
    ),
    "ask_plain": ("Feedback is welcome.", "I'd love to hear what you think.", "Notes welcome."),
    "try": ("Try it: {url}", "Have a look: {url}", "It's here: {url}"),
    "reddit_hi": ("Hi r/{sub},", "Hey r/{sub},", "Hello r/{sub},"),
    "reddit_tech": ("How it works, for the technical folks:", "Under the hood:"),
    "reddit_story": ("Some background on why it exists:", "The story so far:"),
    "reddit_ask": (
        "I'd love honest feedback: what would make this useful for you?",
        "What's missing, and what would you change first?",
        "Would you use this? Honest feedback is very welcome.",
    ),
    "reddit_link": ("If you want to try it: {url}", "Link, if you want to poke at it: {url}"),
    # Reddit titles by what the lead says: "Acme is a budgeting app…" (a noun), "Acme turns
    # invoices into payments" (a verb), anything else (a phrase).
    "reddit_title_noun": ("I built {what}", "I built {name}, {what}", "{name}: {what}"),
    "reddit_title_verb": (
        "{name} {what}",
        "I built {name}: it {what}",
        "I made something that {what}",
    ),
    "reddit_title": ("{name}: {what}", "I built {name}: {what}", "I made {name} - {what}"),
    "bio": ("Link in bio.", "Find it through the link in bio.", "The link is in my bio."),
    "comments_ask": (
        "What would you use it for? Tell me in the comments.",
        "Would you use this? Tell me in the comments.",
        "Questions? Ask me in the comments.",
    ),
    "comments_plain": (
        "Tell me in the comments what you would use it for.",
        "Questions are welcome in the comments.",
        "I read every comment.",
    ),
    "tiktok_hook": ("POV: you just found {name}.", "Wait until you see {name}.", "This is {name}."),
    "fb_hook": ("{name} is here.", "Big day: {name} is live.", "Say hello to {name}."),
    "ph_hi": (
        "Hi Product Hunt! I'm the maker of {name}.",
        "Hello Product Hunt! {name} is my project, and today it launches.",
    ),
    "ph_why": ("Why I built it:", "The short version:"),
    "ph_ask": (
        "I'd love your feedback, ask me anything in the comments.",
        "I'll be here all day to answer questions and read every comment.",
    ),
    "ph_tagline": ("{name}, launching today", "A new launch, today"),
    "hn_title": ("Show HN: {name} - {what}", "Show HN: {name}, {what}"),
    "hn_title_plain": ("Show HN: {name}", "Show HN: {what}", "Show HN: my new project"),
    "hn_ask": (
        "Happy to answer technical questions.",
        "I'd welcome questions and criticism about the approach.",
    ),
    "substack_hook": ("Introducing {name}.", "Today, {name} launches.", "A new project: {name}."),
    "fallback": ("Launching today.",),
    "no_name": ("our launch",),
}
TECH_SUBREDDITS = re.compile(
    r"web|dev|program|code|coding|python|javascript|typescript|golang|rust|selfhosted|"
    r"opensource|sysadmin|linux|machinelearning|datascience|django|react|node",
    re.IGNORECASE,
)
STORY_SUBREDDITS = re.compile(r"startup|entrepreneur|saas|smallbusiness|founder", re.IGNORECASE)
# Reddit allows 300 characters; titles people upvote say the point in far fewer.
REDDIT_TITLE_TARGET = 100
# Where a title may end early and still say a whole idea: before a word that starts a clause
# or an add-on ("A budgeting app for couples | who share some expenses but not all").
SOFT_SEAM = re.compile(
    r"\s+(?=(?:who|that|which|but|so|without|because|while|and|with|in|by|for|from)\b)",
    re.IGNORECASE,
)
ARTICLE = re.compile(r"^(?:A|An|The)\b")
IS_A = re.compile(r"^(?:is|is now)\s+(?P<noun>(?:a|an|the|your)\b.*)$", re.IGNORECASE)


@dataclass(frozen=True)
class Material:
    """What the person wrote, as whole sentences: the only facts a draft uses."""

    name: str
    summary: tuple[str, ...]  # the whole description
    page: tuple[str, ...]  # the product page's sentences not already in the description
    url: str
    keywords: tuple[str, ...]
    variant: int
    # The page's own "Acme - release notes on autopilot" lines: a title or tagline, never
    # a sentence of a post (they read as a heading dropped into the middle of the text).
    taglines: tuple[str, ...] = ()

    @property
    def lead(self) -> str:
        return self.summary[0] if self.summary else ""

    def line(self, key: str, salt: int = 0, **values) -> str:
        options = LINES[key]
        return options[(self.variant + salt) % len(options)].format(name=self.name, **values)

    def lines(self, key: str, salt: int = 0, **values) -> list[str]:
        """Every wording of ``key``, the variant's first."""
        count = len(LINES[key])
        return [self.line(key, salt + offset, **values) for offset in range(count)]


class Draft:
    """Paragraphs of whole pieces, joined the voice's way, that never stutter or overflow."""

    def __init__(self, platform: str, joiner: str, limit: int, *, per_paragraph: int = 2):
        self.platform, self.joiner, self.limit = platform, joiner, limit
        self.per_paragraph = per_paragraph
        self.paragraphs: list[list[str]] = []
        self.seen: set[tuple[str, ...]] = set()

    def text(self) -> str:
        return self.joiner.join(" ".join(paragraph) for paragraph in self.paragraphs)

    def add(self, piece: str, *, alone: bool = False, limit: int | None = None) -> bool:
        """Add ``piece`` to the last paragraph, or start one (``alone``: a paragraph of its
        own). False when it would repeat, stutter or not fit within ``limit`` (0 is a real
        limit: a short voice whose fixed lines fill its length has no room for more)."""
        piece = piece.strip()
        key = tuple(tokens(piece))
        current = self.text()
        if not piece or (key and key in self.seen) or (current and stutters(current, piece)):
            return False
        last = self.paragraphs[-1] if self.paragraphs else None
        joins = last is not None and not alone and len(last) < self.per_paragraph
        if joins:
            candidate = f"{current} {piece}"
        else:
            candidate = self.joiner.join(filter(None, [current, piece]))
        if length(self.platform, candidate) > (self.limit if limit is None else limit):
            return False
        if joins:
            last.append(piece)
        else:
            self.paragraphs.append([piece])
        self.seen.add(key)
        if alone:
            self.paragraphs.append([])  # what follows starts a new paragraph
        return True

    def add_all(self, pieces, *, limit: int | None = None) -> None:
        for piece in pieces:
            self.add(piece, limit=limit)

    def add_list(self, header: str, items, *, limit: int) -> None:
        """A paragraph of its own: ``header`` and an arrow line per item that fits."""
        lines: list[str] = []
        for item in items:
            key = tuple(tokens(item))
            candidate = "\n".join([header, *lines, f"→ {item}"])
            if key in self.seen or not self._fits_after(candidate, limit):
                continue
            lines.append(f"→ {item}")
            self.seen.add(key)
        if lines:
            self.close_paragraph()
            self.paragraphs.append(["\n".join([header, *lines])])
            self.paragraphs.append([])

    def _fits_after(self, piece: str, limit: int) -> bool:
        current = self.text()
        joined = self.joiner.join(filter(None, [current, piece]))
        return not stutters(current, piece) and length(self.platform, joined) <= limit

    def close_paragraph(self) -> None:
        if self.paragraphs and self.paragraphs[-1]:
            self.paragraphs.append([])

    def result(self) -> str:
        self.paragraphs = [p for p in self.paragraphs if p]
        return self.text()


def with_emoji(line: str, emoji: str) -> str:
    return f"{line} {emoji}" if emoji else line


def hook(m: Material, h: Habits, key: str, following: str) -> str:
    """The first wording of ``key`` that does not stutter into ``following`` (a lead that
    starts with the name gets "It's launch day." rather than "Meet Acme. Acme turns…")."""
    named = _starts_with(following, m.name)
    for line in [*([] if named else m.lines(key)), *m.lines("hook_plain")]:
        line = h.say(line)
        if not stutters(line, following):
            return line
    return ""


def hashtags(m: Material, h: Habits) -> str:
    return " ".join(f"#{word}" for word in m.keywords[: h.hashtags])


def ask(m: Material, h: Habits, salt: int = 0) -> str:
    return m.line("ask", salt) if h.questions else h.say(m.line("ask_plain", salt))


def body_sentences(m: Material, page: int) -> list[str]:
    return [*m.summary, *m.page[:page]]


def long_form(m: Material, h: Habits, platform: str, *, hook_key: str, page: int = 6) -> dict:
    """LinkedIn, Facebook, Substack: a hook line, short paragraphs, a question, the link."""
    limit = rules.RULES[platform].content_max
    draft = Draft(platform, h.joiner, limit)
    tail = [ask(m, h), m.line("try", url=m.url) if m.url else "", hashtags(m, h)]
    reserve = sum(length(platform, part) + len(h.joiner) for part in tail if part) + 4
    budget = max(h.target - reserve, 0)
    draft.add(with_emoji(hook(m, h, hook_key, m.lead), h.emoji_at(0)), alone=True)
    draft.add_all(m.summary, limit=budget)
    draft.close_paragraph()
    page_sentences = m.page[:page]
    if h.joiner == " ":
        draft.add_all(page_sentences, limit=budget)
    else:
        draft.add_list(h.say(m.line("details")), page_sentences, limit=budget)
    draft.close_paragraph()
    draft.add(with_emoji(tail[0], "".join(h.emoji[1:])), alone=True)
    for part in tail[1:]:
        draft.add(part, alone=True)
    return {"content": draft.result()}


def linkedin(m: Material, h: Habits) -> dict:
    return long_form(m, h, "linkedin", hook_key="linkedin_hook")


def facebook(m: Material, h: Habits) -> dict:
    return long_form(m, h, "facebook", hook_key="fb_hook", page=1)


def substack(m: Material, h: Habits) -> dict:
    return long_form(m, h, "substack", hook_key="substack_hook", page=10)


def twitter(m: Material, h: Habits) -> dict:
    """A hook tweet, then one idea per tweet, then the link and tags (at most 6 tweets)."""
    limit = rules.TWEET_MAX
    per_tweet = max(120, min(limit, h.target))
    closing = " ".join(
        part
        for part in [m.line("try", url=m.url) if m.url else "", h.emoji_at(1), hashtags(m, h)]
        if part
    )
    tweets: list[Draft] = [Draft("twitter", " ", limit, per_paragraph=99)]
    tweets[0].add(with_emoji(hook(m, h, "hook", m.lead), h.emoji_at(0)))
    room = rules.THREAD_MAX - (1 if closing else 0)
    for index, sentence in enumerate(body_sentences(m, page=3)):
        if index == 1 and tweets[-1].text():
            tweets[-1].per_paragraph = 0  # the hook tweet is the hook and the lead, alone
        for piece in pieces_of(sentence, limit, "twitter"):
            thread = "\n\n".join(t.text() for t in tweets)
            if stutters(thread, piece) or not _place(tweets, piece, per_tweet, room):
                continue
    tweets = [t for t in tweets if t.text()]
    if closing and not stutters("\n\n".join(t.text() for t in tweets), closing):
        last = tweets[-1].text() if tweets else ""
        joined = f"{last}\n\n{closing}" if last else closing
        if last and fits("twitter", joined, limit) and not stutters(last, closing):
            tweets[-1].paragraphs = [[joined]]
        else:
            tweets.append(Draft("twitter", " ", limit))
            tweets[-1].paragraphs = [[closing]]
    return {"thread": [t.text() for t in tweets]}


def _place(tweets: list[Draft], piece: str, per_tweet: int, room: int) -> bool:
    if tweets[-1].per_paragraph and tweets[-1].add(piece, limit=per_tweet):
        return True
    if len(tweets) >= room:
        return False
    fresh = Draft("twitter", " ", rules.TWEET_MAX, per_paragraph=99)
    fresh.seen = set().union(*(t.seen for t in tweets))
    if not fresh.add(piece):
        return False
    tweets.append(fresh)
    return True


def instagram(m: Material, h: Habits) -> dict:
    """The point in the first line, short paragraphs, the bio link, a block of hashtags."""
    first = with_emoji(m.lead, h.emoji_at(0)) if m.lead else hook(m, h, "hook", "")
    return {"content": caption(m, h, "instagram", first, [*m.summary[1:], *m.page[:3]])}


def tiktok(m: Material, h: Habits) -> dict:
    """A hook line, what it does, a question for the comments, the bio link, hashtags."""
    first = with_emoji(hook(m, h, "tiktok_hook", m.lead), h.emoji_at(0))
    return {"content": caption(m, h, "tiktok", first, [*m.summary[1:], *m.page[:3]])}


def caption(m: Material, h: Habits, platform: str, first: str, more) -> str:
    """A caption that says the lead whatever the voice's length (the point is never left out)
    and fills the voice's length with more whole sentences before the closing lines."""
    limit = rules.RULES[platform].content_max
    draft = Draft(platform, h.joiner, limit, per_paragraph=1)
    closing = [
        comments_ask(m, h),
        with_emoji(h.say(m.line("bio")), "".join(h.emoji[1:])),
        hashtags(m, h),
    ]
    reserve = sum(length(platform, part) + len(h.joiner) for part in closing if part)
    draft.add(first, limit=limit - reserve)  # room is kept for the closing lines and tags
    if m.lead not in first:  # Instagram's first line is the lead itself
        draft.add(m.lead, limit=limit - reserve)
    draft.add_all(more, limit=max(h.target - reserve, 0))
    for part in closing:
        draft.add(part)
    return draft.result()


def comments_ask(m: Material, h: Habits) -> str:
    return h.say(m.line("comments_ask" if h.questions else "comments_plain"))


def reddit(m: Material, h: Habits, subreddits: list[dict]) -> dict:
    """Value first, no hype; one tailored title and body per chosen subreddit."""
    titles = reddit_titles(m)
    entry = {"title": titles[0], "content": reddit_body(m, h, "")}
    if subreddits:
        entry["subreddits"] = [
            {
                "name": target["name"],
                "title": titles[index % len(titles)],
                "content": reddit_body(m, h, target["name"], salt=index),
            }
            for index, target in enumerate(subreddits)
        ]
    return entry


def reddit_titles(m: Material) -> list[str]:
    """Title wordings of the lead within ``REDDIT_TITLE_TARGET``, best first (each subreddit
    gets the next one: Reddit frowns on the same title posted everywhere). Each wording takes
    the longest whole phrase of the lead that fits, so a title is never a cut sentence."""
    kind, what = value_of(m)
    key = {"noun": "reddit_title_noun", "verb": "reddit_title_verb"}.get(kind, "reddit_title")
    candidates = []
    for index in range(len(LINES[key])):
        for phrase in shorter(what) if what else []:
            title = m.line(key, index, what=phrase)
            if fits("", title, REDDIT_TITLE_TARGET) and not _stutters_within(title):
                candidates.append(title)
                break
    candidates += [f"I built {m.name}", *LINES["fallback"]]
    return [
        c
        for c in dict.fromkeys(candidates)
        if fits("", c, REDDIT_TITLE_TARGET) and tokens(c) and not _stutters_within(c)
    ] or list(LINES["fallback"])


def value_of(m: Material) -> tuple[str, str]:
    """What the lead says the product is or does, without the name: ("noun", "a budgeting app
    for couples") from "Acme is a budgeting app for couples" or "A budgeting app…", ("verb",
    "turns invoices into payments") from "Acme turns invoices into payments", ("phrase", the
    lead or what follows "Acme - ") otherwise."""
    lead = bare(m.lead)
    if not lead:
        return "", ""
    if _starts_with(lead, m.name):
        dashed = without_name(lead, m.name, capitalize=False)
        if dashed != lead:
            return "phrase", dashed
        rest = without_name(lead, m.name, capitalize=False, verb=True)
        noun = IS_A.match(rest)
        if noun:
            return "noun", lower_article(noun["noun"])
        if rest != lead:
            return "verb", rest
        return "phrase", lead
    if ARTICLE.match(lead):
        return "noun", lower_article(lead)
    return "phrase", lead


def shorter(phrase: str) -> list[str]:
    """The phrase, then its whole-word beginnings that end before a joining word, longest first
    and of three words at least: titles that must be short still say one whole idea."""
    cuts = [match.start() for match in SOFT_SEAM.finditer(phrase)]
    beginnings = [phrase[:cut].rstrip(",;:- ") for cut in reversed(cuts)]
    return [phrase, *(b for b in beginnings if len(b.split()) >= 3)]


def lower_article(phrase: str) -> str:
    """ "A notebook app" as it reads after a comma or dash: "a notebook app"."""
    return phrase[:1].lower() + phrase[1:] if ARTICLE.match(phrase) else phrase


def reddit_body(m: Material, h: Habits, sub: str, salt: int = 0) -> str:
    limit = rules.RULES["reddit"].content_max
    draft = Draft("reddit", "\n\n", limit)
    tail = [m.line("reddit_ask", salt), m.line("reddit_link", salt, url=m.url) if m.url else ""]
    budget = min(h.target, limit) - sum(len(part) + 2 for part in tail) - 4
    if sub:
        draft.add(m.line("reddit_hi", salt, sub=sub), alone=True)
    technical = bool(sub) and bool(TECH_SUBREDDITS.search(sub))
    story = bool(sub) and bool(STORY_SUBREDDITS.search(sub))
    order = [*m.page, *m.summary] if technical else [*m.summary, *m.page]
    if technical and m.page:
        draft.add(m.line("reddit_tech", salt), alone=True)
    elif story:
        draft.add(m.line("reddit_story", salt), alone=True)
    draft.add_all(order, limit=budget)
    draft.close_paragraph()
    for part in tail:
        draft.add(part, alone=True)
    return draft.result() or m.line("fallback")


def producthunt(m: Material, h: Habits) -> dict:
    sentences = body_sentences(m, page=4)
    tagline = _tagline(m)
    limit = rules.RULES["producthunt"].content_max
    description = Draft("producthunt", " ", limit, per_paragraph=99)
    for sentence in sentences:
        for piece in pieces_of(sentence, limit, ""):
            description.add(piece)
    comment = Draft("producthunt", "\n\n", rules.MAKER_COMMENT_MAX)
    comment.add(h.say(m.line("ph_hi")), alone=True)
    if m.lead:
        comment.add(m.line("ph_why"))
        comment.add(m.lead)
    comment.close_paragraph()
    comment.add_all(m.page[:2])
    comment.close_paragraph()
    comment.add(h.say(m.line("ph_ask")), alone=True)
    return {
        "title": tagline,
        "content": description.result() or m.line("fallback"),
        "maker_comment": comment.result(),
    }


def _tagline(m: Material) -> str:
    """The core value in at most 60 characters: a whole sentence or clause, never cut, and
    without the name (Product Hunt shows it right above)."""
    limit = rules.RULES["producthunt"].title_max
    sentences_ = [*m.summary, *m.taglines, *m.page]
    named = [without_name(bare(s), m.name, verb=True) for s in sentences_]
    taglines = [short for short, s in zip(named, sentences_, strict=True) if short != bare(s)]
    whole = [bare(s) for short, s in zip(named, sentences_, strict=True) if short == bare(s)]
    clauses_ = phrases(sentences_)[len(sentences_) :]
    kind, what = value_of(m)
    value = [capitalized(p) for p in shorter(what)] if kind in ("noun", "verb") else []
    strong = [
        c for c in dict.fromkeys([*taglines, *value, *whole]) if tokens(c) and fits("", c, limit)
    ]
    if strong:
        return strong[m.variant % min(len(strong), 2)]
    return first_fitting([*clauses_, *m.lines("ph_tagline"), *LINES["fallback"]], limit)


def capitalized(phrase: str) -> str:
    return phrase[:1].upper() + phrase[1:] if len(phrase[:1].upper()) == 1 else phrase


def hackernews(m: Material, h: Habits) -> dict:
    draft = Draft("hackernews", "\n\n", rules.RULES["hackernews"].content_max)
    tail = [m.line("hn_ask"), m.url]
    budget = min(h.target, rules.RULES["hackernews"].content_max) - sum(
        len(p) + 2 for p in tail if p
    )
    draft.add_all(body_sentences(m, page=6), limit=budget)
    draft.close_paragraph()
    for part in tail:
        draft.add(part, alone=True)
    return {"title": hn_title(m), "content": draft.result() or m.line("fallback")}


def hn_title(m: Material) -> str:
    """ "Show HN: Name - what it does" from the lead, else the page's own tagline, else any
    sentence's first clause; always whole words within 80 characters."""
    limit = rules.RULES["hackernews"].title_max
    kind, what = value_of(m)
    lead = [short for phrase in phrases(list(m.summary[:1])) for short in shorter(phrase)]
    rest = phrases([*m.taglines, *m.page[:2], *m.summary[1:]])
    candidates = [f"Show HN: {m.name} - {p}" for p in shorter(what)] if kind == "noun" else []
    for what in [*lead, *rest]:
        if not tokens(what):
            continue
        short = without_name(what, m.name, capitalize=False)
        if short != what:
            candidates.append(f"Show HN: {m.name} - {short}")
        elif _starts_with(what, m.name):
            candidates.append(f"Show HN: {what}")
        else:
            candidates += m.lines("hn_title", what=what)
    candidates += [f"Show HN: {m.name}", LINES["hn_title_plain"][-1]]
    return next(c for c in candidates if fits("", c, limit) and not _stutters_within(c))


def without_name(phrase: str, name: str, *, capitalize: bool = True, verb: bool = False) -> str:
    """The phrase without its leading name: "Acme - release notes on autopilot" gives
    "Release notes on autopilot"; with ``verb`` also "Acme turns invoices into payments" gives
    "Turns invoices into payments" (a tagline's usual shape). Any other phrase is unchanged."""
    if not _starts_with(phrase, name):
        return phrase
    count = len(tokens(name))
    seam = r"(?:\s*[-\u2013\u2014:|,])?\s+" if verb else r"\s*[-\u2013\u2014:|,]\s+"
    match = re.match(r"^(?:\W*\w+){" + str(count) + "}" + seam + r"(?P<rest>\w.*)$", phrase)
    if not match or not tokens(match["rest"]):
        return phrase
    rest = match["rest"]
    if capitalize and len(rest[:1].upper()) == 1:  # "ß".upper() is two letters: leave it
        return rest[:1].upper() + rest[1:]
    return rest


def _starts_with(text: str, name: str) -> bool:
    head = tokens(name)
    return bool(head) and tokens(text)[: len(head)] == head


def _stutters_within(text: str) -> bool:
    """A joined title that repeats itself ("Show HN: Acme - Acme turns…")."""
    words = text.split(" ")
    return any(stutters(" ".join(words[:i]), " ".join(words[i:])) for i in range(1, len(words)))
