from __future__ import annotations

from klaspoort.portal.licence_cache import CachedAnswer, answer_key, decode, encode
from klaspoort.portal.products import Product

PRODUCT = Product(
    id="lezen",
    name="Lezen",
    audience="pupil",
    allowed_at_home=True,
    launch_method="saml",
    launch_url="https://lezen.example/acs",
)


def test_round_trip() -> None:
    answer = CachedAnswer(products=(PRODUCT,), fetched_at=1000.0)
    assert decode(encode(answer)) == answer


def test_freshness_window() -> None:
    answer = CachedAnswer(products=(), fetched_at=1000.0)
    assert answer.is_fresh(1059.9, 60)
    assert not answer.is_fresh(1060.0, 60)
    assert not answer.is_fresh(999.0, 60)  # a clock that went backwards does not keep it fresh


def test_unreadable_entries_are_misses() -> None:
    assert decode(None) is None
    assert decode({"at": 1.0}) is None
    assert decode({"at": 1.0, "products": [{"id": "x"}]}) is None
    assert decode({"at": "soon", "products": []}) is None


def test_keys_differ_per_person_context_and_publisher_and_hide_ids() -> None:
    person = "9b2f6c3e-4d5a-4f60-8a71-0c9e2b1d3f44"
    keys = {
        answer_key("p1", "pupil", person, "s", "school"),
        answer_key("p1", "pupil", person, "s", "home"),
        answer_key("p2", "pupil", person, "s", "school"),
        answer_key("p1", "staff", person, "s", "school"),
    }
    assert len(keys) == 4
    assert all(person not in key and len(key) == len("portal:licence:") + 40 for key in keys)
