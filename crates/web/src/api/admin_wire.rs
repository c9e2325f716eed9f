//! What the Admin API sends and takes, as types: the handlers in `admin.rs` read requests into
//! these and build answers from them, and the OpenAPI document is derived from them.

use std::borrow::Cow;

use newsdesk_core::{Block, WorkflowState};
use serde::{Deserialize, Serialize};
use utoipa::openapi::schema::{AllOfBuilder, ObjectBuilder, Schema};
use utoipa::openapi::{RefOr, Type};
use utoipa::{IntoParams, PartialSchema, ToSchema};

use super::wire::SectionRef;

/// A correction note as readers see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct CorrectionOut {
    #[schema(format = DateTime)]
    pub at: String,
    pub note: String,
}

/// A story's lead picture as stored.
#[derive(Debug, Serialize, ToSchema)]
pub struct LeadImageStored {
    /// A file in the media library.
    pub asset: Option<String>,
    pub alt: String,
    pub caption: Option<String>,
    /// Links and emphasis over the caption.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub caption_marks: Vec<newsdesk_core::Mark>,
    pub credit: Option<String>,
}

/// A story in any state, as the Admin API shows it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StoryOut {
    #[schema(minimum = 1)]
    pub id: i64,
    #[schema(minimum = 1)]
    pub revision: i64,
    pub state: WorkflowState,
    /// The public page, once readers can see it.
    #[schema(format = "uri", required = true)]
    pub url: Option<String>,
    pub headline: String,
    pub deck: Option<String>,
    pub section: SectionRef,
    pub slug: String,
    pub desk: Option<String>,
    pub language: String,
    pub authors: Vec<String>,
    pub tags: Vec<String>,
    pub source: Option<String>,
    pub canonical_url: Option<String>,
    #[schema(format = DateTime)]
    pub embargo: Option<String>,
    #[schema(format = DateTime)]
    pub published_at: Option<String>,
    #[schema(format = DateTime)]
    pub updated_at: Option<String>,
    pub lead_image: Option<LeadImageStored>,
    pub body: Vec<Block>,
    pub corrections: Vec<CorrectionOut>,
    /// The wire item the story was made from.
    pub based_on: Option<String>,
    pub seo_title: Option<String>,
    pub seo_description: Option<String>,
    pub social_title: Option<String>,
    /// A media file for social cards; null: the lead picture.
    pub social_image: Option<String>,
    pub owner_id: Option<i64>,
    /// Whether the token's user may change the story now.
    pub can_edit: bool,
    /// Workflow actions the token's user may take now.
    pub actions: Vec<newsdesk_core::Action>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StoryOne {
    pub data: StoryOut,
}

/// A line of the story list.
#[derive(Debug, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StoryRow {
    pub id: i64,
    pub revision: i64,
    #[schema(value_type = WorkflowState)]
    pub state: String,
    pub headline: String,
    pub section: SectionRef,
    pub desk: Option<String>,
    pub owner_id: Option<i64>,
    #[schema(format = DateTime)]
    pub modified_at: String,
    #[schema(format = DateTime)]
    pub published_at: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StoryList {
    pub data: Vec<StoryRow>,
}

/// A picture in the media library.
#[derive(Debug, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MediaOut {
    pub file: String,
    #[schema(format = "uri")]
    pub url: String,
    pub mime: String,
    #[schema(minimum = 1)]
    pub width: i64,
    #[schema(minimum = 1)]
    pub height: i64,
    #[schema(minimum = 1)]
    pub bytes: i64,
    pub alt: String,
    pub caption: Option<String>,
    pub credit: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MediaOne {
    pub data: MediaOut,
}

/// Fields of a story; on create `headline` and `section` are needed, on update absent fields
/// stay as they are. As strict as the editor's checks, so a client (or a fuzzer) can tell what
/// will be taken; what the checks refuse comes back as 422 naming each field.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StoryInput {
    #[schema(min_length = 1, max_length = 300, pattern = "[A-Za-z0-9]")]
    pub headline: Option<String>,
    #[schema(max_length = 600)]
    pub deck: Option<String>,
    /// The section's name.
    #[schema(max_length = 100, pattern = "[A-Za-z0-9]")]
    pub section: Option<String>,
    #[schema(max_length = 100)]
    pub desk: Option<String>,
    /// BCP 47, e.g. en, pt-BR.
    #[schema(pattern = "^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")]
    pub language: Option<String>,
    #[schema(inline)]
    pub authors: Option<Vec<Name>>,
    #[schema(inline)]
    pub tags: Option<Vec<Name>>,
    /// Wire-source credit ("SOURCE: …").
    #[schema(max_length = 100)]
    pub source: Option<String>,
    /// Empty: made from the headline.
    #[schema(pattern = "^([a-z0-9]+(-[a-z0-9]+)*)?$", max_length = 100)]
    pub slug: Option<String>,
    #[schema(pattern = "^(https?://[!-~]+)?$", max_length = 2000)]
    pub canonical_url: Option<String>,
    /// RFC 3339; empty clears it.
    pub embargo: Option<String>,
    /// The lead picture; null removes it.
    #[serde(default, deserialize_with = "present")]
    pub lead_image: Option<Option<ImageInput>>,
    /// Each block is held to the editor's rules for its kind (a picture from the library, a link
    /// that is a web address, a heading of level 2 to 4); a wrong one is named as `body[N]`.
    pub body: Option<Vec<Block>>,
    /// The page's <title>; empty: the headline.
    #[schema(max_length = 70)]
    pub seo_title: Option<String>,
    /// The meta description; empty: the deck.
    #[schema(max_length = 160)]
    pub seo_description: Option<String>,
    /// OpenGraph and Twitter title; empty: the headline.
    #[schema(max_length = 70)]
    pub social_title: Option<String>,
    /// A file in the media library (else 422); empty: the lead picture.
    pub social_image: Option<String>,
}

/// A field that is there, even as null (`Some(None)`), told apart from one that is absent (`None`,
/// by `default`): plain serde reads both as `None`.
fn present<'de, D: serde::Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// An author's or a tag's name.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[schema(max_length = 100)]
pub struct Name(pub String);

/// A lead picture from the media library.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ImageInput {
    /// A file in the media library (else 422).
    pub asset: String,
    #[schema(min_length = 1, pattern = "[A-Za-z0-9]")]
    pub alt: String,
    pub caption: Option<String>,
    /// Links and emphasis over the caption, as a block's `marks`.
    #[serde(default)]
    pub caption_marks: Vec<newsdesk_core::Mark>,
    pub credit: Option<String>,
}

/// A workflow action: `schedule` needs `at`, `correct` needs `note`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransitionInput {
    #[schema(value_type = newsdesk_core::Action)]
    pub action: String,
    /// For `schedule`: when the story goes live (RFC 3339; in the future).
    #[schema(format = DateTime)]
    pub at: Option<String>,
    /// For `correct`: the note readers see.
    #[schema(min_length = 1, pattern = "[A-Za-z0-9]")]
    pub note: Option<String>,
}

/// A new story: a [`StoryInput`] with `headline` and `section` required. Parsed as a
/// `StoryInput` (the checks name what is missing); this type only says so in the document.
pub struct StoryCreate;

impl PartialSchema for StoryCreate {
    fn schema() -> RefOr<Schema> {
        AllOfBuilder::new()
            .item(utoipa::openapi::Ref::from_schema_name(StoryInput::name()))
            .item(ObjectBuilder::new().schema_type(Type::Object).required("headline").required("section"))
            .into()
    }
}

impl ToSchema for StoryCreate {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("StoryCreate")
    }

    fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
        schemas.push((StoryInput::name().into_owned(), StoryInput::schema()));
        <StoryInput as ToSchema>::schemas(schemas);
    }
}

/// The problems a change to one story may answer (an update, a workflow action), besides its
/// own: a body that is not JSON or not of the shape, a role that may not, a story the token may
/// not open, fields that are wrong.
pub struct StoryWriteProblems;

impl utoipa::IntoResponses for StoryWriteProblems {
    fn responses() -> std::collections::BTreeMap<String, RefOr<utoipa::openapi::Response>> {
        let problem = |description: &str| -> RefOr<utoipa::openapi::Response> {
            utoipa::openapi::ResponseBuilder::new()
                .description(description)
                .content(
                    "application/problem+json",
                    utoipa::openapi::ContentBuilder::new()
                        .schema(Some(utoipa::openapi::Ref::from_schema_name(super::Problem::name())))
                        .build(),
                )
                .build()
                .into()
        };
        [
            ("400", "The body is not JSON of the documented shape, or a query parameter is wrong (`invalid-parameter`) (code `invalid-document`)."),
            ("415", "The body is not JSON (code `unsupported-media-type`)."),
            ("403", "The token's role may not do this to this story (code `forbidden`)."),
            ("404", "No story with this id that the token's user may open (code `not-found`)."),
            ("422", "Fields are wrong; `errors` names each one (code `invalid-fields`)."),
        ]
        .into_iter()
        .map(|(status, description)| (status.to_string(), problem(description)))
        .collect()
    }
}

/// `GET /api/v1/admin/articles`'s query.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct AdminListParams {
    #[param(inline)]
    state: Option<WorkflowState>,
    /// Only this section (its slug).
    #[param(pattern = r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length = 100)]
    section: Option<String>,
    #[param(minimum = 1, maximum = 100, default = 20)]
    limit: Option<u32>,
}

/// `POST /api/v1/admin/media`'s query: what the library keeps with the picture.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct UploadParams {
    /// The file's name as the uploader knew it.
    #[param(max_length = 200)]
    name: Option<String>,
    alt: Option<String>,
    caption: Option<String>,
    credit: Option<String>,
}

/// A story id in a path.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code)]
pub struct StoryId {
    #[param(minimum = 1)]
    id: i64,
}
