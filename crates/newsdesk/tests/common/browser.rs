//! Debian's Chromium driven over WebDriver (chromedriver), headless with a fresh profile, for
//! the tests that judge pages as a reader or an editor sees them.

use std::net::TcpListener;
use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

pub struct Browser {
    driver: Child,
    base: String,
    session: String,
    _profile: tempfile::TempDir,
}

impl Browser {
    pub fn start() -> Result<Browser, String> {
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

    pub fn call(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value, String> {
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

    pub fn session(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        self.call(method, &format!("/session/{}{path}", self.session), body).unwrap()
    }

    pub fn open(&self, url: &str, width: u32, height: u32) {
        self.session("POST", "/window/rect", Some(json!({"width": width, "height": height})));
        self.session("POST", "/url", Some(json!({"url": url})));
    }

    pub fn eval(&self, script: &str) -> Value {
        self.session("POST", "/execute/sync", Some(json!({"script": script, "args": []})))
    }

    /// Runs an async script (its last argument is the callback), for `fetch`.
    pub fn eval_async(&self, script: &str) -> Value {
        self.session("POST", "/execute/async", Some(json!({"script": script, "args": []})))
    }

    pub fn find(&self, css: &str) -> String {
        let v = self.session("POST", "/element", Some(json!({"using": "css selector", "value": css})));
        v.as_object()
            .and_then(|o| o.values().next())
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("no element {css}"))
            .to_string()
    }

    pub fn exists(&self, css: &str) -> bool {
        let v = self.session("POST", "/elements", Some(json!({"using": "css selector", "value": css})));
        v.as_array().is_some_and(|a| !a.is_empty())
    }

    pub fn click(&self, css: &str) {
        let id = self.find(css);
        self.session("POST", &format!("/element/{id}/click"), Some(json!({})));
    }

    /// Clears a field and types `text` into it, as a person would.
    pub fn type_into(&self, css: &str, text: &str) {
        let id = self.find(css);
        self.session("POST", &format!("/element/{id}/clear"), Some(json!({})));
        self.session("POST", &format!("/element/{id}/value"), Some(json!({"text": text})));
    }

    /// Keys typed into `css` where its caret is (the end, when it was not focused), without
    /// clearing it first. WebDriver's key codes work: `\u{E009}b\u{E000}` is Ctrl+B.
    pub fn send_keys(&self, css: &str, text: &str) {
        let id = self.find(css);
        self.session("POST", &format!("/element/{id}/value"), Some(json!({"text": text})));
    }

    /// Keys pressed on whatever has the focus (WebDriver actions), e.g. Alt+ArrowUp.
    pub fn press(&self, keys: &[&str]) {
        let mut actions: Vec<Value> = keys.iter().map(|k| json!({"type": "keyDown", "value": k})).collect();
        actions.extend(keys.iter().rev().map(|k| json!({"type": "keyUp", "value": k})));
        self.session(
            "POST",
            "/actions",
            Some(json!({"actions": [{"type": "key", "id": "keyboard", "actions": actions}]})),
        );
        self.session("DELETE", "/actions", None);
    }

    pub fn text(&self, css: &str) -> String {
        let id = self.find(css);
        self.session("GET", &format!("/element/{id}/text"), None).as_str().unwrap_or("").to_string()
    }

    /// The text of `css`, or `None` while the page is changing under us (element missing or
    /// gone stale between finding it and reading it).
    pub fn try_text(&self, css: &str) -> Option<String> {
        let s = format!("/session/{}", self.session);
        let v =
            self.call("POST", &format!("{s}/element"), Some(json!({"using": "css selector", "value": css}))).ok()?;
        let id = v.as_object().and_then(|o| o.values().next()).and_then(Value::as_str)?.to_string();
        let t = self.call("GET", &format!("{s}/element/{id}/text"), None).ok()?;
        Some(t.as_str().unwrap_or("").to_string())
    }

    pub fn url(&self) -> String {
        self.session("GET", "/url", None).as_str().unwrap_or("").to_string()
    }

    /// Waits up to 10 s for `css` to appear.
    pub fn wait_for(&self, css: &str) {
        let t0 = Instant::now();
        while !self.exists(css) {
            assert!(t0.elapsed() < Duration::from_secs(10), "{css} did not appear on {}", self.url());
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Waits up to 10 s for `css` to show `text` (after a navigation, the old page's element
    /// may still be there for a moment).
    pub fn wait_text(&self, css: &str, text: &str) {
        let t0 = Instant::now();
        while self.try_text(css).as_deref() != Some(text) {
            assert!(t0.elapsed() < Duration::from_secs(10), "{css} never read {text:?} on {}", self.url());
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    pub fn sign_in(&self, base: &str, email: &str, password: &str) {
        self.open(&format!("{base}/newsroom"), 1280, 900);
        assert!(self.url().contains("/newsroom/login"), "signed-out visitors are sent to sign in: {}", self.url());
        self.type_into("#email", email);
        self.type_into("#password", password);
        self.click("#sign-in");
        self.wait_for("table.stories");
    }

    /// Runs `check`; on failure saves a screenshot named `name` before failing the test.
    pub fn checked(&self, name: &str, check: impl FnOnce()) {
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

pub fn base64_decode(s: &str) -> Vec<u8> {
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
