from django.urls import path

from klaspoort.schooladmin import (
    agent_report,
    home,
    licence_views,
    link_views,
    partner_views,
    roster_views,
    views,
)

app_name = "schooladmin"

urlpatterns = [
    path("schoolbeheer/", home.home, name="home"),
    path("schoolbeheer/koppelingen/", partner_views.partners, name="partners"),
    path("schoolbeheer/koppelingen/bewijs/<str:receipt>/", partner_views.receipt, name="consent_receipt"),
    path("schoolbeheer/licenties/", licence_views.licences, name="licences"),
    path("schoolbeheer/links/", link_views.links_page, name="links"),
    path("schoolbeheer/links/apparaten/", link_views.devices_page, name="devices"),
    path("schoolbeheer/links/<str:which>.<str:kind>", link_views.download, name="link_file"),
    path("schoolbeheer/netwerk/", views.network, name="network"),
    path("schoolnetwerk/melding", agent_report.report, name="agent_report"),
    path("schoolbeheer/leerlinggegevens/", roster_views.roster_page, name="roster"),
    path("schoolbeheer/leerlinggegevens/sjabloon.csv", roster_views.csv_template, name="roster_template"),
    path("schoolbeheer/leerlinggegevens/begindatum/", roster_views.set_start, name="roster_start"),
    path(
        "schoolbeheer/leerlinggegevens/voorbeeld/<int:prepared_id>/",
        roster_views.preview,
        name="roster_preview",
    ),
    path("schoolbeheer/leerlinggegevens/import/<int:run_id>/", roster_views.run_report, name="roster_run"),
    path(
        "schoolbeheer/leerlinggegevens/import/<int:run_id>/rapport.json",
        roster_views.run_download,
        name="roster_download",
    ),
]
