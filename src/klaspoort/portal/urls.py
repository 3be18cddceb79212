from django.urls import path

from klaspoort.portal.views import icon, launch, tiles

app_name = "portal"
urlpatterns = [
    path("portal/", tiles.tiles_view, name="tiles"),
    path("portal/icon/", icon.icon_view, name="icon"),
    path("launch/", launch.target_launch_view, name="launch_target"),
    path("launch/<slug:app>/<str:product>/", launch.launch_view, name="launch"),
]
