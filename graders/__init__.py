"""dlgrade: grade PyTorch course submissions in a sandbox against YAML rubrics."""

__version__ = "0.1.0"
