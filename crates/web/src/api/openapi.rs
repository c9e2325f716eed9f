//! The OpenAPI 3.1 document of the Content, ingest and Admin APIs, derived by utoipa from the
//! handlers' `#[utoipa::path]` attributes and the types they send and take (`wire.rs`,
//! `admin_wire.rs`, `core::Block`, the problem document and its `Code`s). Served at
//! `/api/openapi.json` and snapshot-tested. What every operation of a surface shares (the key or
//! token it needs, its problems for a bad parameter, a missing key and a spent budget) is added
//! once here, by [`Shared`], rather than repeated on each handler.

use std::collections::BTreeMap;

use serde_json::Value;
use utoipa::openapi::path::Operation;
use utoipa::openapi::response::{Response, ResponseBuilder};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, HeaderBuilder, ObjectBuilder, RefOr, ServerBuilder, Type};
use utoipa::{Modify, OpenApi, ToSchema};

use super::Problem;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "newsdesk Content and Admin API",
        version = "1",
        description = "The Content API reads what the site publishes, with a client key (`newsdesk api-key add NAME`). The Admin API creates and changes stories, moves them through the workflow and uploads media, with a user's token (`newsdesk user token EMAIL`) and that user's role. Send either as `Authorization: Bearer …`. Errors are RFC 9457 problem documents with a stable `code`."
    ),
    paths(
        super::list_articles,
        super::get_article,
        super::ingest::push,
        super::search,
        super::list_sections,
        super::list_tags,
        super::list_authors,
        super::admin::list,
        super::admin::create,
        super::admin::get_one,
        super::admin::update,
        super::admin::transition,
        super::admin::upload,
        super::admin_media::get_one,
        super::admin_media::set_framing,
    ),
    components(schemas(Problem)),
    security(("apiKey" = [])),
    tags(
        (name = "content", description = "Published articles and how they are filed."),
        (name = "ingest", description = "Wire items pushed in by agencies and partners."),
        (name = "admin", description = "Stories in every state, the workflow and the media library, with a user's token and role.")
    ),
    modifiers(&Shared)
)]
struct ApiDoc;

/// What every operation of a surface has in common, added to each.
struct Shared;

fn problem(description: &str) -> RefOr<Response> {
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/problem+json",
            ContentBuilder::new().schema(Some(utoipa::openapi::Ref::from_schema_name(Problem::name()))).build(),
        )
        .build()
        .into()
}

/// The problems any keyed call may meet, and a 304 where the answer carries an ETag.
fn shared_responses(op: &mut Operation, admin: bool) {
    let mut common: BTreeMap<&str, RefOr<Response>> = BTreeMap::new();
    common.insert("400", problem("A query parameter is unknown, repeated or malformed (code `invalid-parameter`)."));
    common.insert(
        "401",
        problem(if admin {
            "No token, or one that is unknown, revoked or of a disabled account (code `unauthorized`)."
        } else {
            "No API key, or one that is unknown or revoked (code `unauthorized`)."
        }),
    );
    let retry_after = HeaderBuilder::new()
        .schema(Some(ObjectBuilder::new().schema_type(Type::Integer).minimum(Some(1))))
        .description(Some("Seconds to wait."))
        .build();
    let limited = ResponseBuilder::new()
        .description("The key's request budget is spent (code `rate-limited`).")
        .header("Retry-After", retry_after)
        .content(
            "application/problem+json",
            ContentBuilder::new().schema(Some(utoipa::openapi::Ref::from_schema_name(Problem::name()))).build(),
        )
        .build();
    common.insert("429", limited.into());
    // Reads with a strong validator answer 304 to If-None-Match.
    let has_etag = op.responses.responses.get("200").is_some_and(|r| match r {
        RefOr::T(r) => r.headers.contains_key("ETag"),
        RefOr::Ref(_) => false,
    });
    if has_etag && !admin {
        common.insert(
            "304",
            ResponseBuilder::new().description("Not modified since the ETag sent in If-None-Match.").into(),
        );
    }
    for (status, response) in common {
        op.responses.responses.entry(status.to_string()).or_insert(response);
    }
}

impl Modify for Shared {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        let components = doc.components.get_or_insert_with(Default::default);
        let bearer = |description: &str| {
            let mut http = HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build();
            http.description = Some(description.to_string());
            SecurityScheme::Http(http)
        };
        components.add_security_scheme("apiKey", bearer("A Content API key."));
        components.add_security_scheme(
            "adminToken",
            bearer("An Admin API token (`newsdesk user token EMAIL`); it acts with that user's role."),
        );
        for item in doc.paths.paths.values_mut() {
            for op in [&mut item.get, &mut item.post, &mut item.put, &mut item.patch].into_iter().flatten() {
                let admin = op.tags.as_ref().is_some_and(|t| t.iter().any(|t| t == "admin"));
                shared_responses(op, admin);
            }
        }
    }
}

/// The document, for the site at `site_url`.
pub fn document(site_url: &str) -> Value {
    let mut doc = ApiDoc::openapi();
    doc.servers = Some(vec![ServerBuilder::new().url(site_url).build()]);
    serde_json::to_value(&doc).unwrap_or_default()
}
