"""SWR-1 with a stock tus client (tuspy): a release upload is killed half-way (SIGKILL, no
goodbye), a second client process resumes it from the offset the hub kept (tuspy's URL storage
and the tus HEAD), and the release the hub records has the file's SHA-256.

    PATCHBAY_URL=https://127.0.0.1:PORT PATCHBAY_API_TOKEN=… python resume.py

Exits non-zero with the reason on any failure.
"""

import hashlib
import json
import os
import signal
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.request

from tusclient import client
from tusclient.storage import filestorage

URL = os.environ["PATCHBAY_URL"].rstrip("/")
TOKEN = os.environ["PATCHBAY_API_TOKEN"]
UPLOADS = URL + "/v1/operations/repository/uploads"
SIZE = int(os.environ.get("TUS_SIZE_MIB", "48")) * 1024 * 1024
CHUNK = 2 * 1024 * 1024
VERSION = os.environ.get("TUS_VERSION", "12.9.0.%d" % (int(time.time()) % 100000))


def fail(why):
    print("tus: " + why, file=sys.stderr)
    sys.exit(1)


# The hub's own certificate (it names 127.0.0.1 and localhost).
CA = os.environ.get("PATCHBAY_CA_FILE") or None


def api(path):
    ctx = ssl.create_default_context(cafile=CA) if CA else ssl._create_unverified_context()
    req = urllib.request.Request(URL + path, headers={"Authorization": "Bearer " + TOKEN})
    with urllib.request.urlopen(req, context=ctx) as r:
        return json.load(r)


def uploader(path, store):
    c = client.TusClient(UPLOADS, headers={"Authorization": "Bearer " + TOKEN})
    return c.uploader(
        path,
        chunk_size=CHUNK,
        metadata={"filename": "ipo-" + VERSION + ".bin", "version": VERSION, "profile": "ip500v2"},
        store_url=True,
        url_storage=filestorage.FileStorage(store),
        # tuspy takes only a flag here (its PATCH requests build their own TLS context).
        verify_tls_cert=False,
        upload_checksum=True,
        retries=3,
        retry_delay=1,
    )


def upload(path, store, pause):
    """One client process: resume or start, then send chunk after chunk."""
    u = uploader(path, store)
    print("start offset %d" % u.offset, flush=True)
    if u.url is None:
        u.set_url(u.create_url())
        u.offset = 0
    while u.offset < u.get_file_size():
        u.upload_chunk()
        print("offset %d" % u.offset, flush=True)
        time.sleep(pause)


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "upload":
        upload(sys.argv[2], sys.argv[3], float(sys.argv[4]))
        return
    # Both client processes name the same release.
    os.environ["TUS_VERSION"] = VERSION
    work = tempfile.mkdtemp(prefix="pb-tus-")
    path = os.path.join(work, "release.bin")
    store = os.path.join(work, "urls.json")
    digest = hashlib.sha256()
    with open(path, "wb") as f:
        left = SIZE
        while left:
            block = os.urandom(min(left, 1024 * 1024))
            digest.update(block)
            f.write(block)
            left -= len(block)
    want = digest.hexdigest()

    # First client: killed once the hub holds at least a third of the file.
    first = subprocess.Popen(
        [sys.executable, __file__, "upload", path, store, "0.2"],
        stdout=subprocess.PIPE,
        text=True,
    )
    killed_at = None
    for line in first.stdout:
        print("first: " + line.strip(), flush=True)
        if line.startswith("offset ") and int(line.split()[1]) >= SIZE // 3:
            first.send_signal(signal.SIGKILL)
            killed_at = int(line.split()[1])
            break
    first.wait()
    if killed_at is None:
        fail("the first client ended before it could be killed (exit %s)" % first.returncode)
    open_uploads = api("/v1/operations/repository/uploads")["items"]
    mine = [u for u in open_uploads if u["version"] == VERSION]
    if len(mine) != 1:
        fail("expected one unfinished upload of %s, found %s" % (VERSION, open_uploads))
    print("the hub kept %d of %d bytes after the kill" % (mine[0]["offset"], SIZE), flush=True)
    if mine[0]["offset"] < killed_at:
        fail("the hub lost acknowledged bytes: %d < %d" % (mine[0]["offset"], killed_at))

    # Second client: a new process resumes from the hub's offset (not from zero).
    second = subprocess.run(
        [sys.executable, __file__, "upload", path, store, "0"],
        capture_output=True,
        text=True,
    )
    print(second.stdout.strip().splitlines()[0] if second.stdout else "", flush=True)
    if second.returncode != 0:
        fail("the resuming client failed: " + second.stderr[-2000:])
    start = int(second.stdout.split("\n")[0].split()[2])
    if start < killed_at:
        fail("the second client started at %d, before the %d bytes already sent" % (start, killed_at))

    releases = api("/v1/operations/repository/releases?search=" + VERSION)["items"]
    got = [r for r in releases if r["version"] == VERSION]
    if len(got) != 1:
        fail("no release %s in the repository: %s" % (VERSION, releases))
    if got[0]["size"] != SIZE or got[0]["sha256"] != want:
        fail("stored %s (%d bytes), expected %s (%d bytes)" % (got[0]["sha256"], got[0]["size"], want, SIZE))
    print("tus: killed at %d bytes, resumed from %d, stored SHA-256 %s matches" % (killed_at, start, want))


if __name__ == "__main__":
    main()
