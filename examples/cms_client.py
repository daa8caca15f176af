"""A publisher's CMS talking to Provenant: submit a file, hear the outcome by signed webhooks,
download the labelled file. Plain `requests` (curl-equivalent calls) and the `standardwebhooks`
package, so any CMS can copy it.

    pip install requests standardwebhooks
    python examples/cms_client.py photo.jpg --key pvk_… --webhook-secret whsec_… \\
        [--base-url http://127.0.0.1:8000] [--listen 127.0.0.1:9009] [--external-id article-42]

Steps:
1. Listen on --listen for webhooks (register http://<listen>/provenant-webhook as the
   integration's endpoint in the admin). Each delivery is verified (webhook-id,
   webhook-timestamp, webhook-signature) before it is believed; a repeated webhook-id is
   acknowledged and ignored (deliveries are at least once). The payload is handled generically:
   {"type": …, "timestamp": …, "data": {…}}.
2. POST /api/v1/submissions (multipart: a `metadata` JSON part and the file) with an
   Idempotency-Key, so a retry after a timeout cannot submit twice.
3. Until a final state: poll GET /api/v1/submissions/{id} (or react to a webhook); when it is
   published, download each labelled rendition by its signed URL and print the reminder text to
   show beside it and the implicit label written into the file.
Without --webhook-secret the receiver is not started and the client only polls.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import requests

FINAL = {"approved", "rejected", "withdrawn", "taken_down", "restricted", "changes_requested"}


class Receiver(BaseHTTPRequestHandler):
    """Verifies each webhook with the integration's secret; answers 2xx only when verified."""

    webhook: Any = None  # standardwebhooks.Webhook
    seen: set[str] = set()
    events: list[dict[str, Any]] = []
    arrived = threading.Event()

    def do_POST(self) -> None:
        from standardwebhooks.webhooks import WebhookVerificationError

        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        headers = {name.lower(): value for name, value in self.headers.items()}
        try:
            payload = self.webhook.verify(body, headers)
        except WebhookVerificationError as exc:
            print(f"[webhook] REJECTED ({exc}): not from Provenant, or altered, or too old")
            self.send_response(400)
            self.end_headers()
            return
        event_id = headers["webhook-id"]
        if event_id in self.seen:  # at least once: the same id can come again
            print(f"[webhook] {event_id} again: already handled")
        else:
            self.seen.add(event_id)
            self.events.append(payload)
            data = payload.get("data", {}) if isinstance(payload, dict) else {}
            print(f"[webhook] {payload.get('type')} at {payload.get('timestamp')}: {json.dumps(data)[:300]}")
            self.arrived.set()
        self.send_response(204)
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        return  # quiet: we print what matters


def start_receiver(listen: str, secret: str) -> ThreadingHTTPServer:
    from standardwebhooks.webhooks import Webhook

    host, _sep, port = listen.rpartition(":")
    Receiver.webhook = Webhook(secret)
    server = ThreadingHTTPServer((host or "127.0.0.1", int(port)), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"Listening for webhooks on http://{listen}/provenant-webhook")
    return server


def problem(response: requests.Response) -> str:
    """RFC 9457: the API's errors are application/problem+json."""
    if response.headers.get("Content-Type", "").startswith("application/problem+json"):
        body = response.json()
        extra = f" {body['errors']}" if body.get("errors") else ""
        return f"{body['status']} {body['title']}: {body['detail']}{extra}"
    return f"{response.status_code} {response.text[:300]}"


def submit(session: requests.Session, base: str, path: Path, args: argparse.Namespace) -> dict[str, Any]:
    metadata = {
        "external_id": args.external_id,
        "author": {
            "id": args.author_id,
            "name": args.author_name,
            "attestation": {
                "method": args.attestation_method,
                "reference": args.attestation_reference,
                "verified_at": datetime.datetime.now(datetime.UTC).isoformat(),
            },
            "terms_version": args.terms_version,
        },
        "title": args.title,
        "text": args.text,
        "ai_declaration": args.ai,
        "categories": ["other_generation"] if args.ai else [],
        "no_real_person": True,
        "region": args.region,
    }
    data = path.read_bytes()
    # The same key for the same request: a retry returns the first answer instead of a duplicate.
    idempotency_key = hashlib.sha256(args.external_id.encode() + data).hexdigest()[:32]
    for attempt in range(3):
        try:
            response = session.post(
                f"{base}/api/v1/submissions",
                data={"metadata": json.dumps(metadata)},
                files={"files": (path.name, data)},
                headers={"Idempotency-Key": idempotency_key},
                timeout=120,
            )
        except requests.ConnectionError:
            time.sleep(2**attempt)
            continue
        if response.status_code == 429:
            time.sleep(int(response.headers.get("Retry-After", "5")))
            continue
        if response.status_code != 202:
            sys.exit(f"Submission refused: {problem(response)}")
        print(f"Submitted: {response.headers['Location']}")
        return response.json()
    sys.exit("Could not reach Provenant.")


def download(session: requests.Session, item: dict[str, Any], folder: Path) -> None:
    publication = item["publication"]
    reminder = publication.get("reminder")
    if reminder:
        print(f"Show beside the content (Labeling Measures Art. 6): {reminder['zh-hans']} / {reminder['en']}")
    folder.mkdir(parents=True, exist_ok=True)
    for n, rendition in enumerate(publication["renditions"], start=1):
        response = session.get(rendition["download_url"], timeout=120)
        if response.status_code != 200:
            print(f"Download failed: {problem(response)}")
            continue
        name = rendition["original_name"] or f"rendition-{n}"
        target = folder / f"{item['external_id']}-{name}"
        target.write_bytes(response.content)
        print(f"Downloaded the labelled file: {target} ({len(response.content)} bytes)")
        print(f"  explicit label: {rendition['explicit_label']}")
        print(f"  implicit label (GB 45438) in the file: {json.dumps(rendition['implicit_label'])}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("file", type=Path)
    parser.add_argument("--base-url", default=os.environ.get("PROVENANT_URL", "http://127.0.0.1:8000"))
    parser.add_argument("--key", default=os.environ.get("PROVENANT_API_KEY", ""))
    parser.add_argument("--webhook-secret", default=os.environ.get("PROVENANT_WEBHOOK_SECRET", ""))
    parser.add_argument("--listen", default="127.0.0.1:9009")
    parser.add_argument("--external-id", default=f"cms-article-{int(time.time())}")
    parser.add_argument("--author-id", default="cms-author-1")
    parser.add_argument("--author-name", default="")
    parser.add_argument(
        "--attestation-method",
        default="phone",
        choices=["phone", "resident_id", "uscc", "national_online_identity"],
    )
    parser.add_argument("--attestation-reference", default="cms-verification-1")
    parser.add_argument(
        "--terms-version", default="", help="the version of Provenant's terms the author accepted"
    )
    parser.add_argument("--title", default="An article picture")
    parser.add_argument("--text", default="")
    parser.add_argument("--ai", action=argparse.BooleanOptionalAction, default=True, help="AI declaration")
    parser.add_argument("--region", default="cn", choices=["cn", "eu", "other"])
    parser.add_argument("--poll", type=float, default=5.0, help="seconds between polls")
    parser.add_argument("--timeout", type=float, default=3600.0)
    parser.add_argument("--out", type=Path, default=Path("downloads"))
    args = parser.parse_args()
    if not args.key:
        sys.exit("Pass --key (or PROVENANT_API_KEY): an API key of your integration.")
    base = args.base_url.rstrip("/")
    if args.webhook_secret:
        start_receiver(args.listen, args.webhook_secret)

    session = requests.Session()
    session.headers.update({"Authorization": f"Bearer {args.key}", "Accept-Language": "en"})
    item = submit(session, base, args.file, args)
    url = f"{base}/api/v1/submissions/{item['id']}"
    deadline = time.monotonic() + args.timeout
    last = ""
    while time.monotonic() < deadline:
        response = session.get(url, timeout=60)
        if response.status_code != 200:
            sys.exit(f"Reading the submission failed: {problem(response)}")
        item = response.json()
        if item["status"] != last:
            last = item["status"]
            findings = [f["code"] for run in item["checks"] for f in run["findings"]]
            print(
                f"Status: {item['status_label']} · tier {item['tier']['value']} · findings {findings or '-'}"
            )
        if item["publication"] and item["publication"]["published"] and item["publication"]["renditions"]:
            download(session, item, args.out)
            return
        if item["status"] in FINAL and item["status"] != "approved":
            decision = item["decision"] or {}
            statement = json.dumps(decision.get("statement_of_reasons"))
            print(f"Final: {item['status']}; statement of reasons: {statement}")
            return
        Receiver.arrived.wait(args.poll)  # a webhook wakes us early
        Receiver.arrived.clear()
    sys.exit("Timed out waiting for a decision.")


if __name__ == "__main__":
    main()
