"""kamtui: a terminal tool for Key Account Management programme leads."""

__version__ = "0.1.0"
