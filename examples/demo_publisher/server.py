"""The demo publisher's web app (WSGI, standard library server, one thread per request)."""

from __future__ import annotations

import json
import logging
import secrets
import threading
from collections.abc import Callable, Iterable
from http.cookies import SimpleCookie
from socketserver import ThreadingMixIn
from typing import Any
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pages
from catalogue import DemoPublisher
from licences import (
    LicenceRequestInvalid,
    ReplayCache,
    licence_answer,
    school_licence_answer,
    verify_licence_request,
)
from oidc_client import OidcClient
from oidc_client import SignInFailed as OidcFailed
from platform_client import Platform
from saml_sp import SamlServiceProvider
from saml_sp import SignInFailed as SamlFailed

logger = logging.getLogger("demo_publisher")
MAX_BODY = 512 * 1024
StartResponse = Callable[[str, list[tuple[str, str]]], Any]


class Response:
    def __init__(
        self, status: str, body: bytes = b"", content_type: str = "text/html; charset=utf-8"
    ) -> None:
        self.status = status
        self.body = body
        self.headers: list[tuple[str, str]] = [("Content-Type", content_type), ("Cache-Control", "no-store")]

    @classmethod
    def redirect(cls, location: str) -> Response:
        response = cls("303 See Other")
        response.headers.append(("Location", location))
        return response

    @classmethod
    def json(cls, status: str, data: object) -> Response:
        return cls(status, json.dumps(data).encode(), "application/json")


class DemoPublisherApp:
    def __init__(
        self, publisher: DemoPublisher, base_url: str, platform: Platform, client_secret: str = ""
    ) -> None:
        self.publisher = publisher
        self.base_url = base_url.rstrip("/")
        self.platform = platform
        self.audience = publisher.slug if publisher.mode == "oidc" else f"{self.base_url}/metadata"
        self.replay = ReplayCache()
        self.cookie = f"demo_{publisher.slug}_session"
        self.sessions: dict[str, dict[str, Any]] = {}
        self.by_pseudonym: dict[str, dict[str, Any]] = {}  # what licence requests told us
        self.lock = threading.Lock()
        self.oidc = OidcClient(platform, publisher.slug, f"{self.base_url}/callback", client_secret)
        acs_paths = ["/acs"] + [p.path for p in publisher.products if p.path.startswith("/acs/")]
        self.saml = SamlServiceProvider(platform, self.base_url, acs_paths)

    # WSGI entry point
    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        try:
            response = self.route(environ)
        except Exception:
            logger.exception("demo publisher error")
            response = Response(
                "500 Internal Server Error", b"Er ging iets mis in de demo-uitgever.", "text/plain"
            )
        start_response(response.status, response.headers)
        return [response.body]

    def route(self, environ: dict[str, Any]) -> Response:
        method = environ["REQUEST_METHOD"]
        path = environ.get("PATH_INFO", "/")
        query = {key: values[0] for key, values in parse_qs(environ.get("QUERY_STRING", "")).items()}
        if path == "/healthz":
            return Response("200 OK", b"ok", "text/plain")
        if path == "/licences" and method == "POST":
            return self.licences(environ)
        if path.startswith("/icons/") and path.endswith(".svg"):
            product = self._product(path[len("/icons/") : -len(".svg")])
            if product is None:
                return Response("404 Not Found", b"", "text/plain")
            return Response("200 OK", pages.icon_svg(product), "image/svg+xml")
        session_id, session = self._session(environ)
        if path == "/":
            return self.html("Welkom", pages.home(self.publisher, session.get("received")))
        if path == "/login":
            return self.login(query, session_id, session)
        if path == "/callback" and self.publisher.mode == "oidc":
            return self.callback(environ, query, session_id, session)
        if (
            (path == "/acs" or path.startswith("/acs/"))
            and method == "POST"
            and self.publisher.mode == "saml"
        ):
            return self.acs(environ, path, session_id)
        if path == "/metadata" and self.publisher.mode == "saml":
            return Response("200 OK", self.saml.metadata().encode(), "application/samlmetadata+xml")
        if path.startswith("/app/"):
            product = self._product(path[len("/app/") :])
            if product is None:
                return Response("404 Not Found", b"onbekend product", "text/plain")
            if not session.get("received"):
                return Response.redirect(f"/login?target_link_uri={self.base_url}{path}")
            return self.html(product.name, pages.product_page(product, session["received"]), product.colour)
        if path == "/beheer":
            return self.html("Beheeromgeving", pages.admin_page(self.publisher, session.get("received")))
        if path == "/woordenboek":
            return self.html("Woordenboek", "<section><p id='dictionary'>Zoek een woord op.</p></section>")
        return Response("404 Not Found", b"niet gevonden", "text/plain")

    def html(self, title: str, body: str, colour: str = "#37474f") -> Response:
        return Response("200 OK", pages.page(self.publisher, title, body, colour))

    # licence endpoint
    def licences(self, environ: dict[str, Any]) -> Response:
        if environ.get("CONTENT_TYPE", "").split(";")[0].strip() != "application/jwt":
            return Response.json(
                "415 Unsupported Media Type", {"error": "send the licence request as application/jwt"}
            )
        length = int(environ.get("CONTENT_LENGTH") or 0)
        if length > MAX_BODY:
            return Response.json("413 Content Too Large", {"error": "too large"})
        token = environ["wsgi.input"].read(length).decode("ascii", "replace").strip()
        try:
            claims = verify_licence_request(token, self.platform, self.audience, self.replay)
        except LicenceRequestInvalid as error:
            logger.warning("licence request refused: %s", error)
            return Response.json("401 Unauthorized", {"error": "invalid_request", "detail": str(error)})
        if claims["purpose"] == "school_licences":  # the school's licence overview: no person
            return Response.json("200 OK", school_licence_answer(self.publisher, claims))
        with self.lock:
            self.by_pseudonym[claims["sub"]] = claims
        return Response.json("200 OK", licence_answer(self.publisher, self.base_url, claims))

    # sign-in
    def login(self, query: dict[str, str], session_id: str, session: dict[str, Any]) -> Response:
        issuer = query.get("iss")
        if issuer and issuer != self.platform.issuer:
            return Response("400 Bad Request", b"onbekende uitgever van de login (iss)", "text/plain")
        target = query.get("target_link_uri", "")
        if target.startswith("/"):
            target = self.base_url + target
        if not target.startswith(self.base_url + "/"):
            target = self.base_url + "/"
        if self.publisher.mode == "saml":
            return self._with_cookie(Response.redirect(self.saml.start(relay_state=target)), session_id)
        url, pending = self.oidc.start(login_hint=query.get("login_hint", ""))
        session["pending"] = {**pending, "target": target}
        return self._with_cookie(Response.redirect(url), session_id)

    def callback(
        self, environ: dict[str, Any], query: dict[str, str], session_id: str, session: dict[str, Any]
    ) -> Response:
        pending = session.pop("pending", None)
        if not pending or not secrets.compare_digest(query.get("state", ""), pending["state"]):
            return Response("400 Bad Request", b"onbekende of verlopen login (state)", "text/plain")
        if "error" in query:
            return self.html(
                "Inloggen mislukt", f"<section><p id='error'>{pages.escape(query['error'])}</p></section>"
            )
        callback_url = f"{self.base_url}/callback?{environ.get('QUERY_STRING', '')}"
        try:
            claims = self.oidc.finish(callback_url, pending)
        except OidcFailed as error:
            return self.html(
                "Inloggen mislukt", f"<section><p id='error'>{pages.escape(str(error))}</p></section>"
            )
        session["received"] = self._received_oidc(claims)
        return self._with_cookie(Response.redirect(pending["target"]), session_id)

    def acs(self, environ: dict[str, Any], path: str, session_id: str) -> Response:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        form = parse_qs(environ["wsgi.input"].read(min(length, MAX_BODY)).decode("ascii", "replace"))
        try:
            result = self.saml.finish(form.get("SAMLResponse", [""])[0])
        except SamlFailed as error:
            return self.html(
                "Inloggen mislukt", f"<section><p id='error'>{pages.escape(str(error))}</p></section>"
            )
        session = self.sessions.setdefault(session_id, {})
        session["received"] = self._received_saml(result)
        relay = form.get("RelayState", [""])[0]
        if path.startswith("/acs/"):
            target = "/app/" + path[len("/acs/") :]
        elif relay.startswith(self.base_url + "/"):
            target = relay
        else:
            target = "/"
        return self._with_cookie(Response.redirect(target), session_id)

    def _received_oidc(self, claims: dict[str, Any]) -> dict[str, Any]:
        info = {**claims, **claims.get("userinfo", {})}
        return {
            "via": "OpenID Connect (ID token + userinfo)",
            "pseudonym": info.get("sub", ""),
            "role": info.get("role", ""),
            "school": info.get("school") or {},
            "groups": info.get("groups") or [],
            "present_fields": sorted(key for key, value in info.items() if value not in (None, "", [])),
            "raw": claims,
        }

    def _received_saml(self, result: dict[str, Any]) -> dict[str, Any]:
        attributes: dict[str, list[str]] = result["attributes"]
        first = {key: values[0] if values else "" for key, values in attributes.items()}
        pseudonym = result["name_id"]
        from_licence = self.by_pseudonym.get(pseudonym, {})
        school = {
            "name": first.get("nlEduPersonHomeOrganization", ""),
            "brin": first.get("nlEduPersonHomeOrganizationBranchId", "")
            or first.get("nlEduPersonHomeOrganizationId", ""),
            "location_code": "",
        }
        return {
            "via": "SAML 2.0 (NameID + attributen); groepen uit de licentievraag",
            "pseudonym": pseudonym,
            "role": first.get("eduPersonAffiliation", ""),
            "school": school,
            "groups": from_licence.get("groups", []),
            "present_fields": sorted(key for key, values in attributes.items() if values),
            "raw": {"name_id": pseudonym, "attributes": attributes},
        }

    def _product(self, product_id: str) -> Any:
        return next((p for p in self.publisher.products if p.id == product_id), None)

    def _session(self, environ: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        cookie = SimpleCookie(environ.get("HTTP_COOKIE", ""))
        morsel = cookie.get(self.cookie)
        session_id = morsel.value if morsel else ""
        with self.lock:
            if session_id not in self.sessions:
                session_id = secrets.token_urlsafe(24)
                self.sessions[session_id] = {}
            return session_id, self.sessions[session_id]

    def _with_cookie(self, response: Response, session_id: str) -> Response:
        response.headers.append(("Set-Cookie", f"{self.cookie}={session_id}; Path=/; HttpOnly; SameSite=Lax"))
        return response


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    disable_nagle_algorithm = True  # no 40 ms delayed-ACK stall between headers and body

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug(format, *args)


def serve(app: DemoPublisherApp, host: str, port: int) -> None:
    with make_server(host, port, app, server_class=_ThreadingServer, handler_class=_QuietHandler) as server:
        server.serve_forever()
