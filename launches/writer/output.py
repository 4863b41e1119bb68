"""What a writer returns for a platform, normalized and checked against the rules."""

from launches import rules

# Fields a writer may produce per platform.
WRITTEN_FIELDS = {
    "twitter": {"content", "thread"},
    "reddit": {"title", "content", "subreddits"},
    "producthunt": {"title", "content", "maker_comment"},
    "hackernews": {"title", "content"},
}


def to_entry(platform: str, raw: dict, existing: dict | None, *, writer: str) -> dict:
    """The writer's fields for ``platform``, with the platform's other existing fields kept."""
    fields = {k: v for k, v in raw.items() if k in WRITTEN_FIELDS.get(platform, {"content"})}
    if platform == "twitter" and isinstance(fields.get("thread"), list):
        thread = [tweet for tweet in fields["thread"] if isinstance(tweet, str) and tweet.strip()]
        fields = {"content": thread[0]} if len(thread) == 1 else {"thread": thread}
    if platform == "reddit":
        fields["subreddits"] = _subreddits(fields.get("subreddits"), existing)
        if not fields["subreddits"]:
            del fields["subreddits"]
    kept = {
        key: value
        for key, value in (existing or {}).items()
        if key not in rules.TEXT_FIELDS and key != "generated_by"
    }
    return {**kept, **fields, "platform": platform, "generated_by": writer}


def _subreddits(written, existing: dict | None) -> list:
    """The chosen subreddits (names and flair kept) with the writer's title and body."""
    chosen = (existing or {}).get("subreddits") or []
    by_name = {
        str(item.get("name", "")).removeprefix("r/").lower(): item
        for item in written or []
        if isinstance(item, dict)
    }
    out = []
    for target in chosen:
        text = by_name.get(target["name"].lower(), {})
        merged = dict(target)
        for key in ("title", "content"):
            if isinstance(text.get(key), str) and text[key].strip():
                merged[key] = text[key]
        out.append(merged)
    return out


def problems_of(platform: str, entry: dict) -> list:
    """Why the written entry cannot be kept (empty list when it is fine)."""
    if not rules.has_content(entry):
        return [rules.problem(f"platform_contents.{platform}.content", "no content was written")]
    problems = rules.check_platform_entry(platform, entry)
    if rules.RULES[platform].title_max and not entry.get("title"):
        problems.append(rules.problem(f"platform_contents.{platform}.title", "no title"))
    return problems
