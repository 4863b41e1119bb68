from personas import stylometrics

TWEETS = [
    "shipping day 🚀 the new editor is live #buildinpublic",
    "shipping day again 🎉 small fixes, big wins #buildinpublic #indiehackers",
    "what would you build next? tell me below",
]


def test_measures_the_habits_the_writer_applies():
    stats = stylometrics.measure(TWEETS)
    assert stats["sample_count"] == 3
    assert stats["emoji_per_post"] == 0.67
    assert stats["hashtags_per_post"] == 1.0
    assert stats["line_breaks"] == "none"
    assert stats["uses_questions"] is True
    assert stats["avg_length"] == round(sum(map(len, TWEETS)) / 3)


def test_measures_capitalisation_calls_to_action_phrases_and_reading_level():
    stats = stylometrics.measure(TWEETS)
    assert stats["capitalisation"] == "mostly lowercase"
    assert stats["cta_rate"] == 0.33  # "tell me"
    assert stats["top_phrases"][0] == "shipping day"
    assert stats["top_hashtags"][0] == "#buildinpublic"
    assert stats["top_emoji"] == ["🚀", "🎉"]
    assert 60 <= stats["flesch_reading_ease"] <= 100
    assert stats["reading_level"] in {"plain", "easy", "very easy"}


def test_line_break_styles():
    assert stylometrics.line_break_style("one line") == "none"
    assert stylometrics.line_break_style("one\ntwo") == "single"
    assert stylometrics.line_break_style("one\n\ntwo") == "double"
    assert stylometrics.line_break_style("one\n  \ntwo\n") == "double"


def test_hashtags_are_not_numbers_or_anchors():
    stats = stylometrics.measure(["we are #1 today, see issue #42 and #launchday"])
    assert stats["hashtags_per_post"] == 1.0


def test_urls_do_not_count_as_words_or_phrases():
    stats = stylometrics.measure(["read https://example.com/a/b now", "read https://x.io now"])
    assert stats["avg_words"] == 2.0


def test_empty_input():
    assert stylometrics.measure([]) == {"sample_count": 0}
    assert stylometrics.measure(["   "]) == {"sample_count": 0}


def test_measure_sources_adds_overall():
    stats = stylometrics.measure_sources({"twitter": TWEETS, "reddit": []})
    assert set(stats) == {"twitter", "overall"}
    assert stats["overall"]["sample_count"] == 3


def test_representative_prefers_typical_posts_over_outliers():
    typical = [f"short update number {n} 🚀 #ship" for n in range(5)]
    outlier = "A very long essay without any emoji. " * 40
    chosen = stylometrics.representative([outlier, *typical], 3)
    assert outlier not in chosen
    assert len(chosen) == 3


def test_representative_skips_near_duplicates():
    posts = [
        "we shipped the editor today 🚀",
        "we shipped the editor today! 🚀",
        "new pricing page is live 🎉",
        "docs got a fresh coat of paint ✨",
        "A long and unusual post.\n\nWith paragraphs.\n\nAnd more paragraphs. " * 5,
    ]
    chosen = stylometrics.representative(posts, 3)
    shipped = [post for post in chosen if "shipped the editor" in post]
    assert len(shipped) == 1


def test_representative_returns_everything_when_few():
    assert stylometrics.representative(["a", "b", "a"], 3) == ["a", "b"]
