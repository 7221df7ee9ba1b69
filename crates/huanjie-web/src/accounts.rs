//! Accounts and sessions, shared by the JSON API and the pages: first-run
//! set-up, sign-in, sign-out and new observer (or committee) accounts.

use chrono::{DateTime, Utc};
use huanjie_store::{NewUser, Role, StoreError, User};

use crate::error::{FieldError, HttpError, Message};
use crate::secrets::{self, SESSION_PREFIX};
use crate::state::AppState;

/// A session just started: the secret goes to the client once.
#[derive(Debug, Clone)]
pub struct StartedSession {
    pub user: User,
    pub secret: String,
    pub expires_at: DateTime<Utc>,
}

/// Username and password as typed, checked for shape.
pub fn check_credentials_shape(username: &str, password: &str) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let name = username.trim();
    let name_len = name.chars().count();
    if name.is_empty() {
        errors.push(FieldError::new(
            "username",
            |t| t.field_username,
            "required",
            |t| t.rule_required,
            &[],
        ));
    } else if !(2..=64).contains(&name_len)
        || name.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        errors.push(FieldError::new(
            "username",
            |t| t.field_username,
            "username_shape",
            |t| t.rule_username_shape,
            &[],
        ));
    }
    let pw_len = password.chars().count();
    if password.is_empty() {
        errors.push(FieldError::new(
            "password",
            |t| t.field_password,
            "required",
            |t| t.rule_required,
            &[],
        ));
    } else if !(10..=256).contains(&pw_len) {
        errors.push(FieldError::new(
            "password",
            |t| t.field_password,
            "password_length",
            |t| t.rule_password_length,
            &[],
        ));
    }
    errors
}

/// Exchanges the one-time set-up code for the first committee account and
/// signs it in. Field errors first; then "already done" (409) or "wrong
/// code" (400). Nothing is written unless everything holds.
pub async fn first_run_setup(
    state: &AppState,
    code: &str,
    username: &str,
    password: &str,
) -> Result<StartedSession, HttpError> {
    let mut errors = Vec::new();
    if code.trim().is_empty() {
        errors.push(FieldError::new(
            "code",
            |t| t.field_setup_code,
            "required",
            |t| t.rule_required,
            &[],
        ));
    }
    errors.extend(check_credentials_shape(username, password));
    if !errors.is_empty() {
        return Err(HttpError::Invalid(errors));
    }
    if state.store.count_users().await? > 0 {
        return Err(HttpError::Conflict(Message::from_table(
            "setup_done",
            |t| t.err_setup_done,
            &[],
        )));
    }
    let new = NewUser {
        username: username.trim().to_owned(),
        role: Role::Committee,
        password_hash: state.hash_password(password.to_owned()).await?,
    };
    let claimed = state
        .store
        .claim_setup(secrets::setup_code_hash(code), &new, state.clock.now())
        .await?;
    match claimed {
        Some(user) => {
            tracing::info!(username = %user.username, "first-run set-up done: first committee account created");
            start_session(state, user).await
        }
        None if state.store.count_users().await? > 0 => Err(HttpError::Conflict(
            Message::from_table("setup_done", |t| t.err_setup_done, &[]),
        )),
        None => Err(HttpError::Invalid(vec![FieldError::new(
            "code",
            |t| t.field_setup_code,
            "setup_code_invalid",
            |t| t.err_setup_code_invalid,
            &[],
        )])),
    }
}

/// Username + password → session. Every failure is the same
/// [`HttpError::SignInFailed`], and takes the same time.
pub async fn sign_in(
    state: &AppState,
    username: &str,
    password: &str,
) -> Result<StartedSession, HttpError> {
    let user = state.store.find_user_by_name(username.trim()).await?;
    let ok = state
        .verify_password(user.as_ref(), password.to_owned())
        .await?;
    match user {
        Some(user) if ok && user.role != Role::Clerk => start_session(state, user).await,
        _ => {
            tracing::info!("sign-in refused");
            Err(HttpError::SignInFailed)
        }
    }
}

/// A new random session secret for `user`; only its hash is stored.
pub async fn start_session(state: &AppState, user: User) -> Result<StartedSession, HttpError> {
    let secret = secrets::new_token(&state.rng, SESSION_PREFIX)
        .map_err(|_| HttpError::Internal(anyhow::anyhow!("the system random source failed")))?;
    let now = state.clock.now();
    let expires_at = now + state.settings.session_ttl;
    state
        .store
        .create_session(user.id, secret.hash, now, expires_at)
        .await?;
    tracing::info!(username = %user.username, role = user.role.as_str(), "signed in");
    Ok(StartedSession {
        user,
        secret: secret.plain,
        expires_at,
    })
}

/// Ends the session whose hash this is.
pub async fn sign_out(state: &AppState, session_hash: [u8; 32]) -> Result<(), HttpError> {
    state.store.delete_session(session_hash).await?;
    Ok(())
}

/// A committee member adds an account. Clerks get station tokens instead.
pub async fn create_user(
    state: &AppState,
    username: &str,
    password: &str,
    role: &str,
) -> Result<User, HttpError> {
    let mut errors = check_credentials_shape(username, password);
    let role = match Role::parse(role.trim()) {
        Some(r @ (Role::Committee | Role::Observer)) => Some(r),
        _ => {
            errors.push(FieldError::new(
                "role",
                |t| t.field_role,
                "user_role",
                |t| t.rule_user_role,
                &[],
            ));
            None
        }
    };
    let Some(role) = role.filter(|_| errors.is_empty()) else {
        return Err(HttpError::Invalid(errors));
    };
    let new = NewUser {
        username: username.trim().to_owned(),
        role,
        password_hash: state.hash_password(password.to_owned()).await?,
    };
    match state.store.create_user(&new, state.clock.now()).await {
        Ok(user) => {
            tracing::info!(username = %user.username, role = role.as_str(), "account created");
            Ok(user)
        }
        Err(StoreError::Conflict(_)) => Err(HttpError::Conflict(Message::from_table(
            "username_taken",
            |t| t.err_username_taken,
            &[new.username.as_str()],
        ))),
        Err(other) => Err(other.into()),
    }
}
