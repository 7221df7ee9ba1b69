//! Reading each file of a bundle: its bytes exactly as the server writes
//! them, then what it says (a file that parses but is not in its exact
//! form is still read, so the checks of what it says can run).

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::files::{
    AuditFile, CheckpointsFile, PublicKeyFile, AUDIT, AUDIT_FORMAT, CHECKPOINTS, PUBLIC_KEY,
    SIGNED_RESULT,
};
use super::locate::{first_difference, Place};
use super::report::{Finding, Outcome};
use crate::signed::{self, SignatureError, SignedResult};

pub(super) fn unreadable(file: &'static str, why: &str) -> Finding {
    Finding::new(
        file,
        "",
        format!("文件缺失或无法读取：{why}"),
        format!("missing or unreadable: {why}"),
    )
}

/// Parses `bytes` as `T` and requires that rendering it gives `bytes`
/// back; either failure names the byte. A file that parses but is not in
/// its exact form is still returned, for the checks of what it says.
pub(super) fn exact<T: DeserializeOwned>(
    file: &'static str,
    bytes: &[u8],
    render: impl Fn(&T) -> Vec<u8>,
) -> Parsed<T> {
    match serde_json::from_slice::<T>(bytes) {
        Err(e) => {
            let place = Place::at_line_column(bytes, e.line(), e.column());
            Parsed::failed(Finding::new(
                file,
                place.describe(),
                format!("不是有效的文件：{e}"),
                format!("not a valid file: {e}"),
            ))
        }
        Ok(parsed) => {
            let form = not_canonical(file, bytes, &render(&parsed));
            Parsed {
                value: Some(parsed),
                form,
            }
        }
    }
}

/// A file read: what it says (if it parses) and whether it is in its
/// exact form.
pub(super) struct Parsed<T> {
    pub(super) value: Option<T>,
    pub(super) form: Result<(), Finding>,
}

impl<T> Parsed<T> {
    pub(super) fn failed(f: Finding) -> Self {
        Parsed {
            value: None,
            form: Err(f),
        }
    }

    /// A further problem with the form (the first one is kept).
    pub(super) fn also(mut self, problem: Option<Finding>) -> Self {
        if let (Ok(()), Some(p)) = (&self.form, problem) {
            self.form = Err(p);
        }
        self
    }

    pub(super) fn outcome(&self, pass: impl Fn(&T) -> String) -> Outcome {
        match (&self.form, &self.value) {
            (Err(f), _) => Outcome::Fail(vec![f.clone()]),
            (Ok(()), Some(v)) => Outcome::Pass(pass(v)),
            (Ok(()), None) => Outcome::Pass(String::new()),
        }
    }
}

pub(super) fn not_canonical(
    file: &'static str,
    bytes: &[u8],
    rendered: &[u8],
) -> Result<(), Finding> {
    match first_difference(bytes, rendered) {
        None => Ok(()),
        Some(offset) => Err(Finding::new(
            file,
            Place::of(bytes, offset).describe(),
            "与服务器写出的原样不符：此处有字节被改动、增加或删除（包括空格、键的顺序、转义或数字写法）",
            "not as the server writes it: a byte here was changed, added or removed (spaces, key order, escapes and number forms count too)",
        )),
    }
}

pub(super) fn field(file: &'static str, path: &str, zh: &str, en: &str) -> Finding {
    Finding::new(file, format!("at {path}"), zh, en)
}

/// 32 bytes as 64 lower-case hex digits, or `None`.
pub(super) fn hex32(text: &str) -> Option<[u8; 32]> {
    lower_hex::<32>(text)
}

pub(super) fn lower_hex<const N: usize>(text: &str) -> Option<[u8; N]> {
    if text.len() != 2 * N || !text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
        return None;
    }
    let mut out = [0u8; N];
    hex::decode_to_slice(text, &mut out).ok()?;
    Some(out)
}

pub(super) fn public_key_file(bytes: &Result<&[u8], String>) -> Parsed<[u8; 32]> {
    let bytes = match bytes {
        Ok(b) => *b,
        Err(e) => return Parsed::failed(unreadable(PUBLIC_KEY, e)),
    };
    let file = exact(PUBLIC_KEY, bytes, PublicKeyFile::render);
    let Some(f) = &file.value else {
        return Parsed::failed(
            file.form
                .err()
                .unwrap_or_else(|| unreadable(PUBLIC_KEY, "?")),
        );
    };
    let algorithm = (f.algorithm != "Ed25519").then(|| {
        field(
            PUBLIC_KEY,
            "algorithm",
            "算法应为 Ed25519",
            "the algorithm must be Ed25519",
        )
    });
    let Some(key) = hex32(&f.public_key) else {
        return Parsed::failed(field(
            PUBLIC_KEY,
            "public_key",
            "公钥应为 64 位小写十六进制",
            "the public key must be 64 lower-case hex digits",
        ));
    };
    Parsed {
        value: Some(key),
        form: file.form,
    }
    .also(algorithm)
}

pub(super) fn audit_file(bytes: &Result<&[u8], String>) -> Parsed<AuditFile> {
    let bytes = match bytes {
        Ok(b) => *b,
        Err(e) => return Parsed::failed(unreadable(AUDIT, e)),
    };
    let file = exact(AUDIT, bytes, AuditFile::render);
    let problem = file.value.as_ref().and_then(|f| {
        if f.format != AUDIT_FORMAT {
            Some(field(
                AUDIT,
                "format",
                "格式应为 huanjie.audit-log/1",
                "the format must be huanjie.audit-log/1",
            ))
        } else if f.algorithm != "Ed25519" {
            Some(field(
                AUDIT,
                "algorithm",
                "算法应为 Ed25519",
                "the algorithm must be Ed25519",
            ))
        } else {
            None
        }
    });
    file.also(problem)
}

pub(super) fn checkpoints_file(bytes: &Result<&[u8], String>) -> Parsed<CheckpointsFile> {
    let bytes = match bytes {
        Ok(b) => *b,
        Err(e) => return Parsed::failed(unreadable(CHECKPOINTS, e)),
    };
    let file = exact(CHECKPOINTS, bytes, CheckpointsFile::render);
    let problem = file
        .value
        .as_ref()
        .filter(|f| f.algorithm != "Ed25519")
        .map(|_| {
            field(
                CHECKPOINTS,
                "algorithm",
                "算法应为 Ed25519",
                "the algorithm must be Ed25519",
            )
        });
    file.also(problem)
}

/// What the signed result file gave.
pub(super) struct Signed {
    /// Its form (parsed, canonical, hex, document).
    pub(super) form: Result<(), Finding>,
    /// Its signature under the key it carries (`None`: not checkable).
    pub(super) verified: Option<Result<(), Finding>>,
    /// The key it carries (lower-case hex as written).
    pub(super) key: Option<String>,
    /// The election id its document names.
    pub(super) election: Option<String>,
    /// The document (`Null` unless readable).
    pub(super) document: Value,
}

pub(super) fn signed_result_file(bytes: &Result<&[u8], String>) -> Signed {
    let mut out = Signed {
        form: Ok(()),
        verified: None,
        key: None,
        election: None,
        document: Value::Null,
    };
    let bytes = match bytes {
        Ok(b) => *b,
        Err(e) => {
            out.form = Err(unreadable(SIGNED_RESULT, e));
            return out;
        }
    };
    let parsed: Option<SignedResult> = serde_json::from_slice(bytes).ok();
    if let Some(p) = &parsed {
        out.key = Some(p.public_key.clone());
        out.document = serde_json::from_str(&p.document).unwrap_or(Value::Null);
        out.election = out.document["election"]["id"].as_str().map(str::to_owned);
    }
    let bad_signature = || {
        Finding::new(
            SIGNED_RESULT,
            "at document / signature",
            "签名与所签文书及所附公钥不符：文书（document）、签名（signature）或公钥被改动过",
            "the signature does not match the document under the key the file carries: the document, the signature or the public key was changed",
        )
    };
    match signed::verify(bytes, None) {
        Ok(_) => out.verified = Some(Ok(())),
        Err(SignatureError::BadSignature) => out.verified = Some(Err(bad_signature())),
        Err(SignatureError::Malformed(_)) => {
            out.form = Err(match serde_json::from_slice::<SignedResult>(bytes) {
                Err(e) => {
                    let place = Place::at_line_column(bytes, e.line(), e.column());
                    Finding::new(
                        SIGNED_RESULT,
                        place.describe(),
                        format!("不是有效的签名结果文件：{e}"),
                        format!("not a valid signed result file: {e}"),
                    )
                }
                Ok(_) => unreadable(SIGNED_RESULT, "malformed"),
            });
        }
        Err(SignatureError::NotCanonical) => {
            let rendered = parsed.as_ref().map(signed::render).unwrap_or_default();
            out.form = not_canonical(SIGNED_RESULT, bytes, rendered.as_bytes());
        }
        Err(SignatureError::Algorithm) => {
            out.form = Err(field(
                SIGNED_RESULT,
                "algorithm",
                "算法应为 Ed25519",
                "the algorithm must be Ed25519",
            ));
        }
        Err(SignatureError::Hex(what)) => {
            out.form = Err(field(
                SIGNED_RESULT,
                what,
                "应为小写十六进制且长度正确",
                "must be lower-case hex of the right length",
            ));
        }
        Err(e @ (SignatureError::Document(_) | SignatureError::OtherKey)) => {
            out.form = Err(field(
                SIGNED_RESULT,
                "document",
                "所签文书不是 huanjie.signed-result/1 文书",
                &e.to_string(),
            ));
            out.verified = Some(Ok(()));
        }
    }
    out
}
