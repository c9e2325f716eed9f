//! The newsroom from outside, on the real binary: accounts from the command line (a piped
//! password, or an invite link), signing in over HTTP, and scheduled publishing that happens on
//! time, with or without a restart in between.

mod common;

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::Duration;

use common::{BIN, Server, newsdesk};
use serde_json::{Value, json};

fn agent() -> ureq::Agent {
    ureq::AgentBuilder::new().redirects(0).timeout(Duration::from_secs(30)).build()
}

/// `newsdesk user add …` with `stdin` piped in (or nothing).
fn user_add(data: &std::path::Path, args: &[&str], stdin: Option<&str>) -> std::process::Output {
    let mut child = Command::new(BIN)
        .arg("--data")
        .arg(data)
        .args(["user", "add"])
        .args(args)
        .env("NEWSDESK_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    if let Some(s) = stdin {
        input.write_all(s.as_bytes()).unwrap();
    }
    drop(input);
    child.wait_with_output().unwrap()
}

fn post_form(url: &str, cookie: Option<&str>, form: &[(&str, &str)]) -> (u16, Option<String>, Option<String>, String) {
    let mut req = agent().post(url);
    if let Some(c) = cookie {
        req = req.set("cookie", c);
    }
    let res = match req.send_form(form) {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("POST {url}: {e}"),
    };
    let status = res.status();
    let location = res.header("location").map(str::to_string);
    let cookie = res
        .all("set-cookie")
        .into_iter()
        .find(|c| c.starts_with("nd_session="))
        .map(|c| c.split(';').next().unwrap().to_string());
    (status, location, cookie, res.into_string().unwrap_or_default())
}

/// Posts a form anyone may use (sign-in, an invite) as a browser would: the page first, for its
/// pre-session cookie and the token its form echoes.
fn post_anonymous(url: &str, form: &[(&str, &str)]) -> (u16, Option<String>, Option<String>, String) {
    let (pre, csrf) = pre_session(url);
    let mut with_token = vec![("csrf", csrf.as_str())];
    with_token.extend_from_slice(form);
    post_form(url, Some(&pre), &with_token)
}

/// The pre-session cookie and form token a sign-in or invite page gives.
pub fn pre_session(url: &str) -> (String, String) {
    let page = match agent().get(url).call() {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("GET {url}: {e}"),
    };
    let pre = page
        .all("set-cookie")
        .into_iter()
        .find(|c| c.starts_with("nd_pre="))
        .map(|c| c.split(';').next().unwrap().to_string());
    let pre = pre.unwrap_or_else(|| panic!("{url} gave no pre-session cookie"));
    let body = page.into_string().unwrap();
    let csrf =
        body.split(r#"name="csrf" value=""#).nth(1).and_then(|s| s.split('"').next()).unwrap_or_default().to_string();
    (pre, csrf)
}

#[test]
fn accounts_from_the_command_line_sign_in() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let out = user_add(
        &data,
        &["desk@example.org", "--role", "editor", "--name", "Desk Editor"],
        Some("a long enough password\n"),
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.stdout.is_empty(), "a piped password makes no invite");

    let out = user_add(&data, &["new@example.org", "--role", "reporter"], None);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let link = String::from_utf8(out.stdout).unwrap().trim().to_string();
    assert!(link.starts_with("http://127.0.0.1:8080/newsroom/invite/i_"), "{link}");

    let out = user_add(&data, &["x@example.org", "--role", "boss"], Some("a long enough password"));
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("--role \"boss\": expected one of contributor, reporter, editor, admin")
    );
    let out = user_add(&data, &["y@example.org", "--role", "editor"], Some("short"));
    assert!(String::from_utf8_lossy(&out.stderr).contains("at least 10 characters"));
    let out = user_add(&data, &["desk@example.org", "--role", "admin"], Some("a long enough password"));
    assert!(String::from_utf8_lossy(&out.stderr).contains("already exists"));

    let server = Server::start("serve", &data);
    let login = format!("{}/newsroom/login", server.url);
    let (status, _, _, _) = post_anonymous(&login, &[("email", "desk@example.org"), ("password", "wrong password!")]);
    assert_eq!(status, 401);
    let (status, location, cookie, _) =
        post_anonymous(&login, &[("email", "desk@example.org"), ("password", "a long enough password")]);
    assert_eq!((status, location.as_deref()), (303, Some("/newsroom")));
    let cookie = cookie.unwrap();
    let page = agent().get(&format!("{}/newsroom", server.url)).set("cookie", &cookie).call().unwrap();
    assert_eq!(page.header("cache-control"), Some("no-store"));
    assert!(page.into_string().unwrap().contains("Desk Editor"));

    // The invite works once.
    let invite = link.replace("http://127.0.0.1:8080", &server.url);
    assert_eq!(agent().get(&invite).call().unwrap().status(), 200);
    let pw = [("password", "my own new password"), ("repeat", "my own new password")];
    let (status, location, cookie, _) = post_anonymous(&invite, &pw);
    assert_eq!((status, location.as_deref()), (303, Some("/newsroom")));
    assert!(cookie.is_some());
    let spent = match agent().get(&invite).call() {
        Ok(r) => r.status(),
        Err(ureq::Error::Status(code, _)) => code,
        Err(e) => panic!("{e}"),
    };
    assert_eq!(spent, 404, "an invite is spent once used");
    let (status, _, _, _) =
        post_anonymous(&login, &[("email", "new@example.org"), ("password", "my own new password")]);
    assert_eq!(status, 303);

    let list = newsdesk(&data, &["user", "list"]);
    let list = String::from_utf8(list.stdout).unwrap();
    assert!(list.contains("desk@example.org\teditor\tDesk Editor\tactive"), "{list}");
}

fn api(method: &str, url: &str, token: &str, body: Option<Value>) -> Value {
    let req = agent().request(method, url).set("authorization", &format!("Bearer {token}"));
    let res = match body {
        Some(b) => req.send_json(b),
        None => req.call(),
    };
    match res {
        Ok(r) => r.into_json().unwrap(),
        Err(ureq::Error::Status(code, r)) => panic!("{method} {url}: {code} {}", r.into_string().unwrap()),
        Err(e) => panic!("{method} {url}: {e}"),
    }
}

/// A ready story scheduled `secs` from now through the Admin API; returns (id, public path, time).
fn schedule(server: &Server, token: &str, headline: &str, secs: i64) -> (i64, String, jiff::Timestamp) {
    let base = format!("{}/api/v1/admin/articles", server.url);
    let v = api(
        "POST",
        &base,
        token,
        Some(json!({ "headline": headline, "section": "Europe", "body": [{ "type": "paragraph", "text": "Text." }] })),
    );
    let id = v["data"]["id"].as_i64().unwrap();
    let slug = v["data"]["slug"].as_str().unwrap().to_string();
    let at = jiff::Timestamp::now() + jiff::SignedDuration::from_secs(secs);
    let at = jiff::Timestamp::from_second(at.as_second()).unwrap();
    for step in [
        json!({ "action": "submit" }),
        json!({ "action": "start_edit" }),
        json!({ "action": "schedule", "at": at.to_string() }),
    ] {
        api("POST", &format!("{base}/{id}/transitions"), token, Some(step));
    }
    (id, format!("/europe/{slug}"), at)
}

fn wait_until_live(server: &Server, path: &str, at: jiff::Timestamp) -> jiff::Timestamp {
    loop {
        if server.get(path).0 == 200 {
            return jiff::Timestamp::now();
        }
        assert!(jiff::Timestamp::now() < at + jiff::SignedDuration::from_secs(10), "{path} never went live");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn scheduled_stories_go_live_on_time_even_across_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let server = Server::start("demo", &data);
    let out = newsdesk(&server.data, &["user", "token", "editor@newsdesk.example"]);
    let token = String::from_utf8(out.stdout).unwrap().trim().to_string();

    let (_, path, at) = schedule(&server, &token, "Harbour lights switched on", 4);
    assert_eq!(server.get(&path).0, 404, "not before its time");
    let seen = wait_until_live(&server, &path, at);
    let late = seen.duration_since(at);
    assert!(late < jiff::SignedDuration::from_secs(3), "went live {late:?} after its time");

    // Scheduled, then the server stops before the time and starts again after it.
    let (id, path, at) = schedule(&server, &token, "Tram line opens to the airport", 3);
    assert!(server.stop().success());
    assert!(jiff::Timestamp::now() < at, "the server stopped before the story's time");
    std::thread::sleep(Duration::from_secs(4));
    let server = Server::start("serve", &data);
    let seen = wait_until_live(&server, &path, jiff::Timestamp::now());
    assert!(seen.duration_since(at) < jiff::SignedDuration::from_secs(10));
    let v = api("GET", &format!("{}/api/v1/admin/articles/{id}", server.url), &token, None);
    assert_eq!(v["data"]["state"], "published");
    assert_eq!(
        v["data"]["published_at"].as_str().unwrap().parse::<jiff::Timestamp>().unwrap(),
        at,
        "published at its scheduled time"
    );
}

#[test]
fn the_newsroom_pages_pass_the_nu_html_checker() {
    let Some(vnu) = common::find_tool("vnu") else {
        common::shared::skip::<()>("newsdesk::newsroom_nu_html_checker", "vnu (Nu Html Checker) is not installed");
        return;
    };
    let server = Server::demo();
    let (email, password) = server.demo_login("admin");
    let (status, _, cookie, _) =
        post_anonymous(&format!("{}/newsroom/login", server.url), &[("email", &email), ("password", &password)]);
    assert_eq!(status, 303);
    let cookie = cookie.unwrap();
    let get = |path: &str| -> String {
        let res = agent().get(&format!("{}{path}", server.url)).set("cookie", &cookie).call().unwrap();
        assert_eq!(res.status(), 200, "{path}");
        res.into_string().unwrap()
    };
    let dashboard = get("/newsroom");
    let story = dashboard.split("<tr data-id=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
    let pages = [
        "/newsroom/login".to_string(),
        "/newsroom".to_string(),
        "/newsroom/stories/new".to_string(),
        format!("/newsroom/stories/{story}"),
        format!("/newsroom/stories/{story}/revisions"),
        "/newsroom/wire".to_string(),
        "/newsroom/routing".to_string(),
        "/newsroom/fronts".to_string(),
        "/newsroom/media".to_string(),
        "/newsroom/users".to_string(),
        "/newsroom/audit".to_string(),
    ];
    let dir = tempfile::tempdir().unwrap();
    let mut files = vec![];
    for (i, p) in pages.iter().enumerate() {
        let f = dir.path().join(format!("newsroom{i}.html"));
        std::fs::write(&f, get(p)).unwrap();
        files.push(f);
    }
    let out = Command::new(vnu).arg("--errors-only").args(&files).output().unwrap();
    assert!(
        out.status.success(),
        "Nu Html Checker errors on {pages:?}:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_published_story_is_searchable_within_a_second() {
    let server = Server::demo();
    let out = newsdesk(&server.data, &["user", "token", "editor@newsdesk.example"]);
    let token = String::from_utf8(out.stdout).unwrap().trim().to_string();
    // The demo's index is built in the background at the first start.
    let t0 = std::time::Instant::now();
    while !server.get("/search?q=ferry").1.contains("Baltic ferry operators") {
        assert!(t0.elapsed() < Duration::from_secs(20), "the demo was never indexed");
        std::thread::sleep(Duration::from_millis(100));
    }
    let base = format!("{}/api/v1/admin/articles", server.url);
    let body = json!({ "headline": "Glassblowers revive a lagoon furnace", "section": "Culture",
                       "body": [{ "type": "paragraph", "text": "The furnace was cold for sixty years." }] });
    let id = api("POST", &base, &token, Some(body))["data"]["id"].as_i64().unwrap();
    for action in ["submit", "start_edit"] {
        api("POST", &format!("{base}/{id}/transitions"), &token, Some(json!({ "action": action })));
    }
    assert!(server.get("/search?q=glassblowers").1.contains("0 stories found"), "not before it is published");
    api("POST", &format!("{base}/{id}/transitions"), &token, Some(json!({ "action": "publish" })));
    let published = std::time::Instant::now();
    while !server.get("/search?q=glassblowers").1.contains("Glassblowers revive a lagoon furnace") {
        assert!(published.elapsed() < Duration::from_secs(2), "not searchable 2 s after publishing");
        std::thread::sleep(Duration::from_millis(20));
    }
    eprintln!("searchable {} ms after publishing", published.elapsed().as_millis());
    // And gone once unpublished.
    api("POST", &format!("{base}/{id}/transitions"), &token, Some(json!({ "action": "unpublish" })));
    let t0 = std::time::Instant::now();
    while !server.get("/search?q=glassblowers").1.contains("0 stories found") {
        assert!(t0.elapsed() < Duration::from_secs(2), "still found 2 s after unpublishing");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn admin_api_tokens_expire_are_listed_revoked_one_by_one_and_end_with_sign_out() {
    let server = Server::demo();
    let make = |name: &str| {
        let out = newsdesk(&server.data, &["user", "token", "editor@newsdesk.example", "--name", name, "--days", "30"]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let note = String::from_utf8_lossy(&out.stderr).to_string();
        assert!(note.contains("valid until"), "{note}");
        String::from_utf8(out.stdout).unwrap().trim().to_string()
    };
    let (laptop, script) = (make("laptop"), make("script"));
    let status = |token: &str| match agent()
        .get(&format!("{}/api/v1/admin/articles", server.url))
        .set("authorization", &format!("Bearer {token}"))
        .call()
    {
        Ok(r) => r.status(),
        Err(ureq::Error::Status(code, _)) => code,
        Err(e) => panic!("{e}"),
    };
    assert_eq!((status(&laptop), status(&script)), (200, 200));
    let list = newsdesk(&server.data, &["user", "token", "editor@newsdesk.example", "--list"]);
    let list = String::from_utf8(list.stdout).unwrap();
    assert!(
        list.contains("\tlaptop\t") && list.contains("\tscript\t") && list.matches("\tactive").count() == 2,
        "{list}"
    );
    // One revoked by name: the other still works.
    let out = newsdesk(&server.data, &["user", "token", "editor@newsdesk.example", "--revoke", "laptop"]);
    assert!(out.status.success());
    assert_eq!((status(&laptop), status(&script)), (401, 200));
    let out = newsdesk(&server.data, &["user", "token", "editor@newsdesk.example", "--revoke", "laptop"]);
    assert!(!out.status.success(), "revoking nothing says so");
    // Signing the account out everywhere ends its tokens too.
    let out = newsdesk(&server.data, &["user", "sign-out", "editor@newsdesk.example"]);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("1 Admin API tokens revoked"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(status(&script), 401);
    let list = newsdesk(&server.data, &["user", "token", "editor@newsdesk.example", "--list"]);
    assert_eq!(String::from_utf8(list.stdout).unwrap().matches("\trevoked").count(), 2);
}
