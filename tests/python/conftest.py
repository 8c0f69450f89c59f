"""Shared fixtures: a small corpus whose every number is worked out by hand below."""

from __future__ import annotations

from typing import Any

import pytest

import rapport

# Accounts: 1 acme_careers, 2 acme_eng, 3 ada, 4 bob.
ACCOUNTS: list[dict[str, Any]] = [
    {"id": "1", "handle": "acme_careers", "display_name": "Acme Careers"},
    {"id": "2", "handle": "acme_eng"},
    {"id": "3", "handle": "ada", "bio": "Rust and distributed systems"},
    {"id": "4", "handle": "bob", "counts": {"followers": 120}},
]

# Conversation 100: acme_careers posts a job (09:00), ada asks (09:30), acme answers (10:00), ada
# replies (10:15): depth 3, 2 participants, 3 turns, reply pairs ada→acme and acme→ada, one two-way
# pair, first reply after 30 minutes = 1800 s.
# Conversation 200: acme_eng alone. 300: acme_careers, nobody answers. 400: bob alone.
POSTS: list[dict[str, Any]] = [
    {"id": "100", "author_id": "1", "text": "We are #hiring a #RustLang engineer",
     "created_at": "2024-03-01T09:00:00Z", "conversation_id": "100", "hashtags": ["hiring", "RustLang"]},
    {"id": "101", "author_id": "3", "text": "@acme_careers is it remote?", "created_at": "2024-03-01T09:30:00Z",
     "conversation_id": "100", "reply_to": "100", "reply_to_account": "1",
     "mentions": [{"id": "1", "handle": "acme_careers"}]},
    {"id": "102", "author_id": "1", "text": "Yes!", "created_at": "2024-03-01T10:00:00Z",
     "conversation_id": "100", "reply_to": "101", "reply_to_account": "3"},
    {"id": "103", "author_id": "3", "text": "Great, applying", "created_at": "2024-03-01T10:15:00Z",
     "conversation_id": "100", "reply_to": "102", "reply_to_account": "1"},
    {"id": "200", "author_id": "2", "text": "Our #rust meetup", "created_at": "2024-03-05T12:00:00Z",
     "conversation_id": "200", "hashtags": ["rust"]},
    {"id": "300", "author_id": "1", "text": "#hiring #jobs: a designer", "created_at": "2024-04-01T09:00:00Z",
     "conversation_id": "300", "hashtags": ["hiring", "jobs"]},
    {"id": "400", "author_id": "4", "text": "#RustLang tips ✨", "created_at": "2024-04-02T08:00:00.250Z",
     "conversation_id": "400", "hashtags": ["RustLang"], "metrics": {"likes": 5, "replies": 0}},
]


@pytest.fixture()
def corpus() -> rapport.Corpus:
    return rapport.Corpus.from_records(POSTS, ACCOUNTS)
