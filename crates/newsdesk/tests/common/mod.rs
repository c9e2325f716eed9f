//! Helpers for the end-to-end tests: the real binary on a temporary data directory and a port
//! the OS picks, stopped when the test ends.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

pub mod browser;

#[path = "../../../../support/shared.rs"]
pub mod shared;

pub const BIN: &str = env!("CARGO_BIN_EXE_newsdesk");

pub fn newsdesk(data: &Path, args: &[&str]) -> Output {
    Command::new(BIN).arg("--data").arg(data).args(args).env("NEWSDESK_LOG", "warn").output().unwrap()
}

/// A running `newsdesk` server.
pub struct Server {
    child: Child,
    pub url: String,
    pub data: PathBuf,
    _dir: Option<tempfile::TempDir>,
}

impl Server {
    /// `newsdesk demo` on a fresh data directory.
    pub fn demo() -> Server {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let mut s = Server::start("demo", &data);
        s._dir = Some(dir);
        s
    }

    pub fn start(command: &str, data: &Path) -> Server {
        Server::start_with(command, data, &[])
    }

    /// `newsdesk demo` on a fresh data directory, with extra environment settings. The rendition
    /// job is off unless `env` turns it on (`NEWSDESK_NO_RENDITIONS=false`): pages then stay as
    /// they were first drawn while a test looks at them (the renditions' own tests, and
    /// `the_demos_pictures_go_through_the_renditions`, run it).
    pub fn demo_with(env: &[(&str, &str)]) -> Server {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let mut s = Server::start_with("demo", &data, env);
        s._dir = Some(dir);
        s
    }

    /// The rendition job is off here too unless `env` turns it on (see [`Server::demo_with`]).
    pub fn start_with(command: &str, data: &Path, env: &[(&str, &str)]) -> Server {
        let mut env = env.to_vec();
        if !env.iter().any(|(k, _)| *k == "NEWSDESK_NO_RENDITIONS") {
            env.push(("NEWSDESK_NO_RENDITIONS", "true"));
        }
        let mut child = Command::new(BIN)
            .args([command, "--listen", "127.0.0.1:0", "--data"])
            .arg(data)
            .env("NEWSDESK_LOG", "warn")
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let mut line = String::new();
        let mut out = BufReader::new(child.stdout.take().unwrap());
        out.read_line(&mut line).unwrap();
        let url = line.trim().rsplit(' ').next().unwrap().trim_end_matches('/').to_string();
        assert!(url.starts_with("http://127.0.0.1:"), "unexpected first line: {line:?}");
        // The rest of stdout (the demo's sign-ins) is read to its end, so the server never
        // writes to a closed pipe.
        std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
        Server { child, url, data: data.to_path_buf(), _dir: None }
    }

    pub fn get(&self, path: &str) -> (u16, String) {
        match ureq::get(&format!("{}{path}", self.url)).call() {
            Ok(r) => (r.status(), r.into_string().unwrap()),
            Err(ureq::Error::Status(code, r)) => (code, r.into_string().unwrap()),
            Err(e) => panic!("GET {path}: {e}"),
        }
    }

    /// The demo's sign-in for `role`: (email, password).
    pub fn demo_login(&self, role: &str) -> (String, String) {
        let text = std::fs::read_to_string(self.data.join("demo-logins.json")).unwrap();
        let logins: Vec<(String, String, String)> = serde_json::from_str(&text).unwrap();
        let (_, email, password) = logins.into_iter().find(|(r, _, _)| r == role).unwrap();
        (email, password)
    }

    /// Article paths linked from the home page.
    pub fn article_paths(&self) -> Vec<String> {
        let (_, home) = self.get("/");
        let mut out: Vec<String> = home
            .split("href=\"/")
            .skip(1)
            .filter_map(|s| s.split('"').next())
            .filter(|p| p.matches('/').count() == 1 && !p.starts_with("assets") && !p.starts_with("media"))
            .map(|p| format!("/{p}"))
            .collect();
        out.dedup();
        out
    }

    /// The server's process id (for reading its memory from /proc).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Stops the server with SIGTERM, as an operator would, and waits for it.
    pub fn stop(mut self) -> std::process::ExitStatus {
        let _ = Command::new("kill").arg("-TERM").arg(self.child.id().to_string()).status();
        self.child.wait().unwrap()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Asserts that `needles` occur in `haystack` in this order.
pub fn in_order(haystack: &str, needles: &[&str]) {
    let mut at = 0;
    for n in needles {
        match haystack[at..].find(n) {
            Some(i) => at += i + n.len(),
            None => panic!("{n:?} not found in order after byte {at}"),
        }
    }
}

pub fn seed_path(shared: &Path) -> PathBuf {
    shared.join("testdata/seed/000_53d1d0ba0fc63e9e.txt")
}

/// An outside validator on PATH or in /opt/newsdesk-tools/bin (where the test command installs
/// them).
pub fn find_tool(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain([PathBuf::from("/opt/newsdesk-tools/bin")])
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

/// Runs a validator; returns its combined output, failing the test when it exits non-zero.
pub fn judge(tool: &Path, args: &[&std::ffi::OsStr]) -> String {
    let out = Command::new(tool).args(args).output().unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{} {:?} failed:\n{text}", tool.display(), args);
    text
}
