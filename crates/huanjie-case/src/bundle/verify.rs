//! The checks of a bundle, in the order the verdict lists them (see the
//! module docs of [`super`] and `docs/verify-bundle.md`).

use std::collections::BTreeMap;
use std::io::Read;

use huanjie_core::audit::{self, hex};
use huanjie_core::counting::RoundResult;
use uuid::Uuid;

use super::case_lines::{self, CaseScan};
use super::count_checks::{case_certified, case_field, result_matches};
use super::files::{AUDIT, CASE, CHECKPOINTS, PUBLIC_KEY, SIGNED_RESULT};
use super::log_checks::{certification_logged, chain_finding, checkpoints, Checked};
use super::read::{audit_file, checkpoints_file, public_key_file, signed_result_file, unreadable};
use super::report::{Check, Finding, Outcome, Report};

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
