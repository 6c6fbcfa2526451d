#!/usr/bin/env python3
"""Build an OCI image archive (for `ctr images import` / `podman load`) of a
busybox-static rootfs, with no registry: one gzip layer, a config, a manifest.

usage: make-image.py OUT.tar NAME:TAG [BUSYBOX]
       make-image.py --rootfs OUT.tar [BUSYBOX]
With --rootfs, write only the root filesystem as a plain tarball (for
`podman import` / `docker import`)."""
import gzip, hashlib, io, json, os, sys, tarfile, time

rootfs_only = len(sys.argv) > 1 and sys.argv[1] == "--rootfs"
if rootfs_only:
    out, ref = sys.argv[2], None
    busybox = sys.argv[3] if len(sys.argv) > 3 else "/bin/busybox"
else:
    out, ref = sys.argv[1], sys.argv[2]
    busybox = sys.argv[3] if len(sys.argv) > 3 else "/bin/busybox"

def layer_tar():
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
        def add_dir(name, mode=0o755):
            ti = tarfile.TarInfo(name); ti.type = tarfile.DIRTYPE; ti.mode = mode; t.addfile(ti)
        for d in ["bin", "dev", "etc", "proc", "sys", "tmp", "root", "var"]:
            add_dir(d, 0o1777 if d == "tmp" else 0o755)
        data = open(busybox, "rb").read()
        ti = tarfile.TarInfo("bin/busybox"); ti.size = len(data); ti.mode = 0o755
        t.addfile(ti, io.BytesIO(data))
        applets = ["sh", "echo", "cat", "ls", "id", "sleep", "true", "false", "hostname",
                   "ps", "grep", "wc", "mkdir", "touch", "env", "stat", "readlink", "head", "kill",
                   "httpd", "wget"]
        for a in applets:
            ti = tarfile.TarInfo("bin/" + a); ti.type = tarfile.SYMTYPE; ti.linkname = "busybox"
            t.addfile(ti)
        for name, content in [("etc/passwd", "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n"),
                              ("etc/group", "root:x:0:\nnogroup:x:65534:\n")]:
            b = content.encode(); ti = tarfile.TarInfo(name); ti.size = len(b); ti.mode = 0o644
            t.addfile(ti, io.BytesIO(b))
    return buf.getvalue()

raw = layer_tar()
if rootfs_only:
    with open(out, "wb") as f:
        f.write(raw)
    sys.exit(0)
gz = gzip.compress(raw, mtime=0)
def digest(b): return "sha256:" + hashlib.sha256(b).hexdigest()
config = json.dumps({
    "architecture": "amd64", "os": "linux",
    "config": {"Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
               "Cmd": ["sh"], "WorkingDir": "/"},
    "rootfs": {"type": "layers", "diff_ids": [digest(raw)]},
    "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(0)),
}).encode()
manifest = json.dumps({
    "schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
    "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": digest(config), "size": len(config)},
    "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": digest(gz), "size": len(gz)}],
}).encode()
name = ref if "/" in ref.split(":")[0] else "docker.io/library/" + ref
index = json.dumps({
    "schemaVersion": 2,
    "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": digest(manifest),
                   "size": len(manifest), "annotations": {"io.containerd.image.name": name,
                                                          "org.opencontainers.image.ref.name": ref.split(":")[-1]}}],
}).encode()
with tarfile.open(out, "w") as t:
    def add(name, b):
        ti = tarfile.TarInfo(name); ti.size = len(b); ti.mode = 0o644; t.addfile(ti, io.BytesIO(b))
    add("oci-layout", b'{"imageLayoutVersion":"1.0.0"}')
    add("index.json", index)
    for b in (config, manifest, gz):
        add("blobs/sha256/" + digest(b).split(":")[1], b)
print(name)
