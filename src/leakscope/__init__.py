"""leakscope: find and fix memory and resource leaks in Go code."""

__version__ = "0.1.0"
