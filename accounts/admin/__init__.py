"""The Django admin for administrators managing accounts. Every change goes through a service,
so it is audited with its actor; plain form saves are audited too (see AuditedAdminMixin)."""

from accounts.admin import identity, sanctions, terms, users

__all__ = ["identity", "sanctions", "terms", "users"]
