"""Intake: what a contributor sends in. Upload handlers and file typing, stored media, the
submission forms, the services that create, edit, submit, withdraw and revise submissions, and
the contributor's pages."""
