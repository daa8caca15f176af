"""AI-content label checks: read provenance labels from media files and write them on publication.

The engine (``labels.engine``) needs neither a database nor Django settings: it reads C2PA manifests,
IPTC digital source types, GB 45438 (TC260) implicit labels and generator traces from file bytes
and returns a ``MediaReport``. ``labels.findings`` turns reports into moderation findings and
``labels.publish`` writes the explicit and implicit labels on a published rendition.
"""
