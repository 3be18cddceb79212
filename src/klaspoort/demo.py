"""`make demo`: migrate, register a demo school, import a generated roster, serve on 127.0.0.1:8000."""

from __future__ import annotations

import os

DEMO_SCHOOL = "99DM00"
DEMO_NAME = "Demoschool De Klaproos"


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "klaspoort.settings")
    os.environ.setdefault("KLASPOORT_DEV", "1")
    import django

    django.setup()
    from django.core.management import call_command

    from klaspoort.registry.actions import do_register_school, find_school

    call_command("migrate", verbosity=0, interactive=False)
    call_command("createcachetable", verbosity=0)
    if find_school(DEMO_SCHOOL) is None:
        do_register_school(DEMO_SCHOOL, name=DEMO_NAME, board_number="99001", board_name="Stichting Demo")
    from klaspoort import demo_data

    demo_data.load(DEMO_SCHOOL)
    print("\nklaspoort demo: http://127.0.0.1:8000/\n", flush=True)
    print("Staff login at http://127.0.0.1:8000/login/ (mail sent by the demo: /dev/mail/)", flush=True)
    for label, email, password in demo_data.staff_credentials(DEMO_SCHOOL):
        print(f"  {label:16} {email}  password: {password}", flush=True)
    (parent_email, parent_password), children = demo_data.home_credentials(DEMO_SCHOOL)
    if children:
        print("Home login for parents at http://127.0.0.1:8000/thuis/", flush=True)
        print(f"  ouder            {parent_email}  password: {parent_password}", flush=True)
        for first_name, group_name, code in children:
            print(f"    child {first_name} ({group_name}): code {code}", flush=True)
    from django.conf import settings

    from klaspoort.portal.demo_publishers import start_demo_publishers

    school = find_school(DEMO_SCHOOL)
    assert school is not None
    publishers = start_demo_publishers(school, settings.BASE_URL)
    if publishers:
        print("Demo publishers (registered, switched on for the demo school; tiles at /portal/):", flush=True)
    for publisher in publishers:
        print(f"  {publisher.mode:5} {publisher.name}  {publisher.url}", flush=True)
    from klaspoort.accounts.permissions import is_coordinator
    from klaspoort.laslink.demo import DEMO_LAS_PORT, start_demo_las
    from klaspoort.roster.models import StaffPlacement

    coordinator = next(
        (p for p in StaffPlacement.objects.active_at(school).select_related("school") if is_coordinator(p)),
        None,
    )
    if coordinator is not None:
        outcome = start_demo_las(school, coordinator, settings.BASE_URL)
        if outcome is not None:
            print(f"Demo LAS on http://127.0.0.1:{DEMO_LAS_PORT}/ (automatic link on; first run: {outcome});"
                  " see /schoolbeheer/koppeling/ as the coordinator", flush=True)  # fmt: skip
    print(f"Pupil shortcut (school link): http://127.0.0.1:8000/s/{school.instelling_ref}/", flush=True)
    for first_name, group_name, code in children:  # the home login's demo children use it at school
        print(f"  {first_name} ({group_name}): code {code}", flush=True)
    print(flush=True)
    call_command("runserver", "127.0.0.1:8000", use_reloader=False, insecure_serving=True)


if __name__ == "__main__":
    main()
