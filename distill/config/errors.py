"""The error raised for bad configuration: its message starts with the key path."""


class ConfigError(ValueError):
    """A configuration value is invalid; the message names the key (``group.field``)."""
