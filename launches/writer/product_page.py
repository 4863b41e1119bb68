"""Text of a product page, for the writer's context: fetched only through dropspace.http."""

import hashlib
import logging

from bs4 import BeautifulSoup
from django.conf import settings
from django.core.cache import cache

from dropspace import http

logger = logging.getLogger(__name__)

TEXT_TYPES = ("text/html", "application/xhtml+xml", "text/plain")
# Regenerating a launch's content reuses the page read a moment ago instead of fetching again.
CACHE_SECONDS = 3600
SKIPPED_TAGS = ["script", "style", "noscript", "svg", "nav", "footer", "form", "iframe"]


def product_page_text(url: str) -> str:
    """The readable text of ``url`` (title, description, headings, paragraphs), or "".

    A page that cannot be fetched safely only means less context: the launch is still written.
    """
    if not url:
        return ""
    key = "launches:product-page:" + hashlib.sha256(url.encode()).hexdigest()
    text = cache.get(key)
    if text is None:
        text = _fetch_text(url)
        if text:  # a failure is not remembered: the page may be back on the next try
            cache.set(key, text, CACHE_SECONDS)
    return text


def _fetch_text(url: str) -> str:
    try:
        result = http.fetch(
            url,
            timeout=settings.OUTBOUND_FETCH_TIMEOUT_SECONDS,
            max_bytes=settings.LAUNCH_PRODUCT_PAGE_MAX_BYTES,
            max_redirects=settings.OUTBOUND_FETCH_MAX_REDIRECTS,
        )
    except (http.UnsafeURLError, http.FetchError) as exc:
        logger.info("product page %s not used: %s", url, exc)
        return ""
    if result.status != 200 or not _is_text(result.headers):
        return ""
    return extract_text(result.content)[: settings.LAUNCH_PRODUCT_PAGE_MAX_CHARS]


def _is_text(headers) -> bool:
    content_type = {k.lower(): v for k, v in dict(headers).items()}.get("content-type", "")
    return content_type.split(";")[0].strip().lower() in TEXT_TYPES


def extract_text(content: bytes) -> str:
    soup = BeautifulSoup(content, "html.parser")
    for tag in soup(SKIPPED_TAGS):
        tag.decompose()
    parts = []
    if soup.title and soup.title.string:
        parts.append(soup.title.string.strip())
    for meta_name in ("description", "og:description"):
        meta = soup.find("meta", attrs={"name": meta_name}) or soup.find(
            "meta", attrs={"property": meta_name}
        )
        if meta and meta.get("content"):
            parts.append(meta["content"].strip())
    for element in soup.find_all(["h1", "h2", "h3", "p", "li"]):
        text = " ".join(element.get_text(" ").split())
        if len(text) > 2 and text not in parts:
            parts.append(text)
    return "\n".join(parts)
