#!/usr/bin/env python3
"""Log in as each demo user through the real login form, as a person would, and check each lands
on their own logged-in page. Standard library only: it runs before any virtualenv exists.

    python3 .ci/login_as_demo_users.py http://127.0.0.1:8123 [--wait SECONDS]

Steps for each user: GET /accounts/login/ (a fresh cookie jar), read the CSRF token from the
form, POST the username and password with it, follow the redirects, and check the final page:
its path is the role's home and it offers "Log out". Exit 0 when all five get in, 1 otherwise.
"""

import argparse
import http.cookiejar
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

PASSWORD = "provenant-demo"
# Where each demo user lands after logging in (accounts.views.home sends each role home).
LANDING = {
    "mod": "/review/",
    "senior": "/review/",
    "alice": "/submissions/",
    "bob": "/submissions/",
    "admin": "/admin/",
}
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
LOGGED_IN = re.compile(r'id="logout-(button|form)"')


def wait_for_login_page(base: str, seconds: float) -> None:
    """The first `make run` installs packages and seeds the demo: wait until the page answers."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(f"{base}/accounts/login/", timeout=10) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        if time.monotonic() > deadline:
            raise SystemExit(f"{base}/accounts/login/ did not answer within {seconds:.0f} s")
        time.sleep(1)


def log_in(base: str, username: str, password: str) -> str:
    """Return a problem, or "" when `username` reached their logged-in home page."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    login_url = f"{base}/accounts/login/"
    with opener.open(login_url, timeout=30) as response:
        form = response.read().decode()
    match = CSRF.search(form)
    if not match:
        return "the login page has no CSRF token"
    data = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": match.group(1), "username": username, "password": password, "next": ""}
    ).encode()
    request = urllib.request.Request(login_url, data=data, headers={"Referer": login_url})
    try:
        with opener.open(request, timeout=60) as response:
            page = response.read().decode()
            final = urllib.parse.urlsplit(response.url).path
    except urllib.error.HTTPError as exc:
        return f"HTTP {exc.code} from {exc.url}"
    if final != LANDING[username]:
        return f"landed on {final}, expected {LANDING[username]}"
    if not LOGGED_IN.search(page):
        return f"{final} does not look logged in (no log-out control)"
    return ""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("base", help="the server's address, e.g. http://127.0.0.1:8123")
    parser.add_argument("--wait", type=float, default=0, help="wait this long for the login page first")
    parser.add_argument("--password", default=PASSWORD)
    args = parser.parse_args()
    base = args.base.rstrip("/")
    if args.wait:
        wait_for_login_page(base, args.wait)
    failures = 0
    for username in LANDING:
        problem = log_in(base, username, args.password)
        print(f"{username:<8} {'FAILED: ' + problem if problem else 'logged in, ' + LANDING[username]}")
        failures += bool(problem)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
