"""Unit tests for helpers.thumbnails: finding, naming, decoding, shrinking and writing.

Every image is made here with Pillow, in ``tmp_path``; only the smoke test reads a
copy of one file from ``images/``.
"""

from __future__ import annotations

import errno
import io
import os
import shutil
import stat
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image, ImageOps

from helpers import thumbnails
from helpers.thumbnails import (
    ImageResult,
    Job,
    find_images,
    make_jobs,
    output_path,
    plan,
    run_jobs,
    thumbnail_file,
    thumbnail_file_once_per_size,
    validate_sizes,
    write_atomically,
)

RED = (220, 30, 30)
BLUE = (30, 30, 220)
GREEN = (0, 200, 0)
WHITE = (255, 255, 255)
BLACK = (0, 0, 0)
SIZES = (100, 48, 16)
ORIENTATION = 0x0112  # the EXIF tag


# --- helpers -------------------------------------------------------------------------


def halves(mode: str, size: tuple[int, int], left, right) -> Image.Image:
    """An image whose left half is ``left`` and right half is ``right``."""
    im = Image.new(mode, size, left)
    im.paste(right, (size[0] // 2, 0, size[0], size[1]))
    return im


def save(im: Image.Image, path: Path, **params) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    im.save(path, **params)
    return path


def load(path: Path) -> Image.Image:
    """A loaded in-memory copy of the image at ``path`` (the file is closed)."""
    with Image.open(path) as im:
        assert im.format == "JPEG", f"{path.name} is {im.format}, not a JPEG"
        im.load()
        return im.copy()


def rgb_at(im: Image.Image, fx: float, fy: float) -> tuple[int, int, int]:
    """The RGB colour at a fraction (fx, fy) of the image's width and height."""
    x = min(int(fx * im.width), im.width - 1)
    y = min(int(fy * im.height), im.height - 1)
    return im.convert("RGB").getpixel((x, y))


def assert_colour(actual, expected, tol: int = 20) -> None:
    assert all(abs(a - e) <= tol for a, e in zip(actual, expected, strict=True)), f"{actual} is not near {expected}"


def files_below(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def hidden_below(folder: Path) -> list[Path]:
    return [p for p in folder.rglob(".*")] if folder.exists() else []


def one_job(source: Path, out: Path, sizes=SIZES) -> Job:
    (job,) = plan([source], source.parent, out, sizes)
    return job


def assert_fits(thumb_size: tuple[int, int], source_size: tuple[int, int], size: int) -> None:
    """Longest side is ``size`` (or the source's, never larger), aspect ratio within 1 px."""
    (tw, th), (sw, sh) = thumb_size, source_size
    longest = min(size, max(sw, sh))
    assert max(tw, th) == longest, f"{thumb_size} for size {size} of a {source_size} source"
    if sw >= sh:
        assert tw == longest
        assert abs(th - sh * longest / sw) <= 1, f"{thumb_size} has not the aspect ratio of {source_size}"
    else:
        assert th == longest
        assert abs(tw - sw * longest / sh) <= 1, f"{thumb_size} has not the aspect ratio of {source_size}"


# --- find_images ---------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".jpg", ".JPG", ".Jpeg", ".jpeg", ".png", ".PNG", ".gif", ".webp", ".bmp",
                                    ".tif", ".tiff", ".TIFF"])
def test_find_images_matches_extensions_case_insensitively(tmp_path, suffix):
    (tmp_path / f"photo{suffix}").write_bytes(b"x")
    assert find_images(tmp_path) == [tmp_path / f"photo{suffix}"]


@pytest.mark.parametrize("name", ["notes.txt", "photo.jpg.bak", "photo.heic", "drawing.svg", "jpg", "README",
                                  "photo_jpg", "archive.tar.gz"])
def test_find_images_ignores_other_extensions(tmp_path, name):
    (tmp_path / name).write_bytes(b"x")
    (tmp_path / "real.png").write_bytes(b"x")
    assert find_images(tmp_path) == [tmp_path / "real.png"]


@pytest.mark.parametrize("hidden", [".ipynb_checkpoints/a-checkpoint.jpg", ".x.jpg.part", ".hidden.png",
                                    ".git/objects/b.png", "sub/.cache/c.gif", "sub/.d.jpg"])
def test_find_images_skips_hidden_files_and_folders(tmp_path, hidden):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "keep.jpg").write_bytes(b"x")
    path = tmp_path / hidden
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x")
    assert find_images(tmp_path) == [tmp_path / "sub" / "keep.jpg"]


def test_find_images_recurses_in_a_stable_sorted_order(tmp_path):
    # Created out of order on purpose.
    for name in ["z/1.gif", "b.png", "y/deep/3.bmp", "a.jpg", "y/2.webp", "A.JPG"]:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x")
    expected = [tmp_path / n for n in ["A.JPG", "a.jpg", "b.png", "y/2.webp", "y/deep/3.bmp", "z/1.gif"]]
    assert find_images(tmp_path) == expected
    assert find_images(str(tmp_path)) == expected  # a str root works too


@pytest.mark.parametrize("relative", [False, True])
def test_find_images_excludes_the_output_folder_inside_root(tmp_path, monkeypatch, relative):
    src = tmp_path / "src"
    for name in ["a.jpg", "thumbs/a_jpg_32.jpg", "thumbs/sub/b_png_32.jpg", "thumbs2/c.png", "sub/thumbs/d.png"]:
        path = src / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x")
    exclude: Path | str = src / "thumbs"
    if relative:
        monkeypatch.chdir(tmp_path)
        exclude = "src/thumbs"
    # Only the folder itself is skipped, not one with a similar name or the same name elsewhere.
    assert find_images(src, exclude=exclude) == [src / "a.jpg", src / "sub/thumbs/d.png", src / "thumbs2/c.png"]


def test_find_images_exclude_outside_root_changes_nothing(tmp_path):
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "a.png").write_bytes(b"x")
    assert find_images(tmp_path / "src", exclude=tmp_path / "out") == [tmp_path / "src" / "a.png"]


# --- naming and planning --------------------------------------------------------------


def test_output_path_keeps_subfolder_and_extension(tmp_path):
    src, out = tmp_path / "src", tmp_path / "out"
    assert output_path(src / "a" / "b" / "cat.jpg", src, out, 64) == out / "a" / "b" / "cat_jpg_64.jpg"
    assert output_path(src / "cat.PNG", src, out, 32) == out / "cat_PNG_32.jpg"


def test_same_name_in_two_folders_gives_two_outputs(tmp_path):
    src, out = tmp_path / "src", tmp_path / "out"
    a = save(Image.new("RGB", (60, 40), RED), src / "a" / "cat.jpg")
    b = save(Image.new("RGB", (60, 40), BLUE), src / "b" / "cat.jpg")
    jobs = plan([a, b], src, out, [32])
    assert jobs[0].targets[0][1] != jobs[1].targets[0][1]
    for job, colour in zip(jobs, [RED, BLUE], strict=True):
        assert thumbnail_file(job).ok
        assert_colour(rgb_at(load(job.targets[0][1]), 0.5, 0.5), colour)


def test_same_stem_with_two_extensions_gives_two_outputs(tmp_path):
    src, out = tmp_path / "src", tmp_path / "out"
    jpg = save(Image.new("RGB", (60, 40), RED), src / "cat.jpg")
    png = save(Image.new("RGB", (60, 40), BLUE), src / "cat.png")
    jobs = plan([jpg, png], src, out, [32])
    assert jobs[0].targets[0][1].parent == jobs[1].targets[0][1].parent == out
    assert jobs[0].targets[0][1] != jobs[1].targets[0][1]
    for job, colour in zip(jobs, [RED, BLUE], strict=True):
        assert thumbnail_file(job).ok
        assert_colour(rgb_at(load(job.targets[0][1]), 0.5, 0.5), colour)


def test_tricky_names_never_share_an_output(tmp_path):
    src, out = tmp_path / "src", tmp_path / "out"
    names = ["cat.jpg", "cat.JPG", "cat.jpeg", "cat.png", "cat_jpg.png", "cat_jpg_32.jpg", "cat.jpg.png",
             "a/cat.jpg", "a_cat.jpg", "cat_png.jpg"]
    jobs = plan([src / n for n in names], src, out, [64, 32])
    outputs = [dest for job in jobs for _, dest in job.targets]
    assert len(set(outputs)) == len(outputs) == 2 * len(names)


def test_plan_orders_targets_largest_first_without_repeats(tmp_path):
    src, out = tmp_path / "src", tmp_path / "out"
    (job,) = plan([src / "cat.jpg"], src, out, [32, 128, 64, 32])
    assert job.source == src / "cat.jpg"
    assert job.name == "cat.jpg"
    assert job.targets == ((128, out / "cat_jpg_128.jpg"), (64, out / "cat_jpg_64.jpg"), (32, out / "cat_jpg_32.jpg"))


@pytest.mark.parametrize("sizes", [[], (), [0], [-1], [64, 0], [64, -32], [1.5], [64.0], ["64"], [None], [True],
                                   [False], [64, True]])
def test_validate_sizes_rejects_bad_sizes(sizes):
    with pytest.raises(ValueError):
        validate_sizes(sizes)


def test_plan_rejects_bad_sizes(tmp_path):
    with pytest.raises(ValueError):
        plan([tmp_path / "a.jpg"], tmp_path, tmp_path / "out", [0])


@pytest.mark.parametrize(("sizes", "expected"), [
    ([32, 128, 64], (128, 64, 32)),
    ([64, 64, 64], (64,)),
    ((1,), (1,)),
    (iter([5, 500, 5, 50]), (500, 50, 5)),
])
def test_validate_sizes_dedups_and_sorts_largest_first(sizes, expected):
    assert validate_sizes(sizes) == expected


# --- thumbnail_file on every kind of good image ---------------------------------------


def _rgb_jpeg(d: Path) -> Path:
    return save(halves("RGB", (300, 200), RED, BLUE), d / "rgb.jpg", quality=95)


def _rgba_png(d: Path) -> Path:
    return save(halves("RGBA", (240, 160), (0, 0, 0, 0), (*BLUE, 255)), d / "rgba.png")


def _palette(d: Path, name: str, colours: list[tuple[int, int, int]], **params) -> Path:
    im = halves("P", (200, 240), 0, 1)
    im.putpalette([c for colour in colours for c in colour])
    return save(im, d / name, **params)


def _p_transparent(d: Path) -> Path:
    return _palette(d, "p_transparent.png", [BLACK, GREEN], transparency=0)


def _p_opaque(d: Path) -> Path:
    return _palette(d, "p_opaque.png", [(200, 100, 0), GREEN])


def _l_png(d: Path) -> Path:
    return save(halves("L", (200, 300), 40, 200), d / "grey.png")


def _la_png(d: Path) -> Path:
    return save(halves("LA", (260, 130), (0, 0), (60, 255)), d / "grey_alpha.png")


def _bilevel_png(d: Path) -> Path:
    return save(halves("1", (250, 120), 0, 1), d / "bilevel.png")


def _cmyk_jpeg(d: Path) -> Path:
    return save(halves("CMYK", (300, 180), (255, 0, 0, 0), (0, 0, 0, 0)), d / "cmyk.jpg", quality=95)


def _grey16_png(d: Path) -> Path:
    return save(halves("I;16", (220, 150), 32768, 65535), d / "grey16.png")


def _animated_gif(d: Path) -> Path:
    first, second = Image.new("RGB", (180, 240), RED), Image.new("RGB", (180, 240), BLUE)
    return save(first, d / "animated.gif", save_all=True, append_images=[second], duration=100, loop=0)


# name: (builder, source mode check, [(fx, fy, expected RGB, tolerance)])
MODE_CASES: dict[str, tuple[Callable[[Path], Path], Callable[[Image.Image], bool], list]] = {
    "RGB": (_rgb_jpeg, lambda im: im.mode == "RGB", [(0.25, 0.5, RED, 30), (0.75, 0.5, BLUE, 30)]),
    "RGBA": (_rgba_png, lambda im: im.mode == "RGBA", [(0.25, 0.5, WHITE, 8), (0.75, 0.5, BLUE, 30)]),
    "P+transparency": (_p_transparent, lambda im: im.mode == "P" and "transparency" in im.info,
                       [(0.25, 0.5, WHITE, 8), (0.75, 0.5, GREEN, 30)]),
    "P": (_p_opaque, lambda im: im.mode == "P" and "transparency" not in im.info,
          [(0.25, 0.5, (200, 100, 0), 30), (0.75, 0.5, GREEN, 30)]),
    "L": (_l_png, lambda im: im.mode == "L", [(0.25, 0.5, (40, 40, 40), 8), (0.75, 0.5, (200, 200, 200), 8)]),
    "LA": (_la_png, lambda im: im.mode == "LA", [(0.25, 0.5, WHITE, 8), (0.75, 0.5, (60, 60, 60), 8)]),
    "1": (_bilevel_png, lambda im: im.mode == "1", [(0.25, 0.5, BLACK, 8), (0.75, 0.5, WHITE, 8)]),
    "CMYK": (_cmyk_jpeg, lambda im: im.mode == "CMYK" and im.format == "JPEG",
             [(0.25, 0.5, (0, 255, 255), 30), (0.75, 0.5, WHITE, 12)]),
    "I;16": (_grey16_png, lambda im: im.mode.startswith("I;16"),
             [(0.25, 0.5, (128, 128, 128), 3), (0.75, 0.5, WHITE, 3)]),
    "GIF frames": (_animated_gif, lambda im: getattr(im, "n_frames", 1) == 2, [(0.5, 0.5, RED, 30)]),
}


@pytest.mark.parametrize("case", list(MODE_CASES))
def test_thumbnail_file_handles_every_mode(tmp_path, case):
    build, is_that_mode, probes = MODE_CASES[case]
    source = build(tmp_path / "src")
    with Image.open(source) as im:
        assert is_that_mode(im), f"the test image is {im.mode}, not a {case} image"
        source_size = im.size
    out = tmp_path / "out"

    result = thumbnail_file(one_job(source, out))

    assert result.ok, result.error
    assert result.error is None
    assert result.outputs == tuple(dest for _, dest in one_job(source, out).targets)
    for size, dest in zip(SIZES, result.outputs, strict=True):
        thumb = load(dest)
        assert thumb.mode in ("RGB", "L")
        assert_fits(thumb.size, source_size, size)
    largest = load(result.outputs[0])
    for fx, fy, expected, tol in probes:
        assert_colour(rgb_at(largest, fx, fy), expected, tol)
    assert files_below(out) == sorted(result.outputs)  # nothing else, no temporary file


def test_dark_16_bit_greys_are_scaled_like_bright_ones(tmp_path):
    # 255 and 256 out of 65535 are both almost black; they must not come out 254 levels apart.
    outs = []
    for value in (255, 256):
        source = save(Image.new("I;16", (40, 30), value), tmp_path / f"g{value}.png")
        result = thumbnail_file(one_job(source, tmp_path / "out", [16]))
        assert result.ok, result.error
        outs.append(rgb_at(load(result.outputs[0]), 0.5, 0.5)[0])
    assert outs[0] <= 3
    assert outs[1] <= 3


@pytest.mark.parametrize(("mode", "transparent", "opaque"), [("RGB", BLACK, BLUE), ("L", 0, 90)])
def test_transparent_colour_of_rgb_or_l_png_becomes_white(tmp_path, mode, transparent, opaque):
    source = save(halves(mode, (80, 40), transparent, opaque), tmp_path / "t.png", transparency=transparent)
    with Image.open(source) as im:
        assert im.mode == mode
        assert "transparency" in im.info
    result = thumbnail_file(one_job(source, tmp_path / "out", [40]))
    assert result.ok, result.error
    assert_colour(rgb_at(load(result.outputs[0]), 0.2, 0.5), WHITE, 8)


# --- EXIF orientation and upscaling ---------------------------------------------------


def test_exif_orientation_6_is_applied(tmp_path):
    stored = halves("RGB", (200, 100), RED, BLUE)
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    source = save(stored, tmp_path / "rotated.jpg", exif=exif.tobytes(), quality=95)

    # The oracle: Pillow's own reading of the EXIF spec. Orientation 6 means "rotate 90° clockwise
    # to display", so the stored left half (red) is shown on top.
    with Image.open(source) as im:
        assert im.size == (200, 100)
        assert im.getexif()[ORIENTATION] == 6
        shown = ImageOps.exif_transpose(im)
    assert shown.size == (100, 200)
    assert_colour(rgb_at(shown, 0.5, 0.25), RED, 30)
    assert_colour(rgb_at(shown, 0.5, 0.75), BLUE, 30)

    result = thumbnail_file(one_job(source, tmp_path / "out", [64, 32]))

    assert result.ok, result.error
    for size, dest in zip([64, 32], result.outputs, strict=True):
        thumb = load(dest)
        assert thumb.size == (size // 2, size), "the thumbnail is not upright (taller than wide)"
        for fy in (0.25, 0.75):
            assert_colour(rgb_at(thumb, 0.5, fy), rgb_at(shown, 0.5, fy), 40)
        # The pixels are upright, so no viewer must rotate them again.
        assert thumb.getexif().get(ORIENTATION, 1) == 1


@pytest.mark.parametrize("source_size", [(20, 10), (10, 20), (64, 64)])
def test_never_upscales(tmp_path, source_size):
    source = save(Image.new("RGB", source_size, GREEN), tmp_path / "small.png")
    result = thumbnail_file(one_job(source, tmp_path / "out", [128, 64, 8]))
    assert result.ok, result.error
    sizes = [load(dest).size for dest in result.outputs]
    small = tuple(8 * side // max(source_size) for side in source_size)
    assert sizes == [source_size, source_size, small]


# --- bad inputs -----------------------------------------------------------------------


def _text(d: Path) -> Path:
    path = d / "notes.jpg"
    path.write_text("this is not a picture\n")
    return path


def _empty(d: Path) -> Path:
    path = d / "empty.png"
    path.write_bytes(b"")
    return path


def _truncated_jpeg(d: Path) -> Path:
    buffer = io.BytesIO()
    Image.effect_noise((300, 200), 64).convert("RGB").save(buffer, "JPEG")
    data = buffer.getvalue()
    path = d / "truncated.jpg"
    path.write_bytes(data[: len(data) // 2])
    return path


def _bomb_over_limit(d: Path) -> Path:  # 1600 pixels: over 1000, under twice that
    return save(Image.new("RGB", (40, 40), RED), d / "bomb40.png")


def _bomb_over_twice_limit(d: Path) -> Path:  # 10 000 pixels: Pillow itself refuses
    return save(Image.new("RGB", (100, 100), RED), d / "bomb100.png")


# name: (builder, words the error must contain, pixel limit to set or None)
BAD_CASES = {
    "text": (_text, "not an image", None),
    "empty": (_empty, "empty", None),
    "truncated": (_truncated_jpeg, "truncated", None),
    "bomb": (_bomb_over_limit, "too large", 1000),
    "pillow bomb": (_bomb_over_twice_limit, "decompression bomb", 1000),
}


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
@pytest.mark.parametrize("case", list(BAD_CASES))
def test_bad_input_gives_one_line_error_and_no_files(tmp_path, monkeypatch, case):
    build, words, limit = BAD_CASES[case]
    (tmp_path / "src").mkdir()
    source = build(tmp_path / "src")
    before = source.read_bytes()
    if limit is not None:
        monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", limit)
    out = tmp_path / "out"

    result = thumbnail_file(one_job(source, out))

    assert not result.ok
    assert result.outputs == ()
    assert isinstance(result.error, str)
    assert result.error.strip()
    assert "\n" not in result.error
    assert words in result.error.lower()
    assert files_below(out) == []
    assert hidden_below(out) == []
    assert source.read_bytes() == before


def test_bombs_are_both_called_too_large(tmp_path, monkeypatch):
    small, big = _bomb_over_limit(tmp_path), _bomb_over_twice_limit(tmp_path)
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)
    with pytest.warns(Image.DecompressionBombWarning):
        small_error = thumbnail_file(one_job(small, tmp_path / "out")).error
    big_error = thumbnail_file(one_job(big, tmp_path / "out")).error
    for error in (small_error, big_error):
        assert "too large" in error
        assert "decompression bomb" in error


def test_missing_source_gives_an_error_not_an_exception(tmp_path):
    source = save(Image.new("RGB", (50, 50)), tmp_path / "gone.png")
    job = one_job(source, tmp_path / "out")
    source.unlink()
    result = thumbnail_file(job)
    assert not result.ok
    assert "No such file" in result.error
    assert "\n" not in result.error


def test_write_failure_is_not_reported_as_a_read_failure(tmp_path, monkeypatch):
    source = save(Image.new("RGB", (50, 50)), tmp_path / "ok.png")

    def disk_full(write, dest):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(dest))

    monkeypatch.setattr(thumbnails, "write_temporary", disk_full)
    out = tmp_path / "out"
    result = thumbnail_file(one_job(source, out))
    assert not result.ok
    assert os.strerror(errno.ENOSPC) in result.error and str(out) in result.error
    assert "cannot read" not in result.error


def test_a_size_that_cannot_be_written_leaves_no_size_of_that_source(tmp_path, monkeypatch):
    source = save(Image.new("RGB", (50, 50)), tmp_path / "ok.png")
    real_write = thumbnails.write_temporary
    calls = []

    def fail_second(write, dest):
        calls.append(dest)
        if len(calls) == 2:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_write(write, dest)

    monkeypatch.setattr(thumbnails, "write_temporary", fail_second)
    out = tmp_path / "out"
    result = thumbnail_file(one_job(source, out, [32, 16]))
    assert not result.ok and result.outputs == ()
    assert files_below(out) == [] and hidden_below(out) == []


def test_a_rename_that_fails_takes_back_the_sizes_already_in_place(tmp_path, monkeypatch):
    source = save(Image.new("RGB", (50, 50)), tmp_path / "ok.png")
    real_replace = os.replace
    calls = []

    def fail_second(src, dst):
        calls.append(dst)
        if len(calls) == 2:
            raise OSError(errno.EIO, "simulated failure")
        real_replace(src, dst)

    monkeypatch.setattr(thumbnails.os, "replace", fail_second)
    out = tmp_path / "out"
    result = thumbnail_file(one_job(source, out, [32, 16]))
    assert not result.ok and "simulated failure" in result.error
    assert files_below(out) == [] and hidden_below(out) == []


def test_thumbnails_are_encoded_into_a_real_file_so_pillow_releases_the_gil(tmp_path, monkeypatch):
    # Pillow's encoder releases the GIL only when it can write to a file descriptor
    # (ImageFile._save: encode_to_file); into an io.BytesIO it holds the GIL.
    from PIL import ImageFile

    source = save(Image.new("RGB", (50, 50)), tmp_path / "ok.png")
    targets = []
    real_encode_tile = ImageFile._encode_tile

    def spy(im, fp, tile, bufsize, fh, exc=None):
        targets.append(fh)
        return real_encode_tile(im, fp, tile, bufsize, fh, exc)

    monkeypatch.setattr(ImageFile, "_encode_tile", spy)
    assert thumbnail_file(one_job(source, tmp_path / "out", [32, 16])).ok
    assert len(targets) == 2 and all(isinstance(fh, int) for fh in targets)


# --- many files, every executor -------------------------------------------------------


def _mixed_folder(src: Path) -> tuple[list[Path], list[Path]]:
    good = [
        save(Image.new("RGB", (120, 80), RED), src / "a.jpg"),
        _rgba_png(src / "sub"),
        _animated_gif(src),
        save(Image.new("L", (30, 90), 100), src / "z" / "tall.PNG"),
    ]
    bad = [_text(src), _empty(src), _truncated_jpeg(src / "sub")]
    return good, bad


@pytest.mark.parametrize("executor", ["serial", "thread", "process"])
def test_run_jobs_mixed_folder(tmp_path, executor):
    src, out = tmp_path / "src", tmp_path / "out"
    good, bad = _mixed_folder(src)
    jobs = make_jobs(src, out, [64, 32])
    assert sorted(job.source for job in jobs) == sorted(good + bad)

    report = run_jobs(jobs, executor=executor, workers=2)

    assert [r.source for r in report.results] == [job.source for job in jobs]  # source order
    assert all(isinstance(r, ImageResult) for r in report.results)
    assert sorted(r.source for r in report.failures) == sorted(bad)
    assert all(r.error and "\n" not in r.error for r in report.failures)
    expected = sorted(dest for job in jobs if job.source in good for _, dest in job.targets)
    assert files_below(out) == expected
    assert sorted(p for r in report.results for p in r.outputs) == expected
    for dest in expected:
        assert load(dest).mode in ("RGB", "L")
    assert report.written == 2 * len(good)
    summary = report.summary()
    assert f"{len(good) + len(bad)} files" in summary
    assert f"{2 * len(good)} thumbnails written" in summary
    assert f"{len(bad)} failed" in summary
    assert report.executor == executor
    assert report.workers == (1 if executor == "serial" else 2)
    assert summary.endswith({"serial": "(serial)", "thread": "(thread pool, 2 workers)",
                             "process": "(process pool, 2 workers)"}[executor])


def test_run_jobs_with_no_jobs(tmp_path):
    report = run_jobs(make_jobs(tmp_path, tmp_path / "out"))
    assert report.results == []
    assert report.failures == []
    assert report.summary().startswith("0 files, 0 thumbnails written, 0 failed")


# --- never overwrite a source ---------------------------------------------------------


def test_refuses_to_overwrite_a_source_in_the_same_folder(tmp_path):
    source = save(Image.new("RGB", (100, 60), RED), tmp_path / "x.jpg")
    victim = save(Image.new("RGB", (100, 60), BLUE), tmp_path / "x_jpg_32.jpg")
    victim_bytes = victim.read_bytes()

    jobs = make_jobs(tmp_path, tmp_path, [64, 32])
    report = run_jobs(jobs, executor="serial")

    assert victim.read_bytes() == victim_bytes
    (refused,) = report.failures
    assert refused.source == source
    assert refused.outputs == ()
    assert "refused" in refused.error
    assert "overwrite" in refused.error
    assert "\n" not in refused.error
    assert not (tmp_path / "x_jpg_64.jpg").exists()  # the whole job is refused, not just one size
    # The other source is not affected.
    assert (tmp_path / "x_jpg_32_jpg_64.jpg").exists()
    assert (tmp_path / "x_jpg_32_jpg_32.jpg").exists()


def test_second_run_with_out_dir_inside_src_ignores_first_run_thumbnails(tmp_path):
    src = tmp_path / "src"
    out = src / "thumbs"
    save(Image.new("RGB", (100, 60), RED), src / "a.jpg")
    save(Image.new("RGB", (60, 100), BLUE), src / "sub" / "b.png")

    first = make_jobs(src, out, [32])
    assert run_jobs(first).failures == []
    assert len(files_below(out)) == 2
    second = make_jobs(src, out, [32])

    assert second == first
    assert not any(out in job.source.parents for job in second)
    assert run_jobs(second).failures == []
    assert len(files_below(out)) == 2


# --- writing ---------------------------------------------------------------------------


def test_write_atomically_writes_the_bytes(tmp_path):
    dest = tmp_path / "new" / "deeper" / "t.jpg"
    write_atomically(b"thumbnail bytes", dest)
    assert dest.read_bytes() == b"thumbnail bytes"
    assert stat.S_IMODE(dest.stat().st_mode) == 0o644
    assert hidden_below(tmp_path) == []


@pytest.mark.parametrize("failing", ["replace", "chmod"])
@pytest.mark.parametrize("existing", [None, b"old thumbnail"])
def test_write_atomically_failure_leaves_dest_untouched(tmp_path, monkeypatch, failing, existing):
    dest = tmp_path / "t.jpg"
    if existing is not None:
        dest.write_bytes(existing)

    def broken(*args, **kwargs):
        raise OSError(errno.EIO, "simulated failure")

    monkeypatch.setattr(thumbnails.os, failing, broken)
    with pytest.raises(OSError, match="simulated failure"):
        write_atomically(b"new thumbnail", dest)
    monkeypatch.undo()

    if existing is None:
        assert not dest.exists()
    else:
        assert dest.read_bytes() == existing
    assert list(tmp_path.iterdir()) == ([dest] if existing else [])


def test_rerun_replaces_an_existing_thumbnail_atomically(tmp_path):
    source = save(Image.new("RGB", (80, 80), RED), tmp_path / "src" / "c.png")
    job = one_job(source, tmp_path / "out", [32])
    dest = job.targets[0][1]
    assert thumbnail_file(job).ok
    assert_colour(rgb_at(load(dest), 0.5, 0.5), RED)
    old_inode = dest.stat().st_ino

    save(Image.new("RGB", (80, 80), BLUE), source)
    assert thumbnail_file(job).ok

    assert_colour(rgb_at(load(dest), 0.5, 0.5), BLUE)
    assert dest.stat().st_ino != old_inode  # renamed into place, not rewritten in place
    assert files_below(tmp_path / "out") == [dest]


# --- the straightforward way gives the same thumbnails --------------------------------


@pytest.mark.parametrize("case", [
    "RGB", "RGBA", "P+transparency", "P", "L", "LA", "1", "CMYK", "GIF frames",
    "I;16",
])
def test_once_per_size_gives_the_same_sizes(tmp_path, case):
    source = MODE_CASES[case][0](tmp_path / "src")
    fast = thumbnail_file(one_job(source, tmp_path / "fast"))
    slow = thumbnail_file_once_per_size(one_job(source, tmp_path / "slow"))
    assert fast.ok
    assert slow.ok
    assert [p.name for p in fast.outputs] == [p.name for p in slow.outputs]
    assert len(fast.outputs) == len(SIZES)
    for a, b in zip(fast.outputs, slow.outputs, strict=True):
        a_size, b_size = load(a).size, load(b).size
        assert max(a_size) == max(b_size)
        assert all(abs(x - y) <= 1 for x, y in zip(a_size, b_size, strict=True))


def test_once_per_size_gives_exactly_the_same_dimensions(tmp_path):
    source = save(Image.new("RGB", (130, 171), GREEN), tmp_path / "src" / "odd.png")
    fast = thumbnail_file(one_job(source, tmp_path / "fast", [128, 64, 32]))
    slow = thumbnail_file_once_per_size(one_job(source, tmp_path / "slow", [128, 64, 32]))
    # 64 * 130 / 171 = 48.65: thumbnail() gives 49x64.
    assert [load(p).size for p in fast.outputs] == [load(p).size for p in slow.outputs]


def test_close_sizes_keep_the_aspect_ratio_within_one_pixel(tmp_path):
    source = save(Image.new("RGB", (100, 184), GREEN), tmp_path / "src" / "tall.png")
    result = thumbnail_file(one_job(source, tmp_path / "out", [100, 99, 98]))
    assert result.ok
    for size, dest in zip([100, 99, 98], result.outputs, strict=True):
        assert_fits(load(dest).size, (100, 184), size)  # 98 gives 52 wide, not 53.26 +- 1


# --- smoke test on a real photo -------------------------------------------------------


def test_smoke_real_photo(tmp_path):
    photos = sorted((Path(__file__).resolve().parent.parent / "images").glob("*.jpg"))
    if not photos:
        pytest.skip("no photo in images/")
    source = Path(shutil.copy(photos[0], tmp_path / photos[0].name))
    with Image.open(source) as im:
        shown = ImageOps.exif_transpose(im).size
    result = thumbnail_file(one_job(source, tmp_path / "out", (128, 64, 32)))
    assert result.ok, result.error
    for size, dest in zip((128, 64, 32), result.outputs, strict=True):
        assert_fits(load(dest).size, shown, size)
