//! The checks of a bundle, in the order the verdict lists them (see the
//! module docs of [`super`] and `docs/verify-bundle.md`).

use std::collections::BTreeMap;
use std::io::Read;

use huanjie_core::audit::{self, hex, ChainError, Checkpoint, Entry};
use serde::de::DeserializeOwned;
use serde_json::Value;
use uuid::Uuid;

use super::case_lines::{self, CaseScan};
use super::files::{
    AuditFile, CheckpointRow, CheckpointsFile, PublicKeyFile, AUDIT, AUDIT_FORMAT, CASE,
    CHECKPOINTS, PUBLIC_KEY, SIGNED_RESULT,
};
use super::locate::{first_difference, Place};
use super::report::{Check, Finding, Outcome, Report};
use crate::signed::{self, SignatureError, SignedResult};
use huanjie_core::counting::RoundResult;

/// The counting case, opened as often as needed (twice: its form and
/// digest, then the recount), so that it is never held whole.
pub trait CaseSource {
    fn open(&self) -> std::io::Result<Box<dyn Read + '_>>;
}

/// A case in memory (tests, small cases).
pub struct InMemory<'a>(pub &'a [u8]);

impl CaseSource for InMemory<'_> {
    fn open(&self) -> std::io::Result<Box<dyn Read + '_>> {
        Ok(Box::new(self.0))
    }
}

/// A bundle's files: their bytes, or why they could not be read.
pub struct Bundle<'a> {
    pub public_key: Result<&'a [u8], String>,
    pub signed_result: Result<&'a [u8], String>,
    pub case: Result<&'a dyn CaseSource, String>,
    pub checkpoints: Result<&'a [u8], String>,
    pub audit: Result<&'a [u8], String>,
}

/// Runs every check on `bundle`.
pub fn verify(bundle: &Bundle<'_>) -> Report {
    let mut checks = Vec::new();
    let mut add = |id, zh, en, outcome| {
        checks.push(Check {
            id,
            zh,
            en,
            outcome,
        })
    };

    // 1. public-key.json
    let published = public_key_file(&bundle.public_key);
    add(
        "public_key_file",
        "公钥文件与服务器发布的原样一致",
        "public-key.json is exactly as the server publishes it",
        published.outcome(|k| format!("Ed25519 公钥 / public key: {}", hex(k))),
    );

    // 2-3. signed-result.json: its form, then its signature.
    let signed = signed_result_file(&bundle.signed_result);
    add(
        "signed_result_file",
        "签名结果文件为唯一的规范写法",
        "signed-result.json is in its one canonical form",
        match &signed.form {
            Ok(()) => Outcome::Pass(String::new()),
            Err(f) => Outcome::Fail(vec![f.clone()]),
        },
    );
    add(
        "signed_result_signature",
        "签名结果的 Ed25519 签名有效",
        "the signed result's Ed25519 signature verifies",
        match (&signed.form, &signed.verified) {
            (_, Some(Ok(_))) => Outcome::Pass(format!(
                "签署人 / certified by {}, {}",
                signed.document["certified_by"].as_str().unwrap_or("?"),
                signed.document["certified_at"].as_str().unwrap_or("?")
            )),
            (_, Some(Err(f))) => Outcome::Fail(vec![f.clone()]),
            (_, None) => not_run(
                "签名结果文件格式不对，无从核验签名 / signed-result.json is not well-formed, so its signature cannot be checked",
            ),
        },
    );

    // 4. audit.json
    let audit_file = audit_file(&bundle.audit);
    let audit_parsed = audit_file.value.as_ref();
    add(
        "audit_file",
        "审计日志导出文件与服务器写出的原样一致",
        "audit.json is exactly as the server exports it",
        audit_file.outcome(|a| {
            format!(
                "{} 条记录、{} 个检查点 / {} entries, {} checkpoints",
                a.entries.len(),
                a.checkpoints.len(),
                a.entries.len(),
                a.checkpoints.len()
            )
        }),
    );

    // 5. checkpoints.json
    let checkpoints_file = checkpoints_file(&bundle.checkpoints);
    let checkpoints_parsed = checkpoints_file.value.as_ref();
    add(
        "checkpoints_file",
        "检查点文件与服务器写出的原样一致",
        "checkpoints.json is exactly as the server writes it",
        checkpoints_file.outcome(|c| {
            format!(
                "{} 个检查点 / {} checkpoints",
                c.checkpoints.len(),
                c.checkpoints.len()
            )
        }),
    );

    // 6. case.json, its form line by line (and its digest).
    let scan: Result<CaseScan, Finding> = match &bundle.case {
        Err(e) => Err(unreadable(CASE, e)),
        Ok(source) => source
            .open()
            .and_then(case_lines::scan)
            .map_err(|e| unreadable(CASE, &e.to_string())),
    };
    add(
        "case_file",
        "计票案卷与服务器写出的原样一致（逐行）",
        "case.json is exactly as the server writes it, line by line",
        match &scan {
            Err(f) => Outcome::Fail(vec![f.clone()]),
            Ok(CaseScan {
                problem: Some(p), ..
            }) => Outcome::Fail(vec![Finding::new(
                CASE,
                p.describe(),
                p.zh.clone(),
                p.en.clone(),
            )]),
            Ok(s) => Outcome::Pass(format!(
                "{} 字节，SHA-256 / {} bytes, SHA-256 {}",
                s.digest.bytes,
                s.digest.bytes,
                hex(&s.digest.sha256)
            )),
        },
    );

    // 7. The files carry one key.
    let mut keys: Vec<(&'static str, Option<String>)> = Vec::new();
    if let Some(k) = &published.value {
        keys.push((PUBLIC_KEY, Some(hex(k))));
    }
    if let Some(k) = &signed.key {
        keys.push((SIGNED_RESULT, Some(k.clone())));
    }
    if let Some(a) = audit_parsed {
        keys.push((AUDIT, a.public_key.clone()));
    }
    if let Some(c) = checkpoints_parsed {
        keys.push((CHECKPOINTS, c.public_key.clone()));
    }
    add(
        "keys_agree",
        "各文件中的公钥一致",
        "every file carries the same public key",
        agree(&keys, "public_key", "公钥", "public key", PUBLIC_KEY).map_or_else(
            Outcome::Fail,
            |k| {
                Outcome::Pass(format!(
                    "请与选举委员会张贴的公钥核对 / compare with the key the committee posted: {k}"
                ))
            },
        ),
    );

    // 8. The files are of one election.
    let mut elections: Vec<(&'static str, Option<String>)> = Vec::new();
    if let Some(id) = &signed.election {
        elections.push((SIGNED_RESULT, Some(id.clone())));
    }
    if let Some(a) = audit_parsed {
        elections.push((AUDIT, Some(a.chain.hyphenated().to_string())));
    }
    if let Some(c) = checkpoints_parsed {
        elections.push((CHECKPOINTS, Some(c.chain.hyphenated().to_string())));
    }
    let agreed = agree(
        &elections,
        "chain / document.election.id",
        "选举编号",
        "election id",
        SIGNED_RESULT,
    );
    let election: Option<Uuid> = match &agreed {
        Ok(id) => Uuid::parse_str(id).ok(),
        Err(_) => majority(&elections).and_then(|id| Uuid::parse_str(&id).ok()),
    };
    add(
        "election_agrees",
        "各文件属于同一次选举",
        "every file is of the same election",
        agreed.map_or_else(Outcome::Fail, |id| {
            let title = signed.document["election"]["title"].as_str().unwrap_or("");
            Outcome::Pass(format!("{id} {title}"))
        }),
    );

    // 9. The hash chain.
    let chain_outcome = match (audit_parsed, election) {
        (Some(a), Some(chain)) => match audit::verify(chain, &a.entries) {
            Ok(head) => Outcome::Pass(format!(
                "{} 条记录，链头 / entries, head {}",
                head.size,
                hex(&head.hash)
            )),
            Err(e) => Outcome::Fail(vec![chain_finding(a, &e)]),
        },
        (None, _) => not_run("audit.json 无法读取 / audit.json could not be read"),
        (_, None) => not_run("无法确定选举编号 / the election's id is not known"),
    };
    let chain_ok = matches!(chain_outcome, Outcome::Pass(_));
    add(
        "audit_chain",
        "审计日志的哈希链完整（每条记录的 SHA-256 与前一条相接）",
        "the audit log's hash chain is whole (each entry's SHA-256, each linked to the one before)",
        chain_outcome,
    );

    // 10-11. Every checkpoint: signed, and the chain at its size.
    let mut covered: Vec<u64> = Vec::new();
    for (file, id, zh, en) in [
        (
            AUDIT,
            "audit_checkpoints",
            "审计日志导出中的每个检查点签名有效，且与日志在该处相符",
            "every checkpoint in audit.json is signed by the key and matches the log at its size",
        ),
        (
            CHECKPOINTS,
            "checkpoints_signed",
            "检查点文件中的每个检查点签名有效，且与日志在该处相符",
            "every checkpoint in checkpoints.json is signed by the key and matches the log at its size",
        ),
    ] {
        let rows = if file == AUDIT {
            audit_parsed.map(|a| (&a.checkpoints, a.public_key.as_deref()))
        } else {
            checkpoints_parsed.map(|c| (&c.checkpoints, c.public_key.as_deref()))
        };
        let outcome = match (rows, audit_parsed, election) {
            (Some((rows, key)), Some(a), Some(chain)) => {
                match checkpoints(file, chain, &a.entries, chain_ok, rows, key) {
                    Checked::All(sizes) => {
                        let latest = sizes.iter().max().copied().unwrap_or(0);
                        covered.extend(sizes.iter().copied());
                        Outcome::Pass(format!(
                            "{} 个检查点，最新的记至第 {latest} 条 / {} checkpoints, the latest at entry {latest}",
                            sizes.len(),
                            sizes.len()
                        ))
                    }
                    Checked::SignedOnly(n) => not_run(&format!(
                        "{n} 个检查点签名均有效，但哈希链未通过，无从与日志比对 / the {n} checkpoints' signatures verify, but the hash chain failed, so they cannot be compared with the log"
                    )),
                    Checked::Failed(f) => Outcome::Fail(f),
                }
            }
            (None, _, _) => not_run(&format!("{file} 无法读取 / {file} could not be read")),
            (_, None, _) => not_run("audit.json 无法读取 / audit.json could not be read"),
            (_, _, None) => not_run("无法确定选举编号 / the election's id is not known"),
        };
        add(id, zh, en, outcome);
    }

    // 12. The certification is in the log, under a checkpoint.
    add(
        "certification_logged",
        "审计日志记有结果确认，且其后有签名检查点",
        "the audit log records the certification, and a signed checkpoint covers it",
        match audit_parsed {
            None => not_run("audit.json 无法读取 / audit.json could not be read"),
            Some(_) if !chain_ok => not_run("哈希链未通过 / the hash chain failed"),
            Some(a) => certification_logged(a, &covered),
        },
    );

    // 13. The recount, with `huanjie count`'s code.
    let recount: Result<RoundResult, Finding> = match &bundle.case {
        Err(e) => Err(unreadable(CASE, e)),
        Ok(source) => match source.open() {
            Err(e) => Err(unreadable(CASE, &e.to_string())),
            Ok(reader) => crate::count_reader(std::io::BufReader::with_capacity(1 << 20, reader))
                .map_err(|e| {
                    Finding::new(
                        CASE,
                        case_field(&e.field),
                        format!("计票案卷无法重新计票：{}", e.message),
                        format!("the case cannot be recounted: {}", e.message),
                    )
                }),
        },
    };
    add(
        "recount",
        "按计票案卷重新计票（与 huanjie count 同一代码）",
        "the case recounts (the same code as huanjie count)",
        match &recount {
            Ok(r) => Outcome::Pass(format!(
                "登记 {} 人，参加投票 {}，收回选票 {}，{} / registered {}, voted {}, cast {}, {}",
                r.registered,
                r.voted,
                r.cast,
                if r.valid { "有效" } else { "无效" },
                r.registered,
                r.voted,
                r.cast,
                if r.valid { "valid" } else { "void" }
            )),
            Err(f) => Outcome::Fail(vec![f.clone()]),
        },
    );

    // 14. The case is the certified one.
    let signature_ok = matches!(signed.verified, Some(Ok(())));
    add(
        "case_certified",
        "计票案卷正是签名结果所确认的那一份（SHA-256）",
        "case.json is the case the signed result certifies (SHA-256)",
        match (&scan, signature_ok) {
            (Err(_), _) => not_run("case.json 无法读取 / case.json could not be read"),
            (_, false) => not_run("签名结果未通过核验 / the signed result did not verify"),
            (Ok(s), true) => case_certified(s, &signed.document),
        },
    );

    // 15. The certified result is the recount.
    add(
        "result_matches",
        "签名确认的结果与重新计票的结果完全一致",
        "the certified result equals the recount",
        match (&recount, signature_ok) {
            (Err(_), _) => not_run("重新计票未完成 / the recount did not complete"),
            (_, false) => not_run("签名结果未通过核验 / the signed result did not verify"),
            (Ok(r), true) => result_matches(r, &signed.document),
        },
    );

    Report { checks }
}

fn not_run(why: &str) -> Outcome {
    Outcome::NotRun(format!("未执行，因为 / not run because: {why}"))
}

fn unreadable(file: &'static str, why: &str) -> Finding {
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
fn exact<T: DeserializeOwned>(
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
struct Parsed<T> {
    value: Option<T>,
    form: Result<(), Finding>,
}

impl<T> Parsed<T> {
    fn failed(f: Finding) -> Self {
        Parsed {
            value: None,
            form: Err(f),
        }
    }

    /// A further problem with the form (the first one is kept).
    fn also(mut self, problem: Option<Finding>) -> Self {
        if let (Ok(()), Some(p)) = (&self.form, problem) {
            self.form = Err(p);
        }
        self
    }

    fn outcome(&self, pass: impl Fn(&T) -> String) -> Outcome {
        match (&self.form, &self.value) {
            (Err(f), _) => Outcome::Fail(vec![f.clone()]),
            (Ok(()), Some(v)) => Outcome::Pass(pass(v)),
            (Ok(()), None) => Outcome::Pass(String::new()),
        }
    }
}

fn not_canonical(file: &'static str, bytes: &[u8], rendered: &[u8]) -> Result<(), Finding> {
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

fn field(file: &'static str, path: &str, zh: &str, en: &str) -> Finding {
    Finding::new(file, format!("at {path}"), zh, en)
}

/// 32 bytes as 64 lower-case hex digits, or `None`.
fn hex32(text: &str) -> Option<[u8; 32]> {
    lower_hex::<32>(text)
}

fn lower_hex<const N: usize>(text: &str) -> Option<[u8; N]> {
    if text.len() != 2 * N || !text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
        return None;
    }
    let mut out = [0u8; N];
    hex::decode_to_slice(text, &mut out).ok()?;
    Some(out)
}

fn public_key_file(bytes: &Result<&[u8], String>) -> Parsed<[u8; 32]> {
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

fn audit_file(bytes: &Result<&[u8], String>) -> Parsed<AuditFile> {
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

fn checkpoints_file(bytes: &Result<&[u8], String>) -> Parsed<CheckpointsFile> {
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
struct Signed {
    /// Its form (parsed, canonical, hex, document).
    form: Result<(), Finding>,
    /// Its signature under the key it carries (`None`: not checkable).
    verified: Option<Result<(), Finding>>,
    /// The key it carries (lower-case hex as written).
    key: Option<String>,
    /// The election id its document names.
    election: Option<String>,
    /// The document (`Null` unless readable).
    document: Value,
}

fn signed_result_file(bytes: &Result<&[u8], String>) -> Signed {
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

/// The value most files carry (ties: `prefer`'s), and a finding for every
/// file that carries another.
fn agree(
    values: &[(&'static str, Option<String>)],
    path: &str,
    what_zh: &str,
    what_en: &str,
    prefer: &'static str,
) -> Result<String, Vec<Finding>> {
    let reference = majority_preferring(values, prefer);
    let mut findings = Vec::new();
    for (file, value) in values {
        match (value, &reference) {
            (Some(v), Some(r)) if v == r => {}
            (Some(v), Some(r)) => findings.push(Finding::new(
                file,
                format!("at {path}"),
                format!("{what_zh}为 {v}，而其他文件为 {r}"),
                format!("the {what_en} is {v}, the other files have {r}"),
            )),
            (None, _) | (_, None) => findings.push(Finding::new(
                file,
                format!("at {path}"),
                format!("没有{what_zh}"),
                format!("no {what_en}"),
            )),
        }
    }
    if values.len() < 2 {
        findings.push(Finding::new(
            prefer,
            "",
            format!("可比较{what_zh}的文件不足两个"),
            format!("fewer than two files could be read to compare the {what_en}"),
        ));
    }
    match reference {
        Some(r) if findings.is_empty() => Ok(r),
        _ => Err(findings),
    }
}

fn majority(values: &[(&'static str, Option<String>)]) -> Option<String> {
    majority_preferring(values, "")
}

fn majority_preferring(values: &[(&'static str, Option<String>)], prefer: &str) -> Option<String> {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for v in values.iter().filter_map(|(_, v)| v.as_deref()) {
        *counts.entry(v).or_default() += 1;
    }
    let best = counts.values().copied().max()?;
    let preferred = values
        .iter()
        .find(|(f, _)| *f == prefer)
        .and_then(|(_, v)| v.as_deref())
        .filter(|v| counts.get(v) == Some(&best));
    preferred
        .or_else(|| counts.iter().find(|(_, n)| **n == best).map(|(v, _)| *v))
        .map(str::to_owned)
}

/// `entries[3] (entry 4)`.
fn entry_at(index: usize) -> String {
    format!("entries[{index}] (entry {})", index + 1)
}

/// Where and how the chain breaks, in a finding; for an edited entry,
/// which part was edited when the entries around it tell.
fn chain_finding(file: &AuditFile, e: &ChainError) -> Finding {
    let entries = &file.entries;
    let index = usize::try_from(e.seq().saturating_sub(1)).unwrap_or(usize::MAX);
    let (location, zh, en) = match *e {
        ChainError::WrongChain { seq } => (
            format!("{}, field chain", entry_at(index)),
            format!("第 {seq} 条记录属于另一条日志链"),
            e.to_string(),
        ),
        ChainError::Gap { expected, found } => (
            format!("{}, field seq", entry_at(index)),
            format!("此处应为第 {expected} 条记录，却是第 {found} 条：有记录被删除、移动或改号"),
            e.to_string(),
        ),
        ChainError::Edited { seq } => {
            let entry = entries.get(index);
            let prev_ok = match index.checked_sub(1) {
                None => entry.is_some_and(|x| x.prev_hash == audit::ZERO_HASH),
                Some(p) => match (entries.get(p), entry) {
                    (Some(p), Some(x)) => x.prev_hash == p.hash,
                    _ => true,
                },
            };
            let computed = entry.map(Entry::computed_hash);
            let next_links_computed = match (entries.get(index + 1), computed) {
                (Some(next), Some(c)) => next.prev_hash == c,
                _ => false,
            };
            let signed_head_is_computed = computed.is_some_and(|c| {
                file.checkpoints
                    .iter()
                    .any(|r| r.size == seq && hex32(&r.head) == Some(c))
            });
            let part = if !prev_ok {
                "prev_hash"
            } else if next_links_computed || signed_head_is_computed {
                "hash"
            } else {
                "content (action, actor, at or details)"
            };
            (
                format!("{}, field {part}", entry_at(index)),
                format!("第 {seq} 条记录在写入后被改动过（其内容与其哈希不符）"),
                format!("{e} (its {part} no longer gives its hash)"),
            )
        }
        ChainError::Broken { seq } => (
            format!("{}, field prev_hash", entry_at(index)),
            format!(
                "第 {seq} 条记录接不上第 {} 条：之前的记录被删除、调换或改写",
                seq.saturating_sub(1)
            ),
            e.to_string(),
        ),
        ChainError::Truncated { .. }
        | ChainError::CheckpointMismatch { .. }
        | ChainError::BadSignature { .. } => {
            (String::new(), "日志链断开".to_owned(), e.to_string())
        }
    };
    Finding::new(AUDIT, location, zh, en)
}

/// How a file's checkpoints came out.
enum Checked {
    /// All signed by the key and equal to the log at their sizes.
    All(Vec<u64>),
    /// All signed by the key; not compared with a log whose chain is
    /// broken.
    SignedOnly(usize),
    Failed(Vec<Finding>),
}

/// Checks each checkpoint row of `file` under the key that file carries
/// and, when the chain is whole (`chain_ok`), against the log's entries.
/// A bad signature is the checkpoint's file's fault; an authentic
/// checkpoint the log does not match is the log's (`audit.json`).
fn checkpoints(
    file: &'static str,
    chain: Uuid,
    entries: &[Entry],
    chain_ok: bool,
    rows: &[CheckpointRow],
    key: Option<&str>,
) -> Checked {
    let Some(key) = key.and_then(hex32) else {
        return Checked::Failed(vec![field(
            file,
            "public_key",
            "没有可用于核验检查点的公钥",
            "no public key to check the checkpoints with",
        )]);
    };
    let log_size = u64::try_from(entries.len()).unwrap_or(u64::MAX);
    let mut sizes = Vec::new();
    let mut findings = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        let at = |part: &str| format!("checkpoints[{i}] (size {}), field {part}", row.size);
        let (Some(head), Some(signature)) = (hex32(&row.head), lower_hex::<64>(&row.signature))
        else {
            findings.push(Finding::new(
                file,
                at("head / signature"),
                "链头或签名不是正确长度的小写十六进制",
                "the head or the signature is not lower-case hex of the right length",
            ));
            continue;
        };
        let checkpoint = Checkpoint {
            chain: row.chain,
            size: row.size,
            head,
            at: row.at,
        };
        let head_in_log = match usize::try_from(row.size) {
            Ok(0) => head == audit::ZERO_HASH,
            Ok(n) => entries.get(n - 1).is_some_and(|x| x.hash == head),
            Err(_) => false,
        };
        if !checkpoint.verify_signature(&signature, &key) {
            let part = if head_in_log && row.chain == chain {
                "signature / at"
            } else {
                "signature / head / size / chain"
            };
            findings.push(Finding::new(
                file,
                at(part),
                "检查点的签名无效：签名或所签的内容（规模、链头、时间、选举）被改动，或不是用本次选举的密钥签名的",
                "the checkpoint's signature does not verify: the signature or what it signs (size, head, time, election) was changed, or another key signed it",
            ));
            continue;
        }
        if row.chain != chain {
            findings.push(Finding::new(
                file,
                at("chain"),
                "这是另一次选举的检查点",
                "a checkpoint of another election",
            ));
            continue;
        }
        if !chain_ok {
            continue;
        }
        if row.size > log_size {
            findings.push(Finding::new(
                AUDIT,
                format!("entries (the log ends at entry {log_size})"),
                format!(
                    "{file} 中已签名的检查点记有 {} 条记录，而日志只有 {log_size} 条：日志末尾被截去（或检查点下载于日志之后：请先下载检查点，再下载日志）",
                    row.size
                ),
                format!(
                    "a signed checkpoint in {file} counts {} entries but the log has {log_size}: its end was cut off (or the checkpoints were downloaded after the log: download them first)",
                    row.size
                ),
            ));
        } else if !head_in_log {
            findings.push(Finding::new(
                AUDIT,
                entry_at(usize::try_from(row.size.saturating_sub(1)).unwrap_or(0)),
                format!("日志第 {} 条记录与 {file} 中已签名的检查点不符：日志被改写过", row.size),
                format!(
                    "the log differs at entry {} from the signed checkpoint in {file}: it was rewritten",
                    row.size
                ),
            ));
        } else {
            sizes.push(row.size);
        }
    }
    if !findings.is_empty() {
        Checked::Failed(findings)
    } else if chain_ok {
        Checked::All(sizes)
    } else {
        Checked::SignedOnly(rows.len())
    }
}

fn certification_logged(file: &AuditFile, covered: &[u64]) -> Outcome {
    let certified = file
        .entries
        .iter()
        .rev()
        .find(|e| e.details.get("event").and_then(Value::as_str) == Some("certification"));
    let Some(entry) = certified else {
        return Outcome::Fail(vec![Finding::new(
            AUDIT,
            "entries",
            "审计日志中没有结果确认（certification）的记录",
            "the audit log records no certification",
        )]);
    };
    if covered.iter().any(|size| *size >= entry.seq) {
        Outcome::Pass(format!(
            "第 {} 条记录（{}，{}）/ entry {}",
            entry.seq,
            entry.actor,
            entry
                .at
                .to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
            entry.seq
        ))
    } else {
        Outcome::Fail(vec![Finding::new(
            AUDIT,
            entry_at(usize::try_from(entry.seq.saturating_sub(1)).unwrap_or(0)),
            "结果确认之后没有经签名的检查点：其后的日志无从核对",
            "no signed checkpoint covers the certification entry",
        )])
    }
}

/// A case error's field as a place in the file: `ballots[i]` is on line
/// `i + 2`.
fn case_field(field: &str) -> String {
    if let Some(rest) = field.strip_prefix("ballots[") {
        if let Some((n, tail)) = rest.split_once(']') {
            if let Ok(i) = n.parse::<u64>() {
                return format!(
                    "line {}, at {}{}",
                    i.saturating_add(2),
                    field.get(..field.len() - tail.len()).unwrap_or(field),
                    tail
                );
            }
        }
    }
    format!("at {field}")
}

fn case_certified(scan: &CaseScan, document: &Value) -> Outcome {
    let certified = &document["case"];
    let (Some(sha), Some(bytes)) = (
        certified["sha256"].as_str().and_then(hex32),
        certified["bytes"].as_u64(),
    ) else {
        return Outcome::Fail(vec![Finding::new(
            SIGNED_RESULT,
            "at document.case",
            "签名结果没有注明据以计票的案卷（SHA-256）：无法确认案卷就是被确认的那一份",
            "the signed result does not name the case it was counted from (SHA-256): the case cannot be tied to it",
        )]);
    };
    if scan.digest.sha256 == sha && scan.digest.bytes == bytes {
        Outcome::Pass(format!("SHA-256 {}", hex(&sha)))
    } else {
        Outcome::Fail(vec![Finding::new(
            CASE,
            if scan.digest.bytes == bytes {
                "the whole file".to_owned()
            } else {
                format!("length: {} bytes, certified {bytes}", scan.digest.bytes)
            },
            format!(
                "案卷不是被确认的那一份：其 SHA-256 为 {}（{} 字节），签名结果确认的是 {}（{bytes} 字节）",
                hex(&scan.digest.sha256),
                scan.digest.bytes,
                hex(&sha)
            ),
            format!(
                "the case is not the one certified: its SHA-256 is {} ({} bytes), the signed result certifies {} ({bytes} bytes)",
                hex(&scan.digest.sha256),
                scan.digest.bytes,
                hex(&sha)
            ),
        )])
    }
}

fn result_matches(recount: &RoundResult, document: &Value) -> Outcome {
    let recounted: Value = match serde_json::from_str(&crate::result_json(recount)) {
        Ok(v) => v,
        Err(e) => return Outcome::Fail(vec![Finding::new(CASE, "", e.to_string(), e.to_string())]),
    };
    let certified = &document["result"];
    let mut differences = Vec::new();
    diff(
        certified,
        &recounted,
        &mut "result".to_owned(),
        &mut differences,
    );
    if differences.is_empty() {
        return Outcome::Pass(String::new());
    }
    Outcome::Fail(
        differences
            .into_iter()
            .map(|(path, c, r)| {
                Finding::new(
                    CASE,
                    format!("signed result's document.{path}"),
                    format!("确认的结果为 {c}，按案卷重新计票为 {r}"),
                    format!("certified {c}, the case recounts to {r}"),
                )
            })
            .collect(),
    )
}

/// Up to eight paths where `a` and `b` differ.
fn diff(a: &Value, b: &Value, path: &mut String, out: &mut Vec<(String, String, String)>) {
    const MAX: usize = 8;
    if out.len() >= MAX || a == b {
        return;
    }
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let mut keys: Vec<&String> = x.keys().chain(y.keys()).collect();
            keys.sort();
            keys.dedup();
            for k in keys {
                let len = path.len();
                path.push('.');
                path.push_str(k);
                diff(
                    x.get(k).unwrap_or(&Value::Null),
                    y.get(k).unwrap_or(&Value::Null),
                    path,
                    out,
                );
                path.truncate(len);
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (p, q)) in x.iter().zip(y).enumerate() {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                diff(p, q, path, out);
                path.truncate(len);
            }
        }
        _ => out.push((path.clone(), a.to_string(), b.to_string())),
    }
}
