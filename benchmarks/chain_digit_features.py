"""What each measurement of a number says at the retyped numbers of `chain_edits`' pages.

`benchmarks/digit_features.py` measures every number of a corpus page as the check measures it
(its print, the paper in its box, the grain of its ink) and turns each value into a robust z
against the page's other numbers; this script does the same on the retyped pages of
`chain_edits` (made there when missing), whose scan chains neither development set has. It
prints per page the z of each measurement at the retyped number and the most extreme z of any
number outside the edit, then per measurement over the pages the most extreme z outside edits
and the retyped numbers beyond it, grouped by the chains' resolution when asked
(``--by-dpi``): which measurement carries over to these chains and which does not.

    python benchmarks/chain_digit_features.py [--pages N] [--kind KIND ...] [--by-dpi]
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import chain_edits as ce  # noqa: E402
import digit_features as df  # noqa: E402
import forensic_corpus as fc  # noqa: E402
import genuine_chains as gc  # noqa: E402

#: The kinds of `chain_edits` page measured: the retyped ones, and untouched pages saved again
#: (their numbers are more numbers outside an edit).
KINDS = ("retyped-plain", "retyped-look", "resaved")


def entries(kinds: Sequence[str], pages: int) -> list[fc.Entry]:
    """The pages of `kinds` of every chain as corpus entries (the files `chain_edits` made).

    A page not yet made is made here; its outcome is left to `chain_edits`.
    """
    out = []
    for chain in gc.CHAINS:
        folder = ce.CACHE / chain.name
        folder.mkdir(parents=True, exist_ok=True)
        for kind in kinds:
            for i in range(pages):
                page_kind, faces = ce._page_kind(chain, kind, i)
                stem = f"{chain.name}-{kind}-{i:02d}-{page_kind}-{faces}"
                found = [p for p in folder.glob(f"{stem}.*") if not p.name.endswith(".mask.png")]
                path, mask = (found[0], folder / f"{stem}.mask.png") if found else (None, None)
                if path is None:
                    path, mask = ce.make_page(chain, kind, i, folder)
                out.append(
                    fc.Entry(
                        stem,
                        "chain-edits",
                        "none" if kind == "resaved" else "retyped-digits",
                        page_kind,
                        None,
                        faces,
                        chain.name,
                        list(chain.saves),
                        path.name,
                        mask.name if mask else None,
                        [],
                        kind,
                    )
                )
    return out


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2, help="pages per chain and kind")
    parser.add_argument("--kind", action="append", choices=KINDS, help="only these kinds")
    parser.add_argument("--by-dpi", action="store_true", help="the summary per resolution too")
    args = parser.parse_args(argv)
    measured: list[dict[str, Any]] = []
    for entry in entries(args.kind or list(KINDS), args.pages):
        measured.append(df.measure(entry, ce.CACHE / entry.chain))
    print("\n".join(df.report(measured)))
    if args.by_dpi:
        dpis = {c.name: c.dpi for c in gc.CHAINS}
        for dpi in sorted(set(dpis.values())):
            group = [m for m in measured if dpis[m["chain"]] == dpi]
            print(f"\n{dpi} dpi:\n")
            print("\n".join(df.report(group)))


if __name__ == "__main__":
    main()
