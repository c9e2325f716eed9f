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

pub fn document(site_url: &str) -> Value {
    let block = json!({
        "type": "object", "required": ["type"],
        "properties": {
            "type": { "type": "string", "enum": ["paragraph", "heading", "quote", "list", "image", "embed", "recommended", "related"] },
            "text": { "type": "string" }, "level": { "type": "integer" }, "cite": nullable("string"),
            "ordered": { "type": "boolean" }, "items": { "type": "array", "items": { "type": "string" } },
            "asset": nullable("string"), "alt": { "type": "string" }, "caption": nullable("string"), "credit": nullable("string"),
            "url": nullable("string"), "publication": { "type": "string" }, "headline": { "type": "string" }
        }
    });
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
            "title": "newsdesk Content API",
            "version": "1",
            "description": "Read-only access to what the site publishes. Every request needs a key: `Authorization: Bearer KEY` (`newsdesk api-key add NAME` makes one). Errors are RFC 9457 problem documents with a stable `code`."
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
                "summary": "Push wire items (IPTC ninjs 1.x–3.x: one item or an array)",
                "operationId": "ingest", "tags": ["ingest"],
                "description": "Needs a key made with `newsdesk api-key add NAME --scope ingest`. A repeated or older version of an item changes nothing; a newer one becomes a new revision of its story.",
                "parameters": [slug_param("section", "Section for the items (a new story's; updates stay where they are filed).")],
                "requestBody": { "required": true, "content": { "application/json": { "schema": { "type": ["object", "array"] } } } },
                "responses": with_problems(json!({
                    "200": ok("What became of each item.", "IngestResult"),
                    "403": { "description": "The key may not push wire items (code `forbidden`).", "content": { "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } } } },
                    "415": { "description": "Not JSON (code `unsupported-media-type`).", "content": { "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } } } },
                })),
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
                "IngestResult": { "type": "object", "required": ["data", "created", "updated", "unchanged"], "additionalProperties": false, "properties": {
                    "data": { "type": "array", "items": { "type": "object", "required": ["uri", "id", "url", "status"], "additionalProperties": false, "properties": {
                        "uri": { "type": "string" }, "id": { "type": "integer" }, "url": { "type": "string", "format": "uri" },
                        "status": { "type": "string", "enum": ["created", "updated", "unchanged"] }
                    }}},
                    "created": { "type": "integer", "minimum": 0 }, "updated": { "type": "integer", "minimum": 0 }, "unchanged": { "type": "integer", "minimum": 0 }
                }},
                "ArticleOne": { "type": "object", "required": ["data"], "additionalProperties": false, "properties": { "data": { "$ref": "#/components/schemas/Article" } } },
                "NamedList": { "type": "object", "required": ["data"], "additionalProperties": false, "properties": { "data": { "type": "array", "items": {
                    "type": "object", "required": ["slug", "name", "published", "url"], "additionalProperties": false,
                    "properties": { "slug": { "type": "string" }, "name": { "type": "string" }, "published": { "type": "integer", "minimum": 0 }, "url": { "type": "string", "format": "uri" } }
                }}}},
                "Problem": { "type": "object", "required": ["type", "title", "status", "detail", "code"], "properties": {
                    "type": { "type": "string" }, "title": { "type": "string" }, "status": { "type": "integer" },
                    "detail": { "type": "string" },
                    "code": { "type": "string", "enum": ["unauthorized", "forbidden", "not-found", "invalid-parameter", "invalid-document", "unsupported-media-type", "rate-limited", "internal"] },
                    "parameter": { "type": "string" }
                }}
            }
        }
    })
}
