"""The built wheel is self-contained: unpacked away from the checkout, it composes every entry point's
configuration, builds the schemas whose defaults are read from config files (prompts, topics, prices),
and finds its shipped benchmark data."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

CHECK = """
import sys
from pathlib import Path

import distill
from distill.benchmark_data import benchmark_file
from distill.config.locations import CONFIG_DIR
from distill.config.schemas import DatasetConfig
from distill.config.pricing import load_price_table
from hydra import compose, initialize_config_dir

import distill.config.store  # noqa: F401

root = Path(sys.argv[1])
assert Path(distill.__file__).is_relative_to(root), distill.__file__
assert CONFIG_DIR.is_relative_to(root), CONFIG_DIR
with initialize_config_dir(config_dir=str(CONFIG_DIR), version_base="1.3"):
    for name in ("generate", "train", "evaluate", "pipeline", "cache_teacher"):
        compose(config_name=name, overrides=["experiment=codellama_qlora"] if name == "pipeline" else [])
assert DatasetConfig().prompts.system and DatasetConfig().topics
assert load_price_table()[1]
assert benchmark_file("mbpp.jsonl").stat().st_size > 500_000
print("ok")
"""


@pytest.mark.slow
def test_the_wheel_runs_without_the_checkout(tmp_path):
    # Built from a copy of the checkout's files: a build/ or *.egg-info/ left by an earlier build
    # would remember data files and hide a missing package-data entry.
    source = tmp_path / "source"
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=REPO, check=True,
                            capture_output=True, text=True).stdout.splitlines()  # fmt: skip
    for name in listed:
        if (REPO / name).is_file() or (REPO / name).is_symlink():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, source / name, follow_symlinks=False)
    wheels = tmp_path / "wheels"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(wheels),
            str(source),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = wheels.glob("distill-*.whl")
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = subprocess.run(
        [
            sys.executable,
            "-I",
            "-c",
            f"import sys; sys.path.insert(0, {str(site)!r}); exec({CHECK!r})",
            str(site),
        ],
        cwd=elsewhere,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0 and result.stdout.strip() == "ok", result.stderr[-3000:]
