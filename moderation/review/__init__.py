"""Human review: queues and their pages, claims under a lease, decisions with their statement of
reasons, bulk review, priorities and SLAs, and the moderators' pages."""
