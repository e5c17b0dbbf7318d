"""A plain-text summary of a report, for the terminal."""

from __future__ import annotations

from workbench.model import Report, Severity


def _clean(text: str) -> str:
    """One line of text with control characters (terminal escapes) made visible."""
    return "".join(ch if ch.isprintable() else f"\\x{ord(ch):02x}" for ch in text)


def render_text(report: Report, *, verbose: bool = False) -> str:
    """A short summary: identity, checks with status and time, findings worst first.

    Strings from the document (paths, metadata) are stripped of control characters so a
    hostile file cannot drive the terminal. Info findings are listed only when `verbose`.
    """
    doc = report.document
    pages = ", ".join(
        f"{p.width}x{p.height}" + (f" @ {p.dpi[0]:g} dpi" if p.dpi else "") for p in doc.pages
    )
    lines = [
        _clean(doc.path),
        f"  sha256 {doc.sha256}  {doc.size_bytes:,} bytes  {doc.media_type}",
        f"  pages  {len(doc.pages)}"
        + (
            f" ({pages})"
            if pages
            else " (text document)"
            if doc.media_type.startswith("text/")
            else " (its pixels could not be decoded)"
        ),
    ]
    if report.claims is not None and not report.claims.is_empty():
        claimed = {k: v for k, v in vars(report.claims).items() if k != "extra" and v is not None}
        lines.append("  claims " + _clean(", ".join(f"{k}={v}" for k, v in claimed.items())))
    lines.append(
        "  checks "
        + "; ".join(f"{c.name} {c.status.value} ({c.duration_s:.2f} s)" for c in report.checks)
    )
    for c in report.checks:
        if c.message:
            lines.append(f"    {c.name}: {_clean(c.message)}")
    shown = [f for f in report.findings if verbose or f.severity > Severity.INFO]
    hidden = len(report.findings) - len(shown)
    if shown:
        lines.append("  findings")
        for f in shown:
            where = f" (page {f.page + 1})" if f.page is not None else ""
            lines.append(f"    [{f.severity.label}] {f.code}{where}: {_clean(f.title)}")
    else:
        lines.append("  findings: none above info")
    if hidden:
        lines.append(
            f"  ({hidden} info finding{'s' if hidden != 1 else ''} not shown; "
            "use --all-findings or --format json)"
        )
    return "\n".join(lines)
