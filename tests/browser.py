"""What every browser test module shares: Debian's Chromium, driven through Playwright."""

from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")

# A module's ``pytestmark``: a live server needs real transactions, and without Chromium the
# tests say how to get it instead of failing.
BROWSER_TESTS = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="Chromium not installed at /usr/bin/chromium (apt-get install -y chromium)",
    ),
]
