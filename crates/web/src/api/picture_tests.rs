//! A camera's picture from upload to reader: uploaded through the Admin API with IPTC caption and
//! credit, EXIF orientation and a GPS position; framed; its renditions made by the job; a story
//! led by it published; and the page, the renditions and their headers checked.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use newsdesk_core::Role;
use newsdesk_ingest::image::{check, meta};
use serde_json::json;
use tower::ServiceExt;

use super::admin_tests::Admin;
use crate::router;

async fn get(api: &Admin, path: &str, headers: &[(&str, &str)]) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let mut req = Request::builder().uri(path);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let res = router(api.state.clone()).oneshot(req.body(Body::empty()).unwrap()).await.unwrap();
    let (parts, body) = res.into_parts();
    (parts.status, parts.headers, axum::body::to_bytes(body, 64 << 20).await.unwrap().to_vec())
}

#[tokio::test]
async fn a_camera_picture_goes_from_upload_to_the_readers_picture_element() {
    let api = Admin::new();
    // A 12-megapixel camera picture, stored 4000×3000 and turned right by its EXIF: upright it
    // is 3000 wide, 4000 high.
    let jpeg = meta::test_camera_jpeg(4000, 3000, "Ferries at the quay on Monday.", "Newsdesk Agency / J. Doe");
    let (status, _, v) = api
        .call(
            "POST",
            "/api/v1/admin/media?name=DSC0042.jpg&alt=Ferries%20at%20the%20quay",
            Some(Role::Reporter),
            &[("content-type", "image/jpeg")],
            jpeg,
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{v}");
    assert_eq!(v["data"]["caption"], "Ferries at the quay on Monday.", "the caption comes from its IPTC");
    assert_eq!(v["data"]["credit"], "Newsdesk Agency / J. Doe", "and the credit");
    let file = v["data"]["file"].as_str().unwrap().to_string();
    let media = format!("/api/v1/admin/media/{file}");
    let (status, _, v) = api.call("GET", &media, Some(Role::Contributor), &[], vec![]).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(
        (v["data"]["creator"].as_str(), v["data"]["copyright"].as_str()),
        (Some("Demo Photographer"), Some("(c) Newsdesk Agency"))
    );
    assert_eq!(
        (v["data"]["pending"].as_bool(), v["data"]["renditions"].as_array().map(Vec::len)),
        (Some(true), Some(0))
    );

    // A contributor may not frame it; a crop of the wrong shape is named; the focal point is set.
    let framing = format!("{media}/framing");
    let (status, _, _) = api.json("PUT", &framing, Role::Contributor, json!({ "focus": { "x": 0.5, "y": 0.2 } })).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let bad = json!({ "focus": { "x": 0.5, "y": 0.2 }, "crops": { "1x1": { "x": 0, "y": 0, "w": 1200, "h": 1000 } } });
    let (status, _, v) = api.json("PUT", &framing, Role::Reporter, bad).await;
    assert_eq!((status, v["errors"]["crops.1x1"].as_str().is_some()), (StatusCode::UNPROCESSABLE_ENTITY, true), "{v}");
    let (status, _, v) = api.json("PUT", &framing, Role::Reporter, json!({ "focus": { "x": 0.5, "y": 0.2 } })).await;
    assert_eq!((status, v["data"]["pending"].as_bool()), (StatusCode::OK, Some(true)), "{v}");

    // The job makes them (the "renditions" task does this in a server).
    let made =
        newsdesk_desk::pictures::render_pending(&api.state.store, api.state.media.as_ref(), jiff::Timestamp::now)
            .unwrap();
    assert_eq!((made.pictures, made.failed), (1, 0));
    let (_, _, v) = api.call("GET", &media, Some(Role::Contributor), &[], vec![]).await;
    assert_eq!(v["data"]["pending"], false);
    let renditions = v["data"]["renditions"].as_array().unwrap().clone();
    assert!(renditions.iter().any(|r| r["crop"] == "og" && r["width"] == 1200 && r["height"] == 630), "{renditions:?}");
    assert!(renditions.iter().all(|r| r["width"].as_u64().unwrap() <= 2048), "never wider than 2048");
    let formats: std::collections::BTreeSet<&str> = renditions.iter().map(|r| r["mime"].as_str().unwrap()).collect();
    let expected: &[&str] = if newsdesk_ingest::image::renditions::AVIF {
        &["image/avif", "image/jpeg", "image/webp"]
    } else {
        &["image/jpeg", "image/webp"]
    };
    assert_eq!(formats.into_iter().collect::<Vec<_>>(), expected);
    for r in &renditions {
        let path = r["url"].as_str().unwrap().split_once("/media/").map(|(_, p)| format!("/media/{p}")).unwrap();
        let (status, headers, bytes) = get(&api, &path, &[]).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert_eq!(headers[header::CACHE_CONTROL], "public, max-age=31536000, immutable");
        assert_eq!(headers[header::CONTENT_TYPE], r["mime"].as_str().unwrap());
        assert!(headers.get(header::VARY).is_none(), "no URL here negotiates");
        let stem = file.rsplit_once('.').unwrap().0;
        assert_eq!(headers["surrogate-key"], format!("media-r-{stem}"), "purged with the picture");
        let (_, _, w, h) = check(&bytes).unwrap();
        assert_eq!((w, h), (r["width"].as_u64().unwrap(), r["height"].as_u64().unwrap()), "{path}");
        assert_eq!(meta::describe(&bytes), meta::Described::default(), "{path}: no GPS, no metadata at all");
    }
    // ETag and Range on one of them.
    let one = renditions[0]["url"].as_str().unwrap().split_once("/media/").map(|(_, p)| format!("/media/{p}")).unwrap();
    let (_, headers, whole) = get(&api, &one, &[]).await;
    let etag = headers[header::ETAG].to_str().unwrap().to_string();
    assert_eq!(get(&api, &one, &[("if-none-match", &etag)]).await.0, StatusCode::NOT_MODIFIED);
    let (status, headers, part) = get(&api, &one, &[("range", "bytes=10-19")]).await;
    assert_eq!((status, part.as_slice()), (StatusCode::PARTIAL_CONTENT, &whole[10..20]));
    assert_eq!(headers[header::CONTENT_RANGE], format!("bytes 10-19/{}", whole.len()));

    // A story led by it, published: the page's <picture>.
    let story = json!({ "headline": "Ferries return to the quay", "section": "Europe",
        "lead_image": { "asset": file, "alt": "Ferries at the quay", "caption": "Ferries at the quay on Monday.", "credit": "Newsdesk Agency / J. Doe" } });
    let (status, _, v) = api.json("POST", "/api/v1/admin/articles", Role::Editor, story).await;
    assert_eq!(status, StatusCode::CREATED, "{v}");
    let t = format!("/api/v1/admin/articles/{}/transitions", v["data"]["id"]);
    let (status, _, v) = api.json("POST", &t, Role::Editor, json!({ "action": "publish" })).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let page = v["data"]["url"].as_str().unwrap().split_once("://").unwrap().1.split_once('/').unwrap().1.to_string();
    let (status, _, html) = get(&api, &format!("/{page}"), &[]).await;
    let html = String::from_utf8(html).unwrap();
    assert_eq!(status, StatusCode::OK);
    let lead = html.split("<figure class=\"lead-image").nth(1).unwrap().split("</figure>").next().unwrap();
    // AVIF first when this build has libavif (build.rs), then WebP, then the JPEG <img>.
    let first = if newsdesk_ingest::image::renditions::AVIF { "image/avif" } else { "image/webp" };
    assert!(lead.contains(&format!("<picture><source type=\"{first}\" srcset=\"/media/r/")), "{lead}");
    assert!(lead.contains("<source type=\"image/webp\" srcset=\"/media/r/"), "{lead}");
    assert!(lead.contains(" 2048w\""), "widths up to 2048: {lead}");
    assert!(lead.contains("width=\"2048\" height=\"2731\""), "the picture's own (upright) shape: {lead}");
    assert!(lead.contains("fetchpriority=\"high\"") && !lead.contains("loading=\"lazy\""), "{lead}");
    assert!(lead.contains("<span class=\"credit\">Newsdesk Agency / J. Doe</span>"), "the credit stays: {lead}");
    assert!(html.contains("<meta property=\"og:image:width\" content=\"1200\">"), "the social cut");
    assert!(html.contains("/og-1200.jpg\">"), "og:image is the social rendition");
    let jsonld = html.split("application/ld+json\">").nth(1).unwrap().split("</script>").next().unwrap();
    let images = jsonld.matches("/media/r/").count();
    assert_eq!(images, 3, "16:9, 4:3 and 1:1 for structured data: {jsonld}");

    // The feed's media:content and the image sitemap point at renditions too.
    let (_, _, rss) = get(&api, "/feed.xml", &[]).await;
    let rss = String::from_utf8(rss).unwrap();
    assert!(
        rss.contains("/o-1280.jpg\" type=\"image/jpeg\" medium=\"image\" width=\"1280\" height=\"1707\">"),
        "{rss}"
    );
    let (_, _, sitemap) = get(&api, "/sitemaps/articles-1.xml", &[]).await;
    let sitemap = String::from_utf8(sitemap).unwrap();
    assert!(sitemap.contains("/media/r/") && sitemap.contains("/o-2048.jpg</image:loc>"), "{sitemap}");
}
