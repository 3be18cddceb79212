from django.urls import path

from klaspoort.laslink import api, views

app_name = "laslink"

urlpatterns = [
    path("schoolbeheer/koppeling/", views.link_page, name="link"),
    path("las/v1/token", api.token_view, name="api_token"),
    path("las/v1/schools/<str:code>/link", api.link_view, name="api_link"),
    path("las/v1/schools/<str:code>/edexml", api.push_view, name="api_push"),
    path("las/v1/schools/<str:code>/pushes/<int:push_id>", api.push_status_view, name="api_push_status"),
]
