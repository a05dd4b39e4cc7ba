import base64
import datetime

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.cn import ric

from gonghui.utilities import pii
from gonghui.utilities.idnumber import check_char, make_id_number, normalize_id_number, parse_id_number

CTX = "members.member.id_number"


@pytest.mark.parametrize("cipher", ["sm4-gcm", "aes-gcm"])
def test_round_trip_and_context_binding(settings, cipher):
    settings.PII_CIPHER = cipher
    token = pii.encrypt("320412199001011234", context=CTX)
    assert "320412199001011234" not in token
    assert pii.decrypt(token, context=CTX) == "320412199001011234"
    assert pii.encrypt("320412199001011234", context=CTX) != token  # random nonce
    with pytest.raises(pii.DecryptionError):
        pii.decrypt(token, context="members.member.phone")


def test_tampered_token_is_refused():
    token = pii.encrypt("13812345678", context=CTX)
    key_id, code, body = token.split(".", 2)
    raw = bytearray(base64.b64decode(body))
    raw[-1] ^= 1
    with pytest.raises(pii.DecryptionError):
        pii.decrypt(f"{key_id}.{code}.{base64.b64encode(bytes(raw)).decode()}", context=CTX)
    with pytest.raises(pii.DecryptionError):
        pii.decrypt("garbage", context=CTX)


def test_key_rotation(settings):
    old_key = settings.PII_ENCRYPTION_KEYS
    token = pii.encrypt("13812345678", context=CTX)
    new = {"k2": b"n" * 32, **old_key}
    settings.PII_ENCRYPTION_KEYS = new
    pii._subkey.cache_clear()
    try:
        assert pii.decrypt(token, context=CTX) == "13812345678"  # old key still on the ring
        assert pii.needs_rotation(token)
        rotated = pii.reencrypt(token, context=CTX)
        assert pii.key_id_of(rotated) == "k2" and not pii.needs_rotation(rotated)
        assert pii.decrypt(rotated, context=CTX) == "13812345678"
    finally:
        settings.PII_ENCRYPTION_KEYS = old_key
        pii._subkey.cache_clear()


@pytest.mark.parametrize("algorithm", ["sm3", "sha256"])
def test_blind_index_is_keyed_and_contextual(settings, algorithm):
    settings.PII_INDEX_HASH = algorithm
    a = pii.blind_index("320412199001011234", context=CTX)
    assert a == pii.blind_index("320412199001011234", context=CTX) and len(a) == 32
    assert a != pii.blind_index("320412199001011234", context="other")
    settings.PII_INDEX_KEY = b"z" * 32
    assert a != pii.blind_index("320412199001011234", context=CTX)


def test_masks():
    assert pii.mask_id_number("320412199001011234") == "3204**********1234"
    assert pii.mask_phone("13812345678") == "138****5678"
    assert pii.mask_name("欧阳娜娜") == "欧***"
    assert pii.mask_id_number("") == "" and pii.mask_phone("123") == "***"


digits17 = st.text(alphabet="0123456789", min_size=17, max_size=17)


@settings(max_examples=500, deadline=None)
@given(body=digits17, last=st.sampled_from("0123456789X"))
def test_id_check_digit_agrees_with_stdnum(body, last):
    number = body + last
    stdnum_verdict = ric.calc_check_digit(number) == last  # stdnum takes the number with its check digit
    assert (check_char(body) == last) == stdnum_verdict
    try:
        parse_id_number(number)
    except ValidationError as error:
        if error.code == "id_checksum":
            assert not stdnum_verdict
    else:
        assert stdnum_verdict


@settings(max_examples=300, deadline=None)
@given(
    birth=st.dates(min_value=datetime.date(1930, 1, 1), max_value=datetime.date(2008, 12, 31)),
    serial=st.integers(min_value=0, max_value=999),
)
def test_generated_numbers_are_valid_for_both(birth, serial):
    number = make_id_number("320412", birth, serial)
    info = parse_id_number(number)
    assert ric.calc_check_digit(number) == number[-1]
    assert info.birth_date == birth
    assert info.gender == ("male" if serial % 2 else "female")
    assert not info.warnings


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("32041219900101123", "id_length"),
        ("3204121990010112A4", "id_chars"),
        ("320412199002301234", "id_birth"),
        ("320412230001011234", "id_birth"),
        ("٣2041219900517001X", "id_chars"),  # another script's digit: an error, not a crash
    ],
)
def test_id_hard_errors(value, code):
    with pytest.raises(ValidationError) as error:
        parse_id_number(value)
    assert error.value.code == code


def test_id_wrong_check_digit_names_the_right_one():
    good = make_id_number("320412", datetime.date(1990, 1, 1), 123)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    with pytest.raises(ValidationError) as error:
        parse_id_number(bad)
    assert f"应为 {good[-1]}" in error.value.messages[0]


def test_id_normalisation_and_area_warning():
    number = make_id_number("320412", datetime.date(1985, 6, 1), 10)
    full_width = number.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert normalize_id_number(f" {full_width} ") == number
    with_x = make_id_number("320412", datetime.date(1985, 6, 1), 0)
    if with_x.endswith("X"):
        assert parse_id_number(with_x.lower()).number == with_x
    old_area = make_id_number("320421", datetime.date(1985, 6, 1), 11)  # 武进县, since abolished
    assert parse_id_number(old_area).warnings


def test_the_fast_sm4_gcm_context_matches_the_public_api(settings):
    """The encryptor calls cryptography's binding directly; it must seal exactly as Cipher().encryptor() does."""
    from cryptography.hazmat.primitives.ciphers import algorithms, modes

    key, nonce = bytes(range(16)), bytes(range(12))
    sealed = []
    for make in (pii._gcm_encryption_context, pii._public_gcm_encryption_context):
        context = make(algorithms.SM4(key), modes.GCM(nonce))
        context.authenticate_additional_data(b"members.member.id_number")
        sealed.append(context.update(b"320412199005170012") + context.finalize() + context.tag)
    assert sealed[0] == sealed[1]
    settings.PII_CIPHER = "sm4-gcm"
    token = pii.encrypt("320412199005170012", context=CTX)
    assert pii.decrypt(token, context=CTX) == "320412199005170012"


def _nonce_of(token: str) -> bytes:
    return base64.b64decode(token.split(".", 2)[2])[: pii.NONCE_SIZE]


def test_nonces_come_from_a_pool_but_never_repeat_across_threads_or_a_fork():
    """Nonces are drawn in blocks; a second thread and a forked child each get their own."""
    import os
    import threading

    seal = pii.encryptor(context=CTX)
    mine = [_nonce_of(seal("320412199005170012")) for _ in range(5000)]  # more than one pool
    theirs: list[bytes] = []
    thread = threading.Thread(target=lambda: theirs.extend(_nonce_of(seal("1")) for _ in range(100)))
    thread.start()
    thread.join()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: its first nonces must not be the parent's next ones
        os.write(write, b"".join(_nonce_of(seal("1")) for _ in range(100)))
        os._exit(0)
    os.close(write)
    os.waitpid(pid, 0)
    with os.fdopen(read, "rb") as pipe:
        child = pipe.read()
    children = [child[i : i + pii.NONCE_SIZE] for i in range(0, len(child), pii.NONCE_SIZE)]
    after = [_nonce_of(seal("1")) for _ in range(100)]
    everything = mine + theirs + children + after
    assert len(children) == 100
    assert len(set(everything)) == len(everything)
