"""`make demo`: start the two demo publishers (examples/demo_publisher), register them as partners
and tick them for the demo school. Only for a source checkout on a development machine."""

from __future__ import annotations

import atexit
import json
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from klaspoort.core.actors import SystemActor
from klaspoort.federation.actions import do_grant_consent, do_register_partner
from klaspoort.federation.partner_spec import parse_partner_spec
from klaspoort.registry.models import SchoolLocation

DEMO_PUBLISHER_DIR = Path(settings.PROJECT_DIR) / "examples" / "demo_publisher"
DEMO_PUBLISHERS = (("oidc", 8101), ("saml", 8102))


@dataclass(frozen=True)
class DemoPublisherProcess:
    mode: str
    url: str
    name: str
    process: subprocess.Popen[bytes] | None


def _command(mode: str, port: int, platform_url: str, *extra: str) -> list[str]:
    return [
        sys.executable,
        str(DEMO_PUBLISHER_DIR),
        "--mode",
        mode,
        "--port",
        str(port),
        "--platform",
        platform_url,
        *extra,
    ]


def demo_registration(mode: str, port: int, platform_url: str) -> dict[str, object]:
    """The partner registration JSON the demo publisher prints for itself."""
    command = _command(mode, port, platform_url, "--print-registration")
    output = subprocess.run(command, check=True, capture_output=True, timeout=60).stdout
    data = json.loads(output)
    assert isinstance(data, dict)
    return data


def register_and_tick(registration: dict[str, object], school: SchoolLocation) -> str:
    """Register (or update) a partner from its registration JSON and tick it for `school`."""
    result = do_register_partner(parse_partner_spec(registration), actor="demo")
    do_grant_consent(school, result.partner, actor=SystemActor("demo"))
    return result.partner.name


def register_demo_publisher(mode: str, port: int, school: SchoolLocation, platform_url: str) -> str:
    """Register (or update) one demo publisher and tick it for `school`; returns its name."""
    return register_and_tick(demo_registration(mode, port, platform_url), school)


def start_demo_publishers(
    school: SchoolLocation,
    platform_url: str,
    ports: dict[str, int] | None = None,
    *,
    log_dir: Path | None = None,
) -> list[DemoPublisherProcess]:
    """Register, tick and start both demo publishers (mode -> port, DEMO_PUBLISHERS by default);
    they stop when this process exits, and by themselves when it is killed. Their output goes to
    `log_dir`/demo-publisher-<mode>.log when given."""
    if not DEMO_PUBLISHER_DIR.is_dir():
        return []
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:  # let atexit stop the publishers on `kill`
        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
    chosen = {**dict(DEMO_PUBLISHERS), **(ports or {})}
    started = []
    for mode, port in chosen.items():
        name = register_demo_publisher(mode, port, school, platform_url)
        output = (log_dir / f"demo-publisher-{mode}.log").open("ab") if log_dir else None
        process = subprocess.Popen(
            _command(mode, port, platform_url, "--exit-with-parent"), stdout=output, stderr=output
        )
        if output:
            output.close()  # the child has its own copy
        atexit.register(_stop, process)
        started.append(DemoPublisherProcess(mode, f"http://127.0.0.1:{port}/", name, process))
    return started


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            process.kill()
