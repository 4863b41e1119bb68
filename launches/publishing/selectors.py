"""Reads of a launch's posts for publishing callers (the API, the pages).

The implementations live in launches.selectors (the one place tenant scoping lives); these are
the names the publishing interface promises.
"""

from launches.selectors import get_posting_log_for_user, posting_logs, posting_status

launch_posting_status = posting_status

__all__ = ["get_posting_log_for_user", "launch_posting_status", "posting_logs"]
