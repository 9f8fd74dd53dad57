"""The thumbnails themselves, in a grid: lesson 01's proof that the job did what it says."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def plot_thumbnails(paths: Sequence[Any], *, columns: int = 8, title: str = "") -> Any:
    """Show the image files in ``paths`` in a grid, each titled with its file name.

    Images keep their aspect ratio. Returns the Figure.
    """
    import matplotlib.pyplot as plt
    from PIL import Image

    from helpers.i18n import _

    paths = list(paths)
    if not paths:
        raise ValueError(_("no thumbnails to show"))
    rows = -(-len(paths) // columns)
    fig, axes = plt.subplots(rows, columns, figsize=(1.6 * columns, 1.7 * rows), squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    for ax, path in zip(axes.flat, paths, strict=False):
        with Image.open(path) as im:
            ax.imshow(im.convert("RGB"))
        ax.set_title(getattr(path, "name", str(path)), fontsize=6)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig
