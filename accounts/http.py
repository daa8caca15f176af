"""Typing for views: behind LoginRequiredMiddleware, `request.user` is always a real User."""

from django.http import HttpRequest

from accounts.models import User


class AuthenticatedRequest(HttpRequest):
    user: User
