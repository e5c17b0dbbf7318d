"""The ``c2pa`` check: Content Credentials, when the file carries them.

Reads the file's C2PA manifest store (`workbench.formats.credentials`): whether there is one, who
signed it, the program that made the claim, the actions recorded (including a generative-AI
source type) and the ingredients, and whether the manifest still validates against the file.
Scans of paper letters almost never carry Content Credentials; their absence says nothing.
"""

from __future__ import annotations

from workbench.check import Check
from workbench.context import Context
from workbench.formats.credentials import CredentialsUnavailable, read_credentials
from workbench.model import CheckResult, Finding, Severity


class ContentCredentialsCheck(Check):
    """Content Credentials (C2PA): manifest, signer, actions, ingredients, validation."""

    name = "c2pa"
    version = "1"
    title = "Content Credentials (C2PA): signer, actions, ingredients and validation"
    explanation = (
        "Reads the Content Credentials (a C2PA manifest) embedded in the file, with the "
        "maintained c2pa-python library: whether there are any, who signed them, the program "
        "that wrote them, the recorded actions (created, edited, converted, and a source type "
        "that declares a generative AI model) and the ingredient files, and whether the "
        "manifest still validates against the file (a file changed after signing does not). "
        "It reads locally and fetches nothing, so a signer's certificate is reported as named, "
        "not checked against a trust list. Most scans carry no Content Credentials, and "
        "publishers and messaging apps strip them: their absence says nothing about a document."
    )
    order = 12
    beside_reading = True

    def run(self, context: Context) -> CheckResult:
        """Read and summarise the document's Content Credentials."""
        doc = context.document
        try:
            creds = read_credentials(doc.data(), doc.media_type)
        except CredentialsUnavailable as exc:
            return self.skipped(f"{exc}; install the workbench with its dependencies")
        except ValueError as exc:
            return self.skipped(str(exc).capitalize() + ".")
        results = creds.to_dict()
        if not creds.present:
            return self.ok(
                results=results,
                message="No Content Credentials in the file (usual for scans).",
            )
        signer = creds.signer
        who = signer.get("common_name") or signer.get("issuer") or "an unnamed signer"
        findings: list[Finding] = [
            self.finding(
                "present",
                Severity.INFO,
                "The file carries Content Credentials (C2PA)",
                f"A C2PA manifest signed by {who}"
                f"{' (issued by ' + signer['issuer'] + ')' if signer.get('issuer') else ''}, "
                f"written by {creds.claim_generator or 'an unnamed program'}, records "
                f"{len(creds.actions)} action(s) "
                f"({', '.join(str(a.get('action')) for a in creds.actions) or 'none'}) and "
                f"{len(creds.ingredients)} ingredient(s). The signer's certificate was not "
                "checked against a trust list: who the signer is must be established "
                "separately.",
                evidence={"signer": signer, "claim_generator": creds.claim_generator},
                checklist=["prov.original", "meta.software"],
            )
        ]
        if creds.generative:
            types = sorted({str(a.get("digitalSourceType")) for a in creds.generative})
            findings.append(
                self.finding(
                    "generative_ai",
                    Severity.WARNING,
                    "The Content Credentials declare a generative-AI source",
                    "The manifest records an action whose digital source type says the "
                    f"content was made, wholly or partly, by a trained model ({', '.join(types)})."
                    " This is the signer's own declaration; a scan of a paper letter would not "
                    "carry it. An illustration or a retouched photograph may legitimately carry "
                    "it too.",
                    evidence={"actions": list(creds.generative)},
                    checklist=["img.splice", "prov.original"],
                )
            )
        if creds.failures:
            codes = ", ".join(f["code"] for f in creds.failures)
            findings.append(
                self.finding(
                    "validation_failed",
                    Severity.WARNING,
                    "The Content Credentials do not validate against the file",
                    f"Validation reported: {codes}. A file changed after it was signed (edited, "
                    "re-encoded, or its metadata rewritten) fails this way; so does a manifest "
                    "written by a program that does not follow the standard.",
                    evidence={"failures": list(creds.failures)},
                    checklist=["prov.original", "meta.software"],
                )
            )
        return self.ok(findings=findings, results=results)
