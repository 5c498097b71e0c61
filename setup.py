"""Maps the repository's rubrics/ and bundled example into the package at build time.

The top-level folders stay the single source: a wheel carries them as kepu_inspect/_rubrics/ and
kepu_inspect/_example/ (found through importlib.resources, see kepu_inspect/adapters/shipped.py); a
clone or an editable install reads the same folders in place. Everything else is in pyproject.toml.
"""

from setuptools import find_packages, setup

EXAMPLE = "examples/pingdingshan-2017"

setup(
    packages=[
        *find_packages(include=["kepu_inspect", "kepu_inspect.*"]),
        "kepu_inspect._rubrics",
        "kepu_inspect._example",
        "kepu_inspect._example.submissions",
        "kepu_inspect._example.verification",
    ],
    package_dir={
        "kepu_inspect._rubrics": "rubrics",
        "kepu_inspect._example": EXAMPLE,
        "kepu_inspect._example.submissions": f"{EXAMPLE}/submissions",
        "kepu_inspect._example.verification": f"{EXAMPLE}/verification",
    },
)
