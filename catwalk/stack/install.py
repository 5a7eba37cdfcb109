"""Installs what the stack runs but pip cannot put in a venv: the Triton server unpacked
from its wheel with a Python backend dir, and the sample face photos the tests use.

Run by scripts/setup (`python -m catwalk.stack.install OPT_DIR`); idempotent and quick
when nothing changed, since each part is stamped with the version it came from.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

TRITON_WHEEL = "nvidia-pytriton==0.7.0"  # tritonserver 2.51 with the Python backend
FACES_SDIST = "face_recognition==1.3.0"  # its tests/test_images hold real portraits
FACE_PHOTOS = ("obama.jpg", "obama2.jpg", "obama3.jpg", "biden.jpg")
PYTHON_STUB = f"{sys.version_info.major}.{sys.version_info.minor}"


def _download(requirement: str, cache: Path, sdist: bool = False) -> Path:
    cache.mkdir(parents=True, exist_ok=True)
    name = requirement.split("==")[0].replace("-", "_").lower()
    version = requirement.split("==")[1]
    for found in cache.iterdir():
        if found.name.lower().startswith(f"{name}-{version}"):
            return found
    argv = [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(cache), requirement]
    if sdist:
        argv[4:4] = ["--no-binary", ":all:"]
    subprocess.run(argv, check=True)
    return _download(requirement, cache, sdist)


def _stamped(target: Path, stamp: str) -> bool:
    return (target / ".stamp").exists() and (target / ".stamp").read_text() == stamp


def install_triton(opt: Path) -> Path:
    target = opt / "triton"
    stamp = f"{TRITON_WHEEL} py{PYTHON_STUB}"
    if _stamped(target, stamp):
        return target
    wheel = _download(TRITON_WHEEL, opt.parent / "cache")
    shutil.rmtree(target, ignore_errors=True)
    with zipfile.ZipFile(wheel) as zf:
        for member in zf.namelist():
            if member.startswith(("pytriton/tritonserver/", "nvidia_pytriton.libs/")):
                zf.extract(member, target)
    server = target / "pytriton" / "tritonserver"
    stub = server / "python_backend_stubs" / PYTHON_STUB / "triton_python_backend_stub"
    backend = target / "backends" / "python"
    backend.mkdir(parents=True)
    for name in ("libtriton_python.so", "triton_python_backend_utils.py"):
        shutil.copy2(server / "backends" / "python" / name, backend / name)
    shutil.copy2(stub, backend / "triton_python_backend_stub")
    shutil.copytree(server / "caches", target / "caches")
    # zip keeps no modes: make the binaries executable again.
    for exe in (server / "bin" / "tritonserver", backend / "triton_python_backend_stub"):
        exe.chmod(0o755)
    (target / ".stamp").write_text(stamp)
    return target


def install_face_photos(opt: Path) -> Path:
    target = opt / "assets" / "faces"
    if _stamped(target, FACES_SDIST):
        return target
    sdist = _download(FACES_SDIST, opt.parent / "cache", sdist=True)
    target.mkdir(parents=True, exist_ok=True)
    with tarfile.open(sdist) as tar:
        for member in tar.getmembers():
            if Path(member.name).name in FACE_PHOTOS and "/tests/test_images/" in member.name:
                source = tar.extractfile(member)
                assert source is not None
                (target / Path(member.name).name).write_bytes(source.read())
    (target / ".stamp").write_text(FACES_SDIST)
    return target


def main() -> None:
    opt = Path(sys.argv[1]).resolve()
    print(f"triton server: {install_triton(opt)}")
    print(f"face photos:   {install_face_photos(opt)}")


if __name__ == "__main__":
    main()
