//! Reading a ballot's serial from a picture (issue 6): the station page's
//! camera button sends a frame of the tablet's camera every few hundred
//! milliseconds, and the QR code in it, if any, comes back as the serial
//! as printed, for the count form's serial field.
//!
//! `POST /api/v1/elections/{id}/stations/{station}/read-serial` with an
//! image as the body (PNG, JPEG, TIFF or PDF: the first page only, at most
//! [`READ_SERIAL_LIMIT`] bytes); the committee or the station's clerk.
//! 200 `{"serial": "HJ1-…"}`; 422 `{"error": {"code": "qr_unreadable", …}}`
//! when no QR code can be read (the usual answer while the camera is still
//! finding the ballot), `qr_not_serial` when the code is not a ballot
//! serial. Nothing is stored and the tag is not checked here: counting the
//! ballot checks it (R-POLL-5).

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use huanjie_store::Role;
use serde_json::json;

use super::roll::election_for;
use crate::auth::Principal;
use crate::error::HttpError;
use crate::state::AppState;

/// The most bytes one picture may have: a camera frame as PNG is well
/// under 2 MB; a phone's full-size JPEG under 8 MB.
pub const READ_SERIAL_LIMIT: usize = 8 * 1024 * 1024;

/// What the picture held.
#[derive(Debug, PartialEq, Eq)]
enum Read {
    Serial(String),
    NotASerial,
    Unreadable,
    BadImage(String),
}

/// Decodes the first page of `bytes` and reads any QR code in it
/// (blocking: run it on the blocking pool).
fn read(bytes: &[u8]) -> Read {
    let page = match huanjie_omr::pages(bytes).map(|mut p| p.next()) {
        Ok(Some(Ok(page))) => page,
        Ok(Some(Err(e))) | Err(e) => return Read::BadImage(e.to_string()),
        Ok(None) => return Read::BadImage("no page".to_owned()),
    };
    match huanjie_omr::read_any_qr(&page) {
        None => Read::Unreadable,
        Some(raw) => match huanjie_core::serial::SignedSerial::parse(&raw) {
            Ok(serial) => Read::Serial(serial.to_string()),
            Err(_) => Read::NotASerial,
        },
    }
}

fn unprocessable(code: &str, zh: &str, en: &str) -> Response {
    (
        StatusCode::UNPROCESSABLE_ENTITY,
        Json(json!({ "error": { "code": code, "message": zh, "message_en": en } })),
    )
        .into_response()
}

/// `POST /elections/{id}/stations/{station}/read-serial` (see the module).
pub async fn read_serial(
    State(state): State<AppState>,
    principal: Principal,
    Path((election_id, station)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, HttpError> {
    let election = election_for(&state, &principal, &election_id).await?;
    match principal.role() {
        Role::Committee => {}
        Role::Clerk => principal.require_station(election.id, &station)?,
        Role::Observer => return Err(HttpError::Forbidden),
    }
    let known = state
        .store
        .list_stations(election.id)
        .await?
        .iter()
        .any(|s| s.code == station);
    if !known {
        return Err(HttpError::NotFound);
    }
    let read = tokio::task::spawn_blocking(move || read(&body))
        .await
        .map_err(|e| HttpError::Internal(anyhow::anyhow!("reading a serial: {e}")))?;
    Ok(match read {
        Read::Serial(serial) => Json(json!({ "serial": serial })).into_response(),
        Read::Unreadable => unprocessable(
            "qr_unreadable",
            "图中没有可识别的二维码：请把选票上的二维码对准摄像头",
            "no QR code can be read in the picture: hold the ballot's QR code up to the camera",
        ),
        Read::NotASerial => unprocessable(
            "qr_not_serial",
            "这个二维码不是本系统的选票编号",
            "this QR code is not a ballot serial",
        ),
        Read::BadImage(why) => HttpError::BadRequest(crate::error::Message {
            code: "image",
            zh: format!("无法读取上传的图片：{why}"),
            en: format!("the picture cannot be read: {why}"),
        })
        .into_response(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_not_a_picture_is_said_so() {
        assert!(matches!(read(b""), Read::BadImage(_)));
        assert!(matches!(read(b"hello"), Read::BadImage(_)));
    }
}
