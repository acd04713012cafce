"""The sandbox's limits, shared by generation QC (``data.sandbox``) and evaluation (``eval.sandbox``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from distill.config.checks import check_choice, key
from distill.config.errors import ConfigError


@dataclass
class SandboxConfig:
    """Limits for executing untrusted code (beyond the spec)."""

    config_key: ClassVar[str] = "eval.sandbox"

    isolation: str = "auto"  # auto (bubblewrap when it works) | bwrap | none
    memory_mb: int = 1024  # address-space limit per program (RLIMIT_AS); 0: none
    max_output_bytes: int = 65536  # stdout and stderr kept per program; the rest is dropped
    max_processes: int = 64  # RLIMIT_NPROC per program
    max_file_mb: int = 64  # RLIMIT_FSIZE: the largest file a program may write
    tmp_size_mb: int = 256  # size of the private /tmp and /dev/shm inside bubblewrap
    # Folders replaced by empty ones inside the sandbox (keys, tokens, netrc live there); the
    # interpreter is bound back when it lives under one, and so are ``exposed_paths``.
    hidden_paths: list[str] = field(default_factory=lambda: ["~", "/root", "/home"])
    exposed_paths: list[str] = field(default_factory=list)
    uid_base: int = 64000  # as root, programs run under uids from here (a block per process, one per worker)

    def __post_init__(self) -> None:
        check_choice(self, "isolation", self.isolation, ("auto", "bwrap", "none"))
        for name in ("max_output_bytes", "max_processes", "max_file_mb", "tmp_size_mb", "uid_base"):
            if getattr(self, name) <= 0:
                raise ConfigError(f"{key(self, name)}: must be positive, got {getattr(self, name)}")
        if self.memory_mb < 0:
            raise ConfigError(f"{key(self, 'memory_mb')}: must be >= 0 (0: no limit), got {self.memory_mb}")
