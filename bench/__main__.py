"""Run every benchmark and print one table: `make bench` (or `python -m bench`)."""

import os

import django


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dropspace.settings")
    # Webhook receivers in the benchmark are plain-http servers on 127.0.0.1.
    os.environ.setdefault("WEBHOOKS_ALLOW_LOOPBACK", "true")
    django.setup()
    import sys

    from bench import (
        api_list,
        media_generation,
        media_ingest,
        media_upload,
        planning,
        publishing,
        webhooks,
    )

    sections = {
        "webhooks": webhooks.run,
        "publishing": publishing.run,
        "api_list": api_list.run,
        "media": media_ingest.run,
        "uploads": media_upload.run,
        "planning": planning.run,
        "render": media_generation.run,
    }
    chosen = sys.argv[1:] or list(sections)  # `python -m bench publishing` runs one section
    rows = [row for name in chosen for row in sections[name]()]
    print_table(rows)


def print_table(rows: list[tuple[str, str]]) -> None:
    width = max(len(name) for name, _ in rows)
    print(f"{'benchmark'.ljust(width)}  result")
    print(f"{'-' * width}  {'-' * 30}")
    for name, value in rows:
        print(f"{name.ljust(width)}  {value}")


if __name__ == "__main__":
    main()
