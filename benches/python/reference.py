#!/usr/bin/env python3
"""The reference pipeline: what a competent analyst writes today with orjson, pandas, networkx and
igraph over a twarc2 JSONL dump, computing the same answers as rapport.

Stages (each timed on its own, in one process):

* ``load``        read the JSONL with orjson and flatten pages into a posts and an accounts table
                  (pandas), deduplicated by id (a later copy wins), reposts carrying the original's
                  text and entities when the page includes it (as twarc2 flatten does);
* ``threads``     place every post in a conversation (its conversation id, else the root of its reply
                  chain) and compute each reply tree's depth (missing parents become placeholders);
* ``engagement``  the interaction rows (reply, mention, repost, quote) and the engagement features of
                  every account against the organisation (docs/engagement.md sections 1-3);
* ``hashtags``    hashtag counts per account;
* ``pagerank``    the weighted interaction graph, global PageRank and three topic PageRanks, with
                  networkx (``pagerank_nx``) and igraph (``pagerank_igraph``).

Prints one JSON object: times in seconds per stage, the peak RSS after each stage (``ru_maxrss``),
and with ``--answers FILE`` writes the answers the benchmark compares against rapport's.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time

import igraph as ig
import networkx as nx
import numpy as np
import orjson
import pandas as pd

HALF_LIFE_DAYS = 30.0
DAY_MS = 86_400_000


def peak_rss_bytes() -> int:
    """The peak RSS so far: VmHWM, read the same way as rapport-bench does (ru_maxrss elsewhere)."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def norm_tag(t: str) -> str:
    t = t.strip().lstrip("#＃")
    if t.isascii():
        return t.lower()
    import unicodedata

    return unicodedata.normalize("NFKC", t).lower()


def unescape(s: str) -> str:
    if "&" not in s:
        return s
    return s.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


# ----- load -----------------------------------------------------------------------------------------


def load(path: str):
    """Flattens every page into rows. Returns (posts DataFrame, accounts DataFrame)."""
    p_id, p_author, p_text, p_created, p_conv, p_reply, p_reply_user = [], [], [], [], [], [], []
    p_quoted, p_reposted, p_tags, p_mentions = [], [], [], []
    users: dict[str, str] = {}  # id -> username (a later copy wins)
    extra_accounts: list[str] = []  # ids only referenced (mentions, replied-to users)

    def entities_of(t):
        note = t.get("note_tweet")
        if note and note.get("text"):
            return note["text"], (note.get("entities") or t.get("entities") or {})
        return t.get("text") or "", (t.get("entities") or {})

    with open(path, "rb") as f:
        for line in f:
            if not line.strip():
                continue
            page = orjson.loads(line)
            inc = page.get("includes") or {}
            page_users = inc.get("users") or []
            by_handle = {}
            for u in page_users:
                if u.get("id"):
                    users[u["id"]] = u.get("username") or users.get(u["id"], "")
                    if u.get("username"):
                        by_handle[u["username"].lower()] = u["id"]
            included = inc.get("tweets") or []
            inc_by_id = {t["id"]: t for t in included if t.get("id")}
            data = page.get("data") or []
            if isinstance(data, dict):
                data = [data]
            for t in [*included, *data]:
                tid = t.get("id")
                author = t.get("author_id")
                created = t.get("created_at")
                if not tid or not author or not created:
                    continue
                refs = {}
                for r in t.get("referenced_tweets") or []:
                    refs.setdefault(r.get("type"), r.get("id"))
                rt = refs.get("retweeted")
                own_text, own_ents = entities_of(t)
                mentions = []  # (handle, id)
                orig = inc_by_id.get(rt) if rt else None
                if orig is not None:
                    text, ents = entities_of(orig)
                    first = min((own_ents.get("mentions") or []), key=lambda m: m.get("start", 0), default=None)
                    if first is not None:
                        mentions.append((first.get("username") or "", first.get("id")))
                else:
                    text, ents = own_text, own_ents
                tags = []
                for h in ents.get("hashtags") or []:
                    n = norm_tag(h.get("tag") or "")
                    if n and n not in tags:
                        tags.append(n)
                for m in ents.get("mentions") or []:
                    h = m.get("username") or ""
                    if not h and not m.get("id"):
                        continue
                    if any(x[0].lower() == h.lower() for x in mentions):
                        continue
                    mentions.append((h, m.get("id")))
                ment_ids = []
                for h, mid in mentions:
                    mid = mid or by_handle.get(h.lower())
                    key = mid if mid else "@" + h.lower()
                    if key not in ment_ids:
                        ment_ids.append(key)
                extra_accounts.extend(ment_ids)
                p_id.append(tid)
                p_author.append(author)
                p_text.append(unescape(text) if orig is None else text)
                p_created.append(created)
                p_conv.append(t.get("conversation_id"))
                p_reply.append(refs.get("replied_to"))
                p_reply_user.append(t.get("in_reply_to_user_id"))
                p_quoted.append(refs.get("quoted"))
                p_reposted.append(rt)
                p_tags.append(tags)
                p_mentions.append(ment_ids)
    posts = pd.DataFrame(
        {
            "id": p_id,
            "author": p_author,
            "text": p_text,
            "created": pd.to_datetime(p_created, utc=True, format="ISO8601"),
            "conv": p_conv,
            "reply_to": p_reply,
            "reply_user": p_reply_user,
            "quoted": p_quoted,
            "reposted": p_reposted,
            "tags": p_tags,
            "mentions": p_mentions,
        }
    )
    posts = posts.drop_duplicates("id", keep="last").reset_index(drop=True)
    posts["ms"] = posts["created"].dt.as_unit("ms").astype("int64")
    # Every account the corpus knows: users, authors, replied-to users, mentioned accounts.
    ids = set(users)
    ids.update(posts["author"].unique())
    ids.update(posts["reply_user"].dropna().unique())
    ids.update(extra_accounts)
    handle_to_id = {h.lower(): i for i, h in users.items() if h}
    # A handle-only mention of a known handle is that account.
    ids = {i for i in ids if not (i.startswith("@") and i[1:] in handle_to_id)}
    accounts = pd.DataFrame({"id": sorted(ids)})
    accounts["handle"] = accounts["id"].map(users).fillna("")
    if any(i.startswith("@") for i in ids):
        posts["mentions"] = posts["mentions"].map(
            lambda ms: list(dict.fromkeys(handle_to_id.get(m[1:], m) if m.startswith("@") else m for m in ms))
        )
    return posts, accounts


# ----- threads --------------------------------------------------------------------------------------


def threads(posts: pd.DataFrame):
    """Conversation of every post and the depth of each reply tree."""
    ids = posts["id"].to_numpy()
    row_of = pd.Series(np.arange(len(posts)), index=posts["id"])
    conv = posts["conv"].copy()
    missing = conv.isna()
    if missing.any():
        # No conversation id (archives): follow the reply chain to its first post or missing parent.
        reply = dict(zip(posts["id"], posts["reply_to"]))
        convd = dict(zip(posts["id"], posts["conv"]))
        for i in posts.index[missing]:
            cur, seen = ids[i], set()
            while True:
                c = convd.get(cur)
                if isinstance(c, str):
                    break
                seen.add(cur)
                parent = reply.get(cur)
                if not isinstance(parent, str):
                    c = cur
                    break
                if parent not in convd:
                    c = parent
                    break
                if parent in seen:
                    c = cur
                    break
                cur = parent
            conv.iat[i] = c
    posts["thread"] = conv
    # Depth: the conversation root is depth 0 (a placeholder when missing); a post whose parent is in
    # the same conversation sits one below it; a post replying to a missing post hangs under a
    # placeholder (depth 1) at depth 2; a post replying to nothing at depth 1.
    is_root = posts["id"] == posts["thread"]
    parent = posts["reply_to"]
    parent_row = parent.map(row_of)
    same = parent_row.notna() & (posts["thread"].to_numpy() == posts["thread"].reindex(parent_row.fillna(0).astype(int).to_numpy()).to_numpy())
    to_root = parent == posts["thread"]
    depth = np.full(len(posts), -1, dtype=np.int64)
    depth[is_root.to_numpy()] = 0
    detached = (~is_root) & parent.isna()
    depth[detached.to_numpy()] = 1
    orphan = (~is_root) & parent.notna() & ~same & ~to_root
    depth[orphan.to_numpy()] = 2
    root_missing_child = (~is_root) & to_root & ~same
    depth[root_missing_child.to_numpy()] = 1
    pending = np.flatnonzero(depth < 0)
    prow = parent_row.to_numpy()
    while len(pending):
        pr = prow[pending].astype(np.int64)
        ready = depth[pr] >= 0
        if not ready.any():
            depth[pending] = 1  # a reply cycle: re-hung under the root
            break
        depth[pending[ready]] = depth[pr[ready]] + 1
        pending = pending[~ready]
    posts["depth"] = depth
    has_placeholder_children = orphan
    per_conv = posts.groupby("thread").agg(depth=("depth", "max"), posts=("id", "size"))
    # A conversation whose root is missing but which has orphans has depth >= 2 already.
    hist = per_conv["depth"].value_counts().sort_index()
    return {
        "conversations": int(len(per_conv)),
        "depth_histogram": {str(int(k)): int(v) for k, v in hist.items()},
        "max_depth": int(per_conv["depth"].max()) if len(per_conv) else 0,
        "orphans": int(has_placeholder_children.sum() + detached.sum()),
    }


# ----- engagement -----------------------------------------------------------------------------------


def interactions(posts: pd.DataFrame, accounts: pd.DataFrame) -> pd.DataFrame:
    """One row per (post, addressed account): src, dst, kind, post row, ms."""
    author_of = pd.Series(posts["author"].to_numpy(), index=posts["id"])
    handle_to_id = dict(zip(accounts["handle"].str.lower(), accounts["id"]))
    rows = []
    n = len(posts)
    rp = posts["reposted"].notna().to_numpy()
    # reposts
    rt = posts.loc[rp, ["author", "reposted", "text", "mentions", "ms"]]
    tgt = rt["reposted"].map(author_of)
    miss = tgt.isna()
    if miss.any():

        def fallback(r):
            t = r["text"].lstrip()
            if t.startswith("RT @"):
                rest = t[4:]
                end = 0
                while end < len(rest) and (rest[end].isalnum() or rest[end] == "_"):
                    end += 1
                if end > 0 and rest[end:].startswith(":"):
                    a = handle_to_id.get(rest[:end].lower())
                    if a is not None:
                        return a
            return r["mentions"][0] if r["mentions"] else None

        tgt[miss] = rt[miss].apply(fallback, axis=1)
    rows.append(pd.DataFrame({"src": rt["author"], "dst": tgt, "kind": "repost", "post": rt.index, "ms": rt["ms"]}))
    nr = posts.loc[~rp, ["author", "reply_to", "reply_user", "quoted", "mentions", "ms"]]
    replied = nr["reply_to"].map(author_of)
    replied = replied.where(replied.notna(), nr["reply_user"])
    rows.append(pd.DataFrame({"src": nr["author"], "dst": replied, "kind": "reply", "post": nr.index, "ms": nr["ms"]}))
    m = nr[["author", "mentions", "ms"]].assign(replied=replied).explode("mentions")
    m = m[m["mentions"].notna() & (m["mentions"] != m["replied"])]
    rows.append(pd.DataFrame({"src": m["author"], "dst": m["mentions"], "kind": "mention", "post": m.index, "ms": m["ms"]}))
    q = nr["quoted"].map(author_of)
    rows.append(pd.DataFrame({"src": nr["author"], "dst": q, "kind": "quote", "post": nr.index, "ms": nr["ms"]}))
    ix = pd.concat(rows, ignore_index=True)
    ix = ix[ix["dst"].notna() & (ix["src"] != ix["dst"])]
    return ix


STAGES = ["unaware", "noticed", "responded", "conversing", "engaged"]


def engagement(posts: pd.DataFrame, accounts: pd.DataFrame, ix: pd.DataFrame, org_handles: list[str]):
    by_handle = dict(zip(accounts["handle"].str.lower(), accounts["id"]))
    org = {by_handle[h.lower().lstrip("@")] for h in org_handles}
    as_of = int(posts["ms"].max())
    hl = HALF_LIFE_DAYS * DAY_MS
    src_org = ix["src"].isin(org)
    dst_org = ix["dst"].isin(org)
    e = ix[src_org ^ dst_org].copy()
    e["to_org"] = e["dst"].isin(org)
    e["x"] = np.where(e["to_org"], e["src"], e["dst"])
    e["amp"] = e["kind"].isin(["repost", "quote"])
    e["w"] = np.where(e["ms"] > as_of, 1.0, np.exp2(-(as_of - e["ms"]) / hl))
    g = e.groupby("x")
    e["dir"] = np.where(e["to_org"], "to_org", "from_org")
    e["k"] = np.where(e["amp"], "amplification", np.where(e["kind"] == "reply", "replies", "mentions"))
    e["col"] = e["k"] + "_" + e["dir"]
    counts = e.groupby(["x", "col"]).size().unstack(fill_value=0)
    feats = counts.reindex(
        columns=[
            f"{k}_{d}" for k in ["replies", "mentions", "amplification"] for d in ["to_org", "from_org"]
        ],
        fill_value=0,
    ).astype("int64")
    feats["interactions"] = g.size()
    feats["decayed_interactions"] = g["w"].sum()
    # Two-way exchanges: conversations with a reply x -> O and a reply O -> x.
    rep = e[e["kind"] == "reply"].copy()
    rep["conv"] = posts["thread"].to_numpy()[rep["post"].to_numpy()]
    cg = rep.groupby(["x", "conv"]).agg(to=("to_org", "any"), frm=("to_org", lambda s: (~s).any()), last=("ms", "max"))
    two = cg[cg["to"] & cg["frm"]]
    feats["two_way_exchanges"] = two.groupby(level="x").size().reindex(feats.index, fill_value=0)
    recent = two[(as_of - two["last"]) <= hl]
    feats["recent_two_way_exchanges"] = recent.groupby(level="x").size().reindex(feats.index, fill_value=0)
    a, b = feats["replies_to_org"], feats["replies_from_org"]
    mx = np.maximum(a, b)
    feats["reciprocity"] = np.where(mx > 0, np.minimum(a, b) / mx.where(mx > 0, 1), 0.0)
    stage = np.select(
        [
            (feats["recent_two_way_exchanges"] >= 2) & (feats["amplification_to_org"] >= 1),
            feats["two_way_exchanges"] >= 1,
            (feats["replies_to_org"] + feats["mentions_to_org"]) >= 1,
            (feats["replies_from_org"] + feats["mentions_from_org"]) >= 1,
        ],
        ["engaged", "conversing", "responded", "noticed"],
        "unaware",
    )
    feats["stage"] = stage
    feats = feats[~feats.index.isin(org)]
    outside = len(accounts) - len(org)
    funnel = {s: int((feats["stage"] == s).sum()) for s in STAGES[1:]}
    funnel["unaware"] = outside - sum(funnel.values())
    return feats, funnel


# ----- hashtags ------------------------------------------------------------------------------------


def hashtags_per_account(posts: pd.DataFrame) -> pd.Series:
    t = posts[["author", "tags"]].explode("tags").dropna()
    return t.groupby(["author", "tags"]).size()


# ----- PageRank -------------------------------------------------------------------------------------


def topic_accounts(posts: pd.DataFrame, tags: list[str]) -> list[str]:
    own = posts[posts["reposted"].isna()]
    want = {norm_tag(t) for t in tags}
    hit = own["tags"].map(lambda ts: any(t in want for t in ts))
    return sorted(set(own.loc[hit, "author"]))


def edges(ix: pd.DataFrame) -> pd.DataFrame:
    return ix.groupby(["src", "dst"]).size().rename("weight").reset_index()


def pagerank_nx(accounts, ed, topics):
    g = nx.DiGraph()
    g.add_nodes_from(accounts["id"])
    g.add_weighted_edges_from(ed.itertuples(index=False, name=None))
    n = g.number_of_nodes()
    # networkx stops when the L1 change is below n * tol.
    tol = 1e-10 / n
    out = {"global": nx.pagerank(g, alpha=0.85, tol=tol, max_iter=1000, weight="weight")}
    for name, who in topics.items():
        pers = {a: 1.0 for a in who}
        out[name] = nx.pagerank(g, alpha=0.85, personalization=pers, tol=tol, max_iter=1000, weight="weight")
    return out


def pagerank_igraph(accounts, ed, topics):
    names = accounts["id"].tolist()
    pos = {a: i for i, a in enumerate(names)}
    g = ig.Graph(n=len(names), edges=list(zip(ed["src"].map(pos), ed["dst"].map(pos))), directed=True)
    w = ed["weight"].astype(float).tolist()
    out = {"global": dict(zip(names, g.pagerank(weights=w, damping=0.85)))}
    for name, who in topics.items():
        r = g.personalized_pagerank(weights=w, damping=0.85, reset_vertices=[pos[a] for a in who])
        out[name] = dict(zip(names, r))
    return out


# ----- driver ---------------------------------------------------------------------------------------


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("input")
    ap.add_argument("--org", default="acme_careers,acme_eng,acme_people")
    ap.add_argument("--topics", default="rustlang,python,hrtech", help="comma-separated; `+` joins tags of one topic")
    ap.add_argument("--stages", default="all", help="`load` or `all`")
    ap.add_argument("--answers", help="write the answers here (JSON)")
    a = ap.parse_args()
    times, cpu, peaks, answers = {}, {}, {}, {}

    def timed(name, f, *args):
        t0, c0 = time.perf_counter(), time.thread_time()
        r = f(*args)
        times[name] = time.perf_counter() - t0
        cpu[name] = time.thread_time() - c0
        peaks[name] = peak_rss_bytes()
        return r

    t_start = time.perf_counter()
    posts, accounts = timed("load", load, a.input)
    kinds = np.select(
        [posts["reposted"].notna(), posts["reply_to"].notna(), posts["quoted"].notna()],
        ["repost", "reply", "quote"],
        "original",
    )
    answers["load"] = {
        "posts": int(len(posts)),
        "accounts": int(len(accounts)),
        "by_kind": {k: int(v) for k, v in pd.Series(kinds).value_counts().sort_index().items()},
    }
    if a.stages != "load":
        answers["threads"] = timed("threads", threads, posts)

        def eng():
            ix = interactions(posts, accounts)
            return ix, engagement(posts, accounts, ix, a.org.split(","))

        ix, (feats, funnel) = timed("engagement", eng)
        answers["interactions"] = {k: int(v) for k, v in ix["kind"].value_counts().sort_index().items()}
        answers["funnel"] = funnel
        answers["engagement"] = {
            str(x): {
                **{c: int(r[c]) for c in feats.columns if c not in ("reciprocity", "decayed_interactions", "stage")},
                "reciprocity": float(r["reciprocity"]),
                "decayed_interactions": float(r["decayed_interactions"]),
                "stage": r["stage"],
            }
            for x, r in feats.iterrows()
        }
        ht = timed("hashtags", hashtags_per_account, posts)
        answers["hashtags"] = {"pairs": int(len(ht)), "total": int(ht.sum()),
                               "top": sorted(((int(v), a_, t) for (a_, t), v in ht.items()), reverse=True)[:20]}
        # The topic seeds (who used the tags) are part of the PageRank stages on both sides.
        topics_of = lambda: {t: topic_accounts(posts, t.split("+")) for t in a.topics.split(",")}
        prn = timed("pagerank_nx", lambda: pagerank_nx(accounts, edges(ix), topics_of()))
        pri = timed("pagerank_igraph", lambda: pagerank_igraph(accounts, edges(ix), topics_of()))
        answers["pagerank"] = {k: {acc: float(v) for acc, v in prn[k].items()} for k in prn}
        answers["pagerank_igraph"] = {k: {acc: float(v) for acc, v in pri[k].items()} for k in pri}
    times["total"] = time.perf_counter() - t_start
    if a.answers:
        with open(a.answers, "wb") as f:
            f.write(orjson.dumps(answers))
    json.dump({"times": times, "cpu": cpu, "peak_rss": peaks, "peak_rss_total": peak_rss_bytes()}, sys.stdout)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
