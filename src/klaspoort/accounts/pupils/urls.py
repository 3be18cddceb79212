from django.urls import path

from klaspoort.accounts.pupils import card_login, shortcut, welcome

app_name = "pupils"

urlpatterns = [
    path("login/leerlingen/snelkoppelaar", shortcut.deep_link, name="deep_link"),
    path("s/<str:ref>/kaart/<str:slug>/<str:secret>/", card_login.card, name="card"),
    path("s/<str:ref>/", shortcut.pick_group, name="groups"),
    path("s/<str:ref>/<str:group>/", shortcut.pick_pupil, name="pupils"),
    path("s/<str:ref>/<str:group>/<str:slug>/", shortcut.enter_code, name="code"),
    path("leerling/", welcome.welcome, name="welcome"),
    path("leerling/uitloggen", welcome.logout, name="logout"),
]
