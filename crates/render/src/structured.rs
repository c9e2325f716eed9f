//! Machine-readable descriptions of pages: schema.org JSON-LD (NewsArticle, BreadcrumbList,
//! WebSite) and the values OpenGraph and Twitter cards need. Built here from the same view
//! models the HTML uses, so the two never disagree.

use serde_json::{Value, json};

use crate::views::{ArticleView, SiteView};

/// JSON for a `<script type="application/ld+json">` element: `<`, `>` and `&` are escaped so the
/// text can never close the script element, whatever a headline holds.
pub fn script_json(value: &Value) -> String {
    value.to_string().replace('<', "\\u003c").replace('>', "\\u003e").replace('&', "\\u0026")
}

fn absolute(site: &SiteView, path: &str) -> String {
    if path.starts_with("http://") || path.starts_with("https://") {
        path.to_string()
    } else {
        format!("{}{path}", site.url)
    }
}

fn publisher(site: &SiteView) -> Value {
    json!({
        "@type": "NewsMediaOrganization",
        "@id": format!("{}/#publisher", site.url),
        "name": site.name,
        "url": format!("{}/", site.url),
        "logo": { "@type": "ImageObject", "url": absolute(site, "/assets/logo.png"), "width": 600, "height": 60 },
    })
}

/// The article page's graph: the NewsArticle, its breadcrumb trail, and the publisher.
pub fn article_jsonld(site: &SiteView, a: &ArticleView) -> Value {
    let card = &a.card;
    let url = absolute(site, &card.url);
    let mut authors: Vec<Value> =
        a.authors.iter().map(|p| json!({ "@type": "Person", "name": p.name, "url": absolute(site, &p.url) })).collect();
    if authors.is_empty() {
        // A wire story with no byline is credited to its agency, else to the publication.
        authors.push(match &card.source {
            Some(agency) => json!({ "@type": "Organization", "name": agency }),
            None => json!({ "@type": "Organization", "name": site.name, "url": format!("{}/", site.url) }),
        });
    }
    let mut article = json!({
        "@type": "NewsArticle",
        "@id": format!("{url}#article"),
        "mainEntityOfPage": url,
        "url": url,
        "headline": card.headline,
        "inLanguage": card.language,
        "articleSection": card.section.name,
        "wordCount": a.word_count,
        "isAccessibleForFree": true,
        "author": authors,
        "publisher": { "@id": format!("{}/#publisher", site.url) },
    });
    let obj = article.as_object_mut().expect("built as an object");
    if let Some(deck) = &card.deck {
        obj.insert("description".into(), json!(deck));
    }
    if let Some(img) = &card.image {
        // Google asks for several ratios (16:9, 4:3, 1:1) of a news article's picture.
        let images: Vec<String> = if img.structured.is_empty() {
            vec![absolute(site, &img.src)]
        } else {
            img.structured.iter().map(|u| absolute(site, u)).collect()
        };
        obj.insert("image".into(), json!(images));
    }
    if let Some(d) = &card.date {
        obj.insert("datePublished".into(), json!(d.iso));
        obj.insert("dateModified".into(), json!(a.updated.as_ref().unwrap_or(d).iso));
    }
    if !a.tags.is_empty() {
        obj.insert("keywords".into(), json!(a.tags));
    }
    if let Some(c) = a.corrections.last() {
        // schema.org's `correction` takes text or a CorrectionComment; each note is one, dated.
        let notes: Vec<Value> = a
            .corrections
            .iter()
            .map(|c| json!({ "@type": "CorrectionComment", "text": c.note, "datePublished": c.date.iso }))
            .collect();
        obj.insert("correction".into(), json!(notes));
        obj.insert("dateModified".into(), json!(c.date.iso));
    }
    if let Some(item) = &a.based_on {
        obj.insert("isBasedOn".into(), json!(item));
    }
    if let Some(source) = &card.source {
        obj.insert("sourceOrganization".into(), json!({ "@type": "Organization", "name": source }));
    }
    let breadcrumb = json!({
        "@type": "BreadcrumbList",
        "itemListElement": [
            { "@type": "ListItem", "position": 1, "name": site.name, "item": format!("{}/", site.url) },
            { "@type": "ListItem", "position": 2, "name": card.section.name, "item": absolute(site, &card.section.url) },
            { "@type": "ListItem", "position": 3, "name": card.headline, "item": url },
        ],
    });
    json!({ "@context": "https://schema.org", "@graph": [article, breadcrumb, publisher(site)] })
}

/// The front page's graph: the site and its publisher.
pub fn site_jsonld(site: &SiteView) -> Value {
    json!({
        "@context": "https://schema.org",
        "@graph": [
            {
                "@type": "WebSite",
                "@id": format!("{}/#website", site.url),
                "name": site.name,
                "url": format!("{}/", site.url),
                "inLanguage": site.language,
                "publisher": { "@id": format!("{}/#publisher", site.url) },
                "potentialAction": {
                    "@type": "SearchAction",
                    "target": { "@type": "EntryPoint", "urlTemplate": format!("{}/search?q={{search_term_string}}", site.url) },
                    "query-input": "required name=search_term_string",
                },
            },
            publisher(site),
        ],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_json_cannot_close_the_element() {
        let v = json!({ "headline": "</script><script>alert(1)</script> & more" });
        let s = script_json(&v);
        assert!(!s.contains('<') && !s.contains('>') && !s.contains('&'));
        assert_eq!(serde_json::from_str::<Value>(&s).unwrap(), v);
    }
}
