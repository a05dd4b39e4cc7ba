"""Shared code with no models: validators, personal data, periods, Excel, numbers."""
