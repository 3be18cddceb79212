from django.urls import path

from klaspoort.accounts.views import activation, devmail, login, logout, profile, school_staff, takeover

app_name = "accounts"

urlpatterns = [
    path("login/", login.login_view, name="login"),
    path("login/school/", login.choose_school_view, name="choose_school"),
    path("login/confirm/", takeover.confirm_session_view, name="confirm_session"),
    path("logout/", logout.logout_view, name="logout"),
    path("start/", login.start_view, name="start"),
    path("activate/<str:token>/", activation.activate_view, name="activate"),
    path("password/forgot/", activation.forgot_view, name="password_forgot"),
    path("password/reset/<str:token>/", activation.reset_view, name="password_reset"),
    path("profile/", profile.profile_view, name="profile"),
    path("profile/sign-out-everywhere/", profile.sign_out_everywhere_view, name="sign_out_everywhere"),
    path("school/staff/", school_staff.school_staff_view, name="school_staff"),
    path("dev/mail/", devmail.mail_list_view, name="dev_mail"),
    path("dev/mail/<str:name>", devmail.mail_detail_view, name="dev_mail_detail"),
]
