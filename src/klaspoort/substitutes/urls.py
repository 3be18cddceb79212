from django.urls import path

from klaspoort.substitutes import views

app_name = "substitutes"

urlpatterns = [
    path("klas/<str:group>/invaller/", views.slot, name="slot"),
    path("klas/<str:group>/invaller/<str:substitution>/stoppen/", views.end, name="end"),
    path("schoolbeheer/invallers/", views.school_overview, name="school"),
]
