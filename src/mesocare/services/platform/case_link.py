"""The keyed link from a case to a person of a population-health folder.

A case never stores a person's id: it stores ``HMAC-SHA256(secret, territory:person_id)``. The
secret is the platform's own, a random 32-byte key in the data folder
(``.mesocare-secrets/case-link.key``), created once with permissions 0600 and never shown. Who
holds a person's id (a practice member reading the target list) can find the case that is linked
to it; the case alone says nothing of the person.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

KEY_FILE = Path(".mesocare-secrets") / "case-link.key"


def secret(data_dir: Path) -> bytes:
    """The platform's key, created on first use (0600; the folder 0700)."""
    path = data_dir / KEY_FILE
    if not path.exists():
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(8)}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(secrets.token_bytes(32))
        try:  # whole or absent: a link never replaces a key another process made first
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return path.read_bytes()


def link_hash(data_dir: Path, territory: str, person_id: str) -> str:
    msg = f"{territory}:{person_id}".encode()
    return hmac.new(secret(data_dir), msg, hashlib.sha256).hexdigest()
