"""The engine's version: the lowest layer, so every package can name it without
importing the `grader` facade (which reaches up to the notebook API)."""

__version__ = "0.2.0"
