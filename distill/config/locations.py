"""Where the Hydra configuration lives: ``conf/`` at the root of the checkout that holds the package."""

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
CONFIG_DIR = REPO_ROOT / "conf"
PRICE_TABLE = CONFIG_DIR / "pricing" / "anthropic.yaml"
