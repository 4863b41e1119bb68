"""How to write for each platform: the spec's platform guides and tips, as prompt text."""

from launches import rules

GENERAL = """You write launch announcements for dropspace, a tool that publishes one product \
launch to many platforms. Write a separate piece for each requested platform, adapted to its \
tone, length and format. Be concrete and honest: use only facts from the product description \
and product page; never invent numbers, customers, quotes or features. No placeholders like \
[link] - use the product URL when one is given."""

PLATFORM_GUIDES = {
    "twitter": """Twitter / X: a thread of 1 to 6 tweets, each at most 280 characters as X counts \
them (every URL counts 23; emoji and CJK characters count 2). Front-load the best content: \
the first tweet is the hook that stops the scroll. Use a thread when there are several \
features or benefits. One clear call to action, at most one or two hashtags.""",
    "linkedin": """LinkedIn (max 3,000 characters): professional, authoritative but \
approachable. Lead with a strong hook in the first two lines (they decide 'see more'), use \
short paragraphs and generous line breaks, frame the announcement as a useful insight, add \
personal context or a short story, strategic emoji at most, and 3-5 relevant professional \
hashtags at the end.""",
    "reddit": """Reddit (title max 300 characters, body max 3,000): value-first and authentic, \
like a genuine community member. Explain the problem it solves before the product. No \
marketing speak, no hype, no emoji, no hashtags. Invite feedback and questions. When \
subreddits are given, write a tailored title and body for each one (casual for r/SideProject, \
technical for r/webdev, narrative-driven for r/startups).""",
    "facebook": """Facebook (max 3,000 characters): concise and engaging - the ideal post is \
short (40-80 characters of main message, a little context after). Conversational, ask a \
question to spark comments, include the link.""",
    "instagram": """Instagram caption (max 2,200 characters): the most important information in \
the first line, engaging hook, line breaks, light emoji, a call to action, then a block of \
relevant hashtags mixing popular and niche ones (about 10-20).""",
    "tiktok": """TikTok caption (max 4,000 characters): hook in the first words, short and \
punchy, show the product in action, trending-style phrasing, a few relevant hashtags.""",
    "producthunt": """Product Hunt: a tagline (title, max 60 characters) focused on the core \
value proposition; a description (content, max 500 characters) highlighting the unique \
value; and a maker comment (maker_comment, max 1,000 characters) telling the story of why \
the maker built it and inviting feedback.""",
    "hackernews": """Hacker News: a 'Show HN: ' title (max 80 characters), factual and \
descriptive, no superlatives or marketing language; a text (content, max 2,000 characters) \
about what makes the approach technically interesting, how it works, and its limits, \
inviting technical questions.""",
    "substack": """Substack (max 3,000 characters): a short newsletter-style post with a \
narrative: the problem, the story behind the product, what it does, and a link.""",
}


def system_prompt(platforms) -> str:
    guides = "\n\n".join(PLATFORM_GUIDES[platform] for platform in platforms)
    return f"{GENERAL}\n\nPlatform guides:\n\n{guides}"


def limits_line(platform: str) -> str:
    rule = rules.RULES[platform]
    title = f", title max {rule.title_max}" if rule.title_max else ""
    if platform == "twitter":
        return "twitter: 1-6 tweets, each max 280 weighted characters"
    return f"{platform}: content max {rule.content_max} characters{title}"
