"""Soak a running `make run`: bursts of launches through the API, idle gaps, then a verdict.

    make run PORT=8101 2>&1 | tee var/soak.log        # in one terminal
    .venv/bin/python -m bench.soak --base-url http://127.0.0.1:8101 \\
        --key ds_live_... --minutes 15 --log var/soak.log

Signs in as the demo account, connects sandbox X, LinkedIn and Facebook accounts through the
dashboard's real OAuth flow (the sandbox consent page), then every minute (except the idle
ones) creates a burst of launches with the API key `make run` printed, publishes them to those
accounts and waits for every post to settle. It stops by itself after --minutes and prints
what happened; with --log it also counts the worker's processed tasks and any CRITICAL line or
Traceback in the `make run` output. Talks to 127.0.0.1/localhost only.
"""

import argparse
import collections
import html.parser
import re
import sys
import time
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import requests

PLATFORMS = ["twitter", "linkedin", "facebook"]
FINISHED = {"completed", "partial", "failed", "cancelled"}
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


class Forms(html.parser.HTMLParser):
    """The fields a browser would submit from each form of a page."""

    def __init__(self):
        super().__init__()
        self.forms: list[list[tuple[str, str]]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append([])
        elif tag == "input" and self.forms and attrs.get("name"):
            if attrs.get("type") == "checkbox" and "checked" not in attrs:
                return
            self.forms[-1].append((attrs["name"], attrs.get("value") or ""))


def form_fields(page: str, having: str) -> list[tuple[str, str]]:
    """The fields of the page's form with a field named ``having``."""
    parser = Forms()
    parser.feed(page)
    return next(form for form in parser.forms if any(name == having for name, _ in form))


class Dashboard:
    """A person in a browser: signs in and connects sandbox accounts."""

    def __init__(self, base: str):
        self.base, self.session = base, requests.Session()

    def post(self, path: str, fields) -> requests.Response:
        url = urljoin(self.base, path)
        return self.session.post(url, data=fields, headers={"Referer": url}, allow_redirects=False)

    def sign_in(self, email: str, password: str) -> None:
        page = self.session.get(urljoin(self.base, "/accounts/login/")).text
        fields = dict(form_fields(page, "login"), login=email, password=password)
        response = self.post("/accounts/login/", fields)
        if response.status_code != 302:
            sys.exit(f"could not sign in as {email}")

    def connect(self, platform: str) -> None:
        page = self.session.get(urljoin(self.base, "/connections/")).text
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        authorize = self.post(f"/connections/{platform}/connect/", {"csrfmiddlewaretoken": token})
        consent_url = authorize.headers["Location"]
        consent = self.session.get(urljoin(self.base, consent_url)).text
        fields = [*form_fields(consent, "username"), ("decision", "approve")]
        fields = [(k, "soak" if k == "username" else v) for k, v in fields]
        back = self.post(urlsplit(consent_url).path + "?" + urlsplit(consent_url).query, fields)
        done = self.session.get(urljoin(self.base, back.headers["Location"]), allow_redirects=False)
        if done.headers.get("Location") == "/connections/choose/":
            choose = self.session.get(urljoin(self.base, "/connections/choose/")).text
            self.post("/connections/choose/", form_fields(choose, "accounts"))


class Api:
    """The API with the printed key; waits out a 429 as a client should."""

    def __init__(self, base: str, key: str):
        self.base = base
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {key}"
        self.calls = collections.Counter()

    def call(self, method: str, path: str, **kwargs) -> dict:
        while True:
            response = self.session.request(method, urljoin(self.base, f"/v1/{path}"), **kwargs)
            self.calls[response.status_code] += 1
            if response.status_code != 429:
                break
            time.sleep(int(response.headers.get("Retry-After", "1")))
        if response.status_code >= 400:
            raise RuntimeError(f"{method} /v1/{path}: {response.status_code} {response.text[:300]}")
        return response.json()["data"]


def target_key(connection: dict) -> str:
    if connection["platform"] == "linkedin":
        kind = connection["account_type"]
        return (
            "linkedin:personal"
            if kind == "personal"
            else f"linkedin:{kind}:" + (connection["entity_id"])
        )
    if connection["platform"] == "facebook":
        return f"facebook:page:{connection['entity_id']}"
    return connection["platform"]


def targets(api: Api) -> dict[str, str]:
    chosen = {}
    for connection in api.call("GET", "connections", params={"page_size": 100}):
        if connection["is_active"] and connection["platform"] in PLATFORMS:
            chosen.setdefault(connection["platform"], connection)
    return {target_key(c): c["id"] for c in chosen.values()}


def burst(api: Api, accounts: dict[str, str], size: int, number: int) -> collections.Counter:
    """Create and publish ``size`` launches; wait until every post has settled."""
    launches = []
    for index in range(size):
        body = {
            "title": f"Soak burst {number} launch {index}",
            "product_description": "A soak test of the embedded stack: bursts and idle gaps.",
            "platforms": PLATFORMS,
            "user_platform_accounts": accounts,
        }
        if index % 2:  # half are written by the writer, half bring their own text
            body["custom_content"] = f"Soak burst {number}, launch {index}: still standing."
        launch = api.call("POST", "launches", json=body)
        api.call("POST", f"launches/{launch['id']}/publish", json={})
        launches.append(launch["id"])
    outcome, deadline = collections.Counter(), time.monotonic() + 50
    pending = list(launches)
    while pending and time.monotonic() < deadline:
        time.sleep(2)
        for launch_id in list(pending):
            status = api.call("GET", f"launches/{launch_id}")["status"]
            if status in FINISHED:
                outcome[status] += 1
                pending.remove(launch_id)
    if pending:
        outcome["unfinished"] = len(pending)
    return outcome


def log_verdict(log: Path) -> dict[str, int]:
    text = log.read_text(errors="replace")
    return {
        "tasks succeeded": len(re.findall(r"Task \S+\[[0-9a-f-]+\] succeeded", text)),
        "tasks failed": len(re.findall(r"Task \S+\[[0-9a-f-]+\] raised", text)),
        "CRITICAL lines": text.count("CRITICAL"),
        "Tracebacks": text.count("Traceback (most recent call last)"),
        "messages set aside": text.count("Unreadable broker message"),
        "process exits": len(re.findall(r"system\s*\| \S+ (?:stopped|exited)", text)),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--key", required=True, help="the API key `make run` printed")
    parser.add_argument("--email", default="demo@dropspace.local")
    parser.add_argument("--password", default="dropspace-demo")
    parser.add_argument("--minutes", type=int, default=15)
    parser.add_argument("--burst", type=int, default=4, help="launches per burst")
    parser.add_argument("--idle-every", type=int, default=3, help="every Nth minute is idle")
    parser.add_argument("--log", type=Path, help="the `make run` output, to check afterwards")
    args = parser.parse_args(argv)
    if urlsplit(args.base_url).hostname not in LOOPBACK:
        parser.error("--base-url must be on 127.0.0.1/localhost: this floods the server")

    dashboard, api = Dashboard(args.base_url), Api(args.base_url, args.key)
    dashboard.sign_in(args.email, args.password)
    accounts = targets(api)
    for platform in PLATFORMS:
        if not any(key.startswith(platform) for key in accounts):
            dashboard.connect(platform)
    accounts = targets(api)
    print(f"posting to {sorted(accounts)}", flush=True)

    started, totals = time.monotonic(), collections.Counter()
    for minute in range(args.minutes):
        minute_start = started + 60 * minute
        if (minute + 1) % args.idle_every == 0:
            print(f"minute {minute + 1:2d}: idle", flush=True)
        else:
            outcome = burst(api, accounts, args.burst, minute + 1)
            totals.update(outcome)
            print(f"minute {minute + 1:2d}: {dict(outcome)}", flush=True)
        time.sleep(max(0.0, minute_start + 60 - time.monotonic()))

    print(f"launches: {dict(totals)}; API answers: {dict(api.calls)}")
    healthy = set(totals) <= {"completed"}
    if args.log:
        verdict = log_verdict(args.log)
        print(f"log: {verdict}")
        healthy = healthy and not (
            verdict["CRITICAL lines"] or verdict["Tracebacks"] or verdict["process exits"]
        )
    print("HEALTHY" if healthy else "PROBLEMS")
    return 0 if healthy else 1


if __name__ == "__main__":
    sys.exit(main())
