//! `AppError` is what handlers return. `NotFound` renders the 404 page; everything else is logged
//! in full and shown to the reader as the 500 page, without internals.

use newsdesk_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0} not found")]
    NotFound(String),
    /// A query the reader sent that cannot be read (a malformed date, say): what, and why.
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            e @ StoreError::NotFound { .. } => AppError::NotFound(e.missing().unwrap_or_default()),
            other => AppError::Internal(other.to_string()),
        }
    }
}

impl From<newsdesk_render::RenderError> for AppError {
    fn from(e: newsdesk_render::RenderError) -> Self {
        AppError::Internal(e.to_string())
    }
}
