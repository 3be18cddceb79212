"""The client-address check of parent (home) and pupil sessions (C10, finding 11 of issue 12).

Staff sessions have theirs in `middleware.StaffSessionGuard` (any new address: password again).
Parents and pupils get a check fitted to their login; `HomeAndPupilSessionGuard` applies it:

- **Parent** (also while a child works in the parent's session): the session is challenged only
  when the client address has left the login's network (IPv4 /24, IPv6 /48) *and* the browser's
  user agent differs from the one at login. An honest Wi-Fi ↔ 4G switch keeps the same browser, so
  it never costs a password; a stolen cookie replayed from another network by another client does.
  The parent re-enters the password at /thuis/bevestigen/ (the parent login's throttle and
  challenge, `throttle.check_account_password`) or ends all sessions ("dit was ik niet"). Known
  limit: an attacker who copies the user agent too is not caught (written in docs/security/).
- **Pupil at school**: a school device does not change networks, and a pupil's login is cheap
  (picture and code), so any address outside the login's network (IPv4 /24, IPv6 /64) ends the
  pupil's session and sends the device back to the picture step (the group's picture page).

Only a keyed hash of the user agent is kept in the session. Every check is audited
(`session.address_changed`, with `login` "parent" or "pupil").
"""

from __future__ import annotations

import ipaddress

from django.http import HttpRequest
from django.utils.crypto import constant_time_compare, salted_hmac

from klaspoort.accounts.client_address import client_ip

HOME_IP = "kp_home_ip"
HOME_AGENT = "kp_home_agent"
HOME_TAKEOVER = "kp_home_takeover"
PUPIL_IP = "kp_pupil_ip"
PUPIL_BACK = "kp_pupil_back"

PARENT_PREFIX = {4: 24, 6: 48}
PUPIL_PREFIX = {4: 24, 6: 64}


def same_network(first: str, second: str, prefixes: dict[int, int]) -> bool:
    """Whether two client addresses lie in one network of the given prefix lengths (per IP version)."""
    try:
        a, b = ipaddress.ip_address(first), ipaddress.ip_address(second)
    except ValueError:
        return first == second
    if a.version != b.version:
        return False
    return b in ipaddress.ip_network(f"{a}/{prefixes[a.version]}", strict=False)


def agent_digest(request: HttpRequest) -> str:
    agent = request.headers.get("User-Agent", "")[:512]
    return salted_hmac("klaspoort.session.agent", agent, algorithm="sha256").hexdigest()[:32]


def remember_parent_client(request: HttpRequest) -> None:
    """At the parent's login and after a re-entered password: this address and browser are fine."""
    request.session[HOME_IP] = client_ip(request)
    request.session[HOME_AGENT] = agent_digest(request)
    request.session.pop(HOME_TAKEOVER, None)


def parent_client_changed(request: HttpRequest) -> bool:
    """The parent rule: another network *and* another browser than at login."""
    login_ip = request.session.get(HOME_IP)
    if not isinstance(login_ip, str):
        return False
    moved = not same_network(login_ip, client_ip(request), PARENT_PREFIX)
    other_agent = not constant_time_compare(str(request.session.get(HOME_AGENT, "")), agent_digest(request))
    return moved and other_agent


def remember_pupil_client(request: HttpRequest, back: str) -> None:
    """At a pupil's login at school: this network, and where the device goes back to."""
    request.session[PUPIL_IP] = client_ip(request)
    request.session[PUPIL_BACK] = back


def pupil_client_changed(request: HttpRequest) -> bool:
    login_ip = request.session.get(PUPIL_IP)
    return isinstance(login_ip, str) and not same_network(login_ip, client_ip(request), PUPIL_PREFIX)
