"""Personal data at rest: encryption with a rotating key ring, blind indexes, masking.

Ciphertext tokens are ASCII text ``<key id>.<cipher>.<base64(nonce || ciphertext || tag)>``:
the key id lets keys rotate (old tokens stay readable while the ring holds their key;
``reencrypt`` moves them to the active key) and the cipher letter lets a deployment
switch between SM4-GCM (国密, default) and AES-GCM without rewriting old rows.
Each token is bound to its column through the GCM associated data, so a ciphertext
copied into another column does not decrypt.

The blind index is a keyed HMAC of the normalised value (HMAC-SM3 or HMAC-SHA256,
chosen once per deployment), used for exact lookup and for uniqueness constraints.
"""

from __future__ import annotations

import base64
import hashlib
import os
import threading
from collections.abc import Callable
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as crypto_hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

NONCE_SIZE = 12
TAG_SIZE = 16
CIPHER_CODES = {"sm4-gcm": "s", "aes-gcm": "a"}


class DecryptionError(Exception):
    """A token that cannot be decrypted: unknown key id, wrong column, or tampered."""


def _derive(key: bytes, purpose: str, length: int) -> bytes:
    # Separate subkeys per cipher, so one configured key never feeds two algorithms directly.
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=None, info=purpose.encode()).derive(key)


@lru_cache(maxsize=8)
def _subkey(key_id: str, code: str) -> bytes:
    key = settings.PII_ENCRYPTION_KEYS[key_id]
    return _derive(key, f"gonghui-pii-{code}", 16 if code == "s" else 32)


def _active() -> tuple[str, str]:
    key_id = next(iter(settings.PII_ENCRYPTION_KEYS))
    return key_id, CIPHER_CODES[settings.PII_CIPHER]


@lru_cache(maxsize=16)
def _sealer(code: str, key: bytes):
    """A reusable AEAD (AES-GCM) or block-cipher algorithm object (SM4) for ``key``."""
    return AESGCM(key) if code == "a" else algorithms.SM4(key)


def _open(code: str, key: bytes, nonce: bytes, sealed: bytes, aad: bytes) -> bytes:
    if code == "a":
        return AESGCM(key).decrypt(nonce, sealed, aad)
    body, tag = sealed[:-TAG_SIZE], sealed[-TAG_SIZE:]
    decryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce, tag)).decryptor()
    decryptor.authenticate_additional_data(aad)
    return decryptor.update(body) + decryptor.finalize()


def encryptor(*, context: str) -> Callable[[str], str]:
    """``encrypt`` for many values of one column: key, cipher object and associated data bound once.

    Take a new one per batch (not per process): it keeps the key that was active when made.
    """
    key_id, code = _active()
    return _encryptor(key_id, code, _subkey(key_id, code), context)


class _Nonces(threading.local):
    """Random GCM nonces drawn from the OS 4,096 at a time (one getrandom call instead of one
    per value, a fifth of sealing). One pool per thread, emptied in a forked child: no two
    threads or processes can take the same nonce."""

    SIZE = 4096 * NONCE_SIZE

    def __init__(self) -> None:
        self.pool, self.at = b"", 0

    def clear(self) -> None:
        self.pool, self.at = b"", 0

    def take(self) -> bytes:
        at = self.at
        if at >= len(self.pool):
            self.pool, at = os.urandom(self.SIZE), 0
        self.at = at + NONCE_SIZE
        return self.pool[at : at + NONCE_SIZE]


_NONCES = _Nonces()
os.register_at_fork(after_in_child=_NONCES.clear)


@lru_cache(maxsize=32)
def _encryptor(key_id: str, code: str, key: bytes, context: str) -> Callable[[str], str]:
    prefix, aad, sealer = f"{key_id}.{code}.", context.encode(), _sealer(code, key)
    nonce_of, b64encode = _NONCES.take, base64.b64encode
    if code == "a":

        def seal(plaintext: str) -> str:
            nonce = nonce_of()
            return prefix + b64encode(nonce + sealer.encrypt(nonce, plaintext.encode(), aad)).decode()

    else:

        def seal(plaintext: str) -> str:
            nonce = nonce_of()
            context = _gcm_encryption_context(sealer, modes.GCM(nonce))
            context.authenticate_additional_data(aad)
            body = context.update(plaintext.encode()) + context.finalize()
            return prefix + b64encode(nonce + body + context.tag).decode()

    return seal


def _public_gcm_encryption_context(algorithm, mode):
    return Cipher(algorithm, mode).encryptor()


try:  # Cipher() re-validates key and mode on every call: a third of an import's encryption time
    from cryptography.hazmat.bindings._rust import openssl as _rust_openssl

    _gcm_encryption_context = _rust_openssl.ciphers.create_encryption_ctx
except (ImportError, AttributeError):  # pragma: no cover - a cryptography without that binding
    _gcm_encryption_context = _public_gcm_encryption_context


def encrypt(plaintext: str, *, context: str) -> str:
    """Encrypt ``plaintext`` for the column named by ``context`` (e.g. "members.member.id_number")."""
    return encryptor(context=context)(plaintext)


def decrypt(token: str, *, context: str) -> str:
    try:
        key_id, code, encoded = token.split(".", 2)
        raw = base64.b64decode(encoded, validate=True)
        key = _subkey(key_id, code)
    except (ValueError, KeyError, TypeError) as error:
        raise DecryptionError("个人信息密文格式错误或密钥不存在") from error
    try:
        return _open(code, key, raw[:NONCE_SIZE], raw[NONCE_SIZE:], context.encode()).decode()
    except (InvalidTag, ValueError) as error:
        raise DecryptionError("个人信息密文校验失败") from error


def key_id_of(token: str) -> str:
    return token.split(".", 1)[0]


def needs_rotation(token: str) -> bool:
    key_id, code = _active()
    return not token.startswith(f"{key_id}.{code}.")


def reencrypt(token: str, *, context: str) -> str:
    """The same value under the active key and cipher (for key rotation jobs)."""
    return encrypt(decrypt(token, context=context), context=context) if needs_rotation(token) else token


def indexer(*, context: str) -> Callable[[str], str]:
    """``blind_index`` for many values of one column: the keyed hash is set up once."""
    return _indexer(settings.PII_INDEX_KEY, settings.PII_INDEX_HASH, context)


@lru_cache(maxsize=32)
def _indexer(key: bytes, hash_name: str, context: str) -> Callable[[str], str]:
    prefix = f"{context}\x1f".encode()
    if hash_name == "sm3":
        base = crypto_hmac.HMAC(key, hashes.SM3())
        base.update(prefix)

        def index(value: str) -> str:
            mac = base.copy()
            mac.update(value.encode())
            return mac.finalize().hex()[:32]

    else:
        # HMAC-SHA256 (RFC 2104) from two pre-keyed hashlib states: copying them is C-level,
        # half the cost of hmac.HMAC.copy() — this runs twice per imported row
        block = hashlib.sha256().block_size
        padded = (hashlib.sha256(key).digest() if len(key) > block else key).ljust(block, b"\0")
        inner_base = hashlib.sha256(bytes(byte ^ 0x36 for byte in padded))
        inner_base.update(prefix)
        outer_base = hashlib.sha256(bytes(byte ^ 0x5C for byte in padded))

        def index(value: str) -> str:
            inner = inner_base.copy()
            inner.update(value.encode())
            outer = outer_base.copy()
            outer.update(inner.digest())
            return outer.hexdigest()[:32]

    return index


def blind_index(value: str, *, context: str) -> str:
    """Keyed hash for exact lookup and uniqueness: hex, 32 characters (128 bits)."""
    return indexer(context=context)(value)


def mask_id_number(value: str) -> str:
    """3204**********1234: region prefix and last four only."""
    if not value:
        return ""
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_phone(value: str) -> str:
    """138****5678."""
    if not value:
        return ""
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_name(value: str) -> str:
    """张*, 欧阳** — for public pages such as status checks."""
    if not value:
        return ""
    return value[0] + "*" * (len(value) - 1) if len(value) > 1 else value
