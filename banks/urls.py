from django.urls import path

from banks import views

urlpatterns = [
    path("review/items/<int:pk>/banks/add/", views.bank_add_item, name="bank_add_item"),
]
