from django.urls import path

from klaspoort.twofactor import views

app_name = "twofactor"

urlpatterns = [
    path("login/code/", views.code_view, name="code"),
    path("login/two-factor/", views.enrol_at_login_view, name="enrol_at_login"),
    path("profile/two-factor/", views.manage_view, name="manage"),
]
