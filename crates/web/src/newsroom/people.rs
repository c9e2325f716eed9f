//! Signing in and out, invites, and the admin pages for people and the audit log.

use crate::Error;
use axum::extract::{Path, Query, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use minijinja::context;
use newsdesk_core::Role;
use serde::Deserialize;

use super::views::{render, render_status, ser};
use super::{PreSession, Signed, blocking, client_address, failure, session_cookie};
use crate::AppState;
use newsdesk_desk::accounts::{self as auth, hash_key, valid_email};

/// The one answer to a wrong email or password, known account or not.
const WRONG: &str = "That email and password do not match an account.";
/// The one answer once attempts are throttled, known account or not.
const THROTTLED: &str = "Too many attempts. Wait a few minutes, then try again.";
/// The answer when more people sign in at once than the server checks passwords for.
const BUSY: &str = "Many people are signing in right now. Try again in a moment.";

#[derive(Debug, Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

/// Only a path inside the newsroom is a place to go after signing in (no open redirect).
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with("/newsroom") && !n.contains("//") && !n.contains('\\') => n.to_string(),
        _ => "/newsroom".to_string(),
    }
}

pub async fn login_form(Query(q): Query<NextQuery>, Extension(pre): Extension<PreSession>) -> Response {
    render("login.html", context! { next => safe_next(q.next.as_deref()), email => "", csrf => pre.0 })
}

#[derive(Debug, Deserialize)]
pub struct LoginForm {
    email: String,
    password: String,
    next: Option<String>,
}

pub async fn login(State(state): State<AppState>, req: Request) -> Response {
    let address = client_address(&state, &req);
    let pre = req.extensions().get::<PreSession>().map(|p| p.0.clone()).unwrap_or_default();
    let Form(form): Form<LoginForm> =
        match <Form<LoginForm> as axum::extract::FromRequest<()>>::from_request(req, &()).await {
            Ok(f) => f,
            Err(e) => return super::refuse(Error::InvalidDocument(format!("The sign-in form was not readable: {e}"))),
        };
    let now = state.now();
    let st = state.clone();
    let email = form.email.trim().to_lowercase();
    let (password, addr) = (form.password.clone(), address.clone());
    let em = email.clone();
    // At most a few password checks at once (each holds 19 MiB); the rest wait briefly, then
    // are asked to try again.
    let permit =
        match tokio::time::timeout(auth::PASSWORD_CHECK_WAIT, state.password_checks.clone().acquire_owned()).await {
            Ok(Ok(p)) => p,
            _ => {
                let ctx = context! { error => BUSY, email, next => safe_next(form.next.as_deref()), csrf => pre };
                return render_status(StatusCode::TOO_MANY_REQUESTS, "login.html", ctx);
            }
        };
    let outcome = blocking(move || {
        let _permit = permit;
        let keys = auth::throttle_keys(&em, addr.as_deref());
        // The attempt is counted before the password is checked, so a burst cannot race past it.
        let Some(attempt) = auth::claim_attempt(&st.store, &keys, now).map_err(failure)? else {
            return Ok(Err(StatusCode::TOO_MANY_REQUESTS));
        };
        let user = st.store.user_by_email(&em).map_err(failure)?.filter(|u| !u.disabled);
        // Unknown accounts are checked against a fixed hash too: same work, same answer.
        let ok = auth::verify_password(user.as_ref().and_then(|u| u.password_hash.as_deref()), &password);
        match user {
            Some(user) if ok => {
                let token = auth::start_session(&st.store, &user, addr.as_deref(), now).map_err(failure)?;
                st.store.forget_login_attempt(&attempt, &keys[0]).map_err(failure)?;
                st.store.audit(Some(user.id), &user.email, "login", None, addr.as_deref(), now).map_err(failure)?;
                Ok(Ok(token))
            }
            _ => {
                st.store.audit(None, &em, "login.failed", None, addr.as_deref(), now).map_err(failure)?;
                Ok(Err(StatusCode::UNAUTHORIZED))
            }
        }
    })
    .await;
    match outcome {
        Err(resp) => resp,
        Ok(Ok(token)) => {
            let cookie = session_cookie(&state, &token, auth::SESSION_HOURS * 3600);
            let to = safe_next(form.next.as_deref());
            ([(header::SET_COOKIE, cookie)], Redirect::to(&to)).into_response()
        }
        Ok(Err(status)) => {
            let error = if status == StatusCode::TOO_MANY_REQUESTS { THROTTLED } else { WRONG };
            let ctx = context! { error, email, next => safe_next(form.next.as_deref()), csrf => pre };
            render_status(status, "login.html", ctx)
        }
    }
}

pub async fn logout(State(state): State<AppState>, Extension(me): Extension<Signed>) -> Response {
    let now = state.now();
    let st = state.clone();
    let done = blocking(move || {
        st.store.revoke_session(&me.session_hash, now).map_err(failure)?;
        st.store.audit(Some(me.user.id), me.actor(), "logout", None, None, now).map_err(failure)
    })
    .await;
    if let Err(resp) = done {
        return resp;
    }
    ([(header::SET_COOKIE, session_cookie(&state, "", 0))], Redirect::to("/newsroom/login")).into_response()
}

pub async fn invite_form(
    State(state): State<AppState>,
    Path(token): Path<String>,
    Extension(pre): Extension<PreSession>,
) -> Response {
    let st = state.clone();
    match blocking(move || st.store.invite_user(&hash_key(&token), st.now()).map_err(failure)).await {
        Err(resp) => resp,
        Ok(None) => super::refuse(no_invite()),
        Ok(Some(invited)) => {
            let ctx = context! { invited => ser(&invited), min_chars => auth::MIN_PASSWORD_CHARS, csrf => pre.0 };
            render("invite.html", ctx)
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct InviteForm {
    password: String,
    repeat: String,
}

pub async fn accept_invite(
    State(state): State<AppState>,
    Path(token): Path<String>,
    Extension(pre): Extension<PreSession>,
    Form(form): Form<InviteForm>,
) -> Response {
    let now = state.now();
    let st = state.clone();
    let hash = hash_key(&token);
    let result = blocking(move || {
        let Some(invited) = st.store.invite_user(&hash, now).map_err(failure)? else { return Ok(Err(None)) };
        let problem = auth::check_password_rules(&form.password)
            .err()
            .map(|e| format!("Choose another password: {e}."))
            .or_else(|| (form.password != form.repeat).then(|| "The two passwords differ.".to_string()));
        if let Some(p) = problem {
            return Ok(Err(Some((invited, p))));
        }
        let phc = auth::hash_password(&form.password).map_err(failure)?;
        let user = st.store.accept_invite(&hash, &phc, now).map_err(failure)?;
        let token = auth::start_session(&st.store, &user, None, now).map_err(failure)?;
        Ok(Ok(token))
    })
    .await;
    match result {
        Err(resp) => resp,
        Ok(Err(None)) => super::refuse(no_invite()),
        Ok(Err(Some((invited, error)))) => render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invite.html",
            context! { invited => ser(&invited), error, min_chars => auth::MIN_PASSWORD_CHARS, csrf => pre.0 },
        ),
        Ok(Ok(token)) => {
            let cookie = session_cookie(&state, &token, auth::SESSION_HOURS * 3600);
            ([(header::SET_COOKIE, cookie)], Redirect::to("/newsroom")).into_response()
        }
    }
}

fn role_names() -> Vec<&'static str> {
    Role::ALL.iter().map(|r| r.as_str()).collect()
}

async fn users_page(state: &AppState, me: &Signed, invite_link: Option<String>, error: Option<String>) -> Response {
    let st = state.clone();
    match blocking(move || st.store.users().map_err(failure)).await {
        Err(resp) => resp,
        Ok(users) => render_status(
            if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK },
            "users.html",
            context! { me => ser(&me.user), csrf => &me.csrf, users => ser(&users), roles => role_names(), invite_link, error,
            invite_days => auth::INVITE_DAYS },
        ),
    }
}

pub async fn users(State(state): State<AppState>, Extension(me): Extension<Signed>) -> Response {
    users_page(&state, &me, None, None).await
}

#[derive(Debug, Deserialize)]
pub struct NewUserForm {
    email: String,
    name: String,
    role: String,
}

pub async fn add_user(
    State(state): State<AppState>,
    Extension(me): Extension<Signed>,
    Form(form): Form<NewUserForm>,
) -> Response {
    let Some(role) = Role::parse(&form.role) else {
        return users_page(&state, &me, None, Some(format!("There is no role {:?}.", form.role))).await;
    };
    let email = form.email.trim().to_lowercase();
    if !valid_email(&email) {
        return users_page(&state, &me, None, Some(format!("{email:?} is not an email address."))).await;
    }
    let name = form.name.trim().to_string();
    if name.is_empty() || name.chars().count() > 100 {
        return users_page(&state, &me, None, Some("A name of 1 to 100 characters is needed.".into())).await;
    }
    let st = state.clone();
    let actor = me.clone();
    let now = st.now();
    let made = blocking(move || {
        let user = match st.store.add_user(&email, &name, role, None, now) {
            Ok(u) => u,
            Err(newsdesk_store::StoreError::Conflict(m)) => return Ok(Err(m)),
            Err(e) => return Err(failure(e)),
        };
        st.store
            .audit(Some(actor.user.id), actor.actor(), "user.invite", Some(&user.email), Some(role.as_str()), now)
            .map_err(failure)?;
        auth::invite(&st.store, &user, now).map(Ok).map_err(failure)
    })
    .await;
    match made {
        Err(resp) => resp,
        Ok(Err(conflict)) => users_page(&state, &me, None, Some(conflict)).await,
        Ok(Ok(token)) => {
            let link = format!("{}/newsroom/invite/{token}", state.site.url);
            users_page(&state, &me, Some(link), None).await
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct UpdateUserForm {
    role: String,
    disabled: Option<String>,
}

pub async fn update_user(
    State(state): State<AppState>,
    Extension(me): Extension<Signed>,
    Path(id): Path<i64>,
    Form(form): Form<UpdateUserForm>,
) -> Response {
    let Some(role) = Role::parse(&form.role) else {
        return users_page(&state, &me, None, Some(format!("There is no role {:?}.", form.role))).await;
    };
    let disabled = form.disabled.is_some();
    if id == me.user.id && (disabled || role != Role::Admin) {
        return users_page(&state, &me, None, Some("You cannot demote or disable yourself.".into())).await;
    }
    let st = state.clone();
    let actor = me.clone();
    let done = blocking(move || {
        st.store.update_user(id, role, disabled, (Some(actor.user.id), actor.actor()), st.now()).map_err(failure)
    })
    .await;
    match done {
        Err(resp) => resp,
        Ok(()) => Redirect::to("/newsroom/users").into_response(),
    }
}

pub async fn audit(State(state): State<AppState>, Extension(me): Extension<Signed>) -> Response {
    let st = state.clone();
    let tz = state.site.time_zone.clone();
    match blocking(move || st.store.audit_log(500).map_err(failure)).await {
        Err(resp) => resp,
        Ok(entries) => {
            let entries: Vec<_> = entries
                .into_iter()
                .map(|e| {
                    context! { at => super::form::local_time(e.at, &tz), actor => e.actor.clone(), action => e.action.clone(),
                               target => e.target.clone(), detail => e.detail.clone() }
                })
                .collect();
            render("audit.html", context! { me => ser(&me.user), csrf => &me.csrf, entries })
        }
    }
}

/// An invite link that leads nowhere (used, expired or mistyped): what its holder is told.
fn no_invite() -> Error {
    Error::NotFound(
        "invite at this link (it is used up, has expired or was mistyped; ask an admin for a new one)".into(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_newsroom_paths_are_followed_after_sign_in() {
        assert_eq!(safe_next(Some("/newsroom/stories/4")), "/newsroom/stories/4");
        assert_eq!(safe_next(Some("https://evil.example/")), "/newsroom");
        assert_eq!(safe_next(Some("/newsroom//evil.example")), "/newsroom");
        assert_eq!(safe_next(None), "/newsroom");
    }

    #[test]
    fn emails() {
        assert!(valid_email("a@example.org"));
        assert!(!valid_email("a@localhost"));
        assert!(!valid_email("a b@example.org"));
        assert!(!valid_email("@example.org"));
    }
}
