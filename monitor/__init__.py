"""news-monitor: multilingual news monitoring and enforcement-event alerts."""

__version__ = "0.1.0"
