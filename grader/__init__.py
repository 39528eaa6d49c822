"""grader: an auto-graded exercise checker for a PyTorch course on convolutional networks."""

__version__ = "0.2.0"

__all__ = ["__version__"]
