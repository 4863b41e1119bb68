"""The SSRF-safe fetcher, against a real local HTTP server and mocked DNS answers."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from dropspace import http


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        routes = {
            "/hello": (200, {}, b"hello world"),
            "/big": (200, {}, b"x" * 5000),
            "/to-metadata": (302, {"Location": "http://169.254.169.254/latest/meta-data"}, b""),
            "/to-hello": (301, {"Location": "/hello"}, b""),
            "/loop": (302, {"Location": "/loop"}, b""),
            "/host": (200, {}, self.headers["Host"].encode()),
        }
        status, headers, body = routes.get(self.path, (404, {}, b"missing"))
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.send_response(201)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://localhost:{httpd.server_port}"
    httpd.shutdown()


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "224.0.0.1",
        "::1",
        "fc00::1",
        "fe80::1",
        "::ffff:127.0.0.1",
        "2002:7f00:1::",
        "64:ff9b::a00:1",
    ],
)
def test_non_public_addresses_are_refused(address):
    assert not http.is_public(http.ipaddress.ip_address(address))


def test_public_address_is_allowed():
    assert http.is_public(http.ipaddress.ip_address("93.184.216.34"))
    assert http.is_public(http.ipaddress.ip_address("2606:4700::1111"))


@pytest.mark.parametrize(
    "url",
    ["ftp://example.com/", "file:///etc/passwd", "http:///nohost", "https://example.com:8443/"],
)
def test_bad_scheme_host_or_port_is_refused(url):
    with pytest.raises(http.UnsafeURLError):
        http.check_url(url)


def test_name_resolving_to_loopback_is_refused(dns):
    dns["innocent.example"] = ["127.0.0.1"]
    with pytest.raises(http.UnsafeURLError, match="non-public"):
        http.fetch("https://innocent.example/")


def test_name_with_one_private_answer_among_public_ones_is_refused(dns):
    dns["mixed.example"] = ["93.184.216.34", "10.0.0.7"]
    with pytest.raises(http.UnsafeURLError):
        http.check_url("https://mixed.example/")


def test_loopback_is_refused_unless_allowed(server):
    with pytest.raises(http.LoopbackURLError, match="loopback"):
        http.fetch(f"{server}/hello")
    with pytest.raises(http.LoopbackURLError):
        http.check_url("https://[::1]/")
    result = http.fetch(f"{server}/hello", allow_loopback=True)
    assert (result.status, result.content, result.text) == (200, b"hello world", "hello world")


def test_post_sends_the_body(server):
    result = http.fetch(f"{server}/echo", method="POST", data=b'{"a": 1}', allow_loopback=True)
    assert (result.status, result.content) == (201, b'{"a": 1}')


def test_body_over_the_cap_fails(server):
    with pytest.raises(http.FetchError, match="larger than 1000 bytes"):
        http.fetch(f"{server}/big", max_bytes=1000, allow_loopback=True)


def test_body_over_the_cap_can_be_truncated_instead(server):
    result = http.fetch(f"{server}/big", max_bytes=1000, truncate=True, allow_loopback=True)
    assert result.content == b"x" * 1000


def test_redirect_is_followed_and_rechecked(server):
    assert http.fetch(f"{server}/to-hello", allow_loopback=True).content == b"hello world"
    with pytest.raises(http.UnsafeURLError):
        http.fetch(f"{server}/to-metadata", allow_loopback=True)


def test_redirects_are_not_followed_when_disabled(server):
    result = http.fetch(f"{server}/to-hello", max_redirects=0, allow_loopback=True)
    assert result.status == 301
    assert result.headers["Location"] == "/hello"


def test_redirect_loop_stops(server):
    with pytest.raises(http.FetchError, match="redirects"):
        http.fetch(f"{server}/loop", allow_loopback=True)


def test_connects_to_the_checked_address_without_resolving_again(server, dns):
    # The Host header keeps the name while the socket goes to the address checked first:
    # a second DNS answer (rebinding) is never asked for.
    result = http.fetch(f"{server}/host", allow_loopback=True)
    assert result.text == server.removeprefix("http://")
    assert dns.lookups.count("localhost") == 1


def test_unresolvable_host_is_a_fetch_error(dns):
    dns["nowhere.example"] = []
    with pytest.raises(http.FetchError, match="cannot resolve"):
        http.fetch("https://nowhere.example/")
