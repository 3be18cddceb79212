"""Help-centre search figures (prints, never asserts): `make bench-help`.

500 articles of made-up Dutch text (plus the starter articles); 300 keyword searches of one to
three words, timed one by one: p50 and p95 in ms through `helpcentre.search.search` (PostgreSQL
full-text with the Dutch dictionary, or SQLite FTS5) and through the whole search page (/hulp/?q=,
the view, its template and the middleware, in-process with the test client), next to the same
searches as a plain `icontains` scan (the peer). Runs on SQLite (a fresh file) and on PostgreSQL when reachable.

Target: p95 ≤ 50 ms over 500 articles.
"""

from __future__ import annotations

import os
import random
import statistics
import time

from fresh_databases import run_everywhere

ARTICLES = 500
SEARCHES = 300
WORDS = [
    "inloggen",
    "wachtwoord",
    "leerling",
    "leerkracht",
    "groep",
    "school",
    "import",
    "koppeling",
    "ouder",
    "thuis",
    "code",
    "plaatje",
    "snelkoppeling",
    "tablet",
    "beheer",
    "coördinator",
    "account",
    "activeren",
    "mail",
    "storing",
    "onderhoud",
    "licentie",
    "software",
    "uitgever",
    "toestemming",
    "rooster",
    "jaargroep",
    "schooljaar",
    "netwerk",
    "browser",
    "telefoon",
    "herstelcode",
    "veilig",
]


def run_scenarios() -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Q
    from django.test import Client

    from klaspoort.helpcentre.actions import save_article
    from klaspoort.helpcentre.models import Article, Category
    from klaspoort.helpcentre.search import search

    call_command("migrate", verbosity=0, interactive=False)
    rng = random.Random(7)
    category = Category.objects.first()
    assert category is not None
    for index in range(ARTICLES):
        body = "\n\n".join(" ".join(rng.choice(WORDS) for _ in range(60)) for _ in range(6))
        save_article(
            None, category=category, title=f"{rng.choice(WORDS)} en {rng.choice(WORDS)} {index}",
            body_markdown=body, audience="everyone", published=True, actor="bench",
        )  # fmt: skip
    queries = [" ".join(rng.sample(WORDS, rng.randint(1, 3))) for _ in range(SEARCHES)]

    def timed(run: object) -> list[float]:
        samples = []
        for query in queries:
            start = time.perf_counter()
            run(query)  # type: ignore[operator]
            samples.append((time.perf_counter() - start) * 1000)
        return samples

    def scan(query: str) -> list[Article]:
        condition = Q()
        for word in query.split():
            condition &= Q(title__icontains=word) | Q(body_text__icontains=word)
        return list(Article.objects.filter(condition, published=True)[:20])

    client = Client(HTTP_HOST="localhost")

    def page(query: str) -> None:
        response = client.get("/hulp/", {"q": query})
        assert response.status_code == 200, response.status_code

    timed(search), timed(page)  # warm up
    ours, pages, peer = timed(search), timed(page), timed(scan)
    for name, samples in (
        ("full-text search", ours),
        ("search page (view)", pages),
        ("peer: icontains scan", peer),
    ):
        cuts = statistics.quantiles(samples, n=20)
        print(f"  {name:<22} p50 {statistics.median(samples):6.2f} ms  p95 {cuts[18]:6.2f} ms")
    print(
        f"  {Article.objects.count()} articles, {SEARCHES} searches; p95 ratio search/scan "
        f"{statistics.quantiles(ours, n=20)[18] / statistics.quantiles(peer, n=20)[18]:.2f}; "
        f"database: {connection.vendor}; load: {os.getloadavg()[0]:.1f}"
    )


def main() -> None:
    run_everywhere(__file__, run_scenarios, __doc__, ("SQLite (FTS5):", "PostgreSQL (Dutch full-text):"))


if __name__ == "__main__":
    main()
