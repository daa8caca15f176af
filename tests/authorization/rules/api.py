"""The publisher API: machine clients with API keys only. A browser session, whoever it belongs to,
is not a key: every role gets 401 (scopes and other integrations are tested in tests/api)."""

from tests.authorization.matrix import case

# anonymous alice bob mod senior admin
NO_KEY = "401 401 401 401 401 401"
WRONG_METHOD = "405 405 405 405 405 405"
PUBLIC = "200 200 200 200 200 200"

RULES = {
    "api-1:api-root": case("/api/v1/", "404 404 404 404 404 404"),
    "api-1:openapi-json": case("/api/v1/openapi.json", PUBLIC),
    "api_docs": case("/api/docs", PUBLIC),
    "api-1:submission_list": case("/api/v1/submissions", NO_KEY, NO_KEY),
    "api-1:submission_create": case("/api/v1/submissions", NO_KEY, NO_KEY),
    "api-1:submission_get": case("/api/v1/submissions/1", NO_KEY, WRONG_METHOD),
    "api-1:submission_by_external_id": case("/api/v1/submissions/by-external-id/x", NO_KEY, WRONG_METHOD),
    "api-1:submission_revise": case("/api/v1/submissions/1/revisions", WRONG_METHOD, NO_KEY),
    "api-1:submission_withdraw": case("/api/v1/submissions/1/withdraw", WRONG_METHOD, NO_KEY),
    "api-1:submission_takedown": case("/api/v1/submissions/1/takedown", WRONG_METHOD, NO_KEY),
    "api-1:inspect": case("/api/v1/inspect", WRONG_METHOD, NO_KEY),
    # A rendition link is its own credential: a bad or expired one is simply not there.
    "api_rendition_download": case(
        "/api/v1/files/not-a-signed-token", "404 404 404 404 404 404", WRONG_METHOD
    ),
}
