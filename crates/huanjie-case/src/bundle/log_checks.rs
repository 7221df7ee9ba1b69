//! The audit log's checks: where its hash chain breaks, its signed
//! checkpoints, and the certification under one.

use huanjie_core::audit::{self, ChainError, Checkpoint, Entry};
use serde_json::Value;
use uuid::Uuid;

use super::files::{AuditFile, CheckpointRow, AUDIT};
use super::read::{field, hex32, lower_hex};
use super::report::{Finding, Outcome};

/// `entries[3] (entry 4)`.
pub(super) fn entry_at(index: usize) -> String {
    format!("entries[{index}] (entry {})", index + 1)
}

/// Where and how the chain breaks, in a finding; for an edited entry,
/// which part was edited when the entries around it tell.
pub(super) fn chain_finding(file: &AuditFile, e: &ChainError) -> Finding {
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
pub(super) enum Checked {
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
pub(super) fn checkpoints(
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

pub(super) fn certification_logged(file: &AuditFile, covered: &[u64]) -> Outcome {
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
