"""Sphinx configuration of the course site: one build per edition (``coursesite.build`` runs them).

The build passes two things in the environment: ``COURSE_SITE_EDITION`` (``en`` or
``zh-CN``) and ``COURSE_SITE_FILE``, a JSON file that lists every edition's pages,
the repository and the folder of the vendored JavaScript.
"""

import json
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from coursesite.strings import text  # noqa: E402  (the site's own words in this edition's language)

site = json.loads(Path(os.environ["COURSE_SITE_FILE"]).read_text(encoding="utf-8"))
edition = os.environ["COURSE_SITE_EDITION"]
info = site["editions"][edition]

project = info["title"]
author = 'The "Python concurrency, hands-on" authors'
copyright = "2026, " + author + " (code MIT, text CC BY 4.0)"
language = info["sphinx_language"]
root_doc = "index"
extensions = ["myst_nb", "coursesite.sphinx_ext"]
course_edition = edition
course_site_file = os.environ["COURSE_SITE_FILE"]
exclude_patterns = ["thumbnails/**", "**/.ipynb_checkpoints", "_build"]

# The notebooks arrive executed (coursesite.execute, with its own cache): MyST-NB only renders.
nb_execution_mode = "off"
nb_merge_streams = True
nb_output_stderr = "show"
nb_code_prompt_show = text(edition, "solution_show")
nb_code_prompt_hide = text(edition, "solution_hide")
# Widgets render from their saved state with local copies of require.js and the
# ipywidgets HTML manager (MyST-NB's default takes both from CDNs). A third-party
# widget module would be looked up under the local "cdn" folder, never online.
nb_ipywidgets_js = {
    "vendor/require-config.js": {},
    "vendor/require.js": {},
    "vendor/amd/@jupyter-widgets/html-manager/dist/embed-amd.js": {
        "data-jupyter-widgets-cdn": "_static/vendor/widget-modules/",
        "data-jupyter-widgets-cdn-only": "",
    },
}
myst_enable_extensions = ["dollarmath"]
smartquotes = False  # quotes stay as written: the lessons quote code and error messages
myst_heading_anchors = 4
myst_heading_slug_func = "coursesite.sphinx_ext.github_slug"
# MathJax 3 from the npm package, served with the page (Sphinx would load MathJax 4 from a CDN),
# with a configuration that lets the widgets' labels be typeset by it (see the file).
mathjax_path = "vendor/mathjax/tex-chtml.js"
mathjax_config_path = "mathjax-config.js"
myst_update_mathjax = False

html_theme = "sphinx_book_theme"
html_title = project
html_static_path = ["_static", site["vendor"]]
html_css_files = ["course.css"]
templates_path = ["_templates"]
html_last_updated_fmt = None
html_search_language = "zh" if language.startswith("zh") else "en"
html_theme_options = {
    "repository_url": f"https://github.com/{site['repository']}",
    "repository_branch": site["branch"],
    "path_to_docs": "",
    "use_repository_button": True,
    "use_download_button": True,
    "use_fullscreen_button": False,
    "launch_buttons": {},  # the page's own "Run this lesson" box has the Binder link
    "home_page_in_toc": True,
    "show_toc_level": 2,
    "article_header_end": ["lang-switch.html", "article-header-buttons.html"],
}
