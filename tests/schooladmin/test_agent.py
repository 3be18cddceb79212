from __future__ import annotations

import os
import subprocess
import sys

import httpx
import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from klaspoort.core.actors import SystemActor
from klaspoort.schooladmin import actions
from klaspoort.schooladmin.agent import AgentError, check_url, parse_interval, send_report
from klaspoort.schooladmin.models import AgentToken, SchoolNetwork
from tests.roster import factories


@pytest.mark.parametrize(
    ("text", "seconds"), [("10m", 600), ("30s", 30), ("1h", 3600), ("90", 90), (" 2M ", 120)]
)
def test_intervals(text: str, seconds: int) -> None:
    assert parse_interval(text) == seconds


@pytest.mark.parametrize(
    ("text", "message"),
    [("5s", "hoogstens elke 30 seconden"), ("soms", "geen geldige tijd"), ("1d", "geen geldige tijd")],
)
def test_bad_intervals(text: str, message: str) -> None:
    with pytest.raises(AgentError, match=message):
        parse_interval(text)


def test_the_token_only_travels_over_https_or_to_this_machine() -> None:
    assert check_url("https://klaspoort.example/schoolnetwerk/melding")
    assert check_url("http://127.0.0.1:8000/schoolnetwerk/melding")
    assert check_url("http://localhost:8000/schoolnetwerk/melding")
    with pytest.raises(AgentError, match="geen https-adres"):
        check_url("http://klaspoort.example/schoolnetwerk/melding")
    with pytest.raises(AgentError, match="geen https-adres"):
        check_url("ftp://127.0.0.1/x")


@pytest.mark.django_db
def test_endpoint_records_the_socket_address_not_what_headers_claim() -> None:
    school = factories.school()
    _agent, token = actions.do_issue_agent_token(school, actor=SystemActor("t"))
    client = Client(REMOTE_ADDR="198.51.100.23")
    response = client.post(
        "/schoolnetwerk/melding", HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_X_FORWARDED_FOR="203.0.113.1"
    )
    assert response.status_code == 200
    assert response.json() == {"address": "198.51.100.23", "school": "12AB00"}
    assert AgentToken.objects.get().last_address == "198.51.100.23"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("header", "status"),
    [("", 401), ("Bearer", 401), ("Basic abc", 401), ("Bearer kpa_wrong", 401), ("Bearer " + "x" * 300, 401)],
)
def test_endpoint_refuses_missing_or_wrong_tokens(header: str, status: int) -> None:
    school = factories.school()
    actions.do_issue_agent_token(school, actor=SystemActor("t"))
    response = Client().post("/schoolnetwerk/melding", HTTP_AUTHORIZATION=header)
    assert response.status_code == status
    assert "error" in response.json()
    assert AgentToken.objects.get().last_address is None


@pytest.mark.django_db
def test_endpoint_needs_post() -> None:
    assert Client().get("/schoolnetwerk/melding").status_code == 405


@pytest.mark.django_db(transaction=True)
def test_ip_agent_command_reports_to_the_live_server(live_server, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    school = factories.school()
    agent, token = actions.do_issue_agent_token(school, actor=SystemActor("t"))
    actions.do_set_network_mode(school, "dynamic", actor=SystemActor("t"))
    url = f"{live_server.url}/schoolnetwerk/melding"

    call_command("ip_agent", "--url", url, "--token", token, "--once")

    assert capsys.readouterr().out.strip() == "Gemeld: 127.0.0.1 (12AB00)"
    assert AgentToken.objects.get(pk=agent.pk).last_address == "127.0.0.1"
    assert SchoolNetwork.objects.get(school=school).effective_networks == ["127.0.0.1/32"]

    # The console script, with the token from the environment, as a school PC would run it:
    environment = {**os.environ, "KLASPOORT_AGENT_TOKEN": token}
    result = subprocess.run(
        [sys.executable, "-c", "from klaspoort.cli import main; main()", "ip-agent", "--url", url, "--once"],
        capture_output=True, text=True, env=environment, timeout=60, check=False,
    )  # fmt: skip
    assert (result.returncode, result.stdout.strip()) == (0, "Gemeld: 127.0.0.1 (12AB00)")

    actions.do_revoke_agent_token(school, agent.pk, actor=SystemActor("t"))
    with pytest.raises(
        CommandError, match=r"Melding geweigerd \(HTTP 401\): Onbekende of ingetrokken sleutel."
    ):
        call_command("ip_agent", "--url", url, "--token", token, "--once")


def test_ip_agent_command_input_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KLASPOORT_AGENT_TOKEN", raising=False)
    with pytest.raises(CommandError, match="Geef de sleutel mee"):
        call_command("ip_agent", "--url", "https://klaspoort.example/x", "--once")
    with pytest.raises(CommandError, match="geen https-adres"):
        call_command("ip_agent", "--url", "http://klaspoort.example/x", "--token", "t", "--once")
    with pytest.raises(CommandError, match="geen geldige tijd"):
        call_command("ip_agent", "--url", "https://klaspoort.example/x", "--token", "t", "--every", "often")


def test_send_report_explains_unreachable_servers() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    with (
        httpx.Client(transport=httpx.MockTransport(refuse)) as client,
        pytest.raises(AgentError, match=r"Kan .* niet bereiken"),
    ):
        send_report("https://klaspoort.example/x", "t", client=client)

    def garbage(request: httpx.Request) -> httpx.Response:
        return httpx.Response(502, text="<html>bad gateway</html>")

    with (
        httpx.Client(transport=httpx.MockTransport(garbage)) as client,
        pytest.raises(AgentError, match=r"HTTP 502\): Bad Gateway"),
    ):
        send_report("https://klaspoort.example/x", "t", client=client)
