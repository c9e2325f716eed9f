//! API errors as RFC 9457 problem documents. Each has a stable `code`, which is also the last
//! segment of its `type` URI; clients branch on the code, people read `detail`.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

#[derive(Debug)]
pub enum ApiError {
    /// No key, or a key that is unknown or revoked.
    Unauthorized,
    /// A valid key that may not do this (a Content API key pushing wire items, say).
    Forbidden(String),
    /// A pushed document that cannot be read: which item and field, and why.
    InvalidDocument(String),
    UnsupportedMediaType,
    NotFound(String),
    /// A query parameter that is unknown, repeated or malformed.
    InvalidParameter {
        name: String,
        detail: String,
    },
    RateLimited {
        retry_after_secs: u64,
    },
    /// Admin API: fields of a story that are wrong, each with what is wrong with it.
    InvalidFields(std::collections::BTreeMap<String, String>),
    /// Admin API: `If-Match` named an older revision than the stored one.
    StaleRevision {
        current: i64,
        kept: Option<i64>,
    },
    /// Admin API: the workflow does not allow this action from the story's state.
    WorkflowConflict(String),
    /// Admin API: an upload that is not an acceptable picture.
    InvalidMedia(String),
    TooLarge(String),
    Internal(String),
}

#[derive(Debug, Serialize)]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: &'static str,
    pub status: u16,
    pub detail: String,
    pub code: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parameter: Option<String>,
    /// With `invalid-fields`: each field that is wrong, and why.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<std::collections::BTreeMap<String, String>>,
}

impl ApiError {
    pub fn invalid(name: &str, detail: impl Into<String>) -> ApiError {
        ApiError::InvalidParameter { name: name.to_string(), detail: detail.into() }
    }

    pub fn problem(&self) -> (StatusCode, Problem) {
        let (status, code, title, detail, parameter) = match self {
            ApiError::Unauthorized => (
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "A valid API key is required",
                "Send `Authorization: Bearer KEY`: a Content API key (`newsdesk api-key add NAME`) or an Admin API token (`newsdesk user token EMAIL`).".to_string(),
                None,
            ),
            ApiError::Forbidden(detail) => {
                (StatusCode::FORBIDDEN, "forbidden", "Not allowed with this key", detail.clone(), None)
            }
            ApiError::InvalidDocument(detail) => {
                (StatusCode::BAD_REQUEST, "invalid-document", "The document cannot be read", detail.clone(), None)
            }
            ApiError::UnsupportedMediaType => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported-media-type",
                "Unsupported media type",
                "Send ninjs as application/json.".to_string(),
                None,
            ),
            ApiError::NotFound(what) => {
                (StatusCode::NOT_FOUND, "not-found", "Not found", format!("{what} not found"), None)
            }
            ApiError::InvalidParameter { name, detail } => (
                StatusCode::BAD_REQUEST,
                "invalid-parameter",
                "Invalid query parameter",
                format!("{name}: {detail}"),
                Some(name.clone()),
            ),
            ApiError::RateLimited { retry_after_secs } => (
                StatusCode::TOO_MANY_REQUESTS,
                "rate-limited",
                "Too many requests",
                format!("This key's request budget is spent; try again in {retry_after_secs} s."),
                None,
            ),
            ApiError::InvalidFields(errors) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid-fields",
                "Some fields are wrong",
                errors.iter().map(|(f, m)| format!("{f}: {m}")).collect::<Vec<_>>().join("; "),
                None,
            ),
            ApiError::StaleRevision { current, kept } => (
                StatusCode::PRECONDITION_FAILED,
                "stale-revision",
                "The story changed since you read it",
                match kept {
                    Some(k) => format!("The story is at revision {current}; your version is kept, not applied, as revision {k}. Read it again and retry."),
                    None => format!("The story is at revision {current}. Read it again and retry."),
                },
                None,
            ),
            ApiError::WorkflowConflict(detail) => {
                (StatusCode::CONFLICT, "workflow-conflict", "Not possible in the story's state", detail.clone(), None)
            }
            ApiError::InvalidMedia(detail) => {
                (StatusCode::UNPROCESSABLE_ENTITY, "invalid-media", "Not an acceptable picture", detail.clone(), None)
            }
            ApiError::TooLarge(detail) => {
                (StatusCode::PAYLOAD_TOO_LARGE, "too-large", "Too large", detail.clone(), None)
            }
            ApiError::Internal(detail) => {
                tracing::error!(error = %detail, "API request failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "Internal error",
                    "The request could not be answered; it has been logged.".to_string(),
                    None,
                )
            }
        };
        let errors = match self {
            ApiError::InvalidFields(e) => Some(e.clone()),
            _ => None,
        };
        (
            status,
            Problem {
                kind: format!("/api/problems/{code}"),
                title,
                status: status.as_u16(),
                detail,
                code,
                parameter,
                errors,
            },
        )
    }
}

impl From<newsdesk_store::StoreError> for ApiError {
    fn from(e: newsdesk_store::StoreError) -> Self {
        match e {
            e @ newsdesk_store::StoreError::NotFound { .. } => ApiError::NotFound(e.missing().unwrap_or_default()),
            other => ApiError::Internal(other.to_string()),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, problem) = self.problem();
        let body = serde_json::to_vec(&problem).unwrap_or_default();
        let mut res = (status, body).into_response();
        let h = res.headers_mut();
        h.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json"));
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        match self {
            ApiError::Unauthorized => {
                h.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer realm=\"newsdesk\""));
            }
            ApiError::RateLimited { retry_after_secs } => {
                h.insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
            }
            _ => {}
        }
        res
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_problem_shape_is_stable() {
        let (status, p) = ApiError::invalid("limit", "expected a whole number from 1 to 100, found \"0\"").problem();
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(
            serde_json::to_value(&p).unwrap(),
            serde_json::json!({
                "type": "/api/problems/invalid-parameter",
                "title": "Invalid query parameter",
                "status": 400,
                "detail": "limit: expected a whole number from 1 to 100, found \"0\"",
                "code": "invalid-parameter",
                "parameter": "limit",
            })
        );
    }
}
