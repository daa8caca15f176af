"""Take the README's screenshots again, from a fresh demo: one command, nothing kept behind.

    .venv/bin/python docs/screenshots/take.py [--out docs/screenshots] [--only NAME ...]

1. A throw-away SQLite database and MEDIA_ROOT in a temporary folder, the environment of
   `make run` (no DATABASE_URL pointing elsewhere, no REDIS_URL: the checks run inline);
   `migrate`, `seed_demo`, then `manage.py runserver --noreload` on a free port.
2. Debian's chromium (/usr/bin/chromium, or CHROMIUM_PATH) driven by Playwright at 1366x900;
   each demo user logs in through the login form (password DEMO_PASSWORD, provenant-demo).
   The demo items are found by their titles (demo/story.py) in the lines `seed_demo` prints
   (`#<pk> <contributor> <status> <queue> <title>`); a shot whose item is missing is skipped
   with a warning, the others are still taken.
3. The server's process group is stopped and the temporary folder removed.

Long pages are captured whole, up to MAX_HEIGHT pixels.
"""

import argparse
import http.server
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
PASSWORD = os.environ.get("DEMO_PASSWORD", "provenant-demo")
WIDTH, HEIGHT = 1366, 900
PHONE = (390, 844)
MAX_HEIGHT = 2000
TIMEOUT_MS = 60_000
LAUNCH_ARGS = [  # as tests/browser/conftest.py
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# `  #12  bob    Awaiting review    Awaiting review  Holiday snapshot` (demo/story.py seed_story)
SEED_LINE = re.compile(r"^\s*#(?P<pk>\d+)\s+(?P<contributor>\w+)\s+(?P<rest>.*)$")

# The demo titles the shots need (demo/story.py).
CONTRADICTION = "Holiday snapshot"  # declared a photo, C2PA says generated: blocking finding
CONSENT = "Street interview (cloned voice)"  # Li Wei was asked, has not answered
PUBLISHED = "Festival poster"  # published with its TC260 label
VIDEO = "Paper boats (generated video)"  # published with ffmpeg
DEEPFAKE = "Mayor opens the new pier"  # marked a deepfake, published with the disclosure
REJECTED = "Beach day"  # alice's, rejected with a statement of reasons
CONSENT_TOKEN = "consent-token"  # the key of the consent link's token among the items
# Prints the link token of the pending consent request of submission {pk}, as the message sent.
CONSENT_TOKEN_CODE = """
from consent.models import ConsentRequest
from consent.tokens import request_token
r = ConsentRequest.objects.filter(submission_id={pk}, status="pending").order_by("-sent_at").first()
print(request_token(r.pk, r.nonce) if r else "")
"""


def warn(message: str) -> None:
    print(f"warning: {message}", file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def demo_environment(work: Path) -> dict[str, str]:
    """A new user's shell (none of Provenant's variables from .env.example), with the database
    and the media in the temporary folder."""
    env = dict(os.environ)
    names = re.findall(r"^([A-Z][A-Z0-9_]*)=", (ROOT / ".env.example").read_text(), flags=re.M)
    for name in [*names, "REQUIRE_SERVICES", "DJANGO_SETTINGS_MODULE", "DATABASE_URL", "REDIS_URL"]:
        env.pop(name, None)
    env["DATABASE_URL"] = f"sqlite:///{work / 'db.sqlite3'}"
    env["MEDIA_ROOT"] = str(work / "media")
    env["DEMO_PASSWORD"] = PASSWORD
    env["PYTHONUNBUFFERED"] = "1"
    return env


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"manage.py {' '.join(args)} failed ({result.returncode})")
    return result.stdout


def seeded_titles(output: str) -> dict[str, int]:
    """Title -> submission id, from the lines seed_demo prints for its story."""
    titles: dict[str, int] = {}
    from_story = [line for line in output.splitlines() if SEED_LINE.match(line)]
    known = _story_titles()
    for line in from_story:
        match = SEED_LINE.match(line)
        assert match is not None
        rest = match["rest"].rstrip()
        for title in known:
            if rest.endswith(title):
                titles[title] = int(match["pk"])
                break
    return titles


def _story_titles() -> list[str]:
    """The story's titles, longest first (so that no title matches as the tail of another)."""
    text = (ROOT / "demo" / "story.py").read_text()
    found = re.findall(r'Item\(\s*"\w+",\s*(?:"([^"]+)"|MARKER_TITLE)', text)
    marker = re.search(r'^MARKER_TITLE = "([^"]+)"', text, flags=re.M)
    titles = [t for t in found if t] + ([marker[1]] if marker else [])
    return sorted(set(titles), key=len, reverse=True)


class _Receiver(http.server.BaseHTTPRequestHandler):
    """The demo CMS's webhook endpoint, as examples/cms_client.py would answer: 200 to each event."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body = b'{"received": true}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def webhook_receiver() -> Iterator[str]:
    """A local endpoint for the demo webhook (WEBHOOK_DEMO_URL), so its attempts page has some."""
    receiver = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    thread = threading.Thread(target=receiver.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{receiver.server_address[1]}/webhooks"
    finally:
        receiver.shutdown()
        receiver.server_close()


@contextmanager
def server(env: dict[str, str], work: Path) -> Iterator[str]:
    port = free_port()
    log = (work / "runserver.log").open("w")
    process = subprocess.Popen(
        [PYTHON, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: stopped whole, nothing else
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if process.poll() is not None:
                raise SystemExit(f"runserver exited:\n{(work / 'runserver.log').read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"{base}/accounts/login/", timeout=10) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, OSError):
                pass
            if time.monotonic() > deadline:
                raise SystemExit("runserver did not answer /accounts/login/ within 120 s")
            time.sleep(0.5)
        yield base
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        log.close()


# Each <video> shows a frame (its labelled second one), not a spinner; each <img> is loaded.
SETTLE_MEDIA = """async () => {
  const videos = Array.from(document.querySelectorAll("video"));
  await Promise.all(videos.map(v => new Promise(done => {
    const seek = () => {
      v.addEventListener("seeked", done, {once: true});
      v.currentTime = Math.min(1, (v.duration || 2) / 2);
    };
    if (v.readyState >= 1) seek(); else v.addEventListener("loadedmetadata", seek, {once: true});
    setTimeout(done, 15000);
  })));
  await Promise.all(Array.from(document.images).filter(i => !i.complete).map(i => new Promise(done => {
    i.addEventListener("load", done, {once: true});
    i.addEventListener("error", done, {once: true});
    setTimeout(done, 15000);
  })));
}"""


def settle_media(page: Any) -> None:
    page.evaluate(SETTLE_MEDIA)
    if page.locator("video").count():
        page.wait_for_function(
            "() => Array.from(document.querySelectorAll('video')).every(v => v.readyState >= 3)",
            timeout=15_000,
        )
        page.wait_for_timeout(1500)  # the player's loading spinner fades out
    page.mouse.move(0, 0)  # no hover state on whatever was under the pointer


@dataclass
class Shooter:
    browser: Any
    base: str
    out: Path
    only: set[str]
    taken: list[str]

    def context(
        self, *, size: tuple[int, int] = (WIDTH, HEIGHT), language: str = "", mobile: bool = False
    ) -> Any:
        options: dict[str, Any] = {"viewport": {"width": size[0], "height": size[1]}, "locale": "en-US"}
        if language:
            options["locale"] = "zh-CN"
            options["extra_http_headers"] = {"Accept-Language": "zh-Hans,zh;q=0.9"}
        if mobile:
            options.update(is_mobile=True, has_touch=True, device_scale_factor=2)
        context = self.browser.new_context(**options)
        context.set_default_timeout(TIMEOUT_MS)
        if language:
            context.add_cookies([{"name": "django_language", "value": language, "url": self.base}])
        return context

    def login(self, username: str, **options: Any) -> Any:
        page = self.context(**options).new_page()
        page.goto(f"{self.base}/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", PASSWORD)
        page.click("form button[type=submit]")
        page.wait_for_load_state("networkidle")
        if "/accounts/login/" in page.url:
            raise SystemExit(f"{username} could not log in (still on {page.url})")
        return page

    def anonymous(self) -> Any:
        return self.context().new_page()

    def wanted(self, name: str) -> bool:
        return not self.only or name in self.only

    def shot(self, page: Any, name: str, path: str, *, whole: bool = True) -> None:
        if not self.wanted(name):
            return
        response = page.goto(f"{self.base}{path}")
        page.wait_for_load_state("networkidle")
        status = response.status if response is not None else 0
        if status != 200 or "/accounts/login/" in page.url:
            warn(f"{name}: {path} answered {status} at {page.url}; skipped")
            return
        settle_media(page)
        self.save(page, name, whole=whole)

    def save(self, page: Any, name: str, *, whole: bool = True) -> None:
        """The whole page up to MAX_HEIGHT image pixels, or (whole=False) the screen only."""
        target = self.out / f"{name}.png"
        if not whole:
            page.screenshot(path=str(target))
            self.taken.append(name)
            print(f"  {target}", flush=True)
            return
        height = page.evaluate("() => document.documentElement.scrollHeight")
        width = page.viewport_size["width"]
        # In image pixels: a phone's page (device scale 2) is cut at half the CSS height.
        limit = MAX_HEIGHT // page.evaluate("() => window.devicePixelRatio || 1")
        if height > limit:
            page.screenshot(
                path=str(target),
                full_page=True,
                clip={"x": 0, "y": 0, "width": width, "height": limit},
            )
        else:
            page.screenshot(path=str(target), full_page=True)
        self.taken.append(name)
        print(f"  {target}", flush=True)


def find_missing(shooter: Shooter, items: dict[str, Any]) -> None:
    """Titles seed_demo's lines did not give (its output changed?): read them from the
    contributors' own lists, /submissions/, where each row links /submissions/<id>/."""
    wanted = {CONTRADICTION, CONSENT, PUBLISHED, VIDEO, DEEPFAKE, REJECTED}
    if wanted <= items.keys():
        return
    for username in ("alice", "bob"):
        page = shooter.login(username)
        page.goto(f"{shooter.base}/submissions/")
        links = page.eval_on_selector_all(
            "a[href^='/submissions/']",
            "links => links.map(a => [a.getAttribute('href'), a.textContent.trim()])",
        )
        for href, text in links:
            match = re.fullmatch(r"/submissions/(\d+)/", href or "")
            if match and text in wanted and text not in items:
                items[text] = int(match[1])
        page.context.close()


def take_all(shooter: Shooter, items: dict[str, Any]) -> None:
    find_missing(shooter, items)

    def item(title: str, name: str) -> int | None:
        pk = items.get(title)
        if pk is None and shooter.wanted(name):
            warn(f"{name}: the demo item {title!r} is not there; skipped")
        return pk

    # The person asked for consent, from the link in their message (the server's own token).
    def consent_page() -> None:
        token = items.get(CONSENT_TOKEN)
        if token is None:
            warn(f"consent-request-page: no pending consent request for {CONSENT!r}; skipped")
            return
        page = shooter.anonymous()
        shooter.shot(page, "consent-request-page", f"/consent/{token}/")
        page.context.close()

    if shooter.wanted("consent-request-page"):
        consent_page()

    def each(names: list[str], do: Callable[[], None]) -> None:
        if any(shooter.wanted(n) for n in names):
            do()

    # The moderator.
    def moderator() -> None:
        page = shooter.login("mod")
        shooter.shot(page, "moderator-home", "/review/")
        shooter.shot(page, "review-queue", "/review/queue/review/")
        if (pk := item(CONTRADICTION, "review-item-contradiction")) is not None:
            shooter.shot(page, "review-item-contradiction", f"/review/items/{pk}/")
        if (pk := item(CONSENT, "review-item-consent")) is not None:
            shooter.shot(page, "review-item-consent", f"/review/items/{pk}/")
        shooter.shot(page, "bulk-review", "/review/bulk/")
        shooter.shot(page, "notice-queue", "/notices/")
        page.context.close()

    each(
        [
            "moderator-home",
            "review-queue",
            "review-item-contradiction",
            "review-item-consent",
            "bulk-review",
            "notice-queue",
        ],
        moderator,
    )

    def moderator_zh() -> None:
        if (pk := item(CONTRADICTION, "review-item-zh")) is None:
            return
        page = shooter.login("mod", language="zh-hans")
        shooter.shot(page, "review-item-zh", f"/review/items/{pk}/")
        page.context.close()

    each(["review-item-zh"], moderator_zh)

    def moderator_phone() -> None:
        if (pk := item(CONTRADICTION, "review-item-phone")) is None:
            return
        page = shooter.login("mod", size=PHONE, mobile=True)
        # One phone screen: what a moderator sees first on a phone.
        shooter.shot(page, "review-item-phone", f"/review/items/{pk}/", whole=False)
        page.context.close()

    each(["review-item-phone"], moderator_phone)

    # The senior moderator.
    def senior() -> None:
        page = shooter.login("senior")
        shooter.shot(page, "complaint-queue", "/complaints/")
        shooter.shot(page, "metrics", "/oversight/metrics/")
        page.context.close()

    each(["complaint-queue", "metrics"], senior)

    # The contributor.
    def contributor() -> None:
        page = shooter.login("alice")
        shooter.shot(page, "contributor-dashboard", "/submissions/")
        if (pk := item(REJECTED, "contributor-rejected-statement")) is not None:
            shooter.shot(page, "contributor-rejected-statement", f"/submissions/{pk}/")
        shooter.shot(page, "new-submission", "/submissions/new/")
        page.context.close()

    each(["contributor-dashboard", "contributor-rejected-statement", "new-submission"], contributor)

    # Readers, anonymous.
    def readers() -> None:
        page = shooter.anonymous()
        if (pk := item(PUBLISHED, "published-page")) is not None:
            shooter.shot(page, "published-page", f"/p/{pk}/")
        if (pk := item(VIDEO, "published-video")) is not None:
            shooter.shot(page, "published-video", f"/p/{pk}/")
        if (pk := item(DEEPFAKE, "deepfake-disclosure")) is not None:
            shooter.shot(page, "deepfake-disclosure", f"/p/{pk}/")
        shooter.shot(page, "notice-form", "/report/")
        shooter.shot(page, "api-docs", "/api/docs")
        page.context.close()

    each(["published-page", "published-video", "deepfake-disclosure", "notice-form", "api-docs"], readers)

    # The administrator.
    def administrator() -> None:
        page = shooter.login("admin")
        shooter.shot(page, "admin-users", "/admin/accounts/user/")
        if shooter.wanted("admin-webhook-attempts"):
            page.goto(f"{shooter.base}/admin/webhooks/webhookendpoint/")
            page.wait_for_load_state("networkidle")
            link = page.locator("a[href*='/attempts/']").first
            if link.count():
                attempts = link.get_attribute("href") or ""
                page.goto(f"{shooter.base}{attempts}")
                send = page.locator("input[type=submit][value='Send test event']")
                if send.count():  # one attempt to show, delivered to the local receiver
                    send.first.click()
                    page.wait_for_load_state("networkidle")
                shooter.shot(page, "admin-webhook-attempts", attempts)
            else:
                change = page.locator("#result_list th a").first
                if change.count():
                    shooter.shot(page, "admin-webhook-attempts", change.get_attribute("href") or "")
                else:
                    warn("admin-webhook-attempts: no webhook endpoint in the admin; skipped")
        page.context.close()

    each(["admin-users", "admin-webhook-attempts"], administrator)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"), help="where the PNGs go")
    parser.add_argument("--only", nargs="*", default=[], help="take only these shots (names without .png)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (its path is printed)")
    args = parser.parse_args()
    out = Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    chromium = os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium"
    if not os.path.exists(chromium):
        raise SystemExit(f"{chromium} not found (apt-get install chromium, or set CHROMIUM_PATH)")
    work = Path(tempfile.mkdtemp(prefix="provenant-screenshots."))
    try:
        with webhook_receiver() as webhook_url:
            run(work, webhook_url, out, chromium, set(args.only))
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


def run(work: Path, webhook_url: str, out: Path, chromium: str, only: set[str]) -> None:
    """Make the demo in `work`, serve it, and take the screenshots into `out`."""
    from playwright.sync_api import sync_playwright

    env = demo_environment(work)
    env["WEBHOOK_DEMO_URL"] = webhook_url
    print(f"demo database in {work}", flush=True)
    manage(env, "migrate", "--noinput", "-v", "0")
    titles = seeded_titles(manage(env, "seed_demo"))
    print(f"seed_demo made {len(titles)} items", flush=True)
    # The metrics page reads daily roll-ups (hourly in production): compute today's.
    manage(env, "rollup_metrics", "--days", "2")
    items: dict[str, Any] = dict(titles)
    if CONSENT in titles:
        printed = manage(env, "shell", "-v", "0", "-c", CONSENT_TOKEN_CODE.format(pk=titles[CONSENT]))
        token = (printed.strip().splitlines() or [""])[-1].strip()
        if token:
            items[CONSENT_TOKEN] = token
    taken: list[str] = []
    with server(env, work) as base, sync_playwright() as playwright:
        print(f"server on {base}", flush=True)
        browser = playwright.chromium.launch(executable_path=chromium, headless=True, args=LAUNCH_ARGS)
        try:
            take_all(Shooter(browser, base, out, only, taken), items)
        finally:
            browser.close()
    print(f"{len(taken)} screenshots in {out}", flush=True)


if __name__ == "__main__":
    main()
