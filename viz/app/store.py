"""Uploads kept on the server; the browser holds only a signed, opaque reference.

What a user uploads is parsed and validated once, on the server, and written here under a
key the server computes (an HMAC of the content with the server's secret). The page's
session store gets ``{"ref": <signed key>, "names": {...}}``: it cannot name the built-in
data, another key, or data that was never validated, because only the server can sign.

The folder is shared by the workers of one machine (``BORDERLINES_CACHE_DIR``); the secret
comes from ``BORDERLINES_SECRET`` or, failing that, a file made once in that folder. Serving
from several machines needs the same secret and a shared folder on each.
"""

from __future__ import annotations

import gzip
import hashlib
import hmac
import json
import os
import secrets
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

SALT = "borderlines-upload-v1"
MAX_AGE_S = 7 * 24 * 3600  # a reference older than this is refused (upload again)
MAX_FILES = 400
MAX_BYTES = 2 * 2**30
SECRET_ENV = "BORDERLINES_SECRET"
CACHE_ENV = "BORDERLINES_CACHE_DIR"


class CacheDirError(RuntimeError):
    """The cache folder cannot be used; the message names the setting to change."""


class UploadGone(LookupError):
    """A session's reference names no upload this server can read (tampered, expired, pruned)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason  # "bad-signature", "expired", "missing", "unreadable", "old-format"


#: Read once: a budgeted child points ``tempfile.tempdir`` at its work folder, and must still
#: find the same cache folder (and secret) as its parent.
_DEFAULT_DIR = Path(tempfile.gettempdir()) / "borderlines-cache"


def cache_dir() -> Path:
    """Folder of the app's caches: ``BORDERLINES_CACHE_DIR`` or one in the temp dir."""
    return Path(os.environ.get(CACHE_ENV) or _DEFAULT_DIR)


def check_cache_dir(folder: Path | None = None) -> Path:
    """Make the cache folder and prove it is writable, or say which setting to change."""
    folder = Path(folder or cache_dir())
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".probe-"):
            pass
    except OSError as exc:
        raise CacheDirError(
            f"the cache folder {folder} cannot be written ({exc.strerror or exc}); "
            f"set {CACHE_ENV} to a writable folder"
        ) from None
    return folder


def server_secret(folder: Path | None = None) -> bytes:
    """``BORDERLINES_SECRET`` (at least 16 characters), else a random secret kept in
    ``<cache folder>/secret``, made once and shared by every worker on the machine."""
    env = os.environ.get(SECRET_ENV)
    if env is not None:
        if len(env) < 16:
            raise CacheDirError(f"{SECRET_ENV} must be at least 16 characters long")
        return env.encode()
    folder = check_cache_dir(folder)
    path = folder / "secret"
    try:
        return _read_secret(path)
    except FileNotFoundError:
        pass
    tmp = folder / f".secret-{secrets.token_hex(8)}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(secrets.token_hex(32))
    try:
        os.link(tmp, path)  # atomic: the first worker's secret wins, the others read it
    except FileExistsError:
        pass
    finally:
        tmp.unlink(missing_ok=True)
    return _read_secret(path)


def _read_secret(path: Path) -> bytes:
    text = path.read_text().strip()
    if len(text) < 32:
        raise CacheDirError(f"{path} holds no usable secret; delete it or set {SECRET_ENV}")
    return text.encode()


@dataclass
class Stored:
    key: str  # the server's content key (never from the client)
    parts: dict  # {"events": ..., "control": ..., "regions": ...}: only what was uploaded


class UploadStore:
    """Validated uploads on disk, gzip'd JSON, one file per content key."""

    def __init__(self, folder: Path | None = None, secret: bytes | None = None,
                 *, max_files: int = MAX_FILES, max_bytes: int = MAX_BYTES):  # fmt: skip
        self.folder = check_cache_dir(Path(folder or cache_dir())) / "uploads"
        self.folder.mkdir(exist_ok=True)
        self._secret = secret if secret is not None else server_secret(self.folder.parent)
        self.max_files, self.max_bytes = max_files, max_bytes
        from itsdangerous import URLSafeTimedSerializer

        self._signer = URLSafeTimedSerializer(self._secret, salt=SALT)

    def key_of(self, parts: dict) -> str:
        body = json.dumps(parts, sort_keys=True, separators=(",", ":"), default=str).encode()
        return hmac.new(self._secret, body, hashlib.sha256).hexdigest()[:32]

    def put(self, parts: dict) -> str:
        """Keep ``parts`` (already validated) and return the signed reference to them."""
        key = self.key_of(parts)
        path = self.folder / f"{key}.json.gz"
        if path.exists():
            os.utime(path)
        else:
            body = json.dumps(parts, separators=(",", ":"), default=str).encode()
            fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".part-")
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(gzip.compress(body, compresslevel=5))
                os.replace(tmp, path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
            self.prune()
        return self._signer.dumps({"k": key})

    def get(self, ref) -> Stored:
        """The upload a reference names; :class:`UploadGone` when it names none."""
        from itsdangerous import BadSignature, SignatureExpired

        if not isinstance(ref, str) or len(ref) > 200:
            raise UploadGone("bad-signature")
        try:
            data = self._signer.loads(ref, max_age=MAX_AGE_S)
        except SignatureExpired:
            raise UploadGone("expired") from None
        except BadSignature:
            raise UploadGone("bad-signature") from None
        key = data.get("k") if isinstance(data, dict) else None
        if (
            not isinstance(key, str)
            or len(key) != 32
            or not all(c in "0123456789abcdef" for c in key)
        ):
            raise UploadGone("bad-signature")
        path = self.folder / f"{key}.json.gz"
        try:
            parts = json.loads(gzip.decompress(path.read_bytes()))
        except FileNotFoundError:
            raise UploadGone("missing") from None
        except (OSError, ValueError, EOFError):
            raise UploadGone("unreadable") from None
        return Stored(key, parts)

    def prune(self) -> None:
        """Drop the least recently used uploads beyond the count and size limits, and
        half-written files a killed worker left behind."""
        entries = []
        for p in self.folder.iterdir():
            try:
                st = p.stat()
            except FileNotFoundError:
                continue
            if p.name.startswith(".part-"):
                import time

                if time.time() - st.st_mtime > 3600:
                    p.unlink(missing_ok=True)
                continue
            entries.append((st.st_mtime, st.st_size, p))
        entries.sort(reverse=True)
        total = 0
        for i, (_, size, p) in enumerate(entries):
            total += size
            if i >= self.max_files or total > self.max_bytes:
                p.unlink(missing_ok=True)


_STORE: UploadStore | None = None
_STORE_LOCK = threading.Lock()


def store() -> UploadStore:
    """This process's store (made on first use, from the environment)."""
    global _STORE
    with _STORE_LOCK:
        if _STORE is None or _STORE.folder.parent != cache_dir():
            _STORE = UploadStore()
        return _STORE
