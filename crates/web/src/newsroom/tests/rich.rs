//! Links and emphasis from the editor to every reader surface, and back into the editor.

use super::*;

fn form_encode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

#[tokio::test]
async fn links_and_emphasis_typed_in_the_editor_reach_readers_and_come_back_to_edit() {
    let n = Newsroom::new();
    let editor = n.person(Role::Editor);
    let para = r#"Read the <a href="https://agency.example/report?a=1&amp;b=2">full <b>report</b></a>, the <a href="/europe/earlier">earlier story</a> and <em>H<sub>2</sub>O</em> notes.<br>AT&T says <a href="javascript:alert(1)">no</a>."#;
    let form = format!(
        "headline=Harbour+reopens&section=Europe&language=en&b.type=paragraph&b.text={}&b.type=list&b.text={}",
        form_encode(para),
        form_encode("plain item\n<strong>bold</strong> item")
    );
    let made = n.post("/newsroom/stories", editor, &form).await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    let id: i64 = location(&made).trim_start_matches("/newsroom/stories/").split('?').next().unwrap().parse().unwrap();
    let story = n.state.store.story(newsdesk_core::ArticleId(id)).unwrap();
    let Block::Paragraph { text, marks } = &story.article.body[0] else { panic!("{:?}", story.article.body) };
    assert_eq!(text, "Read the full report, the earlier story and H2O notes.\nAT&T says no.");
    assert_eq!(
        marks.iter().filter(|m| m.kind == MarkKind::Link).count(),
        2,
        "the javascript: link is words only: {marks:?}"
    );

    for action in ["publish"] {
        let r = n.post(&format!("/newsroom/stories/{id}/action"), editor, &format!("action={action}")).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{action}: {}", r.body);
    }
    let path = n.state.store.story(newsdesk_core::ArticleId(id)).unwrap().article.path();
    let page = n.get(&path, None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains(r#"Read the <a href="https://agency.example/report?a=1&amp;b=2" rel="external noopener">full <strong>report</strong></a>, the <a href="/europe/earlier">earlier story</a> and <em>H<sub>2</sub>O</em> notes.<br>AT&amp;T says no.</p>"#),
        "{}",
        page.body
    );
    assert!(page.body.contains("<li><strong>bold</strong> item</li>"), "{}", page.body);
    assert!(!page.body.contains("javascript:"));

    // The feed carries the same markup, with the site's own links made absolute.
    let feed = n.get("/feed.xml", None).await;
    assert!(
        feed.body
            .contains("the &lt;a href=&quot;http://127.0.0.1:8080/europe/earlier&quot;&gt;earlier story&lt;/a&gt;")
            || feed.body.contains("<a href=\"http://127.0.0.1:8080/europe/earlier\">earlier story</a>"),
        "{}",
        feed.body
    );

    // Back in the editor, the text comes as the same inline HTML, which the page explains;
    // saving it unchanged changes nothing.
    assert!(n.get(&format!("/newsroom/stories/{id}"), Some(editor)).await.body.contains("id=\"marks-hint\""));
    let edit = n.get(&format!("/newsroom/stories/{id}"), Some(editor)).await;
    let area = edit
        .body
        .split("<textarea name=\"b.text\" rows=\"4\" aria-describedby=\"marks-hint\">")
        .nth(1)
        .unwrap()
        .split("</textarea>")
        .next()
        .unwrap();
    let shown = area
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#x2f;", "/")
        .replace("&amp;", "&");
    assert_eq!(
        shown,
        r#"Read the <a href="https://agency.example/report?a=1&amp;b=2">full <strong>report</strong></a>, the <a href="/europe/earlier">earlier story</a> and <em>H<sub>2</sub>O</em> notes.<br>AT&amp;T says no."#
    );
    let before = n.state.store.story(newsdesk_core::ArticleId(id)).unwrap();
    let editable = newsdesk_core::inline::to_editable(text, marks);
    let save = format!(
        "revision={}&headline=Harbour+reopens&section=Europe&language=en&b.type=paragraph&b.text={}&b.type=list&b.text={}",
        before.revision,
        form_encode(&editable),
        form_encode("plain item\n<strong>bold</strong> item")
    );
    assert_eq!(n.post(&format!("/newsroom/stories/{id}"), editor, &save).await.status, StatusCode::SEE_OTHER);
    let after = n.state.store.story(newsdesk_core::ArticleId(id)).unwrap();
    assert_eq!(after.article.body, before.article.body, "a round trip through the editor keeps every mark");
}
