"""The demo LAS (examples/demo_las) on a loopback port, two registered vendors and a linked school."""

from __future__ import annotations

import base64
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest

from klaspoort.laslink.actions import do_register_vendor
from klaspoort.laslink.credentials import pull_key
from klaspoort.laslink.models import LasVendor
from klaspoort.registry.models import SchoolLocation
from klaspoort.roster.models import StaffPlacement, StaffRole
from tests.roster import factories

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "examples" / "demo_las"))
from app import DemoLas

SCHOOLS = ("12AB00", "34CD00", "56EF00")


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@dataclass
class Vendor:
    vendor: LasVendor
    secret: str

    def auth(self, secret: str | None = None) -> dict[str, str]:
        token = base64.b64encode(f"{self.vendor.client_id}:{secret or self.secret}".encode()).decode()
        return {"HTTP_AUTHORIZATION": f"Basic {token}"}


@pytest.fixture
def las_server() -> Iterator[tuple[DemoLas, str]]:
    las = DemoLas(pupils=40, slow_seconds=3.0)
    for code in SCHOOLS:
        las.add_school(code)
    server = make_server("127.0.0.1", 0, las, server_class=_Server, handler_class=_Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield las, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def vendor_a(db: None, las_server: tuple[DemoLas, str]) -> Vendor:
    las, url = las_server
    vendor, secret = do_register_vendor("las-a", "LAS A", pull_url=f"{url}/edexml/{{school}}")
    las.pull_key = pull_key(vendor)
    return Vendor(vendor, secret)


@pytest.fixture
def vendor_b(db: None) -> Vendor:
    vendor, secret = do_register_vendor("las-b", "LAS B", pull_url="http://127.0.0.1:9/edexml/{school}")
    return Vendor(vendor, secret)


@pytest.fixture
def schools(db: None) -> list[SchoolLocation]:
    return [factories.school(code, name=f"School {code}") for code in SCHOOLS]


@pytest.fixture
def coordinators(schools: list[SchoolLocation]) -> list[StaffPlacement]:
    return [
        factories.staff(school, f"ict{index}@school.example", roles=[StaffRole.ICT_COORDINATOR])
        for index, school in enumerate(schools)
    ]
