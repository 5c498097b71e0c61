"""kepu-inspect: year-end inspection of scientific-literacy target responsibility letters."""

__version__ = "0.1.0"
