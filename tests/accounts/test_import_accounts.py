"""An EDEXML import gives new staff inactive accounts and one activation mail each (B4, C2)."""

from __future__ import annotations

import pytest

from klaspoort.accounts.models import Account
from klaspoort.registry.actions import do_register_school
from klaspoort.roster.edexml.generator import generate_roster
from klaspoort.roster.edexml.writer import write_edexml
from klaspoort.roster.importing.actions import do_import_edexml
from klaspoort.roster.models import ImportRun, StaffMember

pytestmark = pytest.mark.django_db


def test_import_creates_inactive_accounts_and_mails(mailoutbox, django_capture_on_commit_callbacks) -> None:
    school = do_register_school("12AB00", name="De Regenboog")
    data = write_edexml(generate_roster(school.code, 60, seed=7))
    with django_capture_on_commit_callbacks(execute=True):
        outcome = do_import_edexml(school, data, source=ImportRun.Source.CLI, actor="test", file_name="x.xml")
    assert outcome.ok
    staff = list(StaffMember.objects.select_related("account"))
    assert staff
    assert all(member.account is not None and not member.account.is_active for member in staff)
    assert sorted(m.to[0] for m in mailoutbox) == sorted(member.email for member in staff)
    assert Account.objects.filter(kind="staff").count() == len(staff)
    with django_capture_on_commit_callbacks(execute=True):
        again = do_import_edexml(school, data, source=ImportRun.Source.CLI, actor="test", file_name="x.xml")
    assert again.ok
    assert len(mailoutbox) == len(staff)  # nothing new, no new mail
