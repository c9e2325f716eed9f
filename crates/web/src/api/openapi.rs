//! The OpenAPI 3.1 document of the Content API, built from the same constants the handlers use
//! (the field list, the limits), served at `/api/openapi.json` and snapshot-tested.

use serde_json::{Value, json};

use super::{ARTICLE_FIELDS, MAX_LIMIT};

const SLUG_PATTERN: &str = "^[a-z0-9]+(-[a-z0-9]+)*$";
/// A cursor is the hex of "MICROSECONDS:ID" (see `api::encode_cursor`): ASCII digits are hex
/// 30-39 and the colon is 3a. Bounded so both numbers fit an i64 and a valid timestamp.
const CURSOR_PATTERN: &str = "^(3[0-9]){1,17}3a(3[0-9]){1,18}$";

fn problem_responses() -> Value {
    let problem = |description: &str| json!({ "description": description, "content": { "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } } } });
    json!({
        "400": problem("A query parameter is unknown, repeated or malformed (code `invalid-parameter`)."),
        "401": problem("No API key, or one that is unknown or revoked (code `unauthorized`)."),
        "429": {
            "description": "The key's request budget is spent (code `rate-limited`).",
            "headers": { "Retry-After": { "schema": { "type": "integer", "minimum": 1 }, "description": "Seconds to wait." } },
            "content": { "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } } }
        },
    })
}

fn ok(description: &str, schema: &str) -> Value {
    json!({
        "description": description,
        "headers": { "ETag": { "schema": { "type": "string" }, "description": "Strong validator; send it back in If-None-Match." } },
        "content": { "application/json": { "schema": { "$ref": format!("#/components/schemas/{schema}") } } }
    })
}

fn with_problems(mut responses: Value) -> Value {
    let obj = responses.as_object_mut().expect("an object");
    if let Value::Object(problems) = problem_responses() {
        obj.extend(problems);
    }
    obj.insert("304".into(), json!({ "description": "Not modified since the ETag sent in If-None-Match." }));
    responses
}

fn slug_param(name: &str, description: &str) -> Value {
    json!({ "name": name, "in": "query", "required": false, "description": description,
            "schema": { "type": "string", "pattern": SLUG_PATTERN, "maxLength": 100 } })
}

fn fields_param() -> Value {
    json!({
        "name": "fields", "in": "query", "required": false, "style": "form", "explode": false,
        "description": "Comma-separated fields to return; `id` always comes along. Private fields cannot be selected.",
        "schema": { "type": "array", "minItems": 1, "uniqueItems": true, "items": { "type": "string", "enum": ARTICLE_FIELDS } }
    })
}

fn named_list_op(summary: &str, op_id: &str) -> Value {
    json!({ "get": {
        "summary": summary, "operationId": op_id, "tags": ["content"],
        "responses": with_problems(json!({ "200": ok(summary, "NamedList") })),
    }})
}

fn nullable(kind: &str) -> Value {
    json!({ "type": [kind, "null"] })
}

/// A body block as stored and shown (any of the block types, loosely).
fn block_schema() -> Value {
    json!({
        "type": "object", "required": ["type"],
        "properties": {
            "type": { "type": "string", "enum": ["paragraph", "heading", "quote", "list", "image", "embed", "recommended", "related"] },
            "text": { "type": "string" }, "level": { "type": "integer" }, "cite": nullable("string"),
            "ordered": { "type": "boolean" }, "items": { "type": "array", "items": { "type": "string" } },
            "asset": nullable("string"), "alt": { "type": "string" }, "caption": nullable("string"), "credit": nullable("string"),
            "url": nullable("string"), "publication": { "type": "string" }, "headline": { "type": "string" }
        }
    })
}

/// Every problem an Admin API call may answer, besides its successes.
fn admin_responses(mut responses: Value, extra: &[(&str, &str, &str)]) -> Value {
    let problem = |description: String| json!({ "description": description, "content": { "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } } } });
    let obj = responses.as_object_mut().expect("an object");
    if let Value::Object(problems) = problem_responses() {
        obj.extend(problems);
    }
    obj.insert(
        "401".into(),
        problem("No token, or one that is unknown, revoked or of a disabled account (code `unauthorized`).".into()),
    );
    for (status, code, what) in extra {
        obj.insert((*status).into(), problem(format!("{what} (code `{code}`).")));
    }
    responses
}

fn admin_ok(description: &str, schema: &str) -> Value {
    json!({
        "description": description,
        "headers": { "ETag": { "schema": { "type": "string" }, "description": "The story's revision, `\"rN\"`: send it as If-Match when updating." } },
        "content": { "application/json": { "schema": { "$ref": format!("#/components/schemas/{schema}") } } }
    })
}

/// The Admin API's operations and schemas, merged into the document.
fn admin(doc: &mut Value) {
    let id_param =
        json!({ "name": "id", "in": "path", "required": true, "schema": { "type": "integer", "minimum": 1 } });
    let security = json!([{ "adminToken": [] }]);
    let json_body = |schema: &str| json!({ "required": true, "content": { "application/json": { "schema": { "$ref": format!("#/components/schemas/{schema}") } } } });
    let fields_wrong = ("422", "invalid-fields", "Fields are wrong; `errors` names each one");
    let bad_json = (
        "400",
        "invalid-document",
        "The body is not JSON of the documented shape, or a query parameter is wrong (`invalid-parameter`)",
    );
    let not_json = ("415", "unsupported-media-type", "The body is not JSON");
    let forbidden = ("403", "forbidden", "The token's role may not do this to this story");
    let missing = ("404", "not-found", "No story with this id that the token's user may open");
    let paths = json!({
        "/api/v1/admin/articles": {
            "get": {
                "summary": "Stories in every state, most recently changed first (contributors: their own)",
                "operationId": "adminListArticles", "tags": ["admin"], "security": security,
                "parameters": [
                    { "name": "state", "in": "query", "required": false, "schema": { "type": "string", "enum": ["draft", "submitted", "in_edit", "ready", "scheduled", "published", "unpublished", "spiked"] } },
                    slug_param("section", "Only this section (its slug)."),
                    { "name": "limit", "in": "query", "required": false, "schema": { "type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": 20 } }
                ],
                "responses": admin_responses(json!({ "200": { "description": "Stories.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/StoryList" } } } } }), &[]),
            },
            "post": {
                "summary": "Create a story (a draft owned by the token's user)",
                "operationId": "adminCreateArticle", "tags": ["admin"], "security": security,
                "requestBody": json_body("StoryCreate"),
                "responses": admin_responses(json!({ "201": admin_ok("The new story.", "StoryOne") }), &[bad_json, not_json, fields_wrong]),
            }
        },
        "/api/v1/admin/articles/{id}": {
            "get": {
                "summary": "One story, in any state",
                "operationId": "adminGetArticle", "tags": ["admin"], "security": security,
                "parameters": [id_param],
                "responses": admin_responses(json!({
                    "200": admin_ok("The story.", "StoryOne"),
                    "304": { "description": "Not modified since the ETag sent in If-None-Match." }
                }), &[missing]),
            },
            "patch": {
                "summary": "Change a story's fields (absent fields stay as they are)",
                "description": "Send the ETag you read (`\"rN\"`) as `If-Match`: if someone saved since, nothing is applied, your version is kept as a revision, and the answer is 412 (code `stale-revision`). Without `If-Match` the update applies to the current revision.",
                "operationId": "adminUpdateArticle", "tags": ["admin"], "security": security,
                "parameters": [id_param],
                "requestBody": json_body("StoryInput"),
                "responses": admin_responses(json!({ "200": admin_ok("The story as saved.", "StoryOne") }), &[bad_json, not_json, forbidden, missing, fields_wrong, ("409", "workflow-conflict", "Not possible in the story's state"), ("412", "stale-revision", "The story changed since the If-Match revision")]),
            }
        },
        "/api/v1/admin/articles/{id}/transitions": { "post": {
            "summary": "Move a story through the workflow (submit, start_edit, mark_ready, schedule, publish, correct…)",
            "operationId": "adminTransitionArticle", "tags": ["admin"], "security": security,
            "parameters": [id_param],
            "requestBody": json_body("TransitionInput"),
            "responses": admin_responses(json!({ "200": admin_ok("The story after the action.", "StoryOne") }), &[bad_json, not_json, forbidden, missing, fields_wrong, ("409", "workflow-conflict", "The action is not possible from the story's state"), ("412", "stale-revision", "The story changed meanwhile")]),
        }},
        "/api/v1/admin/media": { "post": {
            "summary": "Upload a picture to the media library (the body is the file: JPEG, PNG, WebP, GIF or AVIF)",
            "operationId": "adminUploadMedia", "tags": ["admin"], "security": security,
            "parameters": [
                { "name": "name", "in": "query", "required": false, "schema": { "type": "string", "maxLength": 200 } },
                { "name": "alt", "in": "query", "required": false, "schema": { "type": "string" } },
                { "name": "caption", "in": "query", "required": false, "schema": { "type": "string" } },
                { "name": "credit", "in": "query", "required": false, "schema": { "type": "string" } }
            ],
            "requestBody": { "required": true, "content": { "image/*": { "schema": { "type": "string", "format": "binary" } }, "application/octet-stream": { "schema": { "type": "string", "format": "binary" } } } },
            "responses": admin_responses(json!({ "201": { "description": "The picture, in the library.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/MediaOne" } } } } }), &[bad_json, ("413", "too-large", "Larger than the upload limit"), ("422", "invalid-media", "Not a picture of an accepted type, or too many pixels")]),
        }}
    });
    let block_in = json!({ "oneOf": [
        { "type": "object", "required": ["type", "text"], "additionalProperties": false, "properties": { "type": { "const": "paragraph" }, "text": { "type": "string" } } },
        { "type": "object", "required": ["type", "text", "level"], "additionalProperties": false, "properties": { "type": { "const": "heading" }, "text": { "type": "string" }, "level": { "type": "integer", "minimum": 2, "maximum": 4 } } },
        { "type": "object", "required": ["type", "text"], "additionalProperties": false, "properties": { "type": { "const": "quote" }, "text": { "type": "string" }, "cite": nullable("string") } },
        { "type": "object", "required": ["type", "ordered", "items"], "additionalProperties": false, "properties": { "type": { "const": "list" }, "ordered": { "type": "boolean" }, "items": { "type": "array", "items": { "type": "string" } } } },
        { "type": "object", "required": ["type", "asset", "alt"], "additionalProperties": false, "properties": { "type": { "const": "image" }, "asset": { "type": "string", "minLength": 1, "description": "A file in the media library (else 422)." }, "alt": { "type": "string", "pattern": "[A-Za-z0-9]" }, "caption": nullable("string"), "credit": nullable("string") } },
        { "type": "object", "required": ["type", "url"], "additionalProperties": false, "properties": { "type": { "const": "embed" }, "url": { "type": "string", "pattern": "^https?://[!-~]+$", "maxLength": 2000 } } },
        { "type": "object", "required": ["type"], "additionalProperties": false, "properties": { "type": { "const": "recommended" } } },
        { "type": "object", "required": ["type", "publication", "headline"], "additionalProperties": false, "properties": { "type": { "const": "related" }, "publication": { "type": "string", "pattern": "[A-Za-z0-9]" }, "headline": { "type": "string", "pattern": "[A-Za-z0-9]" }, "url": { "type": ["string", "null"], "pattern": "^(https?://[!-~]+|/[!-~]*)?$" } } }
    ]});
    let block_out = block_schema();
    let opt_text = || json!({ "type": ["string", "null"] });
    let time = || json!({ "type": ["string", "null"], "format": "date-time" });
    let story = json!({
        "type": "object", "additionalProperties": false,
        "required": ["id", "revision", "state", "url", "headline", "section", "slug", "language", "authors", "tags", "body", "corrections", "actions", "can_edit"],
        "properties": {
            "id": { "type": "integer", "minimum": 1 }, "revision": { "type": "integer", "minimum": 1 },
            "state": { "type": "string", "enum": ["draft", "submitted", "in_edit", "ready", "scheduled", "published", "unpublished", "spiked"] },
            "url": { "type": ["string", "null"], "format": "uri", "description": "The public page, once readers can see it." },
            "headline": { "type": "string" }, "deck": opt_text(),
            "section": { "type": "object", "required": ["name", "slug"], "properties": { "name": { "type": "string" }, "slug": { "type": "string" } } },
            "slug": { "type": "string" }, "desk": opt_text(), "language": { "type": "string" },
            "authors": { "type": "array", "items": { "type": "string" } }, "tags": { "type": "array", "items": { "type": "string" } },
            "source": opt_text(), "canonical_url": opt_text(), "embargo": time(), "published_at": time(), "updated_at": time(),
            "lead_image": { "type": ["object", "null"], "properties": { "asset": opt_text(), "alt": { "type": "string" }, "caption": opt_text(), "credit": opt_text() } },
            "body": { "type": "array", "items": block_out },
            "corrections": { "type": "array", "items": { "type": "object", "required": ["at", "note"], "properties": { "at": { "type": "string", "format": "date-time" }, "note": { "type": "string" } } } },
            "based_on": opt_text(), "owner_id": { "type": ["integer", "null"] },
            "seo_title": opt_text(), "seo_description": opt_text(), "social_title": opt_text(),
            "social_image": { "type": ["string", "null"], "description": "A media file for social cards; null: the lead picture." },
            "can_edit": { "type": "boolean" },
            "actions": { "type": "array", "description": "Workflow actions the token's user may take now.", "items": { "type": "string" } }
        }
    });
    // As strict as the editor's checks, so a client (or a fuzzer) can tell what will be taken.
    let input = json!({
        "type": "object", "additionalProperties": false,
        "description": "Fields of a story; on create `headline` and `section` are needed, on update absent fields stay as they are.",
        "properties": {
            "headline": { "type": "string", "minLength": 1, "maxLength": 300, "pattern": "[A-Za-z0-9]" },
            "deck": { "type": "string", "maxLength": 600 },
            "section": { "type": "string", "maxLength": 100, "pattern": "[A-Za-z0-9]", "description": "The section's name." },
            "desk": { "type": "string", "maxLength": 100 },
            "language": { "type": "string", "pattern": "^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$", "description": "BCP 47, e.g. en, pt-BR." },
            "authors": { "type": "array", "items": { "type": "string", "maxLength": 100 } },
            "tags": { "type": "array", "items": { "type": "string", "maxLength": 100 } },
            "source": { "type": "string", "maxLength": 100, "description": "Wire-source credit (\"SOURCE: …\")." },
            "slug": { "type": "string", "pattern": "^([a-z0-9]+(-[a-z0-9]+)*)?$", "maxLength": 100, "description": "Empty: made from the headline." },
            "canonical_url": { "type": "string", "pattern": "^(https?://[!-~]+)?$", "maxLength": 2000 },
            "embargo": { "anyOf": [{ "type": "string", "format": "date-time" }, { "const": "" }], "description": "RFC 3339; empty clears it." },
            "lead_image": { "type": ["object", "null"], "required": ["asset", "alt"], "additionalProperties": false, "properties": {
                "asset": { "type": "string", "description": "A file in the media library (else 422)." }, "alt": { "type": "string", "minLength": 1, "pattern": "[A-Za-z0-9]" }, "caption": opt_text(), "credit": opt_text() } },
            "body": { "type": "array", "items": block_in.clone() },
            "seo_title": { "type": "string", "maxLength": 70, "description": "The page's <title>; empty: the headline." },
            "seo_description": { "type": "string", "maxLength": 160, "description": "The meta description; empty: the deck." },
            "social_title": { "type": "string", "maxLength": 70, "description": "OpenGraph and Twitter title; empty: the headline." },
            "social_image": { "type": "string", "description": "A file in the media library (else 422); empty: the lead picture." }
        }
    });
    let schemas = json!({
        "Story": story,
        "StoryOne": { "type": "object", "required": ["data"], "additionalProperties": false, "properties": { "data": { "$ref": "#/components/schemas/Story" } } },
        "StoryList": { "type": "object", "required": ["data"], "additionalProperties": false, "properties": { "data": { "type": "array", "items": {
            "type": "object", "required": ["id", "revision", "state", "headline", "section", "modified_at"], "additionalProperties": false, "properties": {
                "id": { "type": "integer" }, "revision": { "type": "integer" }, "state": { "type": "string" }, "headline": { "type": "string" },
                "section": { "type": "object", "required": ["name", "slug"], "properties": { "name": { "type": "string" }, "slug": { "type": "string" } } },
                "desk": opt_text(), "owner_id": { "type": ["integer", "null"] }, "modified_at": { "type": "string", "format": "date-time" }, "published_at": time()
            }}}}},
        "StoryCreate": { "allOf": [{ "$ref": "#/components/schemas/StoryInput" }, { "required": ["headline", "section"] }] },
        "StoryInput": input,
        "TransitionInput": { "oneOf": [
            { "type": "object", "required": ["action"], "additionalProperties": false, "properties": {
                "action": { "type": "string", "enum": ["submit", "start_edit", "return_to_draft", "mark_ready", "unschedule", "publish", "update", "unpublish", "spike"] } } },
            { "type": "object", "required": ["action", "at"], "additionalProperties": false, "properties": {
                "action": { "const": "schedule" },
                "at": { "type": "string", "format": "date-time", "description": "When the story goes live; in the future." } } },
            { "type": "object", "required": ["action", "note"], "additionalProperties": false, "properties": {
                "action": { "const": "correct" },
                "note": { "type": "string", "minLength": 1, "pattern": "[A-Za-z0-9]", "description": "The note readers see." } } }
        ]},
        "MediaOne": { "type": "object", "required": ["data"], "additionalProperties": false, "properties": { "data": {
            "type": "object", "required": ["file", "url", "mime", "width", "height", "bytes", "alt"], "additionalProperties": false, "properties": {
                "file": { "type": "string" }, "url": { "type": "string", "format": "uri" }, "mime": { "type": "string" },
                "width": { "type": "integer", "minimum": 1 }, "height": { "type": "integer", "minimum": 1 }, "bytes": { "type": "integer", "minimum": 1 },
                "alt": { "type": "string" }, "caption": opt_text(), "credit": opt_text()
            }}}}
    });
    if let (Some(p), Value::Object(add)) = (doc["paths"].as_object_mut(), paths) {
        p.extend(add);
    }
    if let (Some(s), Value::Object(add)) = (doc["components"]["schemas"].as_object_mut(), schemas) {
        s.extend(add);
    }
    doc["components"]["securitySchemes"]["adminToken"] = json!({ "type": "http", "scheme": "bearer", "description": "An Admin API token (`newsdesk user token EMAIL`); it acts with that user's role." });
    if let Some(tags) = doc["tags"].as_array_mut() {
        tags.push(json!({ "name": "admin", "description": "Stories in every state, the workflow and the media library, with a user's token and role." }));
    }
}

pub fn document(site_url: &str) -> Value {
    let mut doc = content(site_url);
    admin(&mut doc);
    doc
}

fn content(site_url: &str) -> Value {
    let block = block_schema();
    let article = json!({
        "type": "object", "required": ["id"], "additionalProperties": false,
        "properties": {
            "id": { "type": "integer", "minimum": 1 },
            "url": { "type": "string", "format": "uri" },
            "headline": { "type": "string" },
            "deck": nullable("string"),
            "section": { "type": "object", "required": ["name", "slug"], "properties": { "name": { "type": "string" }, "slug": { "type": "string" } } },
            "published_at": { "type": ["string", "null"], "format": "date-time" },
            "updated_at": { "type": ["string", "null"], "format": "date-time" },
            "language": { "type": "string" },
            "authors": { "type": "array", "items": { "type": "string" } },
            "tags": { "type": "array", "items": { "type": "string" } },
            "source": nullable("string"),
            "lead_image": {
                "type": ["object", "null"],
                "properties": { "url": { "type": ["string", "null"], "format": "uri" }, "alt": { "type": "string" }, "caption": nullable("string"), "credit": nullable("string") }
            },
            "body": { "type": "array", "items": block },
            "word_count": { "type": "integer", "minimum": 0 },
            "reading_minutes": { "type": "integer", "minimum": 1 }
        }
    });
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "newsdesk Content and Admin API",
            "version": "1",
            "description": "The Content API reads what the site publishes, with a client key (`newsdesk api-key add NAME`). The Admin API creates and changes stories, moves them through the workflow and uploads media, with a user's token (`newsdesk user token EMAIL`) and that user's role. Send either as `Authorization: Bearer …`. Errors are RFC 9457 problem documents with a stable `code`."
        },
        "servers": [{ "url": site_url }],
        "security": [{ "apiKey": [] }],
        "tags": [
            { "name": "content", "description": "Published articles and how they are filed." },
            { "name": "ingest", "description": "Wire items pushed in by agencies and partners." }
        ],
        "paths": {
            "/api/v1/articles": { "get": {
                "summary": "Published articles, newest first",
                "operationId": "listArticles", "tags": ["content"],
                "parameters": [
                    slug_param("section", "Only this section (its slug)."),
                    slug_param("tag", "Only articles with this tag (its slug)."),
                    slug_param("author", "Only articles by this author (their slug)."),
                    { "name": "updated_since", "in": "query", "required": false, "description": "Only articles saved at or after this time.", "schema": { "type": "string", "format": "date-time" } },
                    { "name": "limit", "in": "query", "required": false, "description": "Page size.", "schema": { "type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": 20 } },
                    { "name": "cursor", "in": "query", "required": false, "description": "`next_cursor` of the previous page (opaque).", "schema": { "type": "string", "pattern": CURSOR_PATTERN } },
                    fields_param()
                ],
                "responses": with_problems(json!({ "200": ok("One page of articles.", "ArticleList") })),
            }},
            "/api/v1/articles/{id}": { "get": {
                "summary": "One published article",
                "operationId": "getArticle", "tags": ["content"],
                "parameters": [
                    { "name": "id", "in": "path", "required": true, "schema": { "type": "integer", "minimum": 1 } },
                    fields_param()
                ],
                "responses": with_problems(json!({
                    "200": ok("The article.", "ArticleOne"),
                    "404": { "description": "No published article has this id (code `not-found`).", "content": { "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } } } }
                })),
            }},
            "/api/ingest": { "post": {
                "summary": "Push wire items: IPTC ninjs 1.x–3.x (JSON, one item or an array) or NewsML-G2 (XML, an item or a news message)",
                "operationId": "ingest", "tags": ["ingest"],
                "description": "Needs a key made with `newsdesk api-key add NAME --scope ingest`. The body's type says the format: `application/json` is ninjs, `application/xml` (or any `+xml`) is NewsML-G2. A repeated or older version of an item changes nothing (`duplicate`); a newer one becomes a new revision of its story (`updated`). Each item is stored on its own: one that cannot be read is reported with its field and the others go on; a document none of whose items can be read is refused (400).",
                "parameters": [
                    slug_param("section", "Section for every item (a new story's; updates stay where they are filed). Without it, routing rules and the item decide."),
                    { "name": "queue", "in": "query", "required": false, "description": "Put the items in the newsroom's wire queue instead of publishing them.", "schema": { "type": "boolean", "default": false } },
                    { "name": "route", "in": "query", "required": false, "description": "Let the routing rules decide each item's fate (publish, queue or skip); items no rule decides are published, or queued with `queue=true`.", "schema": { "type": "boolean", "default": false } }
                ],
                "requestBody": { "required": true, "content": {
                    "application/json": { "schema": { "type": ["object", "array"] } },
                    "application/xml": { "schema": { "type": "string" } }
                } },
                "responses": with_problems(json!({
                    "200": ok("What became of each item.", "IngestResult"),
                    "403": { "description": "The key may not push wire items (code `forbidden`).", "content": { "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } } } },
                    "415": { "description": "Neither JSON nor XML (code `unsupported-media-type`).", "content": { "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } } } },
                })),
            }},
            "/api/v1/search": { "get": {
                "summary": "Full-text search of published articles",
                "description": "Words must all match (headline, deck, body, tags, authors; each story in its own language). `\"a phrase\"`, `prefix*` and `-excluded` work as on the site.",
                "operationId": "search", "tags": ["content"],
                "parameters": [
                    { "name": "q", "in": "query", "required": false, "description": "The words.", "schema": { "type": "string", "maxLength": 300 } },
                    slug_param("section", "Only this section (its slug)."),
                    { "name": "source", "in": "query", "required": false, "description": "Only stories credited to this agency.", "schema": { "type": "string", "maxLength": 100 } },
                    slug_param("author", "Only stories by this author (their slug)."),
                    { "name": "from", "in": "query", "required": false, "description": "Published on or after this day (UTC).", "schema": { "type": "string", "format": "date" } },
                    { "name": "to", "in": "query", "required": false, "description": "Published on or before this day (UTC).", "schema": { "type": "string", "format": "date" } },
                    { "name": "sort", "in": "query", "required": false, "schema": { "type": "string", "enum": ["relevance", "date"], "default": "relevance" } },
                    { "name": "page", "in": "query", "required": false, "schema": { "type": "integer", "minimum": 1, "maximum": 100, "default": 1 } },
                    { "name": "limit", "in": "query", "required": false, "schema": { "type": "integer", "minimum": 1, "maximum": 50, "default": 10 } }
                ],
                "responses": with_problems(json!({ "200": ok("Matching articles, best first (or newest first).", "SearchResults") })),
            }},
            "/api/v1/sections": named_list_op("Sections with published articles", "listSections"),
            "/api/v1/tags": named_list_op("Tags with published articles, most used first", "listTags"),
            "/api/v1/authors": named_list_op("Authors with published articles", "listAuthors"),
        },
        "components": {
            "securitySchemes": { "apiKey": { "type": "http", "scheme": "bearer", "description": "A Content API key." } },
            "schemas": {
                "Article": article,
                "ArticleList": { "type": "object", "required": ["data", "next_cursor"], "additionalProperties": false, "properties": {
                    "data": { "type": "array", "items": { "$ref": "#/components/schemas/Article" } },
                    "next_cursor": { "type": ["string", "null"], "description": "Pass as `cursor` for the next page; null on the last." }
                }},
                "IngestResult": { "type": "object", "required": ["data", "imported", "updated", "duplicate", "skipped", "failed"], "additionalProperties": false, "properties": {
                    "data": { "type": "array", "items": { "type": "object", "required": ["uri", "status"], "additionalProperties": false, "properties": {
                        "uri": { "type": "string" }, "id": { "type": "integer" }, "url": { "type": "string", "format": "uri" },
                        "status": { "type": "string", "enum": ["imported", "queued", "updated", "duplicate", "skipped", "failed"] },
                        "cluster": { "type": "integer", "description": "A queued item's near-duplicate group (the id of its first item)." },
                        "error": { "type": "string", "description": "Why a skipped or failed item was: the item, the field and what is wrong." }
                    }}},
                    "imported": { "type": "integer", "minimum": 0 }, "updated": { "type": "integer", "minimum": 0 }, "duplicate": { "type": "integer", "minimum": 0 },
                    "skipped": { "type": "integer", "minimum": 0 }, "failed": { "type": "integer", "minimum": 0 }
                }},
                "SearchResults": { "type": "object", "required": ["data", "total", "page", "suggestion"], "additionalProperties": false, "properties": {
                    "data": { "type": "array", "items": { "type": "object", "additionalProperties": false,
                        "required": ["id", "url", "headline", "deck", "section", "source", "language", "published_at", "snippet"], "properties": {
                        "id": { "type": "integer", "minimum": 1 }, "url": { "type": "string", "format": "uri" }, "headline": { "type": "string" },
                        "deck": nullable("string"), "section": { "type": "object", "required": ["name", "slug"], "properties": { "name": { "type": "string" }, "slug": { "type": "string" } } },
                        "source": nullable("string"), "language": { "type": "string" }, "published_at": { "type": "string", "format": "date-time" },
                        "snippet": { "type": "string", "description": "HTML: the text escaped, matched words in <b>." }
                    }}},
                    "total": { "type": "integer", "minimum": 0 }, "page": { "type": "integer", "minimum": 1 },
                    "suggestion": { "type": ["string", "null"], "description": "The query with misspelt words corrected, when that finds more." }
                }},
                "ArticleOne": { "type": "object", "required": ["data"], "additionalProperties": false, "properties": { "data": { "$ref": "#/components/schemas/Article" } } },
                "NamedList": { "type": "object", "required": ["data"], "additionalProperties": false, "properties": { "data": { "type": "array", "items": {
                    "type": "object", "required": ["slug", "name", "published", "url"], "additionalProperties": false,
                    "properties": { "slug": { "type": "string" }, "name": { "type": "string" }, "published": { "type": "integer", "minimum": 0 }, "url": { "type": "string", "format": "uri" } }
                }}}},
                "Problem": { "type": "object", "required": ["type", "title", "status", "detail", "code"], "properties": {
                    "type": { "type": "string" }, "title": { "type": "string" }, "status": { "type": "integer" },
                    "detail": { "type": "string" },
                    "code": { "type": "string", "enum": ["unauthorized", "forbidden", "not-found", "invalid-parameter", "invalid-document", "unsupported-media-type", "rate-limited", "invalid-fields", "stale-revision", "workflow-conflict", "invalid-media", "too-large", "internal"] },
                    "parameter": { "type": "string" },
                    "errors": { "type": "object", "additionalProperties": { "type": "string" }, "description": "With invalid-fields: what is wrong with each field." }
                }}
            }
        }
    })
}
