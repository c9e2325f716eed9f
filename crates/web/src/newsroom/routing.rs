//! Routing rules and polled sources, for editors: the ordered rules that file incoming items
//! (section, tags, and for pushes and polled sources whether they are published, queued or
//! skipped), and a "poll now" for a source. Sources themselves are added from the command line
//! (`newsdesk sources add`); their status is on the wire page for the whole desk.

use crate::Error;
use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::context;
use newsdesk_core::routing::{RoutingRule, RuleAction, RuleField};
use newsdesk_store::StoreError;
use serde::Deserialize;

use super::views::{render_status, ser};
use super::{Signed, blocking, failure, refuse};
use crate::AppState;

#[derive(Debug, Default, Deserialize)]
pub struct RuleForm {
    #[serde(default)]
    id: i64,
    #[serde(default)]
    name: String,
    #[serde(default)]
    field: String,
    #[serde(default)]
    pattern: String,
    #[serde(default)]
    section: String,
    #[serde(default)]
    tags: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    enabled: Option<String>,
}

impl RuleForm {
    fn from_rule(r: &RoutingRule) -> RuleForm {
        RuleForm {
            id: r.id,
            name: r.name.clone(),
            field: r.field.as_str().into(),
            pattern: r.pattern.clone(),
            section: r.section.clone().unwrap_or_default(),
            tags: r.tags.join(", "),
            action: r.action.as_str().into(),
            enabled: r.enabled.then(|| "on".into()),
        }
    }

    /// The rule, or each field's problem.
    fn rule(&self) -> Result<RoutingRule, Vec<(&'static str, String)>> {
        let mut problems = vec![];
        let field = RuleField::parse(&self.field);
        if field.is_none() {
            problems.push(("field", "Choose what the rule looks at.".to_string()));
        }
        let action = RuleAction::parse(&self.action);
        if action.is_none() {
            problems.push(("action", "Choose what happens to a match.".to_string()));
        }
        let rule = RoutingRule {
            id: self.id,
            name: super::form::clean(&self.name),
            field: field.unwrap_or(RuleField::Keyword),
            pattern: self.pattern.trim().to_string(),
            section: Some(super::form::clean(&self.section)).filter(|s| !s.is_empty()),
            tags: self.tags.split(',').map(super::form::clean).filter(|t| !t.is_empty()).collect(),
            action: action.unwrap_or(RuleAction::Queue),
            enabled: self.enabled.is_some(),
        };
        problems.extend(rule.problems());
        if problems.is_empty() { Ok(rule) } else { Err(problems) }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct PageQuery {
    #[serde(default)]
    edit: Option<i64>,
}

/// The routing rules page, or the refusal when the rules cannot be read.
async fn page(
    state: &AppState,
    me: &Signed,
    form: RuleForm,
    errors: Vec<(&'static str, String)>,
    status: StatusCode,
) -> Response {
    rules_page(state, me, form, errors, status).await.unwrap_or_else(|refused| refused)
}

async fn rules_page(
    state: &AppState,
    me: &Signed,
    form: RuleForm,
    errors: Vec<(&'static str, String)>,
    status: StatusCode,
) -> Result<Response, Response> {
    let st = state.clone();
    let rules = blocking(move || st.store.routing_rules().map_err(failure)).await?;
    let errors: std::collections::BTreeMap<&str, String> = errors.into_iter().collect();
    let fields: Vec<_> = RuleField::ALL.iter().map(|f| f.as_str()).collect();
    let actions: Vec<_> = RuleAction::ALL.iter().map(|a| a.as_str()).collect();
    // A blank form (a new rule) starts switched on.
    let enabled = form.enabled.is_some() || (form.id == 0 && form.name.is_empty());
    let form = context! {
        id => form.id, name => form.name, field => form.field, pattern => form.pattern, section => form.section,
        tags => form.tags, action => form.action, enabled,
    };
    Ok(render_status(
        status,
        "routing.html",
        context! { me => ser(&me.user), csrf => &me.csrf, rules => ser(&rules), form, errors, fields, actions },
    ))
}

pub async fn rules(
    State(state): State<AppState>,
    Extension(me): Extension<Signed>,
    Query(q): Query<PageQuery>,
) -> Result<Response, Response> {
    let form = match q.edit {
        None => RuleForm::default(),
        Some(id) => {
            let st = state.clone();
            let rules = blocking(move || st.store.routing_rules().map_err(failure)).await?;
            match rules.iter().find(|r| r.id == id) {
                Some(r) => RuleForm::from_rule(r),
                None => return Ok(refuse(Error::NotFound("routing rule".into()))),
            }
        }
    };
    Ok(page(&state, &me, form, vec![], StatusCode::OK).await)
}

/// Adds a rule, or changes one (`id`); a refused form comes back with each field's problem.
pub async fn save(
    State(state): State<AppState>,
    Extension(me): Extension<Signed>,
    axum::Form(form): axum::Form<RuleForm>,
) -> Response {
    let rule = match form.rule() {
        Ok(r) => r,
        Err(problems) => return page(&state, &me, form, problems, StatusCode::UNPROCESSABLE_ENTITY).await,
    };
    let st = state.clone();
    let who = me.clone();
    let saved = blocking(move || {
        let now = st.now();
        match st.store.save_routing_rule(&rule, now) {
            Ok(id) => {
                let detail = format!("{} {:?} -> {}", rule.field.as_str(), rule.pattern, rule.action.as_str());
                st.store
                    .audit(
                        Some(who.user.id),
                        who.actor(),
                        "routing.save",
                        Some(&format!("rule {id}")),
                        Some(&detail),
                        now,
                    )
                    .map_err(failure)?;
                Ok(true)
            }
            Err(StoreError::NotFound { .. }) => Ok(false),
            Err(e) => Err(failure(e)),
        }
    })
    .await;
    match saved {
        Err(resp) => resp,
        Ok(false) => refuse(Error::NotFound("routing rule".into())),
        Ok(true) => Redirect::to("/newsroom/routing").into_response(),
    }
}

#[derive(Debug, Deserialize)]
pub struct ChangeForm {
    #[serde(default)]
    change: String,
}

/// Moves a rule up or down, turns it on or off, or deletes it.
pub async fn change(
    State(state): State<AppState>,
    Extension(me): Extension<Signed>,
    Path(id): Path<i64>,
    axum::Form(form): axum::Form<ChangeForm>,
) -> Response {
    let st = state.clone();
    let who = me.clone();
    let done = blocking(move || {
        let result = match form.change.as_str() {
            "up" | "down" => st.store.move_routing_rule(id, form.change == "up"),
            "delete" => st.store.delete_routing_rule(id),
            "enable" | "disable" => {
                let rules = st.store.routing_rules().map_err(failure)?;
                match rules.into_iter().find(|r| r.id == id) {
                    Some(r) => {
                        let r = RoutingRule { enabled: form.change == "enable", ..r };
                        st.store.save_routing_rule(&r, st.now()).map(|_| ())
                    }
                    None => Err(StoreError::not_found(newsdesk_store::Missing::RoutingRule, id)),
                }
            }
            _ => return Ok(Some(Error::InvalidDocument("Choose up, down, enable, disable or delete.".into()))),
        };
        match result {
            Ok(()) => {
                let target = format!("rule {id}");
                st.store
                    .audit(
                        Some(who.user.id),
                        who.actor(),
                        "routing.change",
                        Some(&target),
                        Some(&form.change),
                        st.now(),
                    )
                    .map_err(failure)?;
                Ok(None)
            }
            Err(e @ StoreError::NotFound { .. }) => Ok(Some(e.into())),
            Err(e) => Err(failure(e)),
        }
    })
    .await;
    match done {
        Err(resp) => resp,
        Ok(Some(e)) => refuse(e),
        Ok(None) => Redirect::to("/newsroom/routing").into_response(),
    }
}

/// Asks for a source to be polled at the server's next pass (within a second).
pub async fn poll_source(
    State(state): State<AppState>,
    Extension(me): Extension<Signed>,
    Path(id): Path<i64>,
) -> Response {
    let st = state.clone();
    let who = me.clone();
    let done = blocking(move || {
        let now = st.now();
        match st.store.poll_source_now(id, now) {
            Ok(()) => {
                st.store
                    .audit(Some(who.user.id), who.actor(), "source.poll", Some(&format!("source {id}")), None, now)
                    .map_err(failure)?;
                Ok(true)
            }
            Err(StoreError::NotFound { .. }) => Ok(false),
            Err(e) => Err(failure(e)),
        }
    })
    .await;
    match done {
        Err(resp) => resp,
        Ok(false) => refuse(Error::NotFound("source".into())),
        Ok(true) => Redirect::to("/newsroom/wire?notice=polling#sources").into_response(),
    }
}
