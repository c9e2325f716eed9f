//! The one error model of the web crate. A handler on any surface returns [`Error`]; the surface
//! decides only how it looks:
//! - the Content, Admin and ingest APIs and oEmbed answer an RFC 9457 problem document with a
//!   stable `code` (`impl IntoResponse`, in `api::problem`);
//! - reader pages answer the theme's 404 / 400 / 500 page (`pages::error_page`);
//! - the newsroom answers its short message page (`newsroom::refuse`), in a sentence for a person.
//!
//! Every variant is built from what went wrong, not from how it will be shown: store and workflow
//! errors come in through `From` (a missing story is `NotFound` with its kind and id, a workflow
//! refusal is `Forbidden` or `Conflict`), never by parsing their text. `Internal` carries the
//! cause for the log; no surface shows it.

use std::collections::BTreeMap;

use axum::http::StatusCode;
use newsdesk_core::workflow::{Action, WorkflowError};
use newsdesk_store::{SaveError, StoreError};

/// A problem's stable code: one per kind of [`Error`], so the OpenAPI document's list of codes
/// is exactly the list a client can meet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Code {
    Unauthorized,
    Forbidden,
    NotFound,
    MethodNotAllowed,
    InvalidParameter,
    InvalidDocument,
    UnsupportedMediaType,
    RateLimited,
    InvalidFields,
    StaleRevision,
    WorkflowConflict,
    InvalidMedia,
    TooLarge,
    NotImplemented,
    Internal,
}

impl Code {
    pub fn as_str(self) -> &'static str {
        match self {
            Code::Unauthorized => "unauthorized",
            Code::Forbidden => "forbidden",
            Code::NotFound => "not-found",
            Code::MethodNotAllowed => "method-not-allowed",
            Code::InvalidParameter => "invalid-parameter",
            Code::InvalidDocument => "invalid-document",
            Code::UnsupportedMediaType => "unsupported-media-type",
            Code::RateLimited => "rate-limited",
            Code::InvalidFields => "invalid-fields",
            Code::StaleRevision => "stale-revision",
            Code::WorkflowConflict => "workflow-conflict",
            Code::InvalidMedia => "invalid-media",
            Code::TooLarge => "too-large",
            Code::NotImplemented => "not-implemented",
            Code::Internal => "internal",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// No key, token or session, or one that is unknown, revoked or of a disabled account.
    #[error("not signed in")]
    Unauthorized,
    /// Known, but may not do this: the sentence says what was refused and why.
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// Nothing here: what was looked for (`article 12`, `sitemap sitemap-9.xml`, `routing rule`).
    #[error("{0} not found")]
    NotFound(String),
    /// The address exists, but not for this method.
    #[error("method not allowed")]
    MethodNotAllowed,
    /// A query parameter that is unknown, repeated or malformed: its name and what is wrong.
    #[error("{name}: {detail}")]
    InvalidParameter { name: String, detail: String },
    /// A sent document (a pushed wire item, a JSON body, a posted form) that cannot be read.
    #[error("invalid document: {0}")]
    InvalidDocument(String),
    #[error("unsupported media type")]
    UnsupportedMediaType,
    /// The key's request budget is spent.
    #[error("rate limited for {retry_after_secs} s")]
    RateLimited { retry_after_secs: u64 },
    /// Fields of a story that are wrong, each with what is wrong with it.
    #[error("invalid fields: {}", join_fields(.0))]
    InvalidFields(BTreeMap<String, String>),
    /// Someone saved the story since the revision the writer read; `kept`: the writer's version,
    /// kept as a revision of its own.
    #[error("stale revision (current {current})")]
    StaleRevision { current: i64, kept: Option<i64> },
    /// Not possible in the story's (or the thing's) current state.
    #[error("conflict: {0}")]
    Conflict(String),
    /// An upload that is not an acceptable picture.
    #[error("invalid media: {0}")]
    InvalidMedia(String),
    #[error("too large: {0}")]
    TooLarge(String),
    /// A variant of the request this server does not offer (oEmbed's `format=xml`).
    #[error("not implemented: {0}")]
    NotImplemented(String),
    /// Our fault: the cause, for the log only.
    #[error("internal error: {0}")]
    Internal(String),
}

pub(crate) fn join_fields(errors: &BTreeMap<String, String>) -> String {
    errors.iter().map(|(f, m)| format!("{f}: {m}")).collect::<Vec<_>>().join("; ")
}

impl Error {
    pub fn invalid(name: &str, detail: impl Into<String>) -> Error {
        Error::InvalidParameter { name: name.to_string(), detail: detail.into() }
    }

    /// One wrong field.
    pub fn field(name: &str, detail: impl Into<String>) -> Error {
        Error::InvalidFields(BTreeMap::from([(name.to_string(), detail.into())]))
    }

    pub fn internal(cause: impl std::fmt::Display) -> Error {
        Error::Internal(cause.to_string())
    }

    pub fn status(&self) -> StatusCode {
        match self {
            Error::Unauthorized => StatusCode::UNAUTHORIZED,
            Error::Forbidden(_) => StatusCode::FORBIDDEN,
            Error::NotFound(_) => StatusCode::NOT_FOUND,
            Error::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Error::InvalidParameter { .. } | Error::InvalidDocument(_) => StatusCode::BAD_REQUEST,
            Error::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Error::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            Error::InvalidFields(_) | Error::InvalidMedia(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Error::StaleRevision { .. } => StatusCode::PRECONDITION_FAILED,
            Error::Conflict(_) => StatusCode::CONFLICT,
            Error::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Error::NotImplemented(_) => StatusCode::NOT_IMPLEMENTED,
            Error::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The stable code clients branch on (the last segment of a problem's `type`).
    pub fn code(&self) -> Code {
        match self {
            Error::Unauthorized => Code::Unauthorized,
            Error::Forbidden(_) => Code::Forbidden,
            Error::NotFound(_) => Code::NotFound,
            Error::MethodNotAllowed => Code::MethodNotAllowed,
            Error::InvalidParameter { .. } => Code::InvalidParameter,
            Error::InvalidDocument(_) => Code::InvalidDocument,
            Error::UnsupportedMediaType => Code::UnsupportedMediaType,
            Error::RateLimited { .. } => Code::RateLimited,
            Error::InvalidFields(_) => Code::InvalidFields,
            Error::StaleRevision { .. } => Code::StaleRevision,
            Error::Conflict(_) => Code::WorkflowConflict,
            Error::InvalidMedia(_) => Code::InvalidMedia,
            Error::TooLarge(_) => Code::TooLarge,
            Error::NotImplemented(_) => Code::NotImplemented,
            Error::Internal(_) => Code::Internal,
        }
    }

    /// What a person is told: one or more sentences, never internals.
    pub fn sentence(&self) -> String {
        let mut s = match self {
            Error::Unauthorized => "Sign in first.".to_string(),
            Error::NotFound(what) => format!("There is no such {what}."),
            Error::MethodNotAllowed => "This address does not take that method.".to_string(),
            Error::InvalidParameter { name, detail } => format!("{name}: {detail}"),
            Error::UnsupportedMediaType => "The body is not of a type this address takes.".to_string(),
            Error::RateLimited { retry_after_secs } => format!("Too many requests; try again in {retry_after_secs} s."),
            Error::InvalidFields(errors) => join_fields(errors),
            Error::StaleRevision { current, kept } => match kept {
                Some(k) => format!(
                    "The story is at revision {current}; your version is kept, not applied, as revision {k}. Read it again and retry."
                ),
                None => format!("The story is at revision {current}. Read it again and retry."),
            },
            Error::Forbidden(s)
            | Error::InvalidDocument(s)
            | Error::Conflict(s)
            | Error::InvalidMedia(s)
            | Error::TooLarge(s)
            | Error::NotImplemented(s) => s.clone(),
            Error::Internal(_) => "Something went wrong on our side; nothing was half-saved. Try again.".to_string(),
        };
        if !s.ends_with(['.', '?', '!']) {
            s.push('.');
        }
        s
    }
}

impl Error {
    /// A workflow action that was not taken. The store's conflict here is about what the action
    /// was given (a schedule's time, a correction's note), so it names that field; the rest is as
    /// any save.
    pub fn from_action(action: Action, e: SaveError) -> Error {
        match e {
            SaveError::Store(StoreError::Conflict(m)) => {
                Error::field(if action == Action::Correct { "note" } else { "at" }, m)
            }
            other => other.into(),
        }
    }
}

impl From<StoreError> for Error {
    fn from(e: StoreError) -> Self {
        match e {
            e @ StoreError::NotFound { .. } => Error::NotFound(e.missing().unwrap_or_default()),
            StoreError::Conflict(m) => Error::Conflict(m),
            other => Error::Internal(other.to_string()),
        }
    }
}

impl From<newsdesk_render::RenderError> for Error {
    fn from(e: newsdesk_render::RenderError) -> Self {
        Error::Internal(e.to_string())
    }
}

impl From<WorkflowError> for Error {
    fn from(e: WorkflowError) -> Self {
        match e {
            WorkflowError::Forbidden { role, action } => {
                Error::Forbidden(format!("a {} may not {} a story", role.as_str(), action.as_str().replace('_', " ")))
            }
            WorkflowError::NotAllowedFrom { state, action } => Error::Conflict(format!(
                "a story that is {} cannot {}",
                state.as_str().replace('_', " "),
                action.as_str().replace('_', " ")
            )),
        }
    }
}

impl From<SaveError> for Error {
    fn from(e: SaveError) -> Self {
        match e {
            SaveError::Conflict { current, kept, .. } => Error::StaleRevision { current, kept: Some(kept) },
            SaveError::Workflow(w) => w.into(),
            SaveError::Store(s) => s.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use newsdesk_core::Role;
    use newsdesk_core::workflow::WorkflowState as State;

    use super::*;

    #[test]
    fn workflow_refusals_are_typed_not_parsed() {
        let forbidden = Error::from(SaveError::Workflow(WorkflowError::Forbidden {
            role: Role::Contributor,
            action: Action::Publish,
        }));
        assert_eq!(forbidden.status(), StatusCode::FORBIDDEN);
        assert_eq!(forbidden.sentence(), "a contributor may not publish a story.");
        let conflict = Error::from(WorkflowError::NotAllowedFrom { state: State::Spiked, action: Action::MarkReady });
        assert_eq!((conflict.status(), conflict.code().as_str()), (StatusCode::CONFLICT, "workflow-conflict"));
        assert_eq!(conflict.sentence(), "a story that is spiked cannot mark ready.");
    }

    #[test]
    fn a_missing_story_names_its_kind_and_id() {
        let e = Error::from(StoreError::not_found(newsdesk_store::Missing::Article, 12));
        assert_eq!(e, Error::NotFound("article 12".into()));
        assert_eq!(e.sentence(), "There is no such article 12.");
    }

    #[test]
    fn a_code_serializes_as_its_name() {
        for code in [Code::NotFound, Code::WorkflowConflict, Code::UnsupportedMediaType] {
            assert_eq!(serde_json::to_value(code).unwrap(), serde_json::json!(code.as_str()));
        }
    }

    #[test]
    fn internals_are_never_shown() {
        let e = Error::internal("disk I/O error at /var/lib/newsdesk/site.db");
        assert!(!e.sentence().contains("disk"));
        assert_eq!(e.status(), StatusCode::INTERNAL_SERVER_ERROR);
    }
}
