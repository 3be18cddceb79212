from django.urls import path

from klaspoort.operator.views import (
    agreements,
    notices,
    partners,
    register,
    reorganisations,
    requests,
    schools,
    signin,
)

app_name = "operator"

urlpatterns = [
    path("beheer/login/", signin.login_view, name="login"),
    path("beheer/login/code/", signin.code_view, name="code"),
    path("beheer/login/instellen/", signin.enrol_view, name="enrol"),
    path("beheer/logout/", signin.logout_view, name="logout"),
    path("aanvraag/", requests.request_form_view, name="request_form"),
    path("nieuws/", notices.news_view, name="news"),
    path("beheer/", schools.home_view, name="home"),
    path("beheer/meldingen/", notices.notice_list_view, name="notices"),
    path("beheer/meldingen/<int:pk>/einde/", notices.end_notice_view, name="end_notice"),
    path("beheer/aanvragen/", requests.request_list_view, name="requests"),
    path("beheer/aanvragen/<int:pk>/", requests.request_detail_view, name="request"),
    path("beheer/documenten/<str:name>", requests.document_view, name="document"),
    path("beheer/overeenkomsten/", agreements.agreement_list_view, name="agreements"),
    path("beheer/overeenkomsten/dekking/", agreements.coverage_view, name="coverage"),
    path("beheer/scholen/", schools.school_list_view, name="schools"),
    path("beheer/scholen/<str:ref>/", schools.school_detail_view, name="school"),
    path("beheer/scholen/<str:ref>/code/", register.school_code_view, name="school_code"),
    path("beheer/scholen/<str:ref>/sluiten/", schools.close_school_view, name="close_school"),
    path("beheer/partners/", partners.partner_list_view, name="partners"),
    path("beheer/partners/nieuw/", partners.partner_new_view, name="partner_new"),
    path("beheer/partners/apps/<str:slug>/geheim/", partners.new_secret_view, name="partner_secret"),
    path("beheer/partners/<str:slug>/", partners.partner_detail_view, name="partner"),
    path("beheer/partners/<str:slug>/verstrekkingen/", partners.disclosure_log_view, name="disclosures"),
    path("beheer/herindeling/", reorganisations.reorganisation_list_view, name="reorganisations"),
    path("beheer/herindeling/samenvoegen/", reorganisations.merger_view, name="merger"),
    path("beheer/herindeling/splitsen/", reorganisations.split_view, name="split"),
    path(
        "beheer/herindeling/<int:pk>/annuleren/",
        reorganisations.cancel_view,
        name="cancel_reorganisation",
    ),
    path("beheer/register/", register.register_view, name="register"),
    path("beheer/register/import/<int:pk>/", register.register_import_view, name="register_import"),
    path("beheer/register/wijziging/<int:pk>/", register.code_change_view, name="code_change"),
    path("beheer/register/handmatig/", register.manual_location_view, name="manual_location"),
]
