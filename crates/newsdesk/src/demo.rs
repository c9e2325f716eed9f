//! Sample content for `newsdesk demo`: articles written for the project (`demo/articles.json`,
//! compiled in so the demo works from the binary alone), each with a cover picture drawn here.

use std::path::Path;

use anyhow::Context;
use jiff::Timestamp;
use newsdesk_core::article::{LeadImage, Section};
use newsdesk_core::{Article, Block, Slug, WorkflowState};
use newsdesk_store::Store;
use serde::Deserialize;

const ARTICLES: &str = include_str!("../../../demo/articles.json");
/// Wire items waiting in the queue and stories still on the desk, for trying the newsroom.
const NEWSROOM: &str = include_str!("../../../demo/newsroom.json");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoStory {
    kind: String,
    section: String,
    source: Option<String>,
    headline: String,
    deck: String,
    body: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoArticle {
    section: String,
    headline: String,
    deck: String,
    published: Timestamp,
    language: String,
    authors: Vec<String>,
    source: Option<String>,
    tags: Vec<String>,
    image: DemoImage,
    body: Vec<DemoBlock>,
    recommended_after: Option<usize>,
    related: Vec<DemoRelated>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoImage {
    alt: String,
    caption: String,
    credit: String,
}

#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
enum DemoBlock {
    Paragraph { text: String },
    Heading { text: String },
    Quote { text: String, cite: Option<String> },
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoRelated {
    publication: String,
    headline: String,
}

/// One sign-in per role for trying the newsroom, made on the demo's first start with random
/// passwords and kept in `DATA/demo-logins.json` (readable by the owner only) so that later starts
/// print the same ones.
pub fn demo_logins(store: &Store, data: &Path) -> anyhow::Result<Vec<(String, String, String)>> {
    let file = data.join("demo-logins.json");
    if let Ok(text) = std::fs::read_to_string(&file) {
        return serde_json::from_str(&text).with_context(|| format!("cannot read {}", file.display()));
    }
    let mut logins = Vec::new();
    for role in newsdesk_core::Role::ALL.iter().rev() {
        let email = format!("{}@newsdesk.example", role.as_str());
        let password = newsdesk_desk::accounts::random_token("").map_err(anyhow::Error::msg)?[..20].to_string();
        let hash = newsdesk_desk::accounts::hash_password(&password).map_err(anyhow::Error::msg)?;
        let name = format!("Demo {}", newsdesk_core::article::title_case(&role.as_str().to_uppercase()));
        match store.add_user(&email, &name, *role, Some(&hash), Timestamp::now()) {
            Ok(_) => {}
            // Made by an earlier demo whose file is gone: give it a fresh password.
            Err(newsdesk_store::StoreError::Conflict(_)) => {
                let user = store.user_by_email(&email)?.context("demo account vanished")?;
                store.set_password(user.id, &hash, Timestamp::now())?;
            }
            Err(e) => return Err(e.into()),
        }
        logins.push((role.as_str().to_string(), email, password));
    }
    load_newsroom(store)?;
    let json = serde_json::to_string_pretty(&logins)?;
    write_private(&file, json.as_bytes()).with_context(|| format!("cannot write {}", file.display()))?;
    Ok(logins)
}

/// The demo's wire queue and the reporter's stories on the desk.
fn load_newsroom(store: &Store) -> anyhow::Result<()> {
    let stories: Vec<DemoStory> = serde_json::from_str(NEWSROOM).context("demo/newsroom.json is malformed")?;
    let reporter = store.user_by_email("reporter@newsdesk.example")?.context("the demo reporter is missing")?;
    let now = Timestamp::now();
    // Two routing rules the desk can see and change at /newsroom/routing.
    use newsdesk_core::routing::{RoutingRule, RuleAction, RuleField};
    for (name, field, pattern, section, action) in [
        ("Sport from the wires", RuleField::Subject, "medtop:15000000", Some("Sport"), RuleAction::Queue),
        ("Flashes go straight out", RuleField::Urgency, "1", None, RuleAction::Publish),
    ] {
        let rule = RoutingRule {
            id: 0,
            name: name.into(),
            field,
            pattern: pattern.into(),
            section: section.map(str::to_string),
            tags: vec![],
            action,
            enabled: true,
        };
        store.save_routing_rule(&rule, now)?;
    }
    for (i, s) in stories.into_iter().enumerate() {
        let section = Section::from_label(&s.section).with_context(|| format!("demo section {:?}", s.section))?;
        let slug = Slug::from_title(&s.headline).with_context(|| format!("demo headline {:?}", s.headline))?;
        let article = Article {
            id: None,
            section,
            slug,
            headline: s.headline,
            deck: Some(s.deck),
            lead_image: None,
            body: s.body.into_iter().map(|text| Block::Paragraph { text, marks: vec![] }).collect(),
            source: s.source,
            authors: vec![],
            tags: vec![],
            language: "en".into(),
            canonical_url: None,
            state: WorkflowState::Draft,
            published_at: None,
            updated_at: None,
            embargo: None,
            based_on: None,
            corrections: vec![],
            promo: Default::default(),
        };
        match s.kind.as_str() {
            "wire" => {
                let id = format!("demo-wire:{i}");
                let item = Article { based_on: Some(format!("urn:newsdesk:demo:wire:{i}")), ..article };
                newsdesk_desk::intake::queue_article(store, &id, &item, now)?;
            }
            kind @ ("draft" | "submitted") => {
                let authored = Article { authors: vec![reporter.name.clone()], ..article };
                let meta = newsdesk_store::StoryMeta { desk: Some("City desk".into()), owner: Some(reporter.id) };
                let out = store.create_story(&authored, &meta, &reporter.email, now)?;
                if kind == "submitted" {
                    let input = newsdesk_store::ActionInput::default();
                    store.apply_action(
                        out.id,
                        newsdesk_core::Action::Submit,
                        reporter.role,
                        input,
                        &reporter.email,
                        now,
                    )?;
                }
            }
            other => anyhow::bail!("demo/newsroom.json: unknown kind {other:?}"),
        }
    }
    Ok(())
}

fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut f = options.open(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

/// Loads the sample articles when the store holds none; returns how many were stored.
pub fn load_if_empty(store: &Store, media: &dyn newsdesk_store::MediaStore) -> anyhow::Result<usize> {
    if store.article_count()? > 0 {
        return Ok(0);
    }
    let mut articles = sample_articles()?;
    // The samples keep their spacing in time, moved so the newest is an hour old: the demo reads
    // as today's news whenever it is started.
    let minute = jiff::TimestampRound::new().smallest(jiff::Unit::Minute).mode(jiff::RoundMode::Trunc);
    let now = Timestamp::now().round(minute).context("cannot round the clock to a minute")?;
    if let Some(newest) = articles.iter().filter_map(|a| a.published_at).max() {
        let shift = now.duration_since(newest) - jiff::SignedDuration::from_hours(1);
        for a in &mut articles {
            a.published_at = a.published_at.and_then(|t| t.checked_add(shift).ok());
        }
    }
    for (i, article) in articles.iter().enumerate() {
        let image =
            article.lead_image.as_ref().and_then(|i| i.asset.as_deref()).context("demo article without an image")?;
        let jpeg = crate::art::cover(&article.headline, article.section.slug.as_str());
        media.put(image, &jpeg).with_context(|| format!("cannot write the demo picture to {}", media.location()))?;
        // The covers are in the media library like any upload, with the stories' alt text,
        // caption and credit, so editors can find and reuse them.
        let lead = article.lead_image.as_ref();
        let entry = newsdesk_store::NewMedia {
            file: image,
            sha256: &newsdesk_desk::pictures::sha256_hex(&jpeg),
            mime: "image/jpeg",
            width: crate::art::WIDTH,
            height: crate::art::HEIGHT,
            bytes: jpeg.len() as u64,
            original_name: Some(image),
            alt: lead.map_or("", |l| l.alt.as_str()),
            caption: lead.and_then(|l| l.caption.as_deref()),
            credit: lead.and_then(|l| l.credit.as_deref()),
            creator: None,
            copyright: None,
            uploaded_by: None,
        };
        store.add_media(&entry, now).with_context(|| format!("cannot add {image} to the media library"))?;
        store
            .save_article(article, Some(&format!("demo:{i}")), "demo", now)
            .with_context(|| format!("cannot store sample article {:?}", article.headline))?;
    }
    Ok(articles.len())
}

pub fn sample_articles() -> anyhow::Result<Vec<Article>> {
    let demo: Vec<DemoArticle> = serde_json::from_str(ARTICLES).context("demo/articles.json is malformed")?;
    demo.into_iter().map(to_article).collect()
}

fn to_article(d: DemoArticle) -> anyhow::Result<Article> {
    let section = Section::from_label(&d.section).with_context(|| format!("demo section {:?}", d.section))?;
    let slug = Slug::from_title(&d.headline).with_context(|| format!("demo headline {:?}", d.headline))?;
    let mut body = vec![];
    let mut paragraphs = 0;
    for block in d.body {
        body.push(match block {
            DemoBlock::Paragraph { text } => {
                paragraphs += 1;
                Block::Paragraph { text, marks: vec![] }
            }
            DemoBlock::Heading { text } => Block::Heading { text, level: 2, marks: vec![] },
            DemoBlock::Quote { text, cite } => Block::Quote { text, cite, marks: vec![] },
        });
        if d.recommended_after == Some(paragraphs) && !body.contains(&Block::Recommended) {
            body.push(Block::Recommended);
        }
    }
    body.extend(d.related.into_iter().map(|r| Block::Related {
        publication: r.publication,
        headline: r.headline,
        url: None,
    }));
    Ok(Article {
        id: None,
        lead_image: Some(LeadImage {
            asset: Some(format!(
                "{}-{}.jpg",
                section.slug,
                slug.as_str().chars().filter(char::is_ascii).take(48).collect::<String>().trim_end_matches('-')
            )),
            alt: d.image.alt,
            title: None,
            caption: Some(d.image.caption),
            credit: Some(d.image.credit),
            source_url: None,
            caption_marks: vec![],
        }),
        section,
        slug,
        headline: d.headline,
        deck: Some(d.deck),
        body,
        source: d.source,
        authors: d.authors,
        tags: d.tags,
        language: d.language,
        canonical_url: None,
        embargo: None,
        based_on: None,
        corrections: Vec::new(),
        promo: Default::default(),
        state: WorkflowState::Published,
        published_at: Some(d.published),
        updated_at: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sample_newsroom_is_big_enough() {
        let articles = sample_articles().unwrap();
        assert!(articles.len() >= 40);
        let sections: std::collections::HashSet<_> = articles.iter().map(|a| a.section.slug.clone()).collect();
        assert!(sections.len() >= 6);
        assert!(articles.iter().filter(|a| a.source.is_some()).count() >= 3);
        assert!(articles.iter().all(|a| a.lead_image.as_ref().is_some_and(|i| i.asset.is_some())));
        assert!(articles.iter().any(|a| a.body.contains(&Block::Recommended)));
        let assets: std::collections::HashSet<_> =
            articles.iter().map(|a| a.lead_image.as_ref().unwrap().asset.clone()).collect();
        assert_eq!(assets.len(), articles.len(), "every picture has its own file");
    }
}
