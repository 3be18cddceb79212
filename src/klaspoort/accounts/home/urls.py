from django.urls import path

from klaspoort.accounts.home.views import activation, child, confirm, parent

app_name = "thuis"

urlpatterns = [
    path("thuis/", parent.login_view, name="login"),
    path("thuis/kinderen/", parent.children_view, name="children"),
    path("thuis/kinderen/<str:ref>/", child.child_view, name="child"),
    path("thuis/uitloggen/", parent.logout_view, name="logout"),
    path("thuis/bevestigen/", confirm.confirm_session_view, name="confirm_session"),
    path("thuis/activeren/<str:token>/", activation.activate_view, name="activate"),
    path("thuis/wachtwoord-vergeten/", activation.forgot_view, name="password_forgot"),
    path("thuis/wachtwoord/<str:token>/", activation.reset_view, name="password_reset"),
]
