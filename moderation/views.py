from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def submission_list(request: HttpRequest) -> HttpResponse:
    return render(request, "moderation/submission_list.html")


def review_home(request: HttpRequest) -> HttpResponse:
    return render(request, "moderation/review_home.html")
