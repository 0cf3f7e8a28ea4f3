"""Search latency at scale: Almanac's engine against hand-written SQL on the same database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/almanac_scale \\
        .venv/bin/python bench/search.py [--reps 15] [--user USERNAME]

Fill the database first with `manage.py seed_scale --datasets 100000`. The searcher is a
non-staff team member, so every statement carries the permission filter. For each query of
a fixed mix (single words, phrases, typos, catalog facet filters, no-hit queries) it times
`search.engine.search` and the hand-written SQL that produces the same answer (kind counts,
catalog facet counts, one ranked page with headlines computed for that page only, the page's
facets, suggestions on no hits), and prints p50/p95 of each, the ratio, and the number of
SQL statements per search.

Then the API's searched lists (/api/v1/datasets/?q=, /api/v1/models/?q=, which run the same
engine): the whole request through the view, serializer included, p50/p95 and statements, and
whether its first page is the one the UI shows for the same query.
These rows also run on SQLite (`DATABASE_URL` unset: the engine table is skipped there).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from registry.models import Membership, Person  # noqa: E402
from search import engine  # noqa: E402
from search.backends import MATCH_THRESHOLD, SUGGESTION_THRESHOLD  # noqa: E402
from search.kinds import MARK_END, MARK_START  # noqa: E402

MIX: list[tuple[str, str, list[str], dict[str, list[str]]]] = [
    # (label, q, types, filters)
    ("word", "retrospective", [], {}),
    ("word", "lessons", [], {}),
    ("word", "churn", [], {}),
    ("word", "invoices", [], {}),
    ("word", "payments", [], {}),
    ("word", "telemetry", [], {}),
    ("phrase", '"fraud detection"', [], {}),
    ("phrase", '"sensor readings" EU', [], {}),
    ("typo", "invocies", [], {}),
    ("typo", "shipmnets", [], {}),
    ("typo", "chargebakcs", [], {}),
    ("catalog", "", ["dataset"], {}),
    ("catalog", "orders", ["dataset"], {"format": ["parquet"]}),
    ("catalog", "", ["dataset"], {"tag": ["payments"], "pii": ["yes"]}),
    ("catalog", "claims", ["dataset"], {"sensitivity": ["restricted"], "stage": ["monitoring"]}),
    ("catalog", "daily retail", ["dataset"], {"tag": ["curated"]}),
    ("no-hit", "zebra quantum", [], {}),
    ("no-hit", "xylophonic", [], {}),
]

PERM = """(d.scope_project_id IS NULL OR p.visibility = 'internal'
  OR p.team_id IN (SELECT team_id FROM registry_membership WHERE person_id = %(u)s)
  OR p.id IN (SELECT project_id FROM registry_roleassignment
              WHERE person_id = %(u)s AND project_id IS NOT NULL)
  OR d.owner_team_id IN (SELECT team_id FROM registry_membership WHERE person_id = %(u)s)
  OR (d.kind = 'dataset' AND d.object_id IN (SELECT dataset_id FROM registry_roleassignment
              WHERE person_id = %(u)s AND dataset_id IS NOT NULL))
  OR (d.kind = 'model' AND d.object_id IN (SELECT model_id FROM registry_roleassignment
              WHERE person_id = %(u)s AND model_id IS NOT NULL)))"""
# each grant read through its own index, united (as search.engine.counts.bucket_counts does)
GRANTS = [
    "d.owner_team_id IN (SELECT team_id FROM registry_membership WHERE person_id = %(u)s)",
    """d.kind = 'dataset' AND d.object_id IN (SELECT dataset_id FROM registry_roleassignment
              WHERE person_id = %(u)s AND dataset_id IS NOT NULL)""",
    """d.kind = 'model' AND d.object_id IN (SELECT model_id FROM registry_roleassignment
              WHERE person_id = %(u)s AND model_id IS NOT NULL)""",
]
OWN_PRIVATE = """(SELECT id FROM registry_project WHERE visibility = 'private' AND (
  team_id IN (SELECT team_id FROM registry_membership WHERE person_id = %(u)s)
  OR id IN (SELECT project_id FROM registry_roleassignment
            WHERE person_id = %(u)s AND project_id IS NOT NULL)))"""
TSQ = "websearch_to_tsquery('english'::regconfig, %(q)s)"
PLAIN = "plainto_tsquery('english'::regconfig, %(q)s)"
FACETS = "('tag','team','sensitivity','format','license','pii','stage')"
FROM = "FROM search_searchdocument d LEFT JOIN registry_project p ON p.id = d.scope_project_id"
# a correction is a word of a title the searcher may see (finding 12: never a private one)
SEEN_WORD = ("EXISTS (SELECT 1 {base} AND d.title_vector @@ "
             "plainto_tsquery('english'::regconfig, t.word))")
HEADLINE = ("ts_headline('english'::regconfig, d.description || ' ' || d.body, {tsq}, "
            "'StartSel=' || %(start)s || ', StopSel=' || %(stop)s || ', MaxWords=28, MinWords=10, "
            "MaxFragments=2, FragmentDelimiter=\" … \"')")


def hand_sql(user_id: int, q: str, types: list[str], filters: dict[str, list[str]]) -> int:
    """The same answer as engine.search, written by hand on the same tables and with the
    same semantics (candidates capped per tier, name matches ranked first, counts from the
    buckets when there is neither query nor filter). Returns the statement count."""
    cap = engine.count_cap()
    params: dict = {"u": user_id, "q": q, "types": types or None, "cap": cap + 1,
                    "start": MARK_START, "stop": MARK_END}
    # one kind as `=`, not `= ANY(array)`: the (kind, title) index then gives the name order
    where = [PERM] + (["d.kind = %(kind)s"] if len(types) == 1 else
                      ["d.kind = ANY(%(types)s)"] if types else [])
    params["kind"] = types[0] if len(types) == 1 else None
    params["keys"] = [f"{facet}:{value}" for facet, values in filters.items() for value in values]
    if params["keys"]:
        where.append("d.facet_keys @> %(keys)s::text[]")
    base = f"{FROM} WHERE " + " AND ".join(where)
    statements = 0
    with connection.cursor() as cur:
        ids: list[int] = []
        if not q and not filters:
            kinds = "AND kind = ANY(%(types)s)" if types else ""
            facets = "('kind'," + FACETS[1:] if types == ["dataset"] else "('kind')"
            cur.execute(f"SELECT kind, facet, value, sum(n), max(label) FROM search_searchfacetcount "
                        f"WHERE n > 0 AND facet IN {facets} {kinds} AND (bucket = 0 OR bucket IN "
                        f"{OWN_PRIVATE}) GROUP BY 1, 2, 3", params)
            counted = cur.fetchall()
            private = (f"FROM search_searchdocument d WHERE d.private_scope_id IS NOT NULL "
                       f"AND d.private_scope_id NOT IN {OWN_PRIVATE} AND ")
            granted = " UNION ".join(f"SELECT d.id {private}{grant}" for grant in GRANTS)
            cur.execute(f"SELECT d.kind, f.facet, f.value, count(*), max(f.label) FROM search_searchfacet f "
                        f"JOIN search_searchdocument d ON d.id = f.document_id WHERE f.facet IN {facets} "
                        f"AND f.document_id IN ({granted}) {kinds.replace('kind', 'd.kind')} "
                        "GROUP BY 1, 2, 3", params)
            cur.fetchall()
            statements += 2
            total = sum(row[3] for row in counted if row[1] == "kind")
            if total:
                cur.execute(f"SELECT d.id, d.kind, d.object_id, d.slug, d.title, d.url, d.updated_at, "
                            f"substr(d.description || ' ' || d.body, 1, 240) {base} "
                            f"ORDER BY d.title, d.id LIMIT 20", params)
                ids = [row[0] for row in cur.fetchall()]
                statements += 1
        else:
            tsq, title_only = TSQ, False
            keys = "d.facet_keys" if types == ["dataset"] else "NULL::text[]"
            for attempt in (0, 1):
                # the candidates, ranked (when there is a query) in the same statement
                rank = f"ts_rank(d.search_vector, {tsq})" if q else "0"
                cols = f"d.id, d.kind, d.title, {rank} AS rank, {keys}"
                if q and not title_only:
                    sql = (f"SELECT * FROM (SELECT {cols}, 1 AS tier {base} AND d.title_vector @@ {tsq} "
                           f"LIMIT %(cap)s) t1 UNION ALL SELECT * FROM (SELECT {cols}, 0 {base} "
                           f"AND d.search_vector @@ {tsq} AND NOT d.title_vector @@ {tsq} LIMIT %(cap)s) t2 "
                           "ORDER BY tier DESC, rank DESC, title, id")
                elif q:
                    sql = (f"SELECT {cols}, 1 AS tier {base} AND d.title_vector @@ {tsq} "
                           "ORDER BY rank DESC, title, id LIMIT %(cap)s")
                else:
                    sql = f"SELECT {cols}, 0 {base} LIMIT %(cap)s"
                cur.execute(sql, params)
                rows = cur.fetchall()[:cap]
                statements += 1
                if rows or attempt or not q or len(q.split()) > 1 or '"' in q:
                    break
                with transaction.atomic():  # typo: correct the word from the titles' vocabulary
                    cur.execute("SELECT set_config('pg_trgm.similarity_threshold', %s, true)",
                                [MATCH_THRESHOLD])
                    cur.execute("SELECT word FROM search_searchterm t WHERE word %% lower(%(q)s) "
                                f"AND {SEEN_WORD.format(base=base)} "
                                "ORDER BY similarity(word, lower(%(q)s)) DESC, word LIMIT 1", params)
                    found = cur.fetchone()
                statements += 2
                if not found or found[0] == q.lower():
                    break
                params["q"], tsq, title_only = found[0], PLAIN, True
            ids = [r[0] for r in rows]
            if types == ["dataset"] and ids:  # facet counts from the candidates' keys, then labels
                counts = Counter(k for r in rows if r[1] == "dataset" for k in r[4] or []
                                 if f"'{k.split(':', 1)[0]}'" in FACETS)
                params["facets"] = list({k.split(":", 1)[0] for k in counts})
                params["values"] = list({k.split(":", 1)[1] for k in counts})
                cur.execute("SELECT facet, value, max(label) FROM search_searchfacetcount WHERE kind = "
                            "'dataset' AND facet = ANY(%(facets)s) AND value = ANY(%(values)s) "
                            "GROUP BY 1, 2", params)
                cur.fetchall()
                statements += 1
            if ids and q:
                params["page"] = ids[:20]
                cur.execute(f"SELECT d.id, d.kind, d.object_id, d.slug, d.title, d.url, d.updated_at, "
                            f"{HEADLINE.format(tsq=tsq)} FROM search_searchdocument d "
                            f"WHERE d.id = ANY(%(page)s)", params)
                ids = [row[0] for row in cur.fetchall()]
                statements += 1
            elif ids:
                cur.execute(f"SELECT d.id, d.kind, d.object_id, d.slug, d.title, d.url, d.updated_at, "
                            f"substr(d.description || ' ' || d.body, 1, 240) {base} "
                            f"ORDER BY d.title, d.id LIMIT 20", params)
                ids = [row[0] for row in cur.fetchall()]
                statements += 1
            elif q:
                with transaction.atomic():  # did-you-mean, offered only if it finds something
                    cur.execute("SELECT set_config('pg_trgm.similarity_threshold', %s, true)",
                                [SUGGESTION_THRESHOLD])
                    params["words"] = q.lower().replace('"', "").split()
                    cur.execute("SELECT DISTINCT ON (w) w, t.word FROM unnest(%(words)s::text[]) AS w "
                                f"JOIN search_searchterm t ON t.word %% w AND {SEEN_WORD.format(base=base)} "
                                "ORDER BY w, similarity(t.word, w) DESC, t.word", params)
                    best = dict(cur.fetchall())
                statements += 2
                words = q.lower().replace('"', "").split()
                if all(w in best for w in words) and [best[w] for w in words] != words:
                    params["s"] = " ".join(best[w] for w in words)
                    cur.execute(f"SELECT 1 {base} AND d.search_vector @@ "
                                "websearch_to_tsquery('english'::regconfig, %(s)s) LIMIT 1", params)
                    statements += 1
        if ids:
            cur.execute("SELECT document_id, facet, value, label FROM search_searchfacet "
                        "WHERE document_id = ANY(%s) AND facet <> 'kind' ORDER BY facet, label", [ids])
            cur.fetchall()
            statements += 1
    return statements


def timed(fn, reps: int) -> list[float]:
    fn()  # warm the cache and the plan
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return times


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[18]


# The API's searched lists: (label, path, query parameters)
API_MIX: list[tuple[str, str, dict[str, str]]] = [
    ("word", "/api/v1/datasets/", {"q": "churn"}),
    ("word", "/api/v1/datasets/", {"q": "invoices"}),
    ("phrase", "/api/v1/datasets/", {"q": '"fraud detection"'}),
    ("typo", "/api/v1/datasets/", {"q": "invocies"}),
    ("facet", "/api/v1/datasets/", {"q": "orders", "format": "parquet"}),
    ("facet", "/api/v1/datasets/", {"q": "claims", "sensitivity": "restricted"}),
    ("facet", "/api/v1/datasets/", {"q": "daily retail", "tag": "curated"}),
    ("name", "/api/v1/datasets/", {"q": "transactions", "ordering": "name"}),
    ("no-hit", "/api/v1/datasets/", {"q": "xylophonic"}),
    ("word", "/api/v1/models/", {"q": "churn"}),
    ("word", "/api/v1/models/", {"q": "forecasting"}),
    ("typo", "/api/v1/models/", {"q": "forcasting"}),
    ("filter", "/api/v1/models/", {"q": "scoring", "framework": "xgboost"}),
]


def ui_first_page(user: Person, path: str, params: dict[str, str]) -> list[str]:
    """The slugs of the first page the UI shows for an API row, as its views ask the engine:
    the catalog (/datasets/?q=, its facet filters, sort) for datasets, the search page
    (/search/?type=model&q=) for models (with the API's framework filter as a facet)."""
    kind = "dataset" if path.endswith("datasets/") else "model"
    filters = {name: [params[name].lower()] for name in ("format", "sensitivity", "tag", "framework")
               if name in params}
    sort = "name" if params.get("ordering") == "name" else "relevance"
    results = engine.search(user=user, q=params["q"], types=[kind], filters=filters, sort=sort)
    return [hit.slug for hit in results.hits]


def api_rows(user: Person, reps: int) -> list[float]:
    """Time the API's searched lists, the whole view (filters, engine, rows, serializer),
    throttles off; print one row per request."""
    from rest_framework.test import APIRequestFactory, force_authenticate

    from search import api

    views = {"/api/v1/datasets/": api.DatasetList.as_view(throttle_classes=[]),
             "/api/v1/models/": api.ModelList.as_view(throttle_classes=[])}
    factory = APIRequestFactory()
    print(f"\n{'kind':8} {'API request':48} {'count':>6} {'stmts':>5} {'p50/p95 ms':>14} "
          f"{'UI first page':>13}")
    every = []
    for label, path, params in API_MIX:
        def run(path=path, params=params):
            request = factory.get(path, params, HTTP_HOST="localhost")
            force_authenticate(request, user=user)
            response = views[path](request)
            response.render()
            assert response.status_code == 200, response.content[:300]
            return response

        with CaptureQueriesContext(connection) as queries:
            response = run()
        statements = len([q for q in queries.captured_queries
                          if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))])
        ui = ui_first_page(user, path, params)
        same = [row["slug"] for row in response.data["results"]][:len(ui)] == ui
        times = timed(run, reps)
        every += times
        shown = path + "?" + "&".join(f"{k}={v}" for k, v in params.items())
        print(f"{label:8} {shown[:48]:48} {response.data['count']:>6} {statements:>5} "
              f"{statistics.median(times):>6.1f}/{p95(times):<7.1f} {'same' if same else 'DIFFERENT':>13}")
    print(f"\nall API requests: p50 {statistics.median(every):.1f} ms, p95 {p95(every):.1f} ms")
    return every


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=15)
    parser.add_argument("--user", help="username of the searcher (default: a team member)")
    args = parser.parse_args()
    if args.user:
        user = Person.objects.get(username=args.user)
    else:
        user = Membership.objects.filter(person__is_staff=False).order_by("pk").first().person
    from search.models import SearchDocument

    print(f"{SearchDocument.objects.count()} documents ({connection.vendor}); searcher "
          f"{user.username} (staff={user.is_staff}); {args.reps} timed runs per query\n")
    if connection.vendor != "postgresql":
        print("Not PostgreSQL: the engine-against-hand-SQL table is skipped (its SQL is "
              "PostgreSQL's); the API rows follow.")
        api_rows(user, args.reps)
        return
    print(f"{'kind':8} {'query':34} {'hits':>6} {'stmts':>5} {'almanac p50/p95':>16} "
          f"{'SQL p50/p95':>14} {'ratio p95':>9}")
    all_engine, all_sql = [], []
    for label, q, types, filters in MIX:
        def run_engine(q=q, types=types, filters=filters):
            return engine.search(user=user, q=q, types=types, filters=filters,
                                 sort="relevance" if q else "name")

        with CaptureQueriesContext(connection) as queries:
            result = run_engine()
        statements = len([s for s in queries.captured_queries
                          if not s["sql"].startswith(("SAVEPOINT", "RELEASE"))])
        hand_sql(user.pk, q, types, filters)
        engine_ms = timed(run_engine, args.reps)
        sql_ms = timed(lambda q=q, types=types, filters=filters:
                       hand_sql(user.pk, q, types, filters), args.reps)
        all_engine += engine_ms
        all_sql += sql_ms
        shown = (q or "∅") + "".join(f" {k}={','.join(v)}" for k, v in filters.items())
        print(f"{label:8} {shown[:34]:34} {result.total:>6} {statements:>5} "
              f"{statistics.median(engine_ms):>7.1f}/{p95(engine_ms):<7.1f} "
              f"{statistics.median(sql_ms):>6.1f}/{p95(sql_ms):<7.1f} "
              f"{p95(engine_ms) / p95(sql_ms):>8.2f}x")
    print(f"\nall queries: almanac p50 {statistics.median(all_engine):.1f} ms, p95 "
          f"{p95(all_engine):.1f} ms; hand-written SQL p50 {statistics.median(all_sql):.1f} ms, "
          f"p95 {p95(all_sql):.1f} ms; ratio of p95 {p95(all_engine) / p95(all_sql):.2f}x")
    api_rows(user, args.reps)


if __name__ == "__main__":
    main()
