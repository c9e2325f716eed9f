//! The story form: reading posted fields, checking them into an article, and back.

use super::*;

fn base() -> Article {
    Article { headline: "x".into(), ..blank_article_for_tests() }
}

fn blank_article_for_tests() -> Article {
    crate::test_support::article("Old headline", "News", "2026-01-01T00:00:00Z")
}

#[test]
fn a_form_round_trips_every_block_kind() {
    let body = "csrf=x&revision=3&headline=Floods+close+schools&deck=&section=Europe&desk=Night&language=en\
        &authors=Ana+Ruiz%2C+Bo+Li%2C+Ana+Ruiz&tags=floods&source=AA&slug=&canonical_url=&embargo=2026-03-01T09%3A30\
        &image_asset=&image_alt=&image_caption=&image_credit=\
        &b.type=paragraph&b.text=First+para.\
        &b.type=heading&b.text=Why&b.level=3\
        &b.type=quote&b.text=It+rained.&b.cite=A+farmer\
        &b.type=list&b.text=one%0Atwo%0A&b.ordered=1\
        &b.type=embed&b.url=https%3A%2F%2Fexample.org%2Fv\
        &b.type=recommended\
        &b.type=related&b.publication=TRT+World&b.headline=Earlier+floods&b.url=\
        &b.type=paragraph&b.text=";
    let mut form = StoryForm::parse(body.as_bytes());
    assert_eq!(form.revision, 3);
    let tz = TimeZone::get("Europe/Istanbul").unwrap();
    let a = form.check_into_article(&base(), &tz, &|_| true).unwrap();
    assert_eq!(a.headline, "Floods close schools");
    assert_eq!(a.slug.as_str(), "floods-close-schools");
    assert_eq!(a.authors, ["Ana Ruiz", "Bo Li"]);
    assert_eq!(a.embargo, Some("2026-03-01T06:30:00Z".parse().unwrap()));
    assert_eq!(a.body.len(), 7, "the empty last paragraph is dropped: {:?}", a.body);
    assert_eq!(a.body[1], Block::Heading { text: "Why".into(), level: 3, marks: vec![] });
    assert_eq!(a.body[3], Block::List { ordered: true, items: vec!["one".into(), "two".into()], marks: vec![] });
    assert_eq!(a.body[5], Block::Recommended);
    // And back: the form made from the article holds the same blocks.
    let again: Vec<Block> =
        a.body.iter().map(BlockForm::from_block).map(|b| b.to_block(&|_| true).unwrap().unwrap()).collect();
    assert_eq!(again, a.body);
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(128))]
    /// Any posted form, well-formed or not, becomes an article or errors named by field.
    #[test]
    fn any_posted_form_is_read_or_refused(
        pairs in proptest::collection::vec(
            (proptest::sample::select(vec!["headline", "section", "language", "slug", "embargo", "canonical_url",
                "image_asset", "image_alt", "b.type", "b.text", "b.level", "b.url", "b.publication", "b.headline",
                "b.asset", "b.alt", "revision", "recommended_pins", "x"]), "\\PC{0,24}"),
            0..24,
        )
    ) {
        let body: String = form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs).finish();
        let mut form = StoryForm::parse(body.as_bytes());
        match form.check_into_article(&base(), &TimeZone::UTC, &|_| true) {
            // Read: a story with a headline and a slug, whose blocks come back the same through
            // the editor's block fields.
            Ok(a) => {
                proptest::prop_assert!(!a.headline.trim().is_empty());
                proptest::prop_assert!(!a.slug.as_str().is_empty());
                let again: Vec<Block> =
                    a.body.iter().map(BlockForm::from_block).map(|b| b.to_block(&|_| true).unwrap().unwrap()).collect();
                proptest::prop_assert_eq!(again, a.body);
            }
            // Refused: each problem named by a field the editor shows.
            Err(errors) => {
                proptest::prop_assert!(!errors.is_empty());
                let fields = ["body", "canonical_url", "deck", "embargo", "headline", "image_alt", "image_asset",
                    "language", "section", "slug", "social_image", "seo_title", "seo_description", "social_title"];
                for (field, message) in &errors {
                    proptest::prop_assert!(fields.contains(field), "{}", field);
                    proptest::prop_assert!(!message.is_empty());
                }
            }
        }
        if let Err(e) = parse_ids(&form.recommended_pins) {
            proptest::prop_assert!(!e.is_empty());
        }
    }
}

#[test]
fn a_name_holding_a_comma_is_quoted_in_the_editor_and_read_back_whole() {
    let names = vec!["Ana Ruiz".to_string(), "Smith, Jr.".into(), "The \"Desk\"".into()];
    let shown = joined(&names);
    assert_eq!(shown, "Ana Ruiz, \"Smith, Jr.\", \"The \"\"Desk\"\"\"");
    assert_eq!(names_of(&shown), names);
    // As an editor types them: no quotes, plain commas.
    assert_eq!(names_of("Ana Ruiz,Bo Li , , Ana Ruiz"), ["Ana Ruiz", "Bo Li"]);
    assert_eq!(names_of("O\"Brien, Li"), ["O\"Brien", "Li"], "a quote inside a name is kept");
}

fn names_of(field: &str) -> Vec<String> {
    names(&list(field))
}

proptest::proptest! {
    /// Whatever names a story has, the editor's field shows them so that saving the form
    /// unchanged gives back the same names.
    #[test]
    fn any_names_round_trip_through_the_editors_field(
        given in proptest::collection::vec("[^\\p{C}]{0,12}", 0..6)
    ) {
        let names = names(&given);
        proptest::prop_assert_eq!(names_of(&joined(&names)), names);
    }
}

#[test]
fn every_problem_is_named_by_its_field() {
    let body = "headline=&section=&language=english&slug=Not+A+Slug&canonical_url=ftp%3A%2F%2Fx&embargo=tomorrow\
        &image_asset=missing.jpg&image_alt=\
        &b.type=related&b.publication=TRT&b.headline=\
        &b.type=image&b.asset=";
    let mut form = StoryForm::parse(body.as_bytes());
    let errors = form.check_into_article(&base(), &TimeZone::UTC, &|f| f != "missing.jpg").unwrap_err();
    let fields: Vec<&str> = errors.keys().copied().collect();
    assert_eq!(
        fields,
        ["body", "canonical_url", "embargo", "headline", "image_alt", "image_asset", "language", "section", "slug"]
    );
    assert!(form.blocks[0].error.as_deref().unwrap().contains("both"));
    assert!(form.blocks[1].error.is_some());
    // What was typed is kept for the form to show again.
    assert_eq!(form.slug, "Not A Slug");
    assert_eq!(form.blocks[0].publication, "TRT");
}
