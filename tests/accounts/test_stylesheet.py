"""Other apps write pages against these class names (ARCHITECTURE + brief): they must exist."""

import re
from pathlib import Path

import pytest
from django.conf import settings

CSS = (Path(settings.BASE_DIR) / "static" / "css" / "app.css").read_text()
STATUSES = [
    "draft",
    "scheduled",
    "running",
    "completed",
    "partial",
    "failed",
    "cancelled",
    "healthy",
    "needs_reauth",
    "error",
    "success",
    "pending",
    "manual",
    "trigger",
    "idle",
    "building",
    "complete",
]
VOCABULARY = [
    "page-header",
    "card",
    "btn",
    "btn-primary",
    "btn-secondary",
    "btn-danger",
    "btn-ghost",
    "btn-sm",
    "badge",
    "table",
    "empty-state",
    "form-field",
    "help",
    "field-error",
    "alert",
    "alert-error",
    "alert-success",
    "alert-info",
    "alert-warning",
    "tabs",
    "stack",
    "row",
    "grid-2",
    "muted",
    "mono",
    "progress",
    "sandbox-label",
] + [f"badge-{status}" for status in STATUSES]


@pytest.mark.parametrize("name", VOCABULARY)
def test_class_is_defined(name):
    assert re.search(rf"\.{re.escape(name)}(?![\w-])", CSS), f".{name} missing from app.css"


def test_dark_theme_and_focus_styles():
    assert "@media (prefers-color-scheme: dark)" in CSS
    assert ":focus-visible" in CSS


def test_no_remote_assets():
    assert "http://" not in CSS.replace("http://www.w3.org/2000/svg", "")
    assert "https://" not in CSS
