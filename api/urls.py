from django.urls import include, path

from api.downloads import rendition_download

urlpatterns = [
    path("", include("api.api")),
    path("v1/files/<str:token>", rendition_download, name="api_rendition_download"),
]
