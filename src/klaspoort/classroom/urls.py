from django.urls import path

from klaspoort.classroom import cards, home_addresses, pupil_views, readiness, views

app_name = "classroom"

urlpatterns = [
    path("klas/", views.groups, name="groups"),
    path("klas/volgend-jaar/", readiness.next_year, name="next_year"),
    path("klas/<str:group>/", views.group_detail, name="group"),
    path("klas/<str:group>/kaarten/", cards.cards, name="cards"),
    path("klas/<str:group>/leerlingen/<str:pupil>/code", pupil_views.reveal, name="reveal"),
    path("klas/<str:group>/leerlingen/<str:pupil>/nieuwe-code", pupil_views.new_code, name="new_code"),
    path("klas/<str:group>/leerlingen/<str:pupil>/plaatje", pupil_views.change_picture, name="picture"),
    path(
        "klas/<str:group>/leerlingen/<str:pupil>/thuis", home_addresses.addresses_view, name="home_addresses"
    ),
    path(
        "klas/<str:group>/leerlingen/<str:pupil>/thuis/opnieuw",
        home_addresses.resend_view,
        name="home_resend",
    ),
]
