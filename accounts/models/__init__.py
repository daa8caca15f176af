"""Account models: users, the terms they accept, how they proved who they are, and sanctions."""

from accounts.models.identity import IdentityVerification
from accounts.models.sanctions import Sanction
from accounts.models.terms import TermsAcceptance, TermsVersion
from accounts.models.user import User

__all__ = ["IdentityVerification", "Sanction", "TermsAcceptance", "TermsVersion", "User"]
