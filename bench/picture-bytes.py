#!/usr/bin/env python3
"""Bytes a phone downloads for pictures, before and after renditions, in headless Chromium.

A demo site is started with --no-renditions (pages point at the originals: what every page did
before renditions existed); a camera picture is uploaded through the Admin API and leads a new
published story; a phone (390 px wide, DPR 3, Chromium's mobile emulation) loads the front page
and the story's page with a fresh profile, and the Performance API's transferSize of every
resource is summed. The server is then restarted with renditions on, the script waits until the
picture's renditions are recorded, and the phone loads both pages again.

    python3 bench/picture-bytes.py [--binary target/release/newsdesk] [--picture FILE] [--lighthouse BIN]

With --lighthouse (the `lighthouse` command of the npm package, 12.2.3 on Node 20:
`npm i -E lighthouse@12.2.3 --prefix DIR`, then DIR/node_modules/.bin/lighthouse), the article
page is also audited before and after (performance category, its default phone profile with
simulated throttling, Debian's Chromium): the score and the Largest Contentful Paint.

Without --picture, `newsdesk bench-renditions --save` makes a 12-megapixel camera JPEG (a grainy
gradient: it compresses far better than a real photograph, so pass a real one for real figures).
Prints JSON; touches only 127.0.0.1 and stops everything it starts.
"""
import argparse, json, os, shutil, socket, subprocess, sys, tempfile, time, urllib.request

def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p

def call(method, url, token=None, body=None, ctype=None):
    req = urllib.request.Request(url, data=body, method=method)
    if token: req.add_header("authorization", f"Bearer {token}")
    if ctype: req.add_header("content-type", ctype)
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read() or b"null")

class Driver:
    def __init__(self, port):
        self.base = f"http://127.0.0.1:{port}"
        self.proc = subprocess.Popen(["chromedriver", f"--port={port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(100):
            try: urllib.request.urlopen(self.base + "/status", timeout=1); break
            except Exception: time.sleep(0.1)
    def req(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        r = urllib.request.Request(self.base + path, data=data, method=method, headers={"content-type": "application/json"})
        with urllib.request.urlopen(r, timeout=120) as f: return json.loads(f.read())["value"]
    def phone(self):
        profile = tempfile.mkdtemp(prefix="nd-phone-")
        caps = {"capabilities": {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": {
            "binary": shutil.which("chromium") or "/usr/bin/chromium",
            "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={profile}"],
            "mobileEmulation": {"deviceMetrics": {"width": 390, "height": 844, "pixelRatio": 3.0}}}}}}
        return self.req("POST", "/session", caps)["sessionId"], profile
    def measure(self, url):
        """Loads `url` on a fresh phone, scrolls to the end (lazy pictures load), sums transfer sizes."""
        sid, profile = self.phone()
        try:
            self.req("POST", f"/session/{sid}/url", {"url": url})
            self.req("POST", f"/session/{sid}/execute/async", {"args": [], "script": """
                const done = arguments[arguments.length - 1];
                window.scrollTo(0, document.body.scrollHeight);
                setTimeout(() => { window.scrollTo(0, 0); setTimeout(done, 800); }, 1200);"""})
            return self.req("POST", f"/session/{sid}/execute/sync", {"args": [], "script": """
                const res = performance.getEntriesByType('resource');
                const nav = performance.getEntriesByType('navigation')[0];
                const pics = res.filter((r) => r.initiatorType === 'img' || /\\.(jpe?g|png|webp|avif|gif|svg)(\\?|$)/.test(r.name));
                const lead = document.querySelector('.lead-image img, .card-lead img');
                return { total: res.reduce((s, r) => s + r.transferSize, 0) + (nav ? nav.transferSize : 0),
                         pictures: pics.reduce((s, r) => s + r.transferSize, 0), picture_count: pics.length,
                         lead_loaded: lead ? lead.currentSrc.replace(location.origin, '') : null };"""})
        finally:
            self.req("DELETE", f"/session/{sid}")
            shutil.rmtree(profile, ignore_errors=True)
    def stop(self):
        self.proc.terminate(); self.proc.wait(10)

def lighthouse(bin_path, url):
    """Lighthouse's performance score and LCP (ms) for `url`, phone profile."""
    profile = tempfile.mkdtemp(prefix="nd-lh-")
    flags = ("--headless=new --no-sandbox --disable-gpu --disable-background-networking --disable-component-update "
             f"--disable-sync --no-first-run --user-data-dir={profile}")
    try:
        out = subprocess.run([bin_path, url, "--output=json", "--quiet", "--only-categories=performance",
                              "--chrome-path=" + (shutil.which("chromium") or "/usr/bin/chromium"), f"--chrome-flags={flags}"],
                             check=True, capture_output=True, text=True, timeout=300).stdout
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    report = json.loads(out)
    return {"score": report["categories"]["performance"]["score"],
            "lcp_ms": round(report["audits"]["largest-contentful-paint"]["numericValue"]),
            "total_bytes": report["audits"]["total-byte-weight"]["numericValue"]}

def serve(binary, data, port, renditions):
    args = [binary, "demo", "--listen", f"127.0.0.1:{port}", "--data", data]
    if not renditions: args.append("--no-renditions")
    p = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, "NEWSDESK_LOG": "warn"})
    for _ in range(300):
        try: urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1); return p
        except Exception: time.sleep(0.1)
    p.kill(); sys.exit("the server did not start")

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", default="target/release/newsdesk")
    ap.add_argument("--picture")
    ap.add_argument("--lighthouse")
    a = ap.parse_args()
    work = tempfile.mkdtemp(prefix="nd-picture-bytes-")
    data = os.path.join(work, "data")
    picture = a.picture or os.path.join(work, "camera.jpg")
    if not a.picture:
        subprocess.run([a.binary, "bench-renditions", "--save", picture], check=True)
    port, dport = free_port(), free_port()
    base = f"http://127.0.0.1:{port}"
    server = serve(a.binary, data, port, renditions=False)
    driver = Driver(dport)
    out = {"picture": {"file": os.path.basename(picture), "bytes": os.path.getsize(picture)}}
    try:
        token = subprocess.run([a.binary, "--data", data, "user", "token", "editor@newsdesk.example", "--name", "bench"],
                               check=True, capture_output=True, text=True).stdout.split()[0]
        with open(picture, "rb") as f:
            up = call("POST", f"{base}/api/v1/admin/media?name=camera.jpg&alt=A%20picture%20for%20the%20benchmark", token, f.read(), "image/jpeg")["data"]
        story = {"headline": "Picture bytes on a phone", "section": "Europe", "deck": "A benchmark story.",
                 "lead_image": {"asset": up["file"], "alt": "A picture for the benchmark", "credit": "Newsdesk"},
                 "body": [{"type": "paragraph", "text": "A story led by a camera picture."}]}
        made = call("POST", f"{base}/api/v1/admin/articles", token, json.dumps(story).encode(), "application/json")["data"]
        live = call("POST", f"{base}/api/v1/admin/articles/{made['id']}/transitions", token,
                    json.dumps({"action": "publish"}).encode(), "application/json")["data"]["url"]
        page = "/" + live.split("://", 1)[1].split("/", 1)[1]
        out["before"] = {"front": driver.measure(base + "/"), "article": driver.measure(base + page)}
        if a.lighthouse:
            out["before"]["lighthouse_article"] = lighthouse(a.lighthouse, base + page)
        server.terminate(); server.wait(10)
        server = serve(a.binary, data, port, renditions=True)
        t0 = time.time()
        while call("GET", f"{base}/api/v1/admin/media/{up['file']}", token)["data"]["pending"]:
            if time.time() - t0 > 300: sys.exit("renditions were not made within 300 s")
            time.sleep(0.5)
        out["renditions_seconds_after_restart"] = round(time.time() - t0, 1)
        time.sleep(1)  # the page cache follows the event log
        out["after"] = {"front": driver.measure(base + "/"), "article": driver.measure(base + page)}
        if a.lighthouse:
            out["after"]["lighthouse_article"] = lighthouse(a.lighthouse, base + page)
    finally:
        server.terminate(); server.wait(10); driver.stop()
        shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(out, indent=1))

if __name__ == "__main__":
    main()
