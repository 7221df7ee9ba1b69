//! A whole vote at one station over HTTP, and PDFs read back as text:
//! what the end-to-end suites of the term, the supervisory committee and
//! the later rounds share.

use anyhow::{bail, Context, Result};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::app::{call, TestApp};

async fn ok(
    app: &TestApp,
    method: Method,
    path: &str,
    token: &str,
    body: Option<Value>,
    want: StatusCode,
) -> Result<Value> {
    let (status, reply) = call(app, method.clone(), path, token, body).await;
    if status != want {
        bail!("{method} {path}: expected {want}, got {status}: {reply}");
    }
    Ok(reply)
}

/// Holds a vote at the central station of `e` (a path like
/// `/elections/{id}`): `voted` ballots printed, polls opened, issued and
/// closed, each ballot scanned with the body `scan(i)` (its marks and
/// write-ins; the serial is added), then certified; returns the result
/// as counted before certification.
pub async fn hold_vote(
    app: &TestApp,
    token: &str,
    e: &str,
    voted: u64,
    scan: impl Fn(usize) -> Value,
) -> Result<Value> {
    let printed = ok(
        app,
        Method::POST,
        &format!("{e}/ballot-batches"),
        token,
        Some(json!({"station": "central", "count": voted})),
        StatusCode::CREATED,
    )
    .await?;
    let at = |step: &str| format!("{e}/stations/central/{step}");
    ok(app, Method::POST, &at("open"), token, None, StatusCode::OK).await?;
    let issued = Some(json!({ "count": voted }));
    ok(
        app,
        Method::POST,
        &at("issued"),
        token,
        issued,
        StatusCode::OK,
    )
    .await?;
    ok(app, Method::POST, &at("close"), token, None, StatusCode::OK).await?;
    let serials = printed["serials"]
        .as_array()
        .context("the batch's serials")?;
    for (i, serial) in serials.iter().enumerate() {
        let mut body = scan(i);
        body["serial"] = serial.clone();
        ok(
            app,
            Method::POST,
            &at("scans"),
            token,
            Some(body),
            StatusCode::CREATED,
        )
        .await?;
    }
    let result = ok(
        app,
        Method::GET,
        &format!("{e}/result"),
        token,
        None,
        StatusCode::OK,
    )
    .await?;
    let path = format!("{e}/certification");
    ok(app, Method::POST, &path, token, None, StatusCode::CREATED).await?;
    Ok(result)
}

/// A PDF from the API (`path` under `/api/v1`) as text by pdftotext
/// (poppler-utils, installed by scripts/ensure-fonts.sh), white space
/// removed (pdftotext spaces CJK text unpredictably).
pub async fn pdf_text(app: &TestApp, token: &str, path: &str) -> Result<String> {
    let reply = app
        .client()
        .get(app.url(&format!("/api/v1{path}")))
        .bearer_auth(token)
        .send()
        .await?;
    if reply.status() != StatusCode::OK {
        bail!("GET {path}: {}", reply.status());
    }
    let pdf = reply.bytes().await?;
    if !pdf.starts_with(b"%PDF") {
        bail!("GET {path}: not a PDF");
    }
    let dir = tempfile::tempdir()?;
    let file = dir.path().join("download.pdf");
    std::fs::write(&file, &pdf)?;
    let out = std::process::Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(&file)
        .arg("-")
        .output()
        .context("pdftotext")?;
    if !out.status.success() {
        bail!("pdftotext {path} failed");
    }
    Ok(String::from_utf8(out.stdout)?
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect())
}
