from __future__ import annotations

import pytest

from klaspoort.audit.models import AuditEvent
from klaspoort.core.actors import SystemActor
from klaspoort.schooladmin import actions
from klaspoort.schooladmin.models import AgentToken, FixedRange, SchoolNetwork
from klaspoort.schooladmin.network import NetworkError
from tests.roster import factories

pytestmark = pytest.mark.django_db


def effective(school: object) -> list[str]:
    return SchoolNetwork.objects.get(school=school).effective_networks


def test_fixed_ranges_make_up_the_network() -> None:
    school = factories.school()
    actions.do_add_fixed_range(school, "203.0.113.0/24", label="hoofdgebouw", actor=SystemActor("staff:x"))
    actions.do_add_fixed_range(school, "2001:db8::/48", actor=SystemActor("staff:x"))
    assert effective(school) == ["2001:db8::/48", "203.0.113.0/24"]
    with pytest.raises(NetworkError, match="al geregistreerd"):
        actions.do_add_fixed_range(school, "203.0.113.0/24", actor=SystemActor("staff:x"))
    first = FixedRange.objects.get(cidr="203.0.113.0/24")
    actions.do_remove_fixed_range(school, first.pk, actor=SystemActor("staff:x"))
    assert effective(school) == ["2001:db8::/48"]
    assert AuditEvent.objects.filter(action__startswith="school.network_range").count() == 3


def test_bad_range_stores_nothing() -> None:
    school = factories.school()
    with pytest.raises(NetworkError):
        actions.do_add_fixed_range(school, "203.0.113.7/24", actor=SystemActor("staff:x"))
    assert not FixedRange.objects.exists()
    assert not AuditEvent.objects.filter(action="school.network_range_added").exists()


def test_restriction_needs_a_known_network_and_the_last_range_cannot_be_removed_under_it() -> None:
    school = factories.school()
    with pytest.raises(NetworkError, match="Registreer eerst"):
        actions.do_set_shortcut_restriction(school, True, actor=SystemActor("staff:x"))
    assert not SchoolNetwork.objects.filter(school=school, restrict_pupil_shortcut=True).exists()
    fixed = actions.do_add_fixed_range(school, "203.0.113.0/24", actor=SystemActor("staff:x"))
    actions.do_set_shortcut_restriction(school, True, actor=SystemActor("staff:x"))
    with pytest.raises(NetworkError, match="Zet die beperking eerst uit"):
        actions.do_remove_fixed_range(school, fixed.pk, actor=SystemActor("staff:x"))
    assert FixedRange.objects.filter(pk=fixed.pk).exists()
    assert effective(school) == ["203.0.113.0/24"]
    with pytest.raises(NetworkError, match="Zet die beperking eerst uit"):
        actions.do_set_network_mode(school, "dynamic", actor=SystemActor("staff:x"))
    assert SchoolNetwork.objects.get(school=school).mode == "fixed"


def test_agent_tokens_are_stored_hashed_and_reports_set_the_dynamic_network() -> None:
    school = factories.school()
    agent, token = actions.do_issue_agent_token(school, label="pc directie", actor=SystemActor("staff:x"))
    assert token.startswith("kpa_")
    assert len(token) > 40
    assert agent.token_hash == actions.hash_token(token)
    assert token not in str(list(AgentToken.objects.values()))
    actions.do_set_network_mode(school, "dynamic", actor=SystemActor("staff:x"))
    assert effective(school) == []

    actions.do_record_agent_report(token, "198.51.100.23")
    assert effective(school) == ["198.51.100.23/32"]
    actions.do_record_agent_report(token, "2001:db8::7")
    assert effective(school) == ["2001:db8::7/128"]
    assert AuditEvent.objects.filter(action="school.agent_address_changed").count() == 2
    actions.do_record_agent_report(token, "2001:db8::7")
    assert AuditEvent.objects.filter(action="school.agent_address_changed").count() == 2


def test_revoked_or_unknown_tokens_are_refused_and_change_nothing() -> None:
    school = factories.school()
    agent, token = actions.do_issue_agent_token(school, actor=SystemActor("staff:x"))
    actions.do_set_network_mode(school, "dynamic", actor=SystemActor("staff:x"))
    actions.do_record_agent_report(token, "198.51.100.23")
    actions.do_revoke_agent_token(school, agent.pk, actor=SystemActor("staff:x"))
    assert effective(school) == []
    with pytest.raises(actions.UnknownAgentToken):
        actions.do_record_agent_report(token, "198.51.100.99")
    with pytest.raises(actions.UnknownAgentToken):
        actions.do_record_agent_report("kpa_guess", "198.51.100.99")
    assert AgentToken.objects.get(pk=agent.pk).last_address == "198.51.100.23"
    with pytest.raises(NetworkError, match="al ingetrokken"):
        actions.do_revoke_agent_token(school, agent.pk, actor=SystemActor("staff:x"))


def test_a_token_only_works_for_its_own_school() -> None:
    first, second = factories.school("12AB00"), factories.school("34CD00", "Het Anker")
    agent, _token = actions.do_issue_agent_token(first, actor=SystemActor("staff:x"))
    with pytest.raises(NetworkError):
        actions.do_revoke_agent_token(second, agent.pk, actor=SystemActor("staff:x"))
    assert AgentToken.objects.get(pk=agent.pk).revoked_at is None


def test_unknown_mode_is_refused() -> None:
    school = factories.school()
    with pytest.raises(NetworkError, match="vaste adressen"):
        actions.do_set_network_mode(school, "magic", actor=SystemActor("staff:x"))
