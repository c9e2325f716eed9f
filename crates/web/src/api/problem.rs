//! The web crate's [`Error`] as an RFC 9457 problem document, the way every API answers it. Each
//! has a stable `code`, which is also the last segment of its `type` URI; clients branch on the
//! code, people read `detail`.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::Error;
use crate::error::Code;

/// An RFC 9457 problem document: what every API answers when it cannot do what was asked.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// `/api/problems/CODE`.
    #[serde(rename = "type")]
    pub kind: String,
    #[schema(value_type = String)]
    pub title: &'static str,
    pub status: u16,
    pub detail: String,
    pub code: Code,
    /// With `invalid-parameter`: the parameter's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parameter: Option<String>,
    /// With `invalid-fields`: each field that is wrong, and why.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<std::collections::BTreeMap<String, String>>,
}

impl Error {
    /// The problem document for this error (RFC 9457): the API's `detail` texts are written for
    /// a client's developer, so they keep their own wording where a person's sentence would not do.
    pub fn problem(&self) -> (StatusCode, Problem) {
        let status = self.status();
        let (title, detail, parameter) = match self {
            Error::Unauthorized => (
                "A valid API key is required",
                "Send `Authorization: Bearer KEY`: a Content API key (`newsdesk api-key add NAME`) or an Admin API token (`newsdesk user token EMAIL`).".to_string(),
                None,
            ),
            Error::Forbidden(detail) => ("Not allowed with this key", detail.clone(), None),
            Error::InvalidDocument(detail) => ("The document cannot be read", detail.clone(), None),
            Error::UnsupportedMediaType => ("Unsupported media type", "Send ninjs as application/json, or NewsML-G2, NITF or NewsML 1.2 as application/xml.".to_string(), None),
            Error::NotFound(what) => ("Not found", format!("{what} not found"), None),
            Error::MethodNotAllowed => ("Method not allowed", self.sentence(), None),
            Error::InvalidParameter { name, detail } => {
                ("Invalid query parameter", format!("{name}: {detail}"), Some(name.clone()))
            }
            Error::RateLimited { retry_after_secs } => (
                "Too many requests",
                format!("This key's request budget is spent; try again in {retry_after_secs} s."),
                None,
            ),
            Error::InvalidFields(errors) => ("Some fields are wrong", crate::error::join_fields(errors), None),
            Error::StaleRevision { .. } => ("The story changed since you read it", self.sentence(), None),
            Error::Conflict(detail) => ("Not possible in the story's state", detail.clone(), None),
            Error::InvalidMedia(detail) => ("Not an acceptable picture", detail.clone(), None),
            Error::TooLarge(detail) => ("Too large", detail.clone(), None),
            Error::NotImplemented(detail) => ("Not implemented", detail.clone(), None),
            Error::Internal(detail) => {
                tracing::error!(error = %detail, "API request failed");
                ("Internal error", "The request could not be answered; it has been logged.".to_string(), None)
            }
        };
        let errors = match self {
            Error::InvalidFields(e) => Some(e.clone()),
            _ => None,
        };
        let code = self.code();
        (
            status,
            Problem {
                kind: format!("/api/problems/{}", code.as_str()),
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

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let (status, problem) = self.problem();
        let body = serde_json::to_vec(&problem).unwrap_or_default();
        let mut res = (status, body).into_response();
        let h = res.headers_mut();
        h.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json"));
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        match self {
            Error::Unauthorized => {
                h.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer realm=\"newsdesk\""));
            }
            Error::RateLimited { retry_after_secs } => {
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
        let (status, p) = Error::invalid("limit", "expected a whole number from 1 to 100, found \"0\"").problem();
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
