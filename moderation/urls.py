from django.urls import path

from moderation import views

urlpatterns = [
    path("submissions/", views.submission_list, name="submission_list"),
    path("review/", views.review_home, name="review_home"),
]
