from django.urls import path

from operations import views

# External scripts and the load balancer depend on these exact paths.
urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("metrics", views.metrics, name="prometheus_metrics"),
]
