//! What a reader sees, in Debian's Chromium driven over WebDriver (chromedriver): the seed
//! article's elements visible and in order, the picture loaded, nothing fetched from other
//! hosts, and a layout that fits a phone. A failing check saves a screenshot under
//! `target/browser-failures/`.

mod common;

use std::net::TcpListener;
use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{Server, newsdesk, shared};
use serde_json::{Value, json};

const SEED_PATH: &str =
    "/europe/nato-chief-uk-prime-minister-vow-stronger-military-backing-for-ukraine-after-london-talks";

struct Browser {
    driver: Child,
    base: String,
    session: String,
    _profile: tempfile::TempDir,
}

impl Browser {
    fn start() -> Result<Browser, String> {
        let chromium =
            ["/usr/bin/chromium", "/usr/bin/chromium-browser"].into_iter().find(|p| std::path::Path::new(p).exists());
        let driver = ["/usr/bin/chromedriver"].into_iter().find(|p| std::path::Path::new(p).exists());
        let (Some(chromium), Some(driver)) = (chromium, driver) else {
            return Err("Debian's chromium and chromium-driver are not installed".into());
        };
        let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let child = Command::new(driver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start chromedriver: {e}"))?;
        let base = format!("http://127.0.0.1:{port}");
        let t0 = Instant::now();
        while ureq::get(&format!("{base}/status")).call().is_err() {
            if t0.elapsed() > Duration::from_secs(15) {
                return Err("chromedriver did not answer within 15 s".into());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let profile = tempfile::tempdir().unwrap();
        let args = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-dev-shm-usage",
            &format!("--user-data-dir={}", profile.path().display()),
        ];
        let caps = json!({"capabilities": {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": {"binary": chromium, "args": args}}}});
        let mut browser = Browser { driver: child, base, session: String::new(), _profile: profile };
        let v = browser.call("POST", "/session", Some(caps))?;
        browser.session = v["sessionId"].as_str().ok_or("no session id")?.to_string();
        Ok(browser)
    }

    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value, String> {
        let url = format!("{}{path}", self.base);
        let req = ureq::request(method, &url).timeout(Duration::from_secs(60));
        let res = match body {
            Some(b) => req.send_json(b),
            None => req.call(),
        };
        match res {
            Ok(r) => Ok(r.into_json::<Value>().map_err(|e| e.to_string())?["value"].clone()),
            Err(ureq::Error::Status(code, r)) => {
                Err(format!("{method} {path}: {code} {}", r.into_string().unwrap_or_default()))
            }
            Err(e) => Err(format!("{method} {path}: {e}")),
        }
    }

    fn session(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        self.call(method, &format!("/session/{}{path}", self.session), body).unwrap()
    }

    fn open(&self, url: &str, width: u32, height: u32) {
        self.session("POST", "/window/rect", Some(json!({"width": width, "height": height})));
        self.session("POST", "/url", Some(json!({"url": url})));
    }

    fn eval(&self, script: &str) -> Value {
        self.session("POST", "/execute/sync", Some(json!({"script": script, "args": []})))
    }

    /// Runs `check`; on failure saves a screenshot named `name` before failing the test.
    fn checked(&self, name: &str, check: impl FnOnce()) {
        if let Err(panic) = std::panic::catch_unwind(AssertUnwindSafe(check)) {
            let shot = self.session("GET", "/screenshot", None);
            let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/browser-failures");
            std::fs::create_dir_all(&dir).unwrap();
            let file = dir.join(format!("{name}.png"));
            std::fs::write(&file, base64_decode(shot.as_str().unwrap_or(""))).unwrap();
            eprintln!("screenshot saved to {}", file.display());
            std::panic::resume_unwind(panic);
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let _ = self.call("DELETE", &format!("/session/{}", self.session), None);
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

fn base64_decode(s: &str) -> Vec<u8> {
    let val = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    };
    let digits: Vec<u8> = s.bytes().filter_map(val).collect();
    digits
        .chunks(4)
        .flat_map(|c| {
            let n = c.iter().enumerate().fold(0u32, |acc, (i, &d)| acc | (d as u32) << (18 - 6 * i));
            let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
            bytes.into_iter().take(c.len().saturating_sub(1))
        })
        .collect()
}

/// The reader-visible facts the test asserts, gathered in one script.
const READER_VIEW: &str = r#"
const visible = (el) => { if (!el) return false; const r = el.getBoundingClientRect(); const s = getComputedStyle(el);
  return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none'; };
const pick = (sel) => { const el = document.querySelector(sel); return el && visible(el) ? el.innerText.trim() : null; };
const order = ['.story .kicker', '.story .reading-time', '.story h1', '.story .deck', '.story figure figcaption',
  '.story .dateline', '.story-body > p', '.recommended h2', '.related', '.story .source', '.explore h2']
  .map((sel) => { const el = document.querySelector(sel); return el ? el.getBoundingClientRect().top + scrollY : null; });
const img = document.querySelector('.story figure img');
return {
  kicker: pick('.story .kicker'), reading: pick('.story .reading-time'), headline: pick('.story h1'),
  deck: pick('.story .deck'), caption: pick('.story figure figcaption'), dateline: pick('.story .dateline'),
  paragraphs: [...document.querySelectorAll('.story-body > p')].filter(visible).length,
  recommended: [...document.querySelectorAll('.recommended a')].filter(visible).map((a) => a.innerText),
  related: pick('.related'), source: pick('.story .source'),
  explore: [...document.querySelectorAll('.explore li a')].filter(visible).length,
  order, imageLoaded: !!img && img.complete && img.naturalWidth > 0,
  offsite: performance.getEntriesByType('resource').map((e) => e.name).filter((n) => !n.startsWith(location.origin)),
  overflow: document.documentElement.scrollWidth > window.innerWidth + 1,
  headlinePx: img ? parseFloat(getComputedStyle(document.querySelector('.story h1')).fontSize) : 0,
};"#;

#[test]
fn a_reader_sees_the_seed_article() {
    let Some(dir) = shared::require_shared("newsdesk::browser_seed_article") else { return };
    let browser = match Browser::start() {
        Ok(b) => b,
        Err(why) => {
            shared::skip::<()>("newsdesk::browser_seed_article", &why);
            return;
        }
    };
    let server = Server::demo();
    let out = newsdesk(&server.data, &["import", common::seed_path(&dir).to_str().unwrap()]);
    assert!(out.status.success());
    let url = format!("{}{SEED_PATH}", server.url);
    let t0 = Instant::now();
    while server.get(SEED_PATH).0 != 200 {
        assert!(t0.elapsed() < Duration::from_secs(2));
        std::thread::sleep(Duration::from_millis(25));
    }

    for (name, width, height) in [("desktop", 1280, 900), ("phone", 390, 844)] {
        browser.open(&url, width, height);
        let v = browser.eval(READER_VIEW);
        browser.checked(&format!("seed-{name}"), || {
            assert_eq!(
                v["kicker"], "EUROPE SEPTEMBER 10, 2025",
                "{name}: label and date (the theme shows them in capitals)"
            );
            assert_eq!(v["reading"], "1 min read");
            assert_eq!(
                v["headline"],
                "NATO chief, UK prime minister vow stronger military backing for Ukraine after London talks"
            );
            assert!(v["deck"].as_str().unwrap().starts_with("The Downing Street talks"));
            assert_eq!(
                v["caption"],
                "Rutte praised the UK's commitment to raising defence spending and its leading role. AA"
            );
            assert_eq!(v["dateline"], "September 10, 2025");
            assert_eq!(v["paragraphs"], 7);
            assert_eq!(v["recommended"].as_array().unwrap().len(), 3, "{name}: Recommended links");
            assert_eq!(
                v["related"],
                "RELATED TRT World - NATO chief Rutte calls Erdogan to discuss Ukraine peace efforts, regional security"
            );
            assert_eq!(v["source"], "SOURCE: AA");
            assert!(v["explore"].as_u64().unwrap() >= 6);
            let order: Vec<f64> = v["order"].as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect();
            assert!(order.windows(2).all(|w| w[0] <= w[1]), "{name}: elements out of order on screen: {order:?}");
            assert_eq!(v["imageLoaded"], true, "{name}: the lead picture loads");
            assert_eq!(v["offsite"], json!([]), "{name}: requests to other hosts");
            assert_eq!(v["overflow"], false, "{name}: the page scrolls sideways");
            assert!(v["headlinePx"].as_f64().unwrap() >= 24.0, "{name}: the headline is readable");
        });
    }
}

#[test]
fn base64_decodes() {
    assert_eq!(base64_decode("aGVsbG8="), b"hello");
    assert_eq!(base64_decode("aGk="), b"hi");
    assert_eq!(base64_decode("YWJj"), b"abc");
}
