from django.urls import path

from klaspoort.schooladmin import agent_report, views

app_name = "schooladmin"

urlpatterns = [
    path("schoolbeheer/netwerk/", views.network, name="network"),
    path("schoolnetwerk/melding", agent_report.report, name="agent_report"),
]
