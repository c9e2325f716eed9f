//! A real Varnish with vmod_xkey (Debian's varnish and varnish-modules) in front of newsdesk,
//! configured by `deploy/varnish/newsdesk.vcl`, purged by newsdesk's `--purge-url`: after a
//! story is published through the Admin API, Varnish serves it on its section front, the home
//! page and the feed, and answers the pages that do not show it from its own cache, without
//! asking newsdesk (Varnish's own `X-Cache` says which).

mod common;

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{Server, newsdesk, shared};
use serde_json::json;

struct Varnish {
    child: Child,
    url: String,
    _dir: tempfile::TempDir,
}

impl Drop for Varnish {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn varnishd() -> Option<PathBuf> {
    common::find_tool("varnishd").or_else(|| Some(PathBuf::from("/usr/sbin/varnishd")).filter(|p| p.is_file()))
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

impl Varnish {
    /// Varnish on `port`, in front of newsdesk at `backend_port`, with the project's VCL.
    fn start(varnishd: &PathBuf, port: u16, backend_port: u16) -> Varnish {
        let dir = tempfile::tempdir().unwrap();
        let vcl = std::fs::read_to_string(shared::repo_root().join("deploy/varnish/newsdesk.vcl")).unwrap();
        let vcl = vcl.replace(".port = \"8080\";", &format!(".port = \"{backend_port}\";"));
        let vcl_path = dir.path().join("newsdesk.vcl");
        std::fs::write(&vcl_path, vcl).unwrap();
        let child = Command::new(varnishd)
            .args(["-F", "-j", "none", "-a"])
            .arg(format!("127.0.0.1:{port}"))
            .arg("-f")
            .arg(&vcl_path)
            .arg("-n")
            .arg(dir.path().join("work"))
            .args(["-s", "malloc,64m", "-T", "none"])
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let v = Varnish { child, url: format!("http://127.0.0.1:{port}"), _dir: dir };
        let started = Instant::now();
        while ureq::get(&format!("{}/", v.url)).call().is_err() {
            assert!(started.elapsed() < Duration::from_secs(30), "varnish did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
        v
    }

    /// The page through Varnish, and whether Varnish answered it from its cache.
    fn get(&self, path: &str) -> (String, bool) {
        let r = ureq::get(&format!("{}{path}", self.url)).call().unwrap();
        let hit = r.header("x-cache") == Some("HIT");
        (r.into_string().unwrap(), hit)
    }
}

fn section_of(path: &str) -> &str {
    path.trim_start_matches('/').split('/').next().unwrap()
}

#[test]
fn varnish_keeps_every_page_a_publish_does_not_touch_and_refreshes_those_it_does() {
    const TEST: &str = "varnish_keeps_every_page_a_publish_does_not_touch_and_refreshes_those_it_does";
    let Some(varnishd) = varnishd() else {
        return shared::skip::<()>(TEST, "varnishd (Debian packages varnish and varnish-modules) is not installed")
            .unwrap_or(());
    };
    let varnish_port = free_port();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let purge_url = format!("http://127.0.0.1:{varnish_port}/");
    let env = [("NEWSDESK_PURGE_URL", purge_url.as_str()), ("NEWSDESK_PURGE_URL_ALLOW_PRIVATE", "true")];
    let server = Server::start_with("demo", &data, &env);
    let backend_port: u16 = server.url.rsplit(':').next().unwrap().parse().unwrap();
    let varnish = Varnish::start(&varnishd, varnish_port, backend_port);

    // The newest stories (their pages list the stories before them, so a newer one changes
    // none of them) from two sections: one gets the new story, the other does not.
    let newest = server.article_paths();
    let here = newest[0].clone();
    let there = newest[..5].iter().find(|p| section_of(p) != section_of(&here)).expect("two sections").clone();
    let (a, b) = (section_of(&here).to_string(), section_of(&there).to_string());
    let touched = ["/".to_string(), format!("/{a}"), "/feed.xml".into(), format!("/{a}/feed.xml")];
    let untouched = [format!("/{b}"), format!("/{b}/feed.xml"), here.clone(), there.clone()];
    for path in touched.iter().chain(&untouched) {
        varnish.get(path);
        assert!(varnish.get(path).1, "{path} is cached by Varnish after one request");
    }

    // Published through the Admin API, in section a, with words no other story has (so it is
    // nobody's Recommended).
    let out = newsdesk(&data, &["user", "token", "editor@newsdesk.example"]);
    let token = String::from_utf8(out.stdout).unwrap().trim().to_string();
    let call = |method: &str, path: &str, body: serde_json::Value| -> serde_json::Value {
        ureq::request(method, &format!("{}{path}", server.url))
            .set("authorization", &format!("Bearer {token}"))
            .send_json(body)
            .unwrap_or_else(|e| panic!("{method} {path}: {e}"))
            .into_json()
            .unwrap()
    };
    let headline = "Zorblat vennemark quixells the oppidan harbour";
    let label = a[..1].to_uppercase() + &a[1..];
    let body = json!({ "headline": headline, "section": label, "body": [{ "type": "paragraph", "text": "Qworvish plimber tendrals." }] });
    let id = call("POST", "/api/v1/admin/articles", body)["data"]["id"].as_i64().unwrap();
    for action in ["submit", "start_edit", "publish"] {
        call("POST", &format!("/api/v1/admin/articles/{id}/transitions"), json!({ "action": action }));
    }

    // The purge arrives within moments: the touched pages come fresh from newsdesk with it.
    let started = Instant::now();
    for path in &touched {
        loop {
            let (page, _) = varnish.get(path);
            if page.contains("Zorblat vennemark") {
                break;
            }
            assert!(started.elapsed() < Duration::from_secs(10), "{path} through Varnish never showed the new story");
            std::thread::sleep(Duration::from_millis(100));
        }
    }
    // ... and the untouched ones were never asked of newsdesk again.
    for path in &untouched {
        let (page, hit) = varnish.get(path);
        assert!(hit, "{path} was purged although it does not show the new story");
        assert!(!page.contains("Zorblat vennemark"), "{path}");
    }
    // A correction to the new story's headline reaches every page that shows it.
    call(
        "PATCH",
        &format!("/api/v1/admin/articles/{id}"),
        json!({ "headline": "Zorblat vennemark quixells the harbour again" }),
    );
    let started = Instant::now();
    for path in &touched {
        while !varnish.get(path).0.contains("quixells the harbour again") {
            assert!(started.elapsed() < Duration::from_secs(10), "{path} kept the old headline");
            std::thread::sleep(Duration::from_millis(100));
        }
    }
    assert!(varnish.get(&there).1, "{there} is still served by Varnish");
}
