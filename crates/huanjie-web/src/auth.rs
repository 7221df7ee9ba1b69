//! Who is asking, and what they may do.
//!
//! Three roles (GLOSSARY: election committee, station clerk, observer):
//! - committee members and observers sign in with username and password and
//!   get a session secret, sent back as the `huanjie_session` cookie (pages)
//!   or `Authorization: Bearer hjs_…` (API);
//! - station clerks have no account: a committee member issues them a
//!   station token (`Authorization: Bearer hjt_…`) bound to one election and
//!   one polling station, with an expiry, revocable at any time. A clerk's
//!   browser (the station's tablet) holds it in the `huanjie_station` cookie,
//!   set by the page `/station` where the clerk types it in.
//!
//! [`resolve_principal`] runs once per request, before any handler: it turns
//! the credentials into a [`Principal`] in the request extensions and
//! refuses observers on every state-changing method, so a route added later
//! cannot forget to.
//!
//! An election whose observer access is `public` (issue 8) may be read by
//! anyone without signing in, but only through the observer portal's pages
//! and the API reads behind them ([`public_portal_election`]): for a GET or
//! HEAD there and nothing else, "nobody" becomes [`Principal::Public`],
//! scoped to that one election and with the observer's read-only role.

use std::convert::Infallible;

use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use huanjie_store::{ObserverAccess, Role, StationToken, User};
use uuid::Uuid;

use crate::error::HttpError;
use crate::i18n::Lang;
use crate::pages::PageError;
use crate::secrets::{self, SESSION_PREFIX, STATION_TOKEN_PREFIX};
use crate::state::AppState;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "huanjie_session";

/// The cookie a clerk's browser holds its station token in (pages and
/// same-origin API calls); HttpOnly and SameSite=Strict like the session's.
pub const STATION_COOKIE: &str = "huanjie_station";

/// How the credentials arrived; cookies need a cross-site check, bearer
/// headers cannot be sent by another site's form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    Cookie,
    Bearer,
}

/// A signed-in caller.
#[derive(Debug, Clone)]
pub enum Principal {
    /// A committee member or observer with a session.
    User {
        user: User,
        session_hash: [u8; 32],
        expires_at: chrono::DateTime<chrono::Utc>,
        via: Via,
    },
    /// A station clerk with a station token.
    Clerk(StationToken),
    /// Nobody signed in, reading the observer portal of an election set
    /// `public`: an observer of that one election, for GET and HEAD only.
    Public { election_id: Uuid },
}

impl Principal {
    pub fn role(&self) -> Role {
        match self {
            Principal::User { user, .. } => user.role,
            Principal::Clerk(_) => Role::Clerk,
            Principal::Public { .. } => Role::Observer,
        }
    }

    /// Committee-only actions: creating elections, issuing tokens, users.
    pub fn require_committee(&self) -> Result<(), HttpError> {
        if self.role() == Role::Committee {
            Ok(())
        } else {
            Err(HttpError::Forbidden)
        }
    }

    /// Committee members and observers see every election; a clerk only the
    /// one their token is bound to.
    pub fn can_see_election(&self, election_id: Uuid) -> bool {
        match self {
            Principal::User { .. } => true,
            Principal::Clerk(token) => token.election_id == election_id,
            Principal::Public {
                election_id: public,
            } => *public == election_id,
        }
    }

    /// Station-scoped actions: a clerk only at their own station.
    pub fn require_station(&self, election_id: Uuid, station: &str) -> Result<(), HttpError> {
        match self {
            Principal::User { .. } => Ok(()),
            Principal::Clerk(token)
                if token.election_id == election_id && token.station == station =>
            {
                Ok(())
            }
            Principal::Clerk(_) | Principal::Public { .. } => Err(HttpError::Forbidden),
        }
    }

    /// Who signs a step in the records: the user's name ("?" for a token,
    /// which cannot take committee steps anyway).
    pub fn username(&self) -> String {
        self.user()
            .map_or_else(|| "?".to_owned(), |u| u.username.clone())
    }

    /// Readers of an election's registration and nomination records: the
    /// committee and observers, not station clerks.
    pub fn require_reader(&self) -> Result<(), HttpError> {
        if self.role() == Role::Clerk {
            Err(HttpError::Forbidden)
        } else {
            Ok(())
        }
    }

    /// The signed-in user, if this is a session (not a station token).
    pub fn user(&self) -> Option<&User> {
        match self {
            Principal::User { user, .. } => Some(user),
            Principal::Clerk(_) | Principal::Public { .. } => None,
        }
    }
}

/// The observer portal's pages and the API reads behind them, after
/// `/elections/{id}`: what an election set `public` opens to anyone (GET
/// and HEAD only). Nothing here changes state, and nothing here shows what
/// an observer may not see (resident IDs come masked to observers).
const PUBLIC_PAGES: &[&str] = &["/observe", "/count"];
const PUBLIC_API_READS: &[&str] = &[
    "",
    "/count",
    "/count/events",
    "/reconciliation",
    "/result",
    "/case",
    "/certification",
    "/public-key",
    "/roll-changes",
    "/audit",
    "/audit/checkpoints",
    "/audit/verify",
    "/audit/export",
];

/// The election a public-portal address names (`/elections/{id}/observe…`,
/// `/elections/{id}/count`, or one of [`PUBLIC_API_READS`] under
/// `/api/v1`), if it is one.
pub fn public_portal_election(path: &str) -> Option<Uuid> {
    let (api, rest) = match path.strip_prefix("/api/v1/elections/") {
        Some(rest) => (true, rest),
        None => (false, path.strip_prefix("/elections/")?),
    };
    let (id, tail) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let id = Uuid::parse_str(id).ok()?;
    let open = if api {
        PUBLIC_API_READS.contains(&tail)
    } else {
        PUBLIC_PAGES.contains(&tail)
            || tail
                .strip_prefix("/observe/")
                .is_some_and(|page| !page.is_empty() && !page.contains('/'))
    };
    open.then_some(id)
}

/// Routes that create or end one's own session, and the first-run set-up:
/// they change no election data, and an observer must be able to sign out.
const OBSERVER_MAY_POST: &[&str] = &[
    "/api/v1/sessions",
    "/api/v1/sessions/current",
    "/api/v1/setup",
    "/signin",
    "/signout",
    "/setup",
    "/station",
    "/station/signout",
];

/// Middleware: resolves credentials to a [`Principal`] and applies the
/// rules that hold for every route (observers read only; cookie-borne
/// state changes must come from this site).
pub async fn resolve_principal(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    let is_api = req.uri().path().starts_with("/api/");
    let refuse = |err: HttpError, parts_lang: Lang| -> Response {
        if is_api {
            err.into_response()
        } else {
            PageError::new(err, parts_lang).into_response()
        }
    };
    let lang = lang_of(req.headers(), req.uri().query());
    let principal = match principal_from_headers(&state, req.headers()).await {
        Ok(p) => p,
        Err(err) => return refuse(err, lang),
    };
    let changes_state = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if changes_state {
        let exempt = OBSERVER_MAY_POST.contains(&req.uri().path());
        if let Some(p) = &principal {
            if p.role() == Role::Observer && !exempt {
                return refuse(HttpError::Forbidden, lang);
            }
        }
        // Without a bearer header the principal came from a cookie: the
        // session's or, for a clerk, the station cookie.
        let cookie_borne = principal.is_some() && bearer(req.headers()).is_none();
        if (cookie_borne || !is_api) && !same_origin(req.headers()) {
            return refuse(HttpError::Forbidden, lang);
        }
    }
    let principal = match principal {
        Some(p) => Some(p),
        None if !changes_state && *req.method() != Method::OPTIONS => {
            match public_reader(&state, req.uri().path()).await {
                Ok(p) => p,
                Err(err) => return refuse(err, lang),
            }
        }
        None => None,
    };
    if let Some(p) = principal {
        req.extensions_mut().insert(p);
    }
    next.run(req).await
}

/// "Nobody" reading a public election's portal: [`Principal::Public`]
/// (issue 8). Only for the portal's addresses, and only when the
/// election's observer access is `public` at this request.
async fn public_reader(state: &AppState, path: &str) -> Result<Option<Principal>, HttpError> {
    let Some(election_id) = public_portal_election(path) else {
        return Ok(None);
    };
    let access = state.store.observer_access(election_id).await?;
    Ok((access == ObserverAccess::Public).then_some(Principal::Public { election_id }))
}

fn lang_of(headers: &HeaderMap, query: Option<&str>) -> Lang {
    crate::i18n::query_lang(query)
        .or_else(|| cookie(headers, crate::i18n::LANG_COOKIE).and_then(|v| Lang::parse(&v)))
        .unwrap_or_default()
}

/// A browser says where a form was posted from; when it does, that must be
/// this server (SameSite=Strict already keeps the cookie off cross-site
/// posts; this is the second lock).
fn same_origin(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return true;
    };
    let Some(host) = headers.get(header::HOST).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let authority = origin
        .split_once("://")
        .map(|(_, rest)| rest)
        .unwrap_or(origin);
    authority.eq_ignore_ascii_case(host)
}

/// Looks the presented secret up. Unknown, expired or revoked secrets
/// resolve to "nobody" (the handler then answers 401), not to an error.
async fn principal_from_headers(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Option<Principal>, HttpError> {
    let (secret, via) = match bearer(headers) {
        Some(token) => (token, Via::Bearer),
        None => match cookie(headers, SESSION_COOKIE) {
            Some(token) => (token, Via::Cookie),
            None => match cookie(headers, STATION_COOKIE) {
                Some(token) if token.starts_with(STATION_TOKEN_PREFIX) => {
                    let hash = secrets::sha256(token.as_bytes());
                    let found = state
                        .store
                        .find_station_token(hash, state.clock.now())
                        .await?;
                    return Ok(found.map(Principal::Clerk));
                }
                _ => return Ok(None),
            },
        },
    };
    let hash = secrets::sha256(secret.as_bytes());
    let now = state.clock.now();
    if secret.starts_with(STATION_TOKEN_PREFIX) && via == Via::Bearer {
        let token = state.store.find_station_token(hash, now).await?;
        return Ok(token.map(Principal::Clerk));
    }
    if !secret.starts_with(SESSION_PREFIX) {
        return Ok(None);
    }
    let found = state.store.find_session(hash, now).await?;
    Ok(found.and_then(|(session, user)| {
        // A clerk never has a session; a row saying otherwise is ignored.
        (user.role != Role::Clerk).then_some(Principal::User {
            user,
            session_hash: session.token_hash,
            expires_at: session.expires_at,
            via,
        })
    }))
}

/// The `Authorization: Bearer …` secret, if any.
pub fn bearer(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_owned())
        .filter(|t| !t.is_empty())
}

/// The value of cookie `name`, from any `Cookie` header.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim().to_owned())
}

/// `Set-Cookie` for a new session: HttpOnly (no script can read it),
/// SameSite=Strict (no other site can make the browser send it).
pub fn session_cookie(
    secret: &str,
    max_age_secs: i64,
    secure: bool,
) -> Result<HeaderValue, HttpError> {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}={secret}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age_secs}{secure}"
    ))
    .map_err(|e| HttpError::Internal(anyhow::Error::new(e).context("building the session cookie")))
}

/// `Set-Cookie` for a clerk's station token, the same flags as a session's;
/// it lasts as long as the token (a revoked token stops working at once).
pub fn station_cookie(
    secret: &str,
    max_age_secs: i64,
    secure: bool,
) -> Result<HeaderValue, HttpError> {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{STATION_COOKIE}={secret}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age_secs}{secure}"
    ))
    .map_err(|e| HttpError::Internal(anyhow::Error::new(e).context("building the station cookie")))
}

/// `Set-Cookie` that removes the station cookie.
pub fn clear_station_cookie(secure: bool) -> HeaderValue {
    if secure {
        HeaderValue::from_static(
            "huanjie_station=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0; Secure",
        )
    } else {
        HeaderValue::from_static("huanjie_station=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0")
    }
}

/// `Set-Cookie` that removes the session cookie.
pub fn clear_session_cookie(secure: bool) -> HeaderValue {
    if secure {
        HeaderValue::from_static(
            "huanjie_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0; Secure",
        )
    } else {
        HeaderValue::from_static("huanjie_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0")
    }
}

impl FromRequestParts<AppState> for Principal {
    type Rejection = HttpError;

    async fn from_request_parts(
        parts: &mut Parts,
        _state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Principal>()
            .cloned()
            .ok_or(HttpError::Unauthenticated)
    }
}

/// The caller if signed in; for pages that redirect instead of refusing.
#[derive(Debug, Clone)]
pub struct MaybePrincipal(pub Option<Principal>);

impl FromRequestParts<AppState> for MaybePrincipal {
    type Rejection = Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        _state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(MaybePrincipal(parts.extensions.get::<Principal>().cloned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (k, v) in pairs {
            map.append(*k, HeaderValue::from_str(v).unwrap());
        }
        map
    }

    #[test]
    fn public_portal_addresses_are_the_portal_and_its_reads_only() {
        let id = "6f1c2a3b-0000-4000-8000-000000000001";
        let uuid = Uuid::parse_str(id).unwrap();
        for open in [
            format!("/elections/{id}/observe"),
            format!("/elections/{id}/observe/audit"),
            format!("/elections/{id}/count"),
            format!("/api/v1/elections/{id}"),
            format!("/api/v1/elections/{id}/count/events"),
            format!("/api/v1/elections/{id}/audit/export"),
            format!("/api/v1/elections/{id}/roll-changes"),
        ] {
            assert_eq!(public_portal_election(&open), Some(uuid), "{open}");
        }
        for closed in [
            format!("/elections/{id}"),
            format!("/elections/{id}/outcome"),
            format!("/elections/{id}/observe/"),
            format!("/elections/{id}/observe/a/b"),
            format!("/elections/{id}/roll"),
            format!("/api/v1/elections/{id}/residents"),
            format!("/api/v1/elections/{id}/registration"),
            format!("/api/v1/elections/{id}/station-tokens"),
            format!("/api/v1/elections/{id}/stations/central/count-sheet"),
            format!("/api/v1/elections/{id}/voter-list.xlsx"),
            "/api/v1/elections/not-a-uuid/count".to_owned(),
            "/api/v1/audit".to_owned(),
            "/elections".to_owned(),
        ] {
            assert_eq!(public_portal_election(&closed), None, "{closed}");
        }
    }

    #[test]
    fn a_public_reader_sees_one_election_and_no_station() {
        let id = Uuid::new_v4();
        let p = Principal::Public { election_id: id };
        assert_eq!(p.role(), Role::Observer);
        assert!(p.can_see_election(id));
        assert!(!p.can_see_election(Uuid::new_v4()));
        assert!(p.require_committee().is_err());
        assert!(p.require_station(id, "central").is_err());
        assert!(p.user().is_none());
    }

    #[test]
    fn bearer_is_read_case_insensitively() {
        assert_eq!(
            bearer(&headers(&[("authorization", "Bearer abc")])).as_deref(),
            Some("abc")
        );
        assert_eq!(
            bearer(&headers(&[("authorization", "bearer  abc ")])).as_deref(),
            Some("abc")
        );
        assert_eq!(bearer(&headers(&[("authorization", "Basic abc")])), None);
        assert_eq!(bearer(&headers(&[])), None);
    }

    #[test]
    fn cookies_from_any_header() {
        let h = headers(&[
            ("cookie", "a=1; lang=en"),
            ("cookie", "huanjie_session=hjs_x"),
        ]);
        assert_eq!(cookie(&h, "lang").as_deref(), Some("en"));
        assert_eq!(cookie(&h, SESSION_COOKIE).as_deref(), Some("hjs_x"));
        assert_eq!(cookie(&h, "missing"), None);
    }

    #[test]
    fn origin_must_match_host_when_present() {
        assert!(same_origin(&headers(&[("host", "127.0.0.1:80")])));
        assert!(same_origin(&headers(&[
            ("host", "127.0.0.1:80"),
            ("origin", "http://127.0.0.1:80")
        ])));
        assert!(!same_origin(&headers(&[
            ("host", "127.0.0.1:80"),
            ("origin", "https://evil.example")
        ])));
    }

    #[test]
    fn session_cookie_flags() {
        let c = session_cookie("hjs_x", 60, false).unwrap();
        let c = c.to_str().unwrap();
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Strict") && !c.contains("Secure"));
        assert!(session_cookie("hjs_x", 60, true)
            .unwrap()
            .to_str()
            .unwrap()
            .ends_with("; Secure"));
    }

    #[test]
    fn station_cookie_flags_and_name() {
        let c = station_cookie("hjt_x", 60, false).unwrap();
        let c = c.to_str().unwrap();
        assert!(c.starts_with("huanjie_station=hjt_x;"), "{c}");
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Strict") && !c.contains("Secure"));
        assert!(c.contains("Max-Age=60"));
        let cleared = clear_station_cookie(true);
        let cleared = cleared.to_str().unwrap();
        assert!(cleared.starts_with("huanjie_station=;") && cleared.contains("Max-Age=0"));
        // The station cookie is its own: never read as the session's.
        let h = headers(&[("cookie", "huanjie_station=hjt_x")]);
        assert_eq!(cookie(&h, STATION_COOKIE).as_deref(), Some("hjt_x"));
        assert_eq!(cookie(&h, SESSION_COOKIE), None);
    }
}
