"""`make demo`: start the demo LAS (examples/demo_las), register it as a LAS vendor, switch the demo
school's link on from both sides and run its first sync, so an automatic run is in the history.
Only for a source checkout on a development machine."""

from __future__ import annotations

import atexit
import datetime as dt
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.conf import settings

from klaspoort.laslink.actions import (
    do_register_vendor,
    do_rotate_vendor_secret,
    do_set_las_consent,
    do_switch_link,
)
from klaspoort.laslink.credentials import pull_key
from klaspoort.laslink.models import LasLink, LasVendor
from klaspoort.laslink.sync import run_sync
from klaspoort.registry.models import SchoolLocation
from klaspoort.roster.edexml.writer import write_edexml
from klaspoort.roster.importing.export import export_roster
from klaspoort.roster.models import StaffPlacement

DEMO_LAS_DIR = Path(settings.PROJECT_DIR) / "examples" / "demo_las"
DEMO_LAS_PORT = 8201
OTHER_SCHOOLS = ("99DM01", "99DM02")


def _wait_for_port(port: int, process: subprocess.Popen[bytes], timeout: float = 120) -> bool:
    """Until the demo LAS listens (a loaded machine can take a while to start Python), or it ended."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return True
        time.sleep(0.2)
    return False


def start_demo_las(
    school: SchoolLocation,
    coordinator: StaffPlacement,
    platform_url: str,
    *,
    port: int = DEMO_LAS_PORT,
    log_dir: Path | None = None,
) -> str | None:
    """Returns the outcome of the first sync (or None when the demo LAS is not there). It stops with
    the demo, and by itself when the demo is killed; its output goes to `log_dir`/demo-las.log."""
    if not DEMO_LAS_DIR.is_dir():
        return None
    pull = f"http://127.0.0.1:{port}/edexml/{{school}}"
    vendor = LasVendor.objects.filter(slug="demo-las").first()
    if vendor is None:
        vendor, secret = do_register_vendor("demo-las", "Demo LAS", pull_url=pull, actor="demo")
    else:
        secret = do_rotate_vendor_secret(vendor, grace=dt.timedelta(0), actor="demo")
    # The demo LAS starts from the school's current roster, with three pupils moved to another group.
    export = Path(tempfile.mkdtemp()) / f"{school.code}.xml"
    export.write_bytes(write_edexml(export_roster(school)))
    output = (log_dir / "demo-las.log").open("ab") if log_dir else None
    process = subprocess.Popen([
        sys.executable, str(DEMO_LAS_DIR), "--port", str(port), "--exit-with-parent",
        "--schools", ",".join((school.code, *OTHER_SCHOOLS)), "--school-file", f"{school.code}={export}",
        "--change", f"{school.code}=3", f"--pull-key={pull_key(vendor)}", "--platform", platform_url,
        f"--client-id={vendor.client_id}", f"--secret={secret}",  # a secret may start with "-"
    ], stdout=output, stderr=output)  # fmt: skip
    if output:
        output.close()
    atexit.register(process.terminate)
    if not _wait_for_port(port, process):
        return None
    do_set_las_consent(vendor, school, True)
    do_switch_link(coordinator, vendor, True, actor="demo")
    link = LasLink.objects.get(school=school)
    return run_sync(link.pk)
