"""Tenants and their API keys. A key is `cwk_<prefix>_<secret>`: the prefix finds the row,
the secret is kept only as its SHA-256 and compared in constant time, so the database never
holds a usable key. Each tenant has a callback secret that signs its callbacks."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

import sqlalchemy as sa

from catwalk.library.db import session

KEY_PREFIX = "cwk"


class TenantError(ValueError):
    """A bad tenant name or key prefix; the message says which."""


@dataclass(frozen=True)
class NewKey:
    tenant_id: str
    key: str  # shown once
    callback_secret: str


@dataclass(frozen=True)
class KeyInfo:
    prefix: str
    tenant: str
    created_at: dt.datetime
    revoked_at: dt.datetime | None


def _hash(secret: str) -> bytes:
    return hashlib.sha256(secret.encode()).digest()


def create_key(dsn: str, tenant_name: str) -> tuple[str, str]:
    """(tenant id, key): a new key for the tenant, created with the tenant if it is new."""
    new = create_key_with_secret(dsn, tenant_name)
    return new.tenant_id, new.key


def create_key_with_secret(dsn: str, tenant_name: str) -> NewKey:
    name = tenant_name.strip()
    if not 1 <= len(name) <= 100:
        raise TenantError("tenant: 1..100 characters")
    prefix, secret = secrets.token_hex(4), secrets.token_urlsafe(32)
    with session(dsn) as s:
        s.execute(sa.text("INSERT INTO tenants (name, callback_secret) VALUES (:n, :c) ON CONFLICT (name) DO NOTHING"),
                  {"n": name, "c": secrets.token_urlsafe(32)})
        tenant_id, callback_secret = s.execute(
            sa.text("SELECT id, callback_secret FROM tenants WHERE name = :n"), {"n": name}).one()
        s.execute(sa.text("INSERT INTO api_keys (tenant_id, prefix, secret_sha256) VALUES (:t, :p, :h)"),
                  {"t": tenant_id, "p": prefix, "h": _hash(secret)})
    return NewKey(str(tenant_id), f"{KEY_PREFIX}_{prefix}_{secret}", callback_secret)


def authenticate(dsn: str, key: str) -> str | None:
    """The tenant id of a valid, unrevoked key; None otherwise."""
    kind, _, rest = key.partition("_")
    prefix, _, secret = rest.partition("_")
    if kind != KEY_PREFIX or not prefix or not secret:
        return None
    with session(dsn) as s:
        row = s.execute(sa.text("SELECT tenant_id, secret_sha256 FROM api_keys "
                                "WHERE prefix = :p AND revoked_at IS NULL"), {"p": prefix}).one_or_none()
    if row is None or not hmac.compare_digest(bytes(row.secret_sha256), _hash(secret)):
        return None
    return str(row.tenant_id)


def revoke(dsn: str, prefix: str) -> bool:
    """Revoke the key with this prefix; False when there is no such active key."""
    with session(dsn) as s:
        return s.execute(sa.text("UPDATE api_keys SET revoked_at = now() WHERE prefix = :p AND revoked_at IS NULL "
                                 "RETURNING id"), {"p": prefix}).first() is not None


def list_keys(dsn: str) -> list[KeyInfo]:
    with session(dsn) as s:
        rows = s.execute(sa.text("SELECT k.prefix, t.name, k.created_at, k.revoked_at FROM api_keys k "
                                 "JOIN tenants t ON t.id = k.tenant_id ORDER BY t.name, k.created_at")).all()
    return [KeyInfo(*row) for row in rows]


def callback_secret(dsn: str, tenant_id: str) -> str:
    with session(dsn) as s:
        return str(s.execute(sa.text("SELECT callback_secret FROM tenants WHERE id = :t"),
                             {"t": tenant_id}).scalar_one())
