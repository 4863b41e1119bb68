"""Publishing: turn a launch into posts, reliably (publish, schedule, post, retry, settle).

- ``services``: publish_launch, retry_launch, mark_manual_posted, start_due_launches,
  sweep_publishing (every state change of a launch's run).
- ``posting``: the work of one post (claim, call the adapter, settle); run by launches.tasks.
- ``targets``: where a launch posts and what must hold before it may.
- ``content``: a PostingLog -> the adapter's PostRequest.
- ``selectors``: reads (posting status, logs).
"""
