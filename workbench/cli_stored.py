"""The command-line commands that read the store: export, names and similar.

They are registered on the `workbench` command group by `workbench.cli`; kept apart so each
module stays small. Like the rest of the command line, they hold no analysis logic: they open
the store, call a service and print what it returns.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from workbench.errors import UsageError

#: The ``--store`` option every command that reads or writes the store takes.
store_option = click.option(
    "--store",
    "store_path",
    type=click.Path(path_type=Path, file_okay=False),
    help="Store folder [default: $WORKBENCH_STORE, else the per-user data folder].",
)


@click.command("export")
@click.argument("document")
@store_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "html", "md", "claimreview", "csv"]),
    default="json",
    show_default=True,
    help="csv: the rows of a list (row number, name, surname, father's name, Latin spellings).",
)
@click.option(
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write to this file instead of standard output.",
)
def export_command(document: str, store_path: Path | None, fmt: str, output: Path | None) -> None:
    """Export a stored DOCUMENT (SHA-256, a unique prefix of it, or the file itself)."""
    from workbench.casework import find_document, load_review, stored_artifact, stored_pages
    from workbench.export.casefile import export_review
    from workbench.export.html import page_previews
    from workbench.store import Store, StoreError

    try:
        with Store.open(store_path) as store:
            sha = find_document(store, document)
            review = load_review(store, sha)
            previews = []
            if fmt == "html" and review.report is not None and review.original_problem is None:
                previews = page_previews(
                    review.report,
                    stored_pages(store, sha),
                    lambda artifact: stored_artifact(store, sha, artifact.id),
                )
            data, _, _ = export_review(review, fmt, previews)
    except (UsageError, StoreError) as exc:
        raise click.UsageError(str(exc)) from None
    if output is None:
        click.echo(data.decode("utf-8"), nl=False)
    else:
        output.write_bytes(data)


@click.command("names")
@click.argument("query")
@store_option
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def names_command(query: str, store_path: Path | None, fmt: str) -> None:
    """Stored documents that mention the person QUERY (in Persian or Latin letters)."""
    from workbench.mentions import find_mentions
    from workbench.store import Store, StoreError

    try:
        with Store.open(store_path) as store:
            mentions = find_mentions(store, query)
    except StoreError as exc:
        raise click.UsageError(str(exc)) from None
    if fmt == "json":
        click.echo(json.dumps([m.as_dict() for m in mentions], ensure_ascii=False, indent=2))
        return
    if not mentions:
        click.echo(f"no stored document mentions {query!r}")
    for m in mentions:
        latin = ", ".join(m.latin[:2])
        click.echo(
            f"{m.sha256[:12]}  {m.document}  {m.source} {m.role}: {m.persian} ({latin})  "
            f"{m.score:.0f}"
        )


@click.command("similar")
@click.argument("document")
@store_option
def similar_command(document: str, store_path: Path | None) -> None:
    """Print, as JSON, the stored documents that share pages or marks with DOCUMENT.

    DOCUMENT is a SHA-256, a unique prefix of it, or the file itself. Near-duplicates carry
    their distance and differences; shared signatures, seals and letterheads their boxes.
    """
    from workbench.cases import similar
    from workbench.casework import find_document
    from workbench.store import Store, StoreError
    from workbench.store.cases import cases_of

    try:
        with Store.open(store_path) as store:
            sha = find_document(store, document)
            data = similar(store, sha).to_dict(store)
            data["cases"] = cases_of(store, sha)
    except (UsageError, StoreError) as exc:
        raise click.UsageError(str(exc)) from None
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))
