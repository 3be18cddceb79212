"""Run a demo publisher: `python examples/demo_publisher --mode oidc|saml --port N --platform URL`.

`--print-registration` prints the partner registration for `klaspoort add-partner` and exits.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import contextlib

from catalogue import PUBLISHERS, DemoPublisher
from platform_client import Platform


def registration(publisher: DemoPublisher, base_url: str) -> dict[str, object]:
    """The partner registration (the JSON format of `klaspoort add-partner`)."""
    app: dict[str, object] = {
        "slug": publisher.slug,
        "name": publisher.app_name,
        "launch_url": f"{base_url}/",
        "licence_endpoint_url": f"{base_url}/licences",
    }
    if publisher.mode == "oidc":
        app["oidc"] = {
            "client_id": publisher.slug,
            "client_type": "public",
            "token_endpoint_auth_method": "none",
            "redirect_uris": [f"{base_url}/callback"],
            "scopes": ["openid", "profile"],
            "initiate_login_uri": f"{base_url}/login",
        }
    else:
        acs = [f"{base_url}/acs"] + [
            base_url + p.path for p in publisher.products if p.path.startswith("/acs/")
        ]
        app["saml"] = {"entity_id": f"{base_url}/metadata", "acs_urls": acs}
    return {
        "slug": f"demo-{publisher.slug}",
        "name": publisher.name,
        "kind": "publisher",
        "sector_id": f"demo-{publisher.slug}",
        "contact": {"name": "Demo", "email": f"demo@{publisher.slug}.example"},
        "data": {
            "purpose": f"Leerlingen en leerkrachten inloggen bij {publisher.app_name} en de licenties "
            "van de school aan de juiste groepen geven.",
            "names": "Leerkrachten zien in het overzicht de namen van hun leerlingen.",
        },
        "apps": [app],
    }


def _exit_with_parent() -> None:
    """Stop this process when the process that started it (e.g. `make demo`) is gone."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(0)

    threading.Thread(target=watch, daemon=True).start()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="demo_publisher", description=__doc__)
    parser.add_argument("--mode", choices=sorted(PUBLISHERS), required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--platform", default="http://127.0.0.1:8000", help="klaspoort's base URL (issuer)")
    parser.add_argument("--jwks-url", default="", help="default: jwks_uri from the platform's discovery")
    parser.add_argument(
        "--client-secret", default="", help="OIDC: use a confidential client with this secret"
    )
    parser.add_argument("--print-registration", action="store_true")
    parser.add_argument("--exit-with-parent", action="store_true", help="stop when the starting process ends")
    args = parser.parse_args(argv)
    publisher = PUBLISHERS[args.mode]
    base_url = f"http://{args.host}:{args.port}"
    if args.print_registration:
        print(json.dumps(registration(publisher, base_url), indent=2))
        return
    logging.basicConfig(level=logging.INFO, format="%(asctime)s demo-%(name)s %(levelname)s %(message)s")
    from server import DemoPublisherApp, serve

    if args.exit_with_parent:
        _exit_with_parent()
    app = DemoPublisherApp(publisher, base_url, Platform(args.platform, args.jwks_url), args.client_secret)
    print(f"demo publisher {publisher.name} ({args.mode}) on {base_url}", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        serve(app, args.host, args.port)


if __name__ == "__main__":
    main()
