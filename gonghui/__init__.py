"""gonghui — 工会工作平台."""

__version__ = "0.1.0"
