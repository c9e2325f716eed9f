//! The newsroom's domain: articles and their parts, slugs, reading time, dates as readers see
//! them, and the workflow states. No I/O here: no network, no disk, no clock (callers pass `now`),
//! so everything is cheap to test and safe to fuzz. Every other crate depends on this one.

pub mod article;
pub mod dates;
pub mod diff;
pub mod embed;
pub mod inline;
pub mod input;
pub mod markup;
pub mod picture;
pub mod reading;
pub mod routing;
pub mod slug;
#[doc(hidden)]
pub mod testing;
pub mod workflow;

pub use article::{Article, ArticleId, Block, Correction, LeadImage, Promo, Section};
pub use inline::{Mark, MarkKind};
pub use slug::{Slug, SlugError};
pub use workflow::{Action, Role, WorkflowError, WorkflowState};
