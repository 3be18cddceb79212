"""docs/operations.md, followed literally: a fresh database, every required variable set, then
`klaspoort check --deploy`, `migrate`, `collectstatic`, granian; then every public route and a
pupil, a staff and a sign-on (SAML) path over HTTP, as a browser behind the TLS proxy would, with
not one 500.

The database is a fresh PostgreSQL database when the suite runs on PostgreSQL (DATABASE_URL), an
SQLite file otherwise; without REDIS_URL the cache is the database cache, whose table only the
migration makes (the 500 of issue 11 on /s/<INSTELLING_REF>/).
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import lxml.html
import pytest

from tests.conftest import REDIS_TEST_URL, require_service
from tests.core.test_startup import full_environment

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
HOST = "login.school.example"
ORIGIN = f"https://{HOST}"
SETUP = """
import json
from klaspoort import demo_data
from klaspoort.core.actors import SystemActor
from klaspoort.federation.actions import do_grant_consent
from klaspoort.federation.models import Partner
from klaspoort.registry.actions import find_school
school = find_school("99DM00")
demo_data.load("99DM00")
staff = demo_data.staff_credentials("99DM00")
(parent, parent_password), children = demo_data.home_credentials("99DM00")
do_grant_consent(school, Partner.objects.get(slug="demo-taalzee"), actor=SystemActor("test"))
print(json.dumps({"ref": str(school.instelling_ref), "staff": staff, "children": children}))
"""


def fresh_database(tmp_path: Path) -> Iterator[str]:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        yield f"sqlite:///{tmp_path / 'klaspoort.sqlite3'}"
        return
    import psycopg

    name = f"klaspoort_ops_guide_{os.getpid()}"
    admin = urlsplit(url)._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlsplit(url)._replace(path=f"/{name}").geturl()
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, object]]]:
    import redis

    try:
        with redis.Redis.from_url(REDIS_TEST_URL, socket_timeout=1) as client:
            redis_up = bool(client.ping())
    except redis.RedisError:
        redis_up = False
    require_service(redis_up, f"Redis not reachable at {REDIS_TEST_URL} (the jobs' broker)")
    tmp_path = tmp_path_factory.mktemp("operations")
    database = fresh_database(tmp_path)
    env = {
        **full_environment(tmp_path),
        "DATABASE_URL": next(database),
        "KLASPOORT_BROKER_URL": REDIS_TEST_URL,  # no REDIS_URL: the database cache, made by migrate
        "KLASPOORT_ALLOWED_HOSTS": HOST,
        "KLASPOORT_BASE_URL": ORIGIN,
    }

    def klaspoort(*args: str) -> str:
        result = subprocess.run(
            [str(BIN / "klaspoort"), *args],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        assert result.returncode == 0, f"klaspoort {' '.join(args)}: {result.stderr}"
        return result.stdout

    klaspoort("check", "--deploy")
    klaspoort("migrate")
    klaspoort("collectstatic", "--no-input")
    assert (tmp_path / "var" / "static" / "klaspoort" / "site.css").is_file()
    registration = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "demo_publisher"), "--mode", "saml", "--port", "9", "--print-registration"],
        capture_output=True, text=True, timeout=120, check=True,
    ).stdout  # fmt: skip
    (tmp_path / "taalzee.json").write_text(
        registration.replace("http://127.0.0.1:9", "https://taalzee.example")
    )
    klaspoort("register-school", "99DM00", "--name", "Demoschool De Klaproos")
    klaspoort("add-partner", str(tmp_path / "taalzee.json"))
    world = json.loads(klaspoort("shell", "-c", SETUP).splitlines()[-1])
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [
        str(BIN / "granian"), "--interface", "wsgi", "--host", "127.0.0.1", "--port", str(port),
        "--workers", "1", "--blocking-threads", "1", "--no-access-log", "klaspoort.wsgi:application",
    ]  # fmt: skip
    log = (tmp_path / "granian.log").open("wb")
    server = subprocess.Popen(command, env=env, cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            assert server.poll() is None, (tmp_path / "granian.log").read_text()
            try:
                with httpx.Client() as probe:
                    if probe.get(f"{base}/healthz", headers={"Host": HOST}, timeout=2).status_code == 200:
                        break
            except httpx.HTTPError:
                time.sleep(0.3)
        yield base, world
    finally:
        server.terminate()
        server.wait(30)
        log.close()
        next(database, None)


class Browser:
    """A browser behind the TLS proxy: the proxy speaks plain HTTP to granian and passes the public
    host; the browser keeps its (Secure) cookies itself and sends Origin with every form."""

    def __init__(self, base: str) -> None:
        self.http = httpx.Client(base_url=base, timeout=30)
        self.cookies: dict[str, str] = {}

    def send(self, method: str, path: str, data: dict[str, str] | None = None) -> httpx.Response:
        headers = {"Host": HOST, "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if method == "POST":
            headers |= {"Origin": ORIGIN, "Referer": f"{ORIGIN}{path}"}
        response = self.http.request(method, path, data=data, headers=headers)
        for cookie in response.headers.get_list("set-cookie"):
            name, _, rest = cookie.partition("=")
            value = rest.split(";", 1)[0]
            if not value or value == '""' or "max-age=0" in cookie.lower():
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        assert response.status_code < 500, f"{method} {path}: {response.status_code} {response.text[:300]}"
        return response

    def get(self, path: str) -> httpx.Response:
        return self.send("GET", path)

    def form(self, path: str, fields: dict[str, str]) -> httpx.Response:
        page = self.get(path)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        assert token, f"no form on {path}"
        return self.send("POST", path, {"csrfmiddlewaretoken": token.group(1), **fields})


def link(page: httpx.Response, text: str) -> str:
    for anchor in lxml.html.fromstring(page.text).iter("a"):
        if text in anchor.text_content():
            return str(anchor.get("href"))
    pytest.fail(f"no link {text!r}")


@pytest.fixture
def browser(deployment: tuple[str, dict[str, object]]) -> Iterator[Browser]:
    opened = Browser(deployment[0])
    yield opened
    opened.http.close()


def test_every_public_route_answers_get_and_head(
    deployment: tuple[str, dict[str, object]], browser: Browser
) -> None:
    _, world = deployment
    routes = {
        "/": 200, "/login/": 200, "/thuis/": 200, "/healthz": 200, "/favicon.ico": 200,
        "/saml/metadata/": 200, "/.well-known/openid-configuration": 200, "/oidc/jwks/": 200,
        f"/s/{world['ref']}/": 200, "/password/forgot/": 200, "/thuis/wachtwoord-vergeten/": 200,
        "/beheer/login/": 200, "/aanvraag/": 200, "/bestaat-niet/": 404,
    }  # fmt: skip
    for path, status in routes.items():
        assert browser.get(path).status_code == status, path
        assert browser.send("HEAD", path).status_code == status, f"HEAD {path}"
    front = browser.get("/").text
    assert "Demoschool De Klaproos" not in front
    assert "Pagina niet gevonden" in browser.get("/bestaat-niet/").text


def test_a_teacher_logs_in_and_signs_on_to_a_publisher(
    deployment: tuple[str, dict[str, object]], browser: Browser
) -> None:
    _, world = deployment
    _label, email, password = world["staff"][0]  # type: ignore[index]
    answer = browser.form("/login/", {"email": email, "password": password})
    assert (answer.status_code, answer.headers["location"]) == (302, "/portal/")
    assert browser.get("/portal/").status_code == 200
    assert browser.get("/klas/").status_code == 200
    sign_on = browser.get("/saml/idp-initiated/taalzee/")
    assert sign_on.status_code == 200
    assert 'name="SAMLResponse"' in sign_on.text


def test_a_pupil_logs_in_with_the_school_link(
    deployment: tuple[str, dict[str, object]], browser: Browser
) -> None:
    _, world = deployment
    name, group, code = world["children"][0]  # type: ignore[index]
    groups = browser.get(f"/s/{world['ref']}/")
    pupils = browser.get(link(groups, group))
    code_page = link(pupils, name)
    answer = browser.form(code_page, {"code": code})
    assert answer.status_code == 302, answer.text[:500]
    landing = browser.get(answer.headers["location"])
    assert landing.status_code in (200, 302)
