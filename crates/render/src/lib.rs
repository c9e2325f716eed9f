//! Everything that becomes HTML: themes (minijinja templates loaded at run time, with the
//! default theme embedded in the binary as the fallback) and the view models pages are built
//! from. HTML lives only in templates; this crate does no I/O except reading a theme folder.

pub mod feeds;
pub mod newsroom;
pub mod structured;
mod theme;
mod views;

pub use theme::{RenderError, Theme, ThemeOptions};
pub use views::{
    ArticleCard, ArticlePage, ArticleView, AuthorView, DateView, EmbedCard, ErrorPage, FeedLink, HomePage, ImageView,
    NavSection, PersonLink, PictureSource, SearchHitView, SearchPage, SectionBlock, SectionLink, SectionPage, SiteView,
    SocialImage, article_view, card, date_view, image_view,
};
