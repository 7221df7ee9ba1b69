//! Observer access (issue 8), the step the API and the election page
//! share: the committee sets an election's observer portal `public`
//! (anyone may read it without signing in) or `token` (observers sign in
//! with their own accounts; the default).
//!
//! There is no separate shareable "observer token": a `public` election
//! already gives anyone a link that reads everything an observer may read,
//! and a signed-in observer is a named account whose reads and refused
//! attempts the audit log records under their name, so a third kind of
//! secret would add a way in without adding a reader.

use huanjie_store::{Election, ObserverAccess};

use crate::error::{HttpError, Message};
use crate::state::AppState;

/// `public` or `token`; anything else is refused naming the field.
pub fn parse_access(raw: &str) -> Result<ObserverAccess, HttpError> {
    ObserverAccess::parse(raw.trim()).ok_or_else(|| {
        HttpError::BadRequest(Message::from_table(
            "observer_access",
            |t| t.ob_access_bad,
            &[],
        ))
    })
}

/// Stores the setting, by whom and when (one transaction; the request
/// itself is logged by the audit middleware).
pub async fn set(
    state: &AppState,
    election: &Election,
    access: ObserverAccess,
    by: &str,
) -> Result<(), HttpError> {
    state
        .store
        .set_observer_access(election.id, access, by, state.clock.now())
        .await?;
    tracing::info!(election_id = %election.id, access = access.as_str(), "observer access set");
    Ok(())
}
