//! The sampling audit (ballot comparison, issue 8): the committee rolls a
//! seed in public once every station's polls are closed, the server draws
//! which counted ballots to pull from the paper (`huanjie_core::sampling`,
//! docs/sampling-audit.md), shows each drawn serial with the marks the
//! system recorded for it, and the committee records, serial by serial,
//! whether the paper matches; the report PDF is signed at the count.
//! Shared by the API (`api/sampling.rs`) and the page
//! (`pages/sampling.rs`).
//!
//! The population is every counted ballot of the election (waiting for a
//! person or not), each spelled as its serial's compact form, which the
//! server rebuilds from the stored batch, style and random part under the
//! election's ballot key: the same text as the QR code on the paper.
//!
//! Refusals cite R-CNT-1: the count is public, and the audit is how the
//! public checks the stored count against the paper.
//!
//! Findings are the committee's: the audit's record is the committee's
//! record of the count (R-CERT-1). Scrutineers watch and sign the report,
//! but they hold no accounts (they are counting staff, not users); a
//! station clerk's token reaches only one station, while a sample spans
//! all of them; observers change nothing.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use huanjie_core::counting::Contest;
use huanjie_core::rule;
use huanjie_core::sampling::{self, DrawError, Seed};
use huanjie_core::serial::{Serial, SerialKey, SignedSerial};
use huanjie_print::{Announcement, AnnouncementTable, Block, CellAlign, TableColumn};
use huanjie_store::{
    Election, Finding, NewFinding, NewSampleAudit, SampleAudit, SampledBallot, Store, StoreError,
};
use serde::{Deserialize, Serialize};

use crate::error::{FieldError, HttpError, RuleRefusal};
use crate::i18n::{Texts, ZH};
use crate::polling::{review_reasons, BallotMarks, ReviewReason};

/// What the committee types to start an audit.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct StartRequest {
    /// As typed: dice digits, spaces and dashes allowed.
    #[serde(default)]
    pub seed: String,
    #[serde(default)]
    pub size: u64,
}

/// What the paper showed for one drawn serial.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct FindingRequest {
    #[serde(default)]
    pub serial: String,
    /// `match` or `discrepancy`.
    #[serde(default)]
    pub finding: String,
    #[serde(default)]
    pub note: String,
}

fn field(field: &str, code: &'static str, zh: String, en: String) -> HttpError {
    HttpError::Invalid(vec![FieldError {
        field: field.to_owned(),
        code,
        message: zh,
        message_en: en,
    }])
}

fn polls_open() -> HttpError {
    RuleRefusal::new(
        "sample_polls_open",
        rule::CNT_1,
        "仍有投票站未结束投票：全部投票站结束投票、计票完成后才能抽样核对".into(),
        "a station's polls are still open: the sampling audit starts once every station has closed and the count is done".into(),
    )
    .conflict()
    .into()
}

fn size_refusal(size: u64, population: u64) -> HttpError {
    let (code, zh, en) = if size == 0 {
        (
            "sample_size_zero",
            "抽样数量（size）至少为 1".to_owned(),
            "size: the sample needs at least 1 ballot".to_owned(),
        )
    } else {
        (
            "sample_size_above_population",
            format!("抽样数量（size）{size} 超过已计票的选票数 {population}"),
            format!("size: a sample of {size} is more than the {population} ballots counted"),
        )
    };
    RuleRefusal::new(code, rule::CNT_1, zh, en)
        .with_details(serde_json::json!({ "size": size, "population": population }))
        .into()
}

fn population_changed() -> HttpError {
    RuleRefusal::new(
        "sample_population_changed",
        rule::CNT_1,
        "抽样期间又有选票计入：请重新抽样".into(),
        "a ballot was counted while the sample was drawn: draw again".into(),
    )
    .conflict()
    .into()
}

fn not_in_sample(number: u64) -> HttpError {
    RuleRefusal::new(
        "serial_not_in_sample",
        rule::CNT_1,
        format!("该票号不在第 {number} 次抽样核对抽中的选票中"),
        format!("this serial was not drawn in sample audit {number}"),
    )
    .into()
}

fn finding_recorded() -> HttpError {
    RuleRefusal::new(
        "finding_recorded",
        rule::CNT_1,
        "这张选票的核对结果已经记录过（每张只记录一次）".into(),
        "this ballot's finding is recorded already (once per ballot)".into(),
    )
    .conflict()
    .into()
}

/// The key the election's ballots were printed under (none: nothing was
/// printed, so nothing can have been counted).
async fn key(store: &dyn Store, election: &Election) -> Result<Option<SerialKey>, HttpError> {
    Ok(store
        .find_ballot_key(election.id)
        .await?
        .map(|k| SerialKey::from_bytes(&k.0)))
}

/// Every counted ballot's serial (compact form) with its random part, in
/// the store's order.
async fn counted_serials(
    store: &dyn Store,
    election: &Election,
) -> Result<Vec<(String, [u8; 8])>, HttpError> {
    let ballots = store.audit_ballots(election.id).await?;
    Ok(match key(store, election).await? {
        Some(key) => ballots
            .iter()
            .map(|b| {
                let signed = Serial {
                    election: *election.id.as_bytes(),
                    batch: b.batch,
                    style: b.style,
                    random: b.random,
                }
                .sign(&key);
                (signed.qr_payload(), b.random)
            })
            .collect(),
        None => Vec::new(),
    })
}

/// The population an audit was drawn from, as the algorithm reads it:
/// the sorted serials, each followed by `\n` (its SHA-256 is the audit's
/// fingerprint), so that anyone can redo the draw. Refused when ballots
/// were counted after the audit: the list is no longer the one drawn from.
pub async fn population(
    store: &dyn Store,
    election: &Election,
    number: u64,
) -> Result<String, HttpError> {
    let audit = store
        .sample_audit(election.id, number)
        .await?
        .ok_or(HttpError::NotFound)?;
    let serials = counted_serials(store, election).await?;
    let texts: Vec<&str> = serials.iter().map(|(s, _)| s.as_str()).collect();
    let (sorted, fingerprint) = sampling::population(&texts)
        .map_err(|e| HttpError::Internal(anyhow::anyhow!("sample population: {e}")))?;
    if sampling::hex(&fingerprint) != audit.population_sha256 {
        return Err(RuleRefusal::new(
            "sample_population_changed",
            rule::CNT_1,
            format!("第 {number} 次抽样之后又有选票计入：票号清单已不是当时抽样所用的清单"),
            format!("ballots were counted after sample audit {number}: the list is no longer the one it was drawn from"),
        )
        .conflict()
        .into());
    }
    Ok(sorted.iter().fold(String::new(), |mut out, s| {
        out.push_str(s);
        out.push('\n');
        out
    }))
}

/// Draws and stores a new audit (the committee's; the caller checked).
pub async fn start(
    store: &dyn Store,
    election: &Election,
    input: &StartRequest,
    by: &str,
    now: DateTime<Utc>,
) -> Result<SampleAudit, HttpError> {
    let seed = Seed::parse(&input.seed).map_err(|e| {
        field(
            "seed",
            e.code(),
            format!("随机种子（seed）：{}", e.message_zh()),
            format!("seed: {}", e.message_en()),
        )
    })?;
    let stations = store.list_stations(election.id).await?;
    if stations.is_empty()
        || stations
            .iter()
            .any(|s| s.polls != huanjie_core::polling::Polls::Closed)
    {
        return Err(polls_open());
    }
    let serials = counted_serials(store, election).await?;
    let texts: Vec<&str> = serials.iter().map(|(s, _)| s.as_str()).collect();
    let sample = sampling::draw(&seed, &texts, input.size).map_err(|e| match e {
        DrawError::SizeZero => size_refusal(0, texts.len() as u64),
        DrawError::SizeAbovePopulation { size, population } => size_refusal(size, population),
        DrawError::DuplicateSerial(_) => {
            HttpError::Internal(anyhow::anyhow!("sample audit: a serial counted twice"))
        }
    })?;
    let randoms: HashMap<&str, [u8; 8]> = serials.iter().map(|(s, r)| (s.as_str(), *r)).collect();
    let drawn = sample
        .drawn
        .iter()
        .map(|d| {
            randoms
                .get(d.serial.as_str())
                .map(|r| huanjie_store::DrawnSerial {
                    serial: d.serial.clone(),
                    random: *r,
                })
                .ok_or_else(|| HttpError::Internal(anyhow::anyhow!("a drawn serial not counted")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let new = NewSampleAudit {
        algorithm: sampling::ALGORITHM.to_owned(),
        seed: seed.as_str().to_owned(),
        size: input.size,
        population: sample.population,
        population_sha256: sampling::hex(&sample.population_sha256),
        drawn,
        started_by: by.to_owned(),
    };
    match store.start_sample_audit(election.id, &new, now).await {
        Err(StoreError::Conflict(_)) => Err(population_changed()),
        other => Ok(other?),
    }
}

/// Records a finding for one drawn serial (the committee's).
pub async fn record(
    store: &dyn Store,
    election: &Election,
    number: u64,
    input: &FindingRequest,
    by: &str,
    now: DateTime<Utc>,
) -> Result<BallotView, HttpError> {
    store
        .sample_audit(election.id, number)
        .await?
        .ok_or(HttpError::NotFound)?;
    let serial = SignedSerial::parse(&input.serial)
        .map_err(|e| {
            field(
                "serial",
                e.code(),
                format!("票号（serial）：{}", e.message_zh()),
                format!("serial: {}", e.message_en()),
            )
        })?
        .qr_payload();
    let Some(finding) = Finding::parse(input.finding.trim()) else {
        return Err(field(
            "finding",
            "finding_unknown",
            "核对结果（finding）：应为 match（相符）或 discrepancy（不符）".into(),
            "finding: must be match or discrepancy".into(),
        ));
    };
    let note = input.note.trim().to_owned();
    if finding == Finding::Discrepancy && note.is_empty() {
        return Err(field(
            "note",
            "note_required",
            "说明（note）：记录不符时须写明哪里不符".into(),
            "note: a discrepancy needs a note saying what differs".into(),
        ));
    }
    let recorded = store
        .record_sample_finding(
            election.id,
            number,
            &NewFinding {
                serial,
                finding,
                note,
                recorded_by: by.to_owned(),
            },
            now,
        )
        .await;
    let ballot = match recorded {
        Ok(b) => b,
        Err(StoreError::NotFound(_)) => return Err(not_in_sample(number)),
        Err(StoreError::Conflict(_)) => return Err(finding_recorded()),
        Err(e) => return Err(e.into()),
    };
    let contests = crate::tally::contests(store, election)
        .await?
        .unwrap_or_default();
    Ok(view(
        ballot,
        &contests,
        &station_names(store, election).await?,
    ))
}

/// One position's marks on a ballot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PositionMarks {
    pub position: String,
    /// Rows marked: the ballot row, the candidate's name, the choice
    /// (`for`, `against`, `abstain`).
    pub marked: Vec<MarkedRow>,
    pub write_ins: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MarkedRow {
    pub row: String,
    pub name: String,
    pub choice: String,
}

/// A ballot's marks, position by position in ballot order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Recorded {
    /// Ruled unreadable (void) as a whole.
    pub unreadable: bool,
    pub positions: Vec<PositionMarks>,
}

impl Recorded {
    fn of(marks: &BallotMarks, contests: &[Contest]) -> Recorded {
        let mut order: Vec<&str> = contests.iter().map(|c| c.id.as_str()).collect();
        for p in marks.marks.keys().chain(marks.write_ins.keys()) {
            if !order.contains(&p.as_str()) {
                order.push(p);
            }
        }
        let positions = order
            .into_iter()
            .filter_map(|p| {
                let contest = contests.iter().find(|c| c.id == p);
                let mut marked: Vec<MarkedRow> = marks
                    .marks
                    .get(p)
                    .into_iter()
                    .flat_map(BTreeMap::iter)
                    .map(|(row, choice)| MarkedRow {
                        row: row.clone(),
                        name: contest
                            .and_then(|c| c.candidates.iter().find(|k| &k.id == row))
                            .map(|k| k.name.clone())
                            .unwrap_or_default(),
                        choice: choice.clone(),
                    })
                    .collect();
                marked.sort_by_key(|m| m.row.parse::<u64>().unwrap_or(u64::MAX));
                let write_ins: Vec<String> = marks
                    .write_ins
                    .get(p)
                    .into_iter()
                    .flatten()
                    .map(|w| w.name.clone())
                    .collect();
                (!marked.is_empty() || !write_ins.is_empty()).then(|| PositionMarks {
                    position: p.to_owned(),
                    marked,
                    write_ins,
                })
            })
            .collect();
        Recorded {
            unreadable: marks.unreadable,
            positions,
        }
    }

    fn parse(json: &str, contests: &[Contest]) -> Recorded {
        let marks: BallotMarks = serde_json::from_str(json).unwrap_or_default();
        Recorded::of(&marks, contests)
    }

    /// As lines of words in `t`'s language: “主任：张三 赞成；另选他人：李四”.
    pub fn lines(&self, t: &Texts) -> Vec<String> {
        if self.unreadable {
            return vec![t.sa_unreadable.to_owned()];
        }
        let (colon, comma) = if std::ptr::eq(t, &ZH) {
            ("：", "，")
        } else {
            (": ", ", ")
        };
        let mut lines: Vec<String> = self
            .positions
            .iter()
            .map(|p| {
                let mut parts: Vec<String> = p
                    .marked
                    .iter()
                    .map(|m| {
                        let who = if m.name.is_empty() { &m.row } else { &m.name };
                        let choice = match m.choice.as_str() {
                            "for" => t.st_for,
                            "against" => t.st_against,
                            "abstain" => t.st_abstain,
                            other => other,
                        };
                        format!("{who} {choice}")
                    })
                    .collect();
                parts.extend(
                    p.write_ins
                        .iter()
                        .map(|w| format!("{}{colon}{w}", t.st_write_in)),
                );
                format!(
                    "{}{colon}{}",
                    position_label(&p.position, t),
                    parts.join(comma)
                )
            })
            .collect();
        if lines.is_empty() {
            lines.push(t.rv_no_marks.to_owned());
        }
        lines
    }
}

fn position_label(code: &str, t: &Texts) -> String {
    match code {
        "director" => t.position_director,
        "deputy" => t.position_deputy,
        "member" => t.position_member,
        "women_member" => t.position_women_member,
        other => other,
    }
    .to_owned()
}

/// A drawn serial with what is recorded for it, as the API, the page and
/// the report show it.
#[derive(Debug, Clone, Serialize)]
pub struct BallotView {
    pub position: u64,
    /// The printed form (`HJ1-XXXX-…`), as on the paper.
    pub serial: String,
    /// The compact form (the QR code's), as drawn.
    pub serial_compact: String,
    pub station: String,
    pub station_name: String,
    /// The station's receipt number.
    pub number: u64,
    /// The marks that count: the person's decision if it went to one,
    /// else as scanned; `None` while a person has still to decide.
    pub counted: Option<Recorded>,
    /// As scanned.
    pub scanned: Recorded,
    /// Why it went to a person (empty: it did not).
    pub review: Vec<ReviewReason>,
    pub decision: Option<Recorded>,
    pub decided_by: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    pub finding: Option<huanjie_store::RecordedFinding>,
}

fn printed(compact: &str) -> String {
    SignedSerial::parse(compact).map_or_else(|_| compact.to_owned(), |s| s.to_string())
}

fn view(b: SampledBallot, contests: &[Contest], names: &HashMap<String, String>) -> BallotView {
    let scanned = Recorded::parse(&b.marks, contests);
    let decision = b.decision.as_deref().map(|d| Recorded::parse(d, contests));
    let review = b.review.as_deref().map(review_reasons).unwrap_or_default();
    let counted = match (&b.review, &decision) {
        (None, _) => Some(scanned.clone()),
        (Some(_), Some(d)) => Some(d.clone()),
        (Some(_), None) => None,
    };
    BallotView {
        position: b.position,
        serial: printed(&b.serial),
        serial_compact: b.serial,
        station_name: names
            .get(&b.station)
            .cloned()
            .unwrap_or_else(|| b.station.clone()),
        station: b.station,
        number: b.number,
        counted,
        scanned,
        review,
        decision,
        decided_by: b.decided_by,
        decided_at: b.decided_at,
        finding: b.finding,
    }
}

async fn station_names(
    store: &dyn Store,
    election: &Election,
) -> Result<HashMap<String, String>, HttpError> {
    Ok(store
        .list_stations(election.id)
        .await?
        .into_iter()
        .map(|s| (s.code, s.name))
        .collect())
}

/// An audit with every drawn serial.
#[derive(Debug, Clone, Serialize)]
pub struct AuditView {
    #[serde(flatten)]
    pub audit: SampleAudit,
    pub ballots: Vec<BallotView>,
}

pub async fn show(
    store: &dyn Store,
    election: &Election,
    number: u64,
) -> Result<AuditView, HttpError> {
    let audit = store
        .sample_audit(election.id, number)
        .await?
        .ok_or(HttpError::NotFound)?;
    let contests = crate::tally::contests(store, election)
        .await?
        .unwrap_or_default();
    let names = station_names(store, election).await?;
    let ballots = store
        .sampled_ballots(election.id, number)
        .await?
        .into_iter()
        .map(|b| view(b, &contests, &names))
        .collect();
    Ok(AuditView { audit, ballots })
}

/// Every audit of the election with its ballots, newest first.
pub async fn all(store: &dyn Store, election: &Election) -> Result<Vec<AuditView>, HttpError> {
    let mut out = Vec::new();
    for a in store.list_sample_audits(election.id).await?.iter().rev() {
        out.push(show(store, election, a.number).await?);
    }
    Ok(out)
}

/// An instant as read in China (UTC+8), to the minute.
fn china_time(at: DateTime<Utc>) -> String {
    match chrono::FixedOffset::east_opt(8 * 3600) {
        Some(tz) => at.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string(),
        None => at.format("%Y-%m-%d %H:%M").to_string(),
    }
}

fn finding_words(f: Option<&huanjie_store::RecordedFinding>) -> (String, String) {
    match f {
        None => ("待核对".into(), String::new()),
        Some(f) => (
            match f.finding {
                Finding::Match => "相符".into(),
                Finding::Discrepancy => "不符".into(),
            },
            f.note.clone(),
        ),
    }
}

/// The report (抽样核对报告) as a PDF: the draw's inputs, each serial with
/// its recorded marks and finding, the totals, and signature lines.
pub async fn report(
    store: &dyn Store,
    election: &Election,
    number: u64,
    today: chrono::NaiveDate,
) -> Result<Vec<u8>, HttpError> {
    let v = show(store, election, number).await?;
    let a = &v.audit;
    let mut blocks = vec![
        Block::Heading("一、抽样方法".into()),
        Block::KeyValues(vec![
            ("算法".into(), format!("{}（docs/sampling-audit.md）", a.algorithm)),
            ("随机种子".into(), a.seed.clone()),
            ("抽样数量".into(), format!("{} 张", a.size)),
            ("已计票选票".into(), format!("{} 张", a.population)),
            ("票号清单指纹".into(), a.population_sha256.clone()),
            ("抽样人".into(), a.started_by.clone()),
            (
                "抽样时间".into(),
                china_time(a.started_at),
            ),
        ]),
        Block::Paragraph(
            "以上随机种子在计票现场公开掷骰产生；任何人可按所列算法，用随机种子和已计票选票的票号清单重新抽样，结果应与下表一致。".into(),
        ),
        Block::Heading("二、抽中的选票".into()),
    ];
    // One serial per row, unbroken: it is what people match on the paper.
    blocks.push(Block::Table(AnnouncementTable {
        caption: None,
        columns: vec![
            TableColumn::new("序号", 110, CellAlign::Right),
            TableColumn::new("票号", 900, CellAlign::Left),
            TableColumn::new("投票站 · 回执", 420, CellAlign::Left),
            TableColumn::new("核对结果", 270, CellAlign::Left),
        ],
        rows: v
            .ballots
            .iter()
            .map(|b| {
                vec![
                    b.position.to_string(),
                    b.serial.clone(),
                    format!("{} · 第{}号", b.station_name, b.number),
                    finding_words(b.finding.as_ref()).0,
                ]
            })
            .collect(),
    }));
    // The marks wrap under each ballot's number.
    blocks.push(Block::Heading("三、记录的划票与核对说明".into()));
    blocks.push(Block::KeyValues(
        v.ballots
            .iter()
            .map(|b| {
                let mut text = match &b.counted {
                    Some(r) => r.lines(&ZH).join("；"),
                    None => "待人工裁定".into(),
                };
                if !b.review.is_empty() {
                    text.push_str(&format!(
                        "（曾交人工裁定：{}）",
                        b.decided_by.clone().unwrap_or_else(|| "尚未裁定".into())
                    ));
                }
                let (finding, note) = finding_words(b.finding.as_ref());
                text.push_str(&format!("。核对：{finding}"));
                if !note.is_empty() {
                    text.push_str(&format!("，{note}"));
                }
                (format!("第{}张", b.position), text)
            })
            .collect(),
    ));
    blocks.push(Block::Heading("四、核对结果".into()));
    blocks.push(Block::KeyValues(vec![
        ("相符".into(), format!("{} 张", a.matches)),
        ("不符".into(), format!("{} 张", a.discrepancies)),
        ("待核对".into(), format!("{} 张", a.pending)),
    ]));
    blocks.push(Block::Heading("五、签名".into()));
    blocks.push(Block::Table(AnnouncementTable {
        caption: None,
        columns: vec![
            TableColumn::new("职责", 500, CellAlign::Left),
            TableColumn::new("姓名", 500, CellAlign::Left),
            TableColumn::new("签名", 700, CellAlign::Left),
        ],
        rows: ["选举委员会", "监票人", "监票人", "观察员"]
            .iter()
            .map(|r| vec![(*r).to_owned(), String::new(), String::new()])
            .collect(),
    }));
    let announcement = Announcement {
        title: format!("抽样核对报告（第{}次）", a.number),
        number: None,
        election_title: election.title.clone(),
        committee_name: crate::pdf::committee_name(election),
        issue_date: today,
        summary: format!(
            "相符 {} 张，不符 {} 张，待核对 {} 张",
            a.matches, a.discrepancies, a.pending
        ),
        blocks,
        closing: String::new(),
        footer: vec![format!("依据 R-CNT-1 · {}", a.algorithm)],
    };
    let fonts = crate::pdf::fonts()?;
    announcement
        .to_pdf(fonts)
        .map_err(|e| crate::pdf::print_error(e, rule::CNT_1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::EN;
    use huanjie_core::counting::{Candidate, Gender};
    use huanjie_core::seats::Seats;

    fn contests() -> Vec<Contest> {
        let person = |id: &str, name: &str| Candidate {
            id: id.into(),
            name: name.into(),
            gender: Gender::Female,
        };
        vec![
            Contest {
                id: "director".into(),
                title: "主任".into(),
                seats: Seats::new(1).unwrap(),
                candidates: vec![person("1", "田娟"), person("2", "金珍")],
            },
            Contest {
                id: "member".into(),
                title: "委员".into(),
                seats: Seats::new(2).unwrap(),
                candidates: (1..=11)
                    .map(|i| person(&i.to_string(), &format!("委员候选人{i}")))
                    .collect(),
            },
        ]
    }

    /// Positions in ballot order (not the JSON's), rows by number (10
    /// after 2), names from the ballot, write-ins after the marks.
    #[test]
    fn recorded_marks_read_as_the_ballot_prints_them() {
        let json = r#"{"marks":{"member":{"10":"for","2":"against"},"director":{"2":"for"}},
                      "write_ins":{"member":[{"name":"赵六"}]}}"#;
        let r = Recorded::parse(json, &contests());
        assert_eq!(
            r.lines(&ZH),
            vec![
                "主任：金珍 赞成".to_owned(),
                "委员：委员候选人2 反对，委员候选人10 赞成，另选他人：赵六".to_owned(),
            ]
        );
        assert_eq!(r.lines(&EN)[0], "Director: 金珍 For");
        assert_eq!(r.positions[1].marked[0].row, "2");
    }

    #[test]
    fn an_unreadable_or_empty_ballot_says_so() {
        let void = Recorded::parse(r#"{"unreadable":true}"#, &contests());
        assert_eq!(void.lines(&ZH), vec![ZH.sa_unreadable.to_owned()]);
        let blank = Recorded::parse(r#"{"marks":{}}"#, &contests());
        assert!(blank.positions.is_empty());
        assert_eq!(blank.lines(&ZH), vec![ZH.rv_no_marks.to_owned()]);
    }
}
