#!/usr/bin/env python3
"""Writes a docker-archive image tarball holding one static binary as its entrypoint.

    pause-image.py BINARY IMAGE_NAME OUTPUT.tar

Deterministic: fixed times, owners and order, so the same binary gives the same bytes.
"""
import hashlib
import io
import json
import platform
import sys
import tarfile


def add(archive, name, data, mode=0o644):
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime, info.uid, info.gid = len(data), mode, 1, 0, 0
    archive.addfile(info, io.BytesIO(data))


def main(binary, image, output):
    layer = io.BytesIO()
    with tarfile.open(fileobj=layer, mode="w", format=tarfile.USTAR_FORMAT) as rootfs:
        with open(binary, "rb") as f:
            add(rootfs, "pause", f.read(), 0o755)
    layer = layer.getvalue()
    config = json.dumps({
        "architecture": {"x86_64": "amd64", "aarch64": "arm64"}.get(platform.machine(), platform.machine()), "os": "linux",
        "config": {"Entrypoint": ["/pause"], "User": "65535:65535"},
        "rootfs": {"type": "layers", "diff_ids": ["sha256:" + hashlib.sha256(layer).hexdigest()]},
    }, sort_keys=True).encode()
    config_name = hashlib.sha256(config).hexdigest() + ".json"
    manifest = json.dumps([{"Config": config_name, "RepoTags": [image], "Layers": ["layer.tar"]}]).encode()
    with tarfile.open(output, mode="w", format=tarfile.USTAR_FORMAT) as archive:
        add(archive, config_name, config)
        add(archive, "layer.tar", layer)
        add(archive, "manifest.json", manifest)


if __name__ == "__main__":
    main(*sys.argv[1:])
