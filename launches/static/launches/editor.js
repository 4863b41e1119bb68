// The launch editor: X-weighted character counters, the thread editor, live previews, tabs.
// Counting mirrors launches.rules.tweet_length (twitter-text): every URL counts 23, characters
// outside X's light ranges (CJK, emoji...) count 2, everything else 1.
(function () {
  "use strict";

  var URL_LENGTH = 23;
  var MAX_TWEETS = 6;
  // twitter-text v3 config: these code point ranges weigh 1 (100); all others weigh 2 (200).
  var LIGHT_RANGES = [[0, 4351], [8192, 8205], [8208, 8223], [8242, 8247]];
  // X's top-level domains come from the server (twitter-text's lists, see rules.x_url_tlds);
  // the short list is only a fallback for a page without them.
  var FALLBACK_TLDS = ["com", "org", "net", "io", "dev", "app", "ai", "co", "me", "ly", "so"];
  var urlPattern = null;

  function escapeRegExp(text) {
    return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }

  function buildUrlPattern(tlds) {
    var domain = "(?:[\\p{L}\\p{N}_-]+\\.)+(?:" + tlds.map(escapeRegExp).join("|") + ")(?=[^0-9a-zA-Z@+\\-]|$)";
    // Like twitter-text: no URL right after @ or inside a word; trailing punctuation is not
    // part of the link.
    return new RegExp(
      "(?<![@\\p{L}\\p{N}_.\\-\\/])(?:https?:\\/\\/)?" + domain +
      "(?::\\d+)?(?:[\\/?#][^\\s]*?)?(?=[.,;:!?)\\]'\"]*(?:\\s|$))",
      "giu"
    );
  }

  function urls() {
    if (!urlPattern) {
      var data = typeof document.getElementById === "function" && document.getElementById("x-url-tlds");
      var tlds = data ? JSON.parse(data.textContent) : (window.dropspaceTlds || FALLBACK_TLDS);
      urlPattern = buildUrlPattern(tlds);
    }
    urlPattern.lastIndex = 0;
    return urlPattern;
  }

  function isLight(codePoint) {
    for (var i = 0; i < LIGHT_RANGES.length; i++) {
      if (codePoint >= LIGHT_RANGES[i][0] && codePoint <= LIGHT_RANGES[i][1]) return true;
    }
    return false;
  }

  function tweetLength(text) {
    text = text.normalize ? text.normalize("NFC") : text;
    var length = 0;
    var withoutUrls = text.replace(urls(), function () {
      length += URL_LENGTH;
      return "";
    });
    // Emoji sequences (flags, skin tones, ZWJ families) count 2 as a whole, like twitter-text.
    var emoji = /\p{Extended_Pictographic}(?:\uFE0F|\p{Emoji_Modifier}|\u200D\p{Extended_Pictographic})*|\p{Regional_Indicator}{2}/gu;
    withoutUrls = withoutUrls.replace(emoji, function () {
      length += 2;
      return "";
    });
    for (var ch of withoutUrls) {
      length += isLight(ch.codePointAt(0)) ? 1 : 2;
    }
    return length;
  }

  function count(field) {
    return field.dataset.count === "twitter" ? tweetLength(field.value) : Array.from(field.value).length;
  }

  function counterFor(field) {
    var next = field.nextElementSibling;
    return next && next.classList.contains("counter") ? next : null;
  }

  function updateCounter(field) {
    var counter = counterFor(field);
    var limit = parseInt(field.dataset.limit, 10);
    if (!counter || !limit) return;
    var used = count(field);
    counter.textContent = used + " / " + limit + (field.dataset.count === "twitter" ? " (as X counts)" : "");
    counter.classList.toggle("field-error", used > limit);
    field.setAttribute("aria-invalid", used > limit ? "true" : "false");
  }

  // The preview's count, worded as the char_count tag words it.
  function showCount(badge, used) {
    if (!badge) return;
    var limit = parseInt(badge.dataset.limit, 10);
    var over = used > limit;
    badge.textContent = used + " / " + limit + (over ? " · " + (used - limit) + " over the limit" : "");
    badge.classList.toggle("is-over", over);
  }

  // The same fold as the fold_text tag: cut at the last whole word, the rest behind "see more".
  function foldInto(target, text, fold) {
    target.textContent = "";
    var handle = target.dataset.handle;
    if (handle) {
      var strong = document.createElement("strong");
      strong.className = "pp-inline-handle";
      strong.textContent = handle;
      target.append(strong, " ");
    }
    if (!fold || text.length <= fold) {
      target.append(text);
      return;
    }
    var cut = text.lastIndexOf(" ", fold);
    if (cut <= fold / 2) cut = fold;
    var rest = document.createElement("span");
    rest.className = "pp-rest";
    rest.textContent = text.slice(cut);
    var more = document.createElement("button");
    more.type = "button";
    more.className = "pp-more";
    more.textContent = "…see more";
    target.append(text.slice(0, cut), rest, more);
  }

  function updatePreview(field) {
    var key = field.dataset.preview;
    if (!key) return;
    var root = field.closest("[role=tabpanel]") || document;
    var target = root.querySelector('[data-preview-of="' + key + '"]');
    if (!target) return;
    if (key === "twitter-thread") {
      // one row per tweet, copied from the first so avatar, name and handle stay
      var model = target.querySelector(".pp-tweet");
      if (!model) return;
      model = model.cloneNode(true);
      target.textContent = "";
      root.querySelectorAll('textarea[name="twitter-thread"]').forEach(function (tweet) {
        var row = model.cloneNode(true);
        row.querySelector(".pp-text").textContent = tweet.value;
        showCount(row.querySelector(".pp-count"), tweetLength(tweet.value));
        target.appendChild(row);
      });
    } else {
      var card = target.closest(".post-preview");
      var fold = card && target.classList.contains("pp-body") ? parseInt(card.dataset.fold, 10) : 0;
      foldInto(target, field.value, fold || 0);
      showCount(root.querySelector('[data-count-of="' + key + '"]'), count(field));
    }
  }

  document.addEventListener("click", function (event) {
    var more = event.target.closest(".pp-more");
    if (more) more.closest(".post-preview").classList.add("is-expanded");
  });

  function renumber(thread) {
    var tweets = thread.querySelectorAll("[data-tweet]");
    tweets.forEach(function (tweet, index) {
      tweet.querySelector("[data-tweet-number]").textContent = index + 1;
    });
    var add = thread.querySelector("[data-add-tweet]");
    if (add) add.disabled = tweets.length >= MAX_TWEETS;
    var first = thread.querySelector("textarea");
    if (first) updatePreview(first);
  }

  function onClick(event) {
    var button = event.target.closest("button");
    if (!button) return;
    var thread = button.closest("[data-thread]");
    var tweet = button.closest("[data-tweet]");
    if (button.hasAttribute("data-add-tweet") && thread) {
      var tweets = thread.querySelectorAll("[data-tweet]");
      if (tweets.length >= MAX_TWEETS) return;
      var copy = tweets[tweets.length - 1].cloneNode(true);
      copy.querySelectorAll(".field-error").forEach(function (e) { e.remove(); });
      var area = copy.querySelector("textarea");
      area.value = "";
      tweets[tweets.length - 1].after(copy);
      updateCounter(area);
      area.focus();
    } else if (button.hasAttribute("data-remove") && tweet) {
      if (thread.querySelectorAll("[data-tweet]").length > 1) tweet.remove();
      else tweet.querySelector("textarea").value = "";
    } else if (button.dataset.move === "up" && tweet && tweet.previousElementSibling) {
      tweet.previousElementSibling.before(tweet);
    } else if (button.dataset.move === "down" && tweet && tweet.nextElementSibling && tweet.nextElementSibling.hasAttribute("data-tweet")) {
      tweet.nextElementSibling.after(tweet);
    } else {
      return;
    }
    renumber(thread);
  }

  function selectTab(link) {
    var tablist = link.closest("[role=tablist]");
    tablist.querySelectorAll("[role=tab]").forEach(function (tab) {
      var selected = tab === link;
      tab.setAttribute("aria-selected", selected ? "true" : "false");
      var panel = document.getElementById(tab.getAttribute("aria-controls"));
      if (panel) panel.hidden = !selected;
    });
  }

  function init(root) {
    root.querySelectorAll("[data-limit]").forEach(updateCounter);
    root.querySelectorAll("[data-thread]").forEach(renumber);
  }

  document.addEventListener("input", function (event) {
    if (event.target.matches("[data-limit]")) updateCounter(event.target);
    if (event.target.matches("[data-preview]")) updatePreview(event.target);
  });
  document.addEventListener("click", function (event) {
    var tab = event.target.closest("[role=tab][data-tab]");
    if (tab) {
      event.preventDefault();
      selectTab(tab);
      return;
    }
    onClick(event);
  });
  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:afterSwap", function (event) { init(event.target); });

  window.dropspaceTweetLength = tweetLength; // for the browser console and tests
})();
