from django.urls import path

from klaspoort.operator.views import schools, signin

app_name = "operator"

urlpatterns = [
    path("beheer/login/", signin.login_view, name="login"),
    path("beheer/login/code/", signin.code_view, name="code"),
    path("beheer/login/instellen/", signin.enrol_view, name="enrol"),
    path("beheer/logout/", signin.logout_view, name="logout"),
    path("beheer/", schools.home_view, name="home"),
    path("beheer/scholen/", schools.school_list_view, name="schools"),
    path("beheer/scholen/<str:ref>/", schools.school_detail_view, name="school"),
]
