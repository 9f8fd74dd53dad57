import matplotlib.pyplot as plt
import pytest
from PIL import Image

from helpers.thumbnail_gallery import plot_thumbnails


def test_plot_thumbnails_shows_each_image_with_its_name(tmp_path):
    paths = []
    for i, colour in enumerate(["red", "green", "blue"]):
        path = tmp_path / f"t{i}.jpg"
        Image.new("RGB", (20, 10), colour).save(path)
        paths.append(path)
    fig = plot_thumbnails(paths, columns=2)
    titled = [ax.get_title() for ax in fig.axes if ax.get_title()]
    assert titled == ["t0.jpg", "t1.jpg", "t2.jpg"]
    assert len(fig.axes) == 4  # a 2 x 2 grid, one cell left empty
    plt.close(fig)


def test_plot_thumbnails_refuses_an_empty_list():
    with pytest.raises(ValueError):
        plot_thumbnails([])
