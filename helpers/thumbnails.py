"""Make thumbnails of every image in a folder: the course's real, CPU-heavy job.

Run it from a shell::

    python -m helpers.thumbnails images/ thumbnails/ --sizes 32 64 128 --executor thread

How it stays fast: one decode per image, not one per size. JPEG can decode at 1/2,
1/4 or 1/8 scale almost for free ("draft" mode), so each file is decoded once at the
smallest scale that still covers the largest thumbnail, and each smaller size is
shrunk from the one before it. Decoding at full size first is the obvious rewrite,
and it is slower than calling Pillow's ``thumbnail()`` once per size, because that
already uses draft mode.

How it stays safe: a file it cannot read gives a one-line reason and the run goes
on; every thumbnail is encoded into a hidden temporary file and renamed into place
only when all of a source's sizes are ready, so a crash never leaves half a file;
output names keep the source's folder and extension, so no two sources share an
output and no source is overwritten.

How threads run it in parallel: Pillow releases the GIL while it decodes, resizes
and encodes into a *file*. Encoding into memory (``io.BytesIO``) holds the GIL, so
this module encodes each thumbnail straight into its temporary file.
"""

from __future__ import annotations

import argparse
import contextlib
import math
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, NamedTuple

from PIL import ExifTags, Image, ImageOps, UnidentifiedImageError

from helpers.executors import EXECUTOR_KINDS, make_executor, map_unordered
from helpers.i18n import _

IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".gif", ".webp", ".bmp", ".tif", ".tiff"})
DEFAULT_SIZES = (32, 64, 128)
# Lanczos is the sharpest of Pillow's filters when shrinking, and with draft mode
# doing the coarse reduction it has only a 2-4x step left, where it costs little.
RESAMPLE = Image.Resampling.LANCZOS
JPEG_QUALITY = 85
BACKGROUND = (255, 255, 255)  # transparent pixels become white in a JPEG


class ThumbnailError(Exception):
    """A source file that cannot be made into thumbnails; the message is one line."""


@dataclass(frozen=True)
class Job:
    """One source image and where each of its thumbnails goes. Picklable."""

    source: Path
    targets: tuple[tuple[int, Path], ...]

    @property
    def name(self) -> str:  # the timeline labels a task by its ``name``
        return self.source.name


@dataclass(frozen=True)
class ImageResult:
    """What happened to one source: the files written, or why none were."""

    source: Path
    outputs: tuple[Path, ...] = ()
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def name(self) -> str:
        return self.source.name


@dataclass
class RunReport:
    """The outcome of a whole run, in source order."""

    results: list[ImageResult]
    seconds: float
    executor: str = "serial"
    workers: int = 1
    failures: list[ImageResult] = field(init=False)

    def __post_init__(self) -> None:
        self.failures = [r for r in self.results if not r.ok]

    @property
    def written(self) -> int:
        return sum(len(r.outputs) for r in self.results)

    def summary(self) -> str:
        from helpers.measure import setting_label  # here, not at the top: workers import this module

        return _("{files} files, {written} thumbnails written, {failed} failed, {seconds:.2f} s "
                 "({setting})").format(
            files=len(self.results), written=self.written, failed=len(self.failures), seconds=self.seconds,
            setting=setting_label(self.executor, self.workers))


# --- finding images and naming outputs ---------------------------------------------


def find_images(root: Path | str, *, exclude: Path | str | None = None) -> list[Path]:
    """Every image file below ``root``, in a stable order.

    Matching is by extension, case-insensitively (``.JPG`` counts). Hidden files
    and folders are skipped: they include editors' checkpoints and this module's own
    temporary files. ``exclude`` (the output folder, when it sits inside ``root``)
    is skipped too, so a second run does not make thumbnails of thumbnails.
    """
    root = Path(root)
    skip = Path(exclude).resolve() if exclude is not None else None
    found: list[Path] = []
    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        dirs[:] = sorted(
            d for d in dirs if not d.startswith(".") and (here / d).resolve() != skip
        )
        for name in sorted(files):
            if not name.startswith(".") and Path(name).suffix.lower() in IMAGE_SUFFIXES:
                found.append(here / name)
    return found


def output_path(source: Path, src_root: Path, out_root: Path, size: int) -> Path:
    """Where the ``size`` thumbnail of ``source`` goes.

    The source's sub-folder is kept (``a/cat.jpg`` and ``b/cat.jpg`` stay apart) and
    so is its extension (``cat.jpg`` and ``cat.png`` stay apart):
    ``a/cat.jpg`` becomes ``a/cat_jpg_64.jpg``. Extensions contain no underscore, so
    the name can be read back unambiguously and two sources never share it.
    """
    relative_folder = source.parent.relative_to(src_root)
    extension = source.suffix.lstrip(".")
    return out_root / relative_folder / f"{source.stem}_{extension}_{size}.jpg"


def plan(sources: Iterable[Path], src_root: Path, out_root: Path, sizes: Sequence[int]) -> list[Job]:
    """One Job per source, with every size's destination decided up front."""
    sizes = validate_sizes(sizes)
    return [
        Job(source, tuple((size, output_path(source, src_root, out_root, size)) for size in sizes))
        for source in sources
    ]


def validate_sizes(sizes: Iterable[int]) -> tuple[int, ...]:
    """Sizes as a tuple, largest first, without repeats; each must be a positive int."""
    sizes = tuple(sizes)
    if not sizes:
        raise ValueError(_("give at least one thumbnail size"))
    for size in sizes:
        if isinstance(size, bool) or not isinstance(size, int) or size < 1:
            raise ValueError(_("thumbnail sizes must be positive whole numbers, not {size!r}").format(size=size))
    return tuple(sorted(set(sizes), reverse=True))


# --- decoding and converting ---------------------------------------------------------


class Decoded(NamedTuple):
    """A decoded, upright image, and the size it has at full scale (upright too)."""

    image: Image.Image
    full_size: tuple[int, int]


# EXIF orientations 5-8 turn the picture by a quarter: width and height swap.
_QUARTER_TURNS = {5, 6, 7, 8}


def open_for_thumbnails(path: Path | str, largest: int) -> Decoded:
    """Decode ``path`` once, no larger than needed for a ``largest``-pixel thumbnail.

    Returns an upright RGB or L image (EXIF orientation applied) that a JPEG can
    hold. Raises ThumbnailError with a one-line reason for anything unreadable.
    """
    path = Path(path)
    try:
        with Image.open(path) as im:
            _refuse_bombs(im)
            width, height = im.size
            if im.getexif().get(ExifTags.Base.Orientation) in _QUARTER_TURNS:
                width, height = height, width
            # Ask the decoder to shrink while decoding (JPEG only; others ignore it).
            # Both sides stay at least `largest`, so no thumbnail is upscaled.
            im.draft(None, (largest, largest))
            im.load()
            upright = ImageOps.exif_transpose(im)  # a new, loaded image
        return Decoded(to_jpeg_mode(upright), (width, height))
    except ThumbnailError:
        raise
    except Exception as exc:  # every reader error becomes one line in the report
        raise ThumbnailError(describe_error(path, exc)) from exc


def _refuse_bombs(im: Image.Image) -> None:
    """Pillow only warns between its limit and twice it; the course refuses both."""
    limit = Image.MAX_IMAGE_PIXELS
    width, height = im.size
    if limit is not None and width * height > limit:
        raise ThumbnailError(
            _("too large: {width}x{height} = {pixels:,} pixels is over Pillow's limit of {limit:,} "
              "(a possible decompression bomb)").format(width=width, height=height, pixels=width * height, limit=limit)
        )


def to_jpeg_mode(im: Image.Image) -> Image.Image:
    """Convert any Pillow mode to RGB or L, the modes a JPEG stores faithfully.

    Transparency (an alpha band, or a palette or single colour marked transparent)
    is laid over white, not black, which is what a bare convert gives; 16-bit greys
    are scaled down rather than clipped; CMYK and palettes become RGB.
    """
    mode = im.mode
    has_alpha = "A" in mode or "a" in mode or "transparency" in im.info
    if has_alpha and not mode.startswith(("I", "F")):
        rgba = im.convert("RGBA")
        flat = Image.new("RGB", rgba.size, BACKGROUND)
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    if mode in ("RGB", "L"):
        return im
    if mode == "1":
        return im.convert("L")
    if mode.startswith("I;16"):  # 16-bit greys: keep the top 8 bits
        return im.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    if mode == "I":  # 32-bit ints: usually 16-bit data in disguise, sometimes 8-bit
        _, high = im.getextrema()
        return (im.point(lambda value: value * (1 / 256)) if high > 255 else im).convert("L")
    if mode == "F":
        return im.convert("L")
    return im.convert("RGB")


def fit_within(width: int, height: int, size: int) -> tuple[int, int]:
    """The dimensions ``thumbnail((size, size))`` gives a ``width`` x ``height`` image.

    Computed from the full-size image, not from a smaller thumbnail, so rounding
    never accumulates from one size to the next. Follows Pillow's own rule: keep
    the aspect ratio, round to the nearest whole pixel, never enlarge.
    """
    if width <= size and height <= size:
        return width, height
    aspect = width / height
    if aspect >= 1:
        return size, _round_aspect(size / aspect, lambda n: 0 if n == 0 else abs(aspect - size / n))
    return _round_aspect(size * aspect, lambda n: abs(aspect - n / size)), size


def _round_aspect(number: float, key: Callable[[int], float]) -> int:
    return max(min(math.floor(number), math.ceil(number), key=key), 1)


def shrink_all(
    im: Image.Image, sizes: Sequence[int], full_size: tuple[int, int] | None = None
) -> dict[int, Image.Image]:
    """Every size of ``im``, each shrunk from the previous (larger) one.

    Each thumbnail fits inside a size x size square with the aspect ratio of
    ``full_size`` (the image before any draft decoding; default ``im.size``), and is
    never enlarged: a source smaller than a size keeps its own dimensions.
    """
    width, height = full_size or im.size
    thumbnails: dict[int, Image.Image] = {}
    current = im
    for size in validate_sizes(sizes):
        target = fit_within(width, height, size)
        target = (min(target[0], current.width), min(target[1], current.height))
        current = current.resize(target, RESAMPLE, reducing_gap=2.0) if target != current.size else current.copy()
        thumbnails[size] = current
    return thumbnails


def save_jpeg(im: Image.Image, file: BinaryIO) -> None:
    """Encode ``im`` as a JPEG into an open file; no EXIF is kept, as the pixels are already upright.

    Given a real file, Pillow's encoder writes to it directly and releases the GIL
    while it works; given an ``io.BytesIO`` it would hold the GIL.
    """
    im.save(file, "JPEG", quality=JPEG_QUALITY)


def write_temporary(write: Callable[[BinaryIO], None], dest: Path) -> Path:
    """Call ``write`` on a new hidden file beside ``dest`` and return that file's path.

    Beside ``dest``, so that renaming it into place stays within one file system,
    where a rename is atomic. On any failure the temporary file is removed.
    """
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".part")
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; thumbnails are ordinary files
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise
    return tmp


def write_atomically(data: bytes, dest: Path) -> None:
    """Write ``data`` to ``dest`` so that ``dest`` is either complete or untouched."""
    tmp = write_temporary(lambda f: f.write(data), dest)
    try:
        os.replace(tmp, dest)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise


def save_thumbnails(images: dict[int, Image.Image], targets: Sequence[tuple[int, Path]]) -> list[Path]:
    """Write every size to its destination, all or nothing; return the paths written.

    Every size is encoded into its own temporary file first; only when all are
    ready are they renamed into place. If anything fails, the temporary files are
    removed, and so are the sizes already renamed; a failure to write raises
    ThumbnailError naming the file, any other error is raised as it is.
    """
    ready: list[tuple[Path, Path]] = []
    placed: list[Path] = []
    dest = None
    try:
        for size, dest in targets:
            image = images[size]
            ready.append((write_temporary(lambda f, image=image: save_jpeg(image, f), dest), dest))
        for tmp, dest in ready:
            os.replace(tmp, dest)
            placed.append(dest)
    except BaseException as exc:
        for path in [tmp for tmp, _ in ready] + placed:
            with contextlib.suppress(OSError):
                path.unlink()
        if isinstance(exc, OSError):  # a full disk, a read-only folder: say which file
            reason = exc.strerror or exc
            raise ThumbnailError(_("cannot write {dest}: {reason}").format(dest=dest, reason=reason)) from exc
        raise
    return placed


def describe_error(path: Path, exc: BaseException) -> str:
    """One line a person can act on, for an exception raised while reading ``path``."""
    if isinstance(exc, Image.DecompressionBombError):
        return _("too large: {error} (a possible decompression bomb)").format(error=exc).replace("\n", " ")
    if isinstance(exc, UnidentifiedImageError):
        with contextlib.suppress(OSError):
            if path.stat().st_size == 0:
                return _("empty file (0 bytes)")
        return _("not an image that Pillow can read")
    if isinstance(exc, OSError) and "truncated" in str(exc):
        return _("truncated: the file ends before the image data does")
    if isinstance(exc, OSError) and exc.strerror:
        return _("cannot read: {reason}").format(reason=exc.strerror)
    text = " ".join(str(exc).split()) or _("no details")
    return _("damaged or unsupported image ({error})").format(error=f"{type(exc).__name__}: {text}")


# --- one file, many files ------------------------------------------------------------


def thumbnail_file(job: Job) -> ImageResult:
    """Make every thumbnail of one source; never raises for a bad file.

    This is the function the workers run: it lives in a module, not in a notebook,
    so that processes started with spawn or forkserver can import it. It writes
    all of a source's sizes or none of them.
    """
    try:
        sizes = [size for size, _ in job.targets]
        decoded = open_for_thumbnails(job.source, max(sizes))
        thumbnails = shrink_all(decoded.image, sizes, decoded.full_size)
    except ThumbnailError as exc:
        return ImageResult(job.source, error=str(exc))
    except Exception as exc:
        return ImageResult(job.source, error=describe_error(job.source, exc))
    try:
        written = save_thumbnails(thumbnails, job.targets)
    except ThumbnailError as exc:
        return ImageResult(job.source, error=str(exc))
    except Exception as exc:  # an encoder failure: nothing was written
        return ImageResult(job.source, error=describe_error(job.source, exc))
    return ImageResult(job.source, outputs=tuple(written))


def thumbnail_file_once_per_size(job: Job) -> ImageResult:
    """The straightforward way, for comparison: open and decode the file per size.

    Pillow's ``thumbnail()`` drafts the JPEG decode too, but at twice each size, and
    it does so once per size; :func:`thumbnail_file` decodes once. Both encode into
    files the same way, so a timing compares only the decoding.
    """
    outputs = []
    try:
        for size, dest in job.targets:
            with Image.open(job.source) as im:
                im = to_jpeg_mode(im)  # a no-op, keeping draft mode, for RGB and L
                im.thumbnail((size, size), RESAMPLE)
                outputs.extend(save_thumbnails({size: ImageOps.exif_transpose(im)}, [(size, dest)]))
    except Exception as exc:
        return ImageResult(job.source, tuple(outputs), describe_error(job.source, exc))
    return ImageResult(job.source, outputs=tuple(outputs))


def make_jobs(src_dir: Path | str, out_dir: Path | str, sizes: Sequence[int] = DEFAULT_SIZES) -> list[Job]:
    """Find the images below ``src_dir`` and plan their thumbnails in ``out_dir``.

    A source whose planned output is itself a source (when ``out_dir`` is
    ``src_dir``, say) is refused when it runs, never overwritten.
    """
    src, out = Path(src_dir), Path(out_dir)
    sources = find_images(src, exclude=out)
    return plan(sources, src, out, sizes)


def run_jobs(
    jobs: Sequence[Job],
    *,
    executor: str = "serial",
    workers: int | None = None,
    progress: bool = False,
    start_method: str | None = None,
) -> RunReport:
    """Run ``jobs`` on the chosen executor and report on every one of them."""
    protected = {job.source.resolve() for job in jobs}
    runnable: list[Job] = []
    refused: list[ImageResult] = []
    for job in jobs:
        clash = [dest for _, dest in job.targets if dest.resolve() in protected]
        if clash:
            refused.append(ImageResult(job.source, error=_("refused: would overwrite the source image {path}").format(
                path=clash[0])))
        else:
            runnable.append(job)

    pool = make_executor(executor, workers, start_method=start_method)
    workers = 1 if executor == "serial" else getattr(pool, "_max_workers", workers or 1)
    started = time.perf_counter()
    with pool:
        results = list(_progress(map_unordered(pool, thumbnail_file, runnable), len(runnable), progress))
    seconds = time.perf_counter() - started
    order = {job.source: i for i, job in enumerate(jobs)}
    return RunReport(sorted(results + refused, key=lambda r: order[r.source]), seconds, executor, workers)


def _progress(results: Iterable[ImageResult], total: int, enabled: bool) -> Iterable[ImageResult]:
    if not enabled:
        return results
    from tqdm.auto import tqdm

    return tqdm(results, total=total, unit=_("image"), desc=_("thumbnails"))


# --- command line --------------------------------------------------------------------


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is not a positive number")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m helpers.thumbnails",
        description="Make JPEG thumbnails of every image below SRC_DIR, in OUT_DIR.",
        epilog=(
            "Exit status: 0 when every file succeeded, 1 when some files failed "
            "(each is reported on stderr in one line), 2 for a usage error."
        ),
    )
    parser.add_argument("src_dir", metavar="SRC_DIR", type=Path, help="folder of images (searched recursively)")
    parser.add_argument("out_dir", metavar="OUT_DIR", type=Path,
                        help="folder for the thumbnails (created if needed)")
    parser.add_argument("--sizes", nargs="+", type=_positive_int, default=list(DEFAULT_SIZES),
                        metavar="PIXELS", help="longest side of each thumbnail (default: 32 64 128)")
    parser.add_argument("--executor", choices=EXECUTOR_KINDS, default="process",
                        help="run files one after another, on threads, or on processes (default: process)")
    parser.add_argument("--workers", type=_positive_int, default=None,
                        help="threads or processes to use (default: one per core)")
    return parser


def printable(path: Path) -> str:
    """``path`` with control characters escaped, so one failure stays on one line."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in str(path))


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.src_dir.is_dir():
        parser.error(f"SRC_DIR {str(args.src_dir)!r} is not a folder")
    if args.out_dir.resolve() == args.src_dir.resolve():
        parser.error("OUT_DIR must differ from SRC_DIR (a second run would make thumbnails of thumbnails)")
    if args.out_dir.exists() and not args.out_dir.is_dir():
        parser.error(f"OUT_DIR {str(args.out_dir)!r} exists and is not a folder")

    jobs = make_jobs(args.src_dir, args.out_dir, args.sizes)
    report = run_jobs(jobs, executor=args.executor, workers=args.workers, progress=sys.stderr.isatty())
    for failure in report.failures:
        print(f"{printable(failure.source)}: {failure.error}", file=sys.stderr)
    print(report.summary())
    return 1 if report.failures else 0


if __name__ == "__main__":
    sys.exit(main())
