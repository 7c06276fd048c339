"""Release uploads through the tus protocol (SWR-1): throughput, and the hub's memory against the
file's size.

    python3 bench/tus_upload.py [--mib 2048] [--part-mib 64]

Starts a fresh release hub (SQLite, blobs in its data dir). Then, on the same machine, in one run:

- disk: the file copied (`shutil.copyfile`, then fsync) into the data dir's filesystem: what the
  disk gives one writer, the ceiling of any upload that lands there;
- tus one request: the whole file in one PATCH (what a client with no chunk size sends), from this
  process over TLS;
- tus in parts: the file in --part-mib PATCHes, each checked by the hub against a SHA-1 sent with
  it (`Upload-Checksum`), as tuspy does with `upload_checksum=True`; then again without checksums
  (the parts are put together into the release at the end: a second pass over the bytes);
- memory: the hub's peak RSS (VmHWM) before and after each upload of a 256 MiB file and of the
  --mib file: it must not grow with the file's size.

Each upload ends with the hub's own SHA-256 of the whole file, compared with ours. Appends one
JSON line to bench/results/tus_upload.jsonl.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import os
import shutil
import time

import pb

BLOCK = 1 << 20


def make_file(path: str, mib: int) -> str:
    """`mib` MiB of varied bytes; returns its SHA-256."""
    h = hashlib.sha256()
    seed = os.urandom(BLOCK)
    with open(path, "wb") as f:
        for i in range(mib):
            block = seed[i % 251:] + seed[: i % 251]
            h.update(block)
            f.write(block)
    return h.hexdigest()


def b64(s: str) -> str:
    return base64.b64encode(s.encode()).decode()


def create(hub: pb.Hub, token: str, size: int, version: str) -> str:
    c = pb.https(hub.port)
    meta = f"filename {b64('bench-' + version + '.bin')},version {b64(version)},profile {b64('ip500v2')}"
    c.request("POST", "/v1/operations/repository/uploads", headers={
        "Authorization": f"Bearer {token}", "Tus-Resumable": "1.0.0",
        "Upload-Length": str(size), "Upload-Metadata": meta})
    r = c.getresponse()
    r.read()
    if r.status != 201:
        raise RuntimeError(f"creation: HTTP {r.status}")
    return r.getheader("Location")


def patch(hub: pb.Hub, token: str, loc: str, path: str, offset: int, length: int,
          checksum: bool) -> tuple[int, str]:
    headers = {"Authorization": f"Bearer {token}", "Tus-Resumable": "1.0.0",
               "Upload-Offset": str(offset), "Content-Type": "application/offset+octet-stream",
               "Content-Length": str(length)}
    with open(path, "rb") as f:
        f.seek(offset)
        if checksum:
            h = hashlib.sha1()
            left = length
            while left:
                b = f.read(min(BLOCK, left))
                h.update(b)
                left -= len(b)
            headers["Upload-Checksum"] = "sha1 " + base64.b64encode(h.digest()).decode()
            f.seek(offset)
        c = pb.https(hub.port, timeout=600)
        c.putrequest("PATCH", loc)
        for k, v in headers.items():
            c.putheader(k, v)
        c.endheaders()
        left = length
        while left:
            b = f.read(min(BLOCK, left))
            c.send(b)
            left -= len(b)
    r = c.getresponse()
    r.read()
    if r.status != 204:
        raise RuntimeError(f"PATCH at {offset}: HTTP {r.status}")
    return int(r.getheader("Upload-Offset")), r.getheader("Patchbay-Release") or ""


def upload(hub: pb.Hub, api: pb.Api, token: str, path: str, size: int, version: str,
           part: int | None, want: str, checksum: bool = True) -> float:
    """Seconds for the whole upload (creation to the release recorded)."""
    t0 = time.perf_counter()
    loc = create(hub, token, size, version)
    offset, release = 0, ""
    while offset < size:
        n = size - offset if part is None else min(part, size - offset)
        offset, release = patch(hub, token, loc, path, offset, n, checksum and part is not None)
    secs = time.perf_counter() - t0
    got = api.json("GET", f"/v1/operations/repository/releases/{release}")
    if got["sha256"] != want or got["size"] != size:
        raise RuntimeError(f"stored {got['sha256']} / {got['size']}, expected {want} / {size}")
    return secs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mib", type=int, default=2048)
    ap.add_argument("--part-mib", type=int, default=64)
    a = ap.parse_args()
    pb.need_binaries()
    work = pb.fresh_dir("tus_upload")
    hub = pb.Hub(os.path.join(work, "data"))
    rec: dict = {"mib": a.mib, "part_mib": a.part_mib, **pb.machine()}
    try:
        hub.migrate()
        hub.create_user("bench-admin", "administrator")
        hub.start()
        token = hub.token("bench-admin")
        api = pb.Api(hub.port, token)
        big = os.path.join(work, "big.bin")
        small = os.path.join(work, "small.bin")
        pb.log(f"writing {a.mib} MiB and 256 MiB test files")
        big_sum = make_file(big, a.mib)
        small_sum = make_file(small, 256)
        size = a.mib * BLOCK

        dest = os.path.join(hub.data_dir, "copy.bin")
        t0 = time.perf_counter()
        shutil.copyfile(big, dest)
        with open(dest, "rb+") as f:
            os.fsync(f.fileno())
        disk = time.perf_counter() - t0
        os.remove(dest)
        rec["disk_mib_s"] = round(a.mib / disk, 1)
        pb.log(f"disk copy: {rec['disk_mib_s']} MiB/s")

        base = pb.hwm_kib(hub.pid)
        upload(hub, api, token, small, 256 * BLOCK, "1.0.1", None, small_sum)
        after_small = pb.hwm_kib(hub.pid)
        secs = upload(hub, api, token, big, size, "1.0.2", None, big_sum)
        after_big = pb.hwm_kib(hub.pid)
        rec["one_request_mib_s"] = round(a.mib / secs, 1)
        pb.log(f"tus, one PATCH: {rec['one_request_mib_s']} MiB/s")
        secs = upload(hub, api, token, big, size, "1.0.3", a.part_mib * BLOCK, big_sum)
        rec["parts_mib_s"] = round(a.mib / secs, 1)
        pb.log(f"tus, {a.part_mib} MiB PATCHes with SHA-1: {rec['parts_mib_s']} MiB/s")
        secs = upload(hub, api, token, big, size, "1.0.4", a.part_mib * BLOCK, big_sum, checksum=False)
        rec["parts_no_checksum_mib_s"] = round(a.mib / secs, 1)
        pb.log(f"tus, {a.part_mib} MiB PATCHes without checksum: {rec['parts_no_checksum_mib_s']} MiB/s")
        rec["hub_peak_rss_mib_start"] = round(base / 1024, 1)
        rec["hub_peak_rss_mib_after_256mib"] = round(after_small / 1024, 1)
        rec[f"hub_peak_rss_mib_after_{a.mib}mib"] = round(after_big / 1024, 1)
        rec["hub_peak_rss_mib_end"] = round(pb.hwm_kib(hub.pid) / 1024, 1)
        rec["ratio_one_request_to_disk"] = round(rec["one_request_mib_s"] / rec["disk_mib_s"], 2)
        pb.log(f"hub peak RSS: start {rec['hub_peak_rss_mib_start']} MiB, after 256 MiB "
               f"{rec['hub_peak_rss_mib_after_256mib']} MiB, after {a.mib} MiB "
               f"{rec[f'hub_peak_rss_mib_after_{a.mib}mib']} MiB")
        problems = pb.log_problems(hub.log_path)
        rec["hub_log_problems"] = len(problems)
        pb.write_result("tus_upload", rec)
    finally:
        hub.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
