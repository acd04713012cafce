"""Running untrusted code: the sandbox (bubblewrap + rlimits), its supervisor, and the per-language
toolchains. Shared by generation QC and evaluation."""
