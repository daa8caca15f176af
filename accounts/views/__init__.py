"""Account pages: one function view per action. Changes are POST-only and redirect after."""

from accounts.views.home import home

__all__ = ["home"]
