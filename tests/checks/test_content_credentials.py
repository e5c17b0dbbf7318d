"""The c2pa check on files signed here, with a certificate chain made for the test."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import c2pa
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from PIL import Image

from tests.support.fixtures import letter_image
from workbench import analyze
from workbench.model import Severity, Status

GENERATED = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"
CAPTURED = [
    {
        "action": "c2pa.created",
        "digitalSourceType": "http://cv.iptc.org/newscodes/digitalsourcetype/digitalCapture",
    }
]


def _name(common: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Test Newsroom"),
        ]
    )


def _usage(sign: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=sign,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=not sign,
        crl_sign=not sign,
        encipher_only=False,
        decipher_only=False,
    )


@pytest.fixture(scope="module")
def signer() -> c2pa.Signer:
    """An ES256 signer whose end-entity certificate is issued by a test root made here."""
    now = dt.datetime.now(dt.UTC)
    root_key = ec.generate_private_key(ec.SECP256R1())
    root = (
        x509.CertificateBuilder()
        .subject_name(_name("Test Root"))
        .issuer_name(_name("Test Root"))
        .public_key(root_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(_usage(False), critical=True)
        .sign(root_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    leaf = (
        x509.CertificateBuilder()
        .subject_name(_name("Test Signer"))
        .issuer_name(root.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_usage(True), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()), False
        )
        .sign(root_key, hashes.SHA256())
    )
    chain = b"".join(c.public_bytes(serialization.Encoding.PEM) for c in (leaf, root))
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return c2pa.Signer.from_info(
        c2pa.C2paSignerInfo(c2pa.C2paSigningAlg.ES256, chain, private, None)
    )


def _jpeg() -> io.BytesIO:
    page = io.BytesIO()
    letter_image(600, 800).convert("RGB").save(page, "JPEG", quality=90)
    page.seek(0)
    return page


def _signed(
    signer: c2pa.Signer, actions: list[dict[str, Any]], path: Path, parent: bool = False
) -> Path:
    manifest = {
        "claim_generator_info": [{"name": "Newsroom Desk", "version": "2.1"}],
        "title": path.name,
        "assertions": [{"label": "c2pa.actions", "data": {"actions": actions}}],
    }
    out = io.BytesIO()
    with c2pa.Builder(manifest) as builder:
        if parent:
            ingredient = {
                "title": "scan-original.jpg",
                "relationship": "parentOf",
                "label": "parent-scan",
            }
            builder.add_ingredient(ingredient, "image/jpeg", _jpeg())
        builder.sign(signer, "image/jpeg", _jpeg(), out)
    path.write_bytes(out.getvalue())
    return path


def test_signed_file_reports_signer_generator_and_actions(
    signer: c2pa.Signer, tmp_path: Path
) -> None:
    path = _signed(signer, CAPTURED, tmp_path / "signed.jpg")
    report = analyze(path, only=["c2pa"])
    data = report.results["c2pa"]
    assert data["present"] is True and data["validation_state"] in {"Valid", "Trusted"}
    assert data["claim_generator"] == "Newsroom Desk 2.1"
    assert data["signer"]["common_name"] == "Test Signer"
    assert data["signer"]["issuer"] == "Test Newsroom"
    assert [a["action"] for a in data["actions"]] == ["c2pa.created"]
    assert data["failures"] == [] and data["signer_untrusted"] is True
    assert [f.code for f in report.findings] == ["c2pa.present"]


def test_ingredients_are_listed(signer: c2pa.Signer, tmp_path: Path) -> None:
    edited: list[dict[str, Any]] = [
        {"action": "c2pa.opened", "parameters": {"ingredientIds": ["parent-scan"]}},
        {"action": "c2pa.cropped"},
    ]
    path = _signed(signer, edited, tmp_path / "cropped.jpg", parent=True)
    data = analyze(path, only=["c2pa"]).results["c2pa"]
    assert "c2pa.cropped" in [a["action"] for a in data["actions"]]
    (ingredient,) = data["ingredients"]
    assert ingredient["title"] == "scan-original.jpg"
    assert ingredient["relationship"] == "parentOf"


def test_generative_source_type_is_a_warning(signer: c2pa.Signer, tmp_path: Path) -> None:
    actions = [{"action": "c2pa.created", "digitalSourceType": GENERATED}]
    report = analyze(_signed(signer, actions, tmp_path / "made.jpg"), only=["c2pa"])
    (generated,) = [f for f in report.findings if f.code == "c2pa.generative_ai"]
    assert generated.severity is Severity.WARNING
    assert "trainedAlgorithmicMedia" in generated.detail


def test_a_file_changed_after_signing_fails_validation(signer: c2pa.Signer, tmp_path: Path) -> None:
    path = _signed(signer, CAPTURED, tmp_path / "edited.jpg")
    data = bytearray(path.read_bytes())
    data[-200] ^= 0xFF  # a byte of the image data, after the manifest
    path.write_bytes(bytes(data))
    report = analyze(path, only=["c2pa"])
    (failed,) = [f for f in report.findings if f.code == "c2pa.validation_failed"]
    assert failed.severity is Severity.WARNING
    assert any("mismatch" in f["code"] for f in report.results["c2pa"]["failures"])


def test_files_without_credentials_and_text(tmp_path: Path) -> None:
    plain = tmp_path / "scan.png"
    Image.new("L", (300, 200), 255).save(plain)
    report = analyze(plain, only=["c2pa"])
    result = report.check("c2pa")
    assert result is not None and result.status is Status.OK and not report.findings
    assert report.results["c2pa"]["present"] is False
    text = tmp_path / "note.txt"
    text.write_text("a note", encoding="utf-8")
    skipped = analyze(text, only=["c2pa"]).check("c2pa")
    assert skipped is not None and skipped.status is Status.SKIPPED
    assert skipped.message and "text/plain" in skipped.message
