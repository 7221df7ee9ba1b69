//! Certification (issue 7, R-CERT-1): the election committee confirms a
//! round's result. The result is recounted from the stored ballots by the
//! rules core at that moment, written into a document, signed with the
//! election's Ed25519 key (made when first needed; its public key is
//! published) and stored; from then on the round's ballots are locked
//! (the store refuses scans and decisions in the same transaction).
//!
//! The signed file (`huanjie.signed-result/1`, `huanjie_case::signed`)
//! verifies offline, and fails if any of its bytes changes. Its document
//! carries the SHA-256 of the counting case (`GET …/case`) the result was
//! counted from, so `huanjie verify` can tell the certified case from any
//! other (`docs/verify-bundle.md`).

use chrono::{DateTime, SecondsFormat, Utc};
use huanjie_store::{Certification, Election, NewCertification, SigningKey, Store, StoreError};
use ring::rand::SystemRandom;
use ring::signature::{Ed25519KeyPair, KeyPair};

use crate::error::{HttpError, RuleRefusal};

/// A new Ed25519 key from the OS's secure generator, as the store keeps
/// it (offered to the store, which keeps the first one stored).
fn fresh_key(rng: &SystemRandom) -> Result<SigningKey, HttpError> {
    let pkcs8 = Ed25519KeyPair::generate_pkcs8(rng)
        .map_err(|_| HttpError::Internal(anyhow::anyhow!("the random source failed")))?;
    let pair = Ed25519KeyPair::from_pkcs8(pkcs8.as_ref())
        .map_err(|_| HttpError::Internal(anyhow::anyhow!("a fresh key was refused")))?;
    let mut public_key = [0u8; 32];
    public_key.copy_from_slice(pair.public_key().as_ref());
    Ok(SigningKey {
        pkcs8: pkcs8.as_ref().to_vec(),
        public_key,
    })
}

/// The election's signing key pair, made and stored on first use.
pub async fn key_pair(
    store: &dyn Store,
    rng: &SystemRandom,
    election: &Election,
    now: DateTime<Utc>,
) -> Result<Ed25519KeyPair, HttpError> {
    let stored = match store.find_signing_key(election.id).await? {
        Some(k) => k,
        None => {
            let candidate = fresh_key(rng)?;
            store.signing_key(election.id, &candidate, now).await?
        }
    };
    Ed25519KeyPair::from_pkcs8(&stored.pkcs8)
        .map_err(|_| HttpError::Internal(anyhow::anyhow!("the stored signing key is unreadable")))
}

/// The server's signing key pair (the server chain's audit checkpoints),
/// made and stored on first use.
pub async fn server_key_pair(
    store: &dyn Store,
    rng: &SystemRandom,
    now: DateTime<Utc>,
) -> Result<Ed25519KeyPair, HttpError> {
    let stored = match store.find_server_signing_key().await? {
        Some(k) => k,
        None => {
            let candidate = fresh_key(rng)?;
            store.server_signing_key(&candidate, now).await?
        }
    };
    Ed25519KeyPair::from_pkcs8(&stored.pkcs8)
        .map_err(|_| HttpError::Internal(anyhow::anyhow!("the stored server key is unreadable")))
}

/// The election's public key, if it has one yet.
pub async fn public_key(
    store: &dyn Store,
    election: &Election,
) -> Result<Option<[u8; 32]>, HttpError> {
    Ok(store
        .find_signing_key(election.id)
        .await?
        .map(|k| k.public_key))
}

/// The signed result file of a certification, as published.
pub fn signed_file(c: &Certification, public_key: &[u8; 32]) -> String {
    huanjie_case::signed::render(&huanjie_case::signed::SignedResult {
        algorithm: "Ed25519".to_owned(),
        document: c.document.clone(),
        public_key: hex::encode(public_key),
        signature: hex::encode(c.signature),
    })
}

/// Certifies the election's round: recounts, signs, stores, locks.
pub async fn certify(
    store: &dyn Store,
    rng: &SystemRandom,
    election: &Election,
    by: &str,
    now: DateTime<Utc>,
) -> Result<(Certification, String), HttpError> {
    let result = crate::tally::result(store, election).await?;
    let result_value: serde_json::Value = serde_json::from_str(&huanjie_case::result_json(&result))
        .map_err(|e| HttpError::Internal(e.into()))?;
    let election_value = serde_json::json!({
        "id": election.id,
        "title": election.title,
        "profile": election.profile,
        "body_kind": election.body_kind.as_str(),
        "election_day": election.election_day.to_string(),
    });
    let round = election
        .round
        .as_ref()
        .map_or("general", |r| r.kind.as_str());
    // The exact case bytes the result is counted from (as `GET …/case`
    // and `huanjie export-case` write them), bound into the signed
    // document so that no other case passes for the certified one.
    let case = match store.find_ballot_key(election.id).await? {
        Some(key) => {
            let case = crate::tally::case_json(store, election, &key.0).await?;
            Some(huanjie_case::signed::CaseDigest::of(case.as_bytes()))
        }
        None => None,
    };
    let document = huanjie_case::signed::document(
        election_value,
        round,
        result_value,
        case.as_ref(),
        by,
        &now.to_rfc3339_opts(SecondsFormat::Secs, true),
    );
    let pair = key_pair(store, rng, election, now).await?;
    let mut signature = [0u8; 64];
    signature.copy_from_slice(pair.sign(document.as_bytes()).as_ref());
    let new = NewCertification {
        round: round.to_owned(),
        document,
        signature,
        certified_by: by.to_owned(),
    };
    let certification = store
        .certify(election.id, &new, now)
        .await
        .map_err(|e| match e {
            StoreError::Conflict(_) => RuleRefusal::new(
                "already_certified",
                huanjie_core::rule::CERT_1,
                "本轮选举结果已经确认，不能再次确认".into(),
                "this round's result is certified already".into(),
            )
            .conflict()
            .into(),
            other => HttpError::from(other),
        })?;
    let mut public_key = [0u8; 32];
    public_key.copy_from_slice(pair.public_key().as_ref());
    let file = signed_file(&certification, &public_key);
    Ok((certification, file))
}
