"""Bulk import of launches from CSV or JSON: parse, preview (every row's problems), run.

A file becomes rows of ``create_launch`` arguments (``rows``); the preview checks each with the
same rules ``create_launch`` applies (``launches.services.check_new_launch``); running creates
each valid row through ``create_launch`` itself, one atomic row at a time (``run``).
"""
