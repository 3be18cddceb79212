"""`make demo`: migrate, register a demo school, import a generated roster, start the two demo
publishers and serve it all on this machine.

    make demo                                   http://127.0.0.1:8000, publishers on 8101 and 8102
    make demo PORT=8800 OIDC_PORT=8901 SAML_PORT=8902 LAS_PORT=8903

Every port is tried before anything is printed or started; a busy one ends the demo with a clear
message (exit status 2). The console shows one block (the addresses and the demo credentials);
the audit trail, the application's log and the publishers' output go to var/log/. The publishers
stop with the demo however it ends (Ctrl-C, kill, an error), and by themselves if it is killed hard.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import socket
import sys
from pathlib import Path

DEMO_SCHOOL = "99DM00"
DEMO_NAME = "Demoschool De Klaproos"
HOST = "127.0.0.1"
EXAMPLE = "make demo PORT=8800 OIDC_PORT=8901 SAML_PORT=8902 LAS_PORT=8903"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="klaspoort-demo", description="klaspoort on this machine")
    parser.add_argument("--port", type=int, default=8000, help="the platform's port (8000)")
    parser.add_argument(
        "--oidc-port", type=int, default=8101, help="the OpenID Connect demo publisher (8101)"
    )
    parser.add_argument("--saml-port", type=int, default=8102, help="the SAML demo publisher (8102)")
    parser.add_argument("--las-port", type=int, default=8201, help="the demo LAS (8201)")
    return parser.parse_args(argv)


def busy_ports(ports: dict[str, int]) -> list[str]:
    """The ports (by what they are for) that another program is using, or that are not valid."""
    busy = []
    for label, port in ports.items():
        if not 0 < port < 65536:
            busy.append(f"{label} ({port}): not a port number")
            continue
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            try:
                probe.bind((HOST, port))
            except OSError:
                busy.append(f"{label} ({port}): in use")
    if len(set(ports.values())) < len(ports):
        busy.append("the ports must differ")
    return busy


def log_to_files(log_dir: Path) -> None:
    """The audit trail to var/log/audit.log, everything else klaspoort and the server log to
    var/log/klaspoort.log; only warnings and errors reach the console."""
    log_dir.mkdir(parents=True, exist_ok=True)
    formatter = logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s")
    audit_file = logging.FileHandler(log_dir / "audit.log", encoding="utf-8")
    audit_file.setFormatter(formatter)
    audit = logging.getLogger("klaspoort.audit")
    audit.handlers[:] = [audit_file]
    audit.propagate = False
    app_file = logging.FileHandler(log_dir / "klaspoort.log", encoding="utf-8")
    app_file.setFormatter(formatter)
    for name in ("klaspoort", "django.server", "django.request"):
        logger = logging.getLogger(name)
        for handler in logger.handlers:
            if isinstance(handler, logging.StreamHandler) and not isinstance(handler, logging.FileHandler):
                handler.setLevel(logging.WARNING)
        logger.addHandler(app_file)


def main(argv: list[str] | None = None) -> None:
    # Ctrl-C (SIGINT) stops the demo even when it was started from a script in the background, where
    # the shell hands it SIGINT ignored.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    args = parse_args(argv)
    ports = {
        "PORT": args.port,
        "OIDC_PORT": args.oidc_port,
        "SAML_PORT": args.saml_port,
        "LAS_PORT": args.las_port,
    }
    busy = busy_ports(ports)
    if busy:
        sys.stderr.write(
            "klaspoort demo: cannot start, nothing was started.\n"
            + "".join(f"  {problem}\n" for problem in busy)
            + f"Choose free ports, for example: {EXAMPLE}\n"
        )
        sys.exit(2)
    base_url = f"http://{HOST}:{args.port}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "klaspoort.settings")
    os.environ.setdefault("KLASPOORT_DEV", "1")
    os.environ["KLASPOORT_BASE_URL"] = base_url
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    log_dir = Path(settings.VAR_DIR) / "log"
    log_to_files(log_dir)
    from klaspoort import demo_data
    from klaspoort.portal.demo_publishers import start_demo_publishers
    from klaspoort.registry.actions import do_register_school, find_school

    call_command("migrate", verbosity=0, interactive=False)
    if find_school(DEMO_SCHOOL) is None:
        do_register_school(DEMO_SCHOOL, name=DEMO_NAME, board_number="99001", board_name="Stichting Demo")
    demo_data.load(DEMO_SCHOOL)
    staff = demo_data.staff_credentials(DEMO_SCHOOL)
    (parent_email, parent_password), children = demo_data.home_credentials(DEMO_SCHOOL)
    school = find_school(DEMO_SCHOOL)
    assert school is not None
    publishers = start_demo_publishers(
        school, base_url, {"oidc": args.oidc_port, "saml": args.saml_port}, log_dir=log_dir
    )
    lines = [
        "",
        f"klaspoort demo on {base_url}/   (stop with Ctrl-C; logs in {log_dir}/)",
        "",
        f"  Staff login     {base_url}/login/   (mail the demo sends: {base_url}/dev/mail/)",
        *(f"    {label:15} {email}   password {password}" for label, email, password in staff),
    ]
    if children:
        lines += [
            f"  Parent login    {base_url}/thuis/",
            f"    {'ouder':15} {parent_email}   password {parent_password}",
            *(f"      child {name} ({group}): code {code}" for name, group, code in children),
        ]
    lines.append(
        f"  Pupil link      {base_url}/s/{school.instelling_ref}/   (the children's codes work here too)"
    )
    if publishers:
        lines.append("  Publishers      (switched on for the demo school; tiles at /portal/)")
        lines += [f"    {item.mode.upper():15} {item.url}   {item.name}" for item in publishers]
    from klaspoort.accounts.permissions import is_coordinator
    from klaspoort.laslink.demo import start_demo_las
    from klaspoort.roster.models import StaffPlacement

    coordinator = next(
        (p for p in StaffPlacement.objects.active_at(school).select_related("school") if is_coordinator(p)),
        None,
    )
    if coordinator is not None:
        outcome = start_demo_las(school, coordinator, base_url, port=args.las_port, log_dir=log_dir)
        if outcome is not None:
            lines.append(
                f"  Demo LAS        http://{HOST}:{args.las_port}/   (link on, first run: {outcome};"
                " /schoolbeheer/koppeling/ as the coordinator)"
            )
        else:
            lines.append(f"  Demo LAS        did not start: see {log_dir / 'demo-las.log'}")
    sys.stdout.write("\n".join(lines) + "\n\n")
    sys.stdout.flush()
    with (log_dir / "server.log").open("a", encoding="utf-8") as server_log:
        call_command(
            "runserver",
            f"{HOST}:{args.port}",
            use_reloader=False,
            insecure_serving=True,
            skip_checks=True,
            stdout=server_log,
        )


if __name__ == "__main__":
    main()
