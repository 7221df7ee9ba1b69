//! The homeowners' assembly (业主大会, R-OWN-1; issue 7, item 6), the use
//! cases the API (`api/homeowners`) and the page (`pages/homeowners`)
//! share: import the units register, list the owners with their totals,
//! put a matter to the assembly, record each owner's vote, count a matter.
//!
//! Only an election of a homeowners' committee has an assembly; any other
//! is refused with a plain message. The rules are the core's
//! (`huanjie_core::homeowners`), the thresholds the profile's
//! `[homeowners]` section; the store keeps one vote per owner per matter.
//!
//! The units register is a CSV file in UTF-8 with the headers 房号,
//! 专有部分面积, 业主姓名, 是否开发商未售 (English aliases `unit`, `area`,
//! `owner`, `developer_unsold`). It is refused whole if any row is bad,
//! with every bad row named by its line, column and rule.

use huanjie_core::homeowners::{
    self, Area, AreaError, Choice, HomeownersRules, MatterKind, Outcome, Register, Test, Unit,
    Vote, VoteMode,
};
use huanjie_core::rule;
use huanjie_store::{
    BodyKind, Election, HomeownerMatter, HomeownerRegister, HomeownerVote, Store, StoreError,
    MATTERS_EXIST, NO_REGISTER, VOTED_ALREADY,
};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::error::{HttpError, RuleRefusal};

pub mod committee;

/// The longest matter title.
const TITLE_MAX: usize = 200;

/// Refuses any election but a homeowners' committee's.
pub fn require_homeowners(election: &Election) -> Result<(), HttpError> {
    if election.body_kind == BodyKind::HomeownersCommittee {
        return Ok(());
    }
    Err(RuleRefusal::new(
        "not_homeowners",
        rule::OWN_1,
        "只有业主委员会选举才有业主大会（业主名册、表决事项和投票）".into(),
        "only an election of a homeowners' committee has a homeowners' assembly (owners' register, matters, votes)".into(),
    )
    .conflict()
    .into())
}

fn rules(election: &Election) -> Result<HomeownersRules, HttpError> {
    Ok(crate::registration::profile(election)?.homeowners)
}

// --- the units register ----------------------------------------------------

/// The register's columns, Chinese header first.
const COLUMNS: [(&str, &str, &str); 4] = [
    ("房号", "unit", "unit"),
    ("专有部分面积", "area", "exclusive area"),
    ("业主姓名", "owner", "owner"),
    (
        "是否开发商未售",
        "developer_unsold",
        "developer's unsold unit",
    ),
];

/// One bad row (or header) of a register file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowProblem {
    /// The file's line (the header is line 1).
    pub row: usize,
    /// The column's Chinese header, or empty for the whole row.
    pub column: String,
    pub rule: &'static str,
    pub message: String,
    pub message_en: String,
}

fn problem(row: usize, column: usize, zh: String, en: String) -> RowProblem {
    let (header, _, en_name) = COLUMNS.get(column).copied().unwrap_or(("", "", ""));
    RowProblem {
        row,
        column: header.to_owned(),
        rule: rule::OWN_1,
        message: format!("第{row}行，{header}：{zh}"),
        message_en: format!("line {row}, {header} ({en_name}): {en}"),
    }
}

/// Splits CSV text into records (RFC 4180: quoted fields may hold commas,
/// quotes doubled and line breaks), each with its starting line number.
fn csv_records(text: &str) -> Result<Vec<(usize, Vec<String>)>, usize> {
    let mut records = Vec::new();
    let mut field = String::new();
    let mut record: Vec<String> = Vec::new();
    let mut line = 1;
    let mut start = 1;
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                '\n' => {
                    line += 1;
                    field.push(c);
                }
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' if field.is_empty() => quoted = true,
            ',' => record.push(std::mem::take(&mut field)),
            '\r' => {}
            '\n' => {
                record.push(std::mem::take(&mut field));
                records.push((start, std::mem::take(&mut record)));
                line += 1;
                start = line;
            }
            _ => field.push(c),
        }
    }
    if quoted {
        return Err(start);
    }
    if !field.is_empty() || !record.is_empty() {
        record.push(field);
        records.push((start, record));
    }
    Ok(records)
}

fn yes_no(s: &str) -> Option<bool> {
    match s.trim().to_ascii_lowercase().as_str() {
        "" | "否" | "n" | "no" | "false" | "0" => Some(false),
        "是" | "y" | "yes" | "true" | "1" => Some(true),
        _ => None,
    }
}

/// Reads a units register file; every problem in it, or none.
pub fn parse_register(bytes: &[u8]) -> Result<Vec<Unit>, Vec<RowProblem>> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Err(vec![RowProblem {
            row: 1,
            column: String::new(),
            rule: rule::OWN_1,
            message: "业主名册须为 UTF-8 编码的 CSV 文件（在表格软件中“另存为 CSV UTF-8”）".into(),
            message_en: "the owners' register must be a CSV file in UTF-8 (\"Save as CSV UTF-8\")"
                .into(),
        }]);
    };
    let records = csv_records(text).map_err(|row| {
        vec![RowProblem {
            row,
            column: String::new(),
            rule: rule::OWN_1,
            message: format!("第{row}行：引号没有闭合"),
            message_en: format!("line {row}: a quote is not closed"),
        }]
    })?;
    let mut records = records
        .into_iter()
        .filter(|(_, r)| r.iter().any(|c| !c.trim().is_empty()));
    let Some((_, header)) = records.next() else {
        return Err(vec![RowProblem {
            row: 1,
            column: String::new(),
            rule: rule::OWN_1,
            message: "业主名册是空的：第一行应为表头 房号,专有部分面积,业主姓名,是否开发商未售"
                .into(),
            message_en: "the owners' register is empty: the first line is the header 房号,专有部分面积,业主姓名,是否开发商未售"
                .into(),
        }]);
    };
    let mut at = [None; 4];
    for (i, cell) in header.iter().enumerate() {
        let cell = cell.trim();
        if let Some(c) = COLUMNS
            .iter()
            .position(|(zh, en, _)| cell == *zh || cell.eq_ignore_ascii_case(en))
        {
            at[c] = Some(i);
        }
    }
    let missing: Vec<RowProblem> = (0..4)
        .filter(|c| at[*c].is_none())
        .map(|c| {
            problem(
                1,
                c,
                "表头缺少这一列".into(),
                "this column is missing from the header".into(),
            )
        })
        .collect();
    if !missing.is_empty() {
        return Err(missing);
    }
    let mut problems = Vec::new();
    let mut units = Vec::new();
    let mut seen: std::collections::BTreeMap<String, usize> = std::collections::BTreeMap::new();
    for (row, cells) in records {
        let cell = |c: usize| {
            at[c]
                .and_then(|i| cells.get(i))
                .map_or("", |s| s.trim())
                .to_owned()
        };
        let before = problems.len();
        let unit = cell(0);
        if unit.is_empty() {
            problems.push(problem(row, 0, "必须填写".into(), "is required".into()));
        } else if let Some(first) = seen.get(&unit) {
            problems.push(problem(
                row,
                0,
                format!("与第{first}行重复：一套房屋只算一名业主（R-OWN-1）"),
                format!("repeats line {first}: one unit is one owner (R-OWN-1)"),
            ));
        } else {
            seen.insert(unit.clone(), row);
        }
        let area = match Area::parse(&cell(1)) {
            Ok(a) => Some(a),
            Err(e) => {
                let zh = match e {
                    AreaError::NotANumber => "应为平方米数，最多两位小数，如 89.50",
                    AreaError::TooPrecise => "最多两位小数（0.01平方米）",
                    AreaError::Zero => "应大于0",
                    AreaError::TooLarge => "数值过大",
                };
                problems.push(problem(row, 1, zh.into(), e.to_string()));
                None
            }
        };
        let owner = cell(2);
        if owner.is_empty() {
            problems.push(problem(
                row,
                2,
                "必须填写（开发商未售房屋填开发商名称）".into(),
                "is required (the developer's name for an unsold unit)".into(),
            ));
        }
        let developer = yes_no(&cell(3));
        if developer.is_none() {
            problems.push(problem(
                row,
                3,
                "应为“是”或“否”".into(),
                "must be 是 (yes) or 否 (no)".into(),
            ));
        }
        if let (true, Some(area), Some(developer_unsold)) =
            (problems.len() == before, area, developer)
        {
            units.push(Unit {
                unit,
                area,
                owner,
                developer_unsold,
            });
        }
    }
    if units.is_empty() && problems.is_empty() {
        problems.push(RowProblem {
            row: 2,
            column: String::new(),
            rule: rule::OWN_1,
            message: "业主名册没有房屋".into(),
            message_en: "the owners' register lists no units".into(),
        });
    }
    if problems.is_empty() {
        Ok(units)
    } else {
        Err(problems)
    }
}

fn register_refusal(problems: Vec<RowProblem>) -> HttpError {
    let first = problems.first();
    let zh = format!(
        "业主名册有{}处问题，整份未导入：{}",
        problems.len(),
        first.map_or("", |p| p.message.as_str())
    );
    let en = format!(
        "the owners' register has {} problem(s) and was not imported: {}",
        problems.len(),
        first.map_or("", |p| p.message_en.as_str())
    );
    RuleRefusal::new("register_invalid", rule::OWN_1, zh, en)
        .with_details(json!({ "problems": problems }))
        .into()
}

/// An owner as the API and the page show it.
#[derive(Debug, Clone, Serialize)]
pub struct OwnerView {
    pub number: u32,
    pub name: String,
    pub developer: bool,
    /// Square metres, two decimals.
    pub area: String,
    pub area_centi: u64,
    pub units: Vec<String>,
}

/// The register with its totals (the quorum's base).
#[derive(Debug, Clone, Serialize)]
pub struct RegisterView {
    pub owners: Vec<OwnerView>,
    pub total_owners: u64,
    pub total_units: u64,
    pub total_area: String,
    pub total_area_centi: u64,
    pub imported_by: String,
    pub imported_at: String,
}

fn register_view(stored: &HomeownerRegister) -> RegisterView {
    let register = Register::from_owners(stored.owners.clone());
    RegisterView {
        owners: register
            .owners
            .iter()
            .map(|o| OwnerView {
                number: o.number,
                name: o.name.clone(),
                developer: o.developer,
                area: o.area.to_string(),
                area_centi: o.area.centi(),
                units: o.units.clone(),
            })
            .collect(),
        total_owners: register.owner_count(),
        total_units: register.total_units,
        total_area: register.total_area.to_string(),
        total_area_centi: register.total_area.centi(),
        imported_by: stored.imported_by.clone(),
        imported_at: stored.imported_at.to_rfc3339(),
    }
}

fn matters_exist() -> HttpError {
    RuleRefusal::new(
        "matters_exist",
        rule::OWN_1,
        "已有事项提交业主大会表决，业主名册不能再更换".into(),
        "matters have been put to the assembly: the owners' register can no longer be replaced"
            .into(),
    )
    .conflict()
    .into()
}

fn no_register() -> HttpError {
    RuleRefusal::new(
        "no_register",
        rule::OWN_1,
        "请先导入业主名册".into(),
        "import the owners' register first".into(),
    )
    .conflict()
    .into()
}

/// Imports a units register whole, or refuses it naming every bad row.
pub async fn import_register(
    store: &dyn Store,
    election: &Election,
    bytes: &[u8],
    by: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<RegisterView, HttpError> {
    require_homeowners(election)?;
    let units = parse_register(bytes).map_err(register_refusal)?;
    match store
        .replace_homeowner_register(election.id, &units, by, now)
        .await
    {
        Ok(_) => {}
        Err(StoreError::Conflict(m)) if m == MATTERS_EXIST => return Err(matters_exist()),
        Err(e) => return Err(e.into()),
    }
    tracing::info!(election_id = %election.id, units = units.len(), "owners' register imported");
    register(store, election).await?.ok_or(HttpError::NotFound)
}

/// The stored register with its totals, if imported.
pub async fn register(
    store: &dyn Store,
    election: &Election,
) -> Result<Option<RegisterView>, HttpError> {
    require_homeowners(election)?;
    Ok(store
        .homeowner_register(election.id)
        .await?
        .as_ref()
        .map(register_view))
}

// --- matters and votes -----------------------------------------------------

#[derive(Debug, Clone, Deserialize)]
pub struct MatterRequest {
    /// `ordinary` or `special`.
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub title: String,
}

fn invalid(code: &'static str, zh: &str, en: &str) -> HttpError {
    RuleRefusal::new(code, rule::OWN_1, zh.into(), en.into()).into()
}

/// Puts a matter to the assembly.
pub async fn add_matter(
    store: &dyn Store,
    election: &Election,
    input: &MatterRequest,
    by: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<HomeownerMatter, HttpError> {
    require_homeowners(election)?;
    let Some(kind) = MatterKind::parse(input.kind.trim()) else {
        return Err(invalid(
            "matter_kind",
            "事项类别（kind）：应为 ordinary（一般事项，含选举业主委员会：过半数）或 special（筹集、使用维修资金，改建、重建：四分之三以上）",
            "kind: must be ordinary (more than half; electing the committee included) or special (maintenance funds, rebuilding: three quarters)",
        ));
    };
    let title = input.title.trim();
    if title.is_empty() || title.chars().count() > TITLE_MAX {
        return Err(invalid(
            "matter_title",
            "事项名称（title）：必须填写，最多200字",
            "title: is required, at most 200 characters",
        ));
    }
    match store
        .add_homeowner_matter(election.id, kind, title, by, now)
        .await
    {
        Ok(m) => Ok(m),
        Err(StoreError::Conflict(m)) if m == NO_REGISTER => Err(no_register()),
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct VoteRequest {
    /// The owner's number in the register.
    #[serde(default)]
    pub owner: Option<u32>,
    /// `for`/`against`/`abstain` or 同意/反对/弃权.
    #[serde(default)]
    pub choice: String,
    /// `written` (书面, as received) or `in_person` (现场, as cast).
    #[serde(default)]
    pub mode: String,
}

/// How a vote came: `written` (书面) or `in_person` (现场).
pub(crate) fn vote_mode(raw: &str) -> Result<VoteMode, HttpError> {
    VoteMode::parse(raw.trim()).ok_or_else(|| {
        invalid(
            "vote_mode",
            "表决方式（mode）：应为 written（书面）或 in_person（现场）",
            "mode: must be written or in_person",
        )
    })
}

/// The owner numbered `number` in the stored register (R-OWN-1: one owner
/// whatever their units), or a refusal naming the field.
pub(crate) async fn registered_owner(
    store: &dyn Store,
    election: &Election,
    number: Option<u32>,
) -> Result<homeowners::Owner, HttpError> {
    let stored = store
        .homeowner_register(election.id)
        .await?
        .ok_or_else(no_register)?;
    let register = Register::from_owners(stored.owners);
    number
        .and_then(|n| register.owner(n))
        .cloned()
        .ok_or_else(|| {
            invalid(
                "unknown_owner",
                "业主（owner）：不在业主名册中",
                "owner: not in the owners' register",
            )
        })
}

/// Records one owner's vote on a matter: once per owner, however it came.
pub async fn record_vote(
    store: &dyn Store,
    election: &Election,
    matter: u32,
    input: &VoteRequest,
    by: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<HomeownerVote, HttpError> {
    require_homeowners(election)?;
    let Some(choice) = Choice::parse(input.choice.trim()) else {
        return Err(invalid(
            "vote_choice",
            "表决意见（choice）：应为 同意、反对 或 弃权",
            "choice: must be for, against or abstain (同意/反对/弃权)",
        ));
    };
    let mode = vote_mode(&input.mode)?;
    let owner = &registered_owner(store, election, input.owner).await?;
    if !store
        .homeowner_matters(election.id)
        .await?
        .iter()
        .any(|m| m.number == matter)
    {
        return Err(HttpError::NotFound);
    }
    let vote = Vote {
        owner: owner.number,
        choice,
        mode,
    };
    match store
        .record_homeowner_vote(election.id, matter, &vote, by, now)
        .await
    {
        Ok(v) => Ok(v),
        Err(StoreError::Conflict(m)) if m.starts_with(VOTED_ALREADY) => {
            Err(voted_already(owner.number, &owner.name))
        }
        Err(StoreError::Conflict(m)) if m.starts_with(huanjie_store::TOO_MANY_FOR) => {
            Err(committee::too_many_for_matter(store, election, matter, owner).await)
        }
        Err(e) => Err(e.into()),
    }
}

fn voted_already(number: u32, name: &str) -> HttpError {
    let err = homeowners::VoteError::Twice {
        owner: number,
        name: name.to_owned(),
    };
    RuleRefusal::new(
        "voted_already",
        rule::OWN_1,
        format!("业主{name}（第{number}号）已对本事项投过票：每名业主只有一票（书面或现场）"),
        err.to_string(),
    )
    .conflict()
    .with_details(json!({ "owner": number, "name": name }))
    .into()
}

/// One failed test in words.
#[derive(Debug, Clone, Serialize)]
pub struct FailureView {
    pub test: Test,
    pub threshold: String,
    pub rule: &'static str,
    pub message: String,
    pub message_en: String,
}

/// `>1/2` → 超过1/2 / more than 1/2; `>=2/3` → 不少于2/3 / at least 2/3.
pub fn threshold_words(t: huanjie_core::Threshold) -> (String, String) {
    let f = format!("{}/{}", t.numerator(), t.denominator());
    if t.is_strict() {
        (format!("超过{f}"), format!("more than {f}"))
    } else {
        (format!("不少于{f}"), format!("at least {f}"))
    }
}

fn failure_words(test: Test, t: huanjie_core::Threshold) -> (String, String) {
    let (zh, en) = threshold_words(t);
    match test {
        Test::QuorumArea => (
            format!("参与表决的专有部分面积须{zh}总面积，未达到"),
            format!("the area taking part must be {en} of the total area: it is not"),
        ),
        Test::QuorumOwners => (
            format!("参与表决的业主人数须{zh}业主总人数，未达到"),
            format!("the owners taking part must be {en} of all owners: they are not"),
        ),
        Test::Area => (
            format!("同意的专有部分面积须{zh}参与表决的面积，未达到：按面积未通过"),
            format!("the area in favour must be {en} of the area taking part: fails by area"),
        ),
        Test::Owners => (
            format!("同意的业主人数须{zh}参与表决的人数，未达到：按人数未通过"),
            format!("the owners in favour must be {en} of those taking part: fails by headcount"),
        ),
    }
}

/// A measure in the API: area (m², and 0.01 m² units) and owners.
#[derive(Debug, Clone, Serialize)]
pub struct MeasureView {
    pub area: String,
    pub area_centi: u64,
    pub owners: u64,
}

fn measure(m: &homeowners::Measure) -> MeasureView {
    MeasureView {
        area: m.area.to_string(),
        area_centi: m.area.centi(),
        owners: m.owners,
    }
}

/// A matter's count, as the API and the page show it.
#[derive(Debug, Clone, Serialize)]
pub struct ResultView {
    pub kind: MatterKind,
    pub total: MeasureView,
    pub participating: MeasureView,
    #[serde(rename = "for")]
    pub for_: MeasureView,
    pub against: MeasureView,
    pub abstain: MeasureView,
    pub written: u64,
    pub in_person: u64,
    pub quorum_met: bool,
    /// Both measures: by area and by headcount.
    pub passed_by_area: bool,
    pub passed_by_owners: bool,
    pub passed: bool,
    pub failures: Vec<FailureView>,
    pub rule: &'static str,
    pub summary: String,
    pub summary_en: String,
}

fn result_view(o: &Outcome) -> ResultView {
    let failures: Vec<FailureView> = o
        .failures
        .iter()
        .map(|f| {
            let threshold = f.threshold.to_string();
            let (zh, en) = failure_words(f.test, f.threshold);
            FailureView {
                test: f.test,
                threshold,
                rule: f.rule,
                message: zh,
                message_en: en,
            }
        })
        .collect();
    let failed = |t: Test| o.failures.iter().any(|f| f.test == t);
    let (summary, summary_en) = if o.passed {
        (
            "通过（按面积和按人数均达到）".to_owned(),
            "passed (by area and by headcount)".to_owned(),
        )
    } else {
        (
            format!(
                "未通过：{}",
                failures
                    .iter()
                    .map(|f| f.message.as_str())
                    .collect::<Vec<_>>()
                    .join("；")
            ),
            format!(
                "not passed: {}",
                failures
                    .iter()
                    .map(|f| f.message_en.as_str())
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
        )
    };
    ResultView {
        kind: o.kind,
        total: measure(&o.total),
        participating: measure(&o.participating),
        for_: measure(&o.for_),
        against: measure(&o.against),
        abstain: measure(&o.abstain),
        written: o.written,
        in_person: o.in_person,
        quorum_met: o.quorum_met,
        passed_by_area: o.quorum_met && !failed(Test::Area),
        passed_by_owners: o.quorum_met && !failed(Test::Owners),
        passed: o.passed,
        failures,
        rule: rule::OWN_1,
        summary,
        summary_en,
    }
}

/// A vote with its owner's name.
#[derive(Debug, Clone, Serialize)]
pub struct VoteView {
    pub owner: u32,
    pub name: String,
    pub choice: Choice,
    pub mode: VoteMode,
    pub recorded_by: String,
    pub recorded_at: String,
}

/// A matter with its votes and its count so far.
#[derive(Debug, Clone, Serialize)]
pub struct MatterView {
    pub number: u32,
    pub kind: MatterKind,
    pub title: String,
    pub created_by: String,
    pub created_at: String,
    pub votes: Vec<VoteView>,
    pub result: ResultView,
}

/// Every matter of the election with its votes and result.
pub async fn matters(store: &dyn Store, election: &Election) -> Result<Vec<MatterView>, HttpError> {
    require_homeowners(election)?;
    let rules = rules(election)?;
    let register = Register::from_owners(
        store
            .homeowner_register(election.id)
            .await?
            .map(|r| r.owners)
            .unwrap_or_default(),
    );
    let mut out = Vec::new();
    for m in store.homeowner_matters(election.id).await? {
        let votes = store.homeowner_votes(election.id, m.number).await?;
        let counted: Vec<Vote> = votes.iter().map(HomeownerVote::vote).collect();
        let outcome = homeowners::decide(&rules, &register, m.kind, &counted);
        out.push(MatterView {
            number: m.number,
            kind: m.kind,
            title: m.title,
            created_by: m.created_by,
            created_at: m.created_at.to_rfc3339(),
            votes: votes
                .iter()
                .map(|v| VoteView {
                    owner: v.owner,
                    name: register
                        .owner(v.owner)
                        .map(|o| o.name.clone())
                        .unwrap_or_default(),
                    choice: v.choice,
                    mode: v.mode,
                    recorded_by: v.recorded_by.clone(),
                    recorded_at: v.recorded_at.to_rfc3339(),
                })
                .collect(),
            result: result_view(&outcome),
        });
    }
    Ok(out)
}

/// One matter with its votes and result.
pub async fn matter(
    store: &dyn Store,
    election: &Election,
    number: u32,
) -> Result<MatterView, HttpError> {
    matters(store, election)
        .await?
        .into_iter()
        .find(|m| m.number == number)
        .ok_or(HttpError::NotFound)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn a_register_file_is_read_with_chinese_headers_quotes_and_a_bom() {
        let csv = "\u{feff}房号,专有部分面积,业主姓名,是否开发商未售\r\n\
                   1-101,89.50,张三,否\r\n\
                   \"1-102\",120,\"某某置业, 有限公司\",是\r\n\
                   1-201,70.05,张三,\r\n";
        let units = parse_register(csv.as_bytes()).unwrap();
        assert_eq!(units.len(), 3);
        assert_eq!(units[1].owner, "某某置业, 有限公司");
        assert!(units[1].developer_unsold && !units[2].developer_unsold);
        assert_eq!(units[2].area, Area(7005));
    }

    #[test]
    fn every_bad_row_is_named_by_line_column_and_rule() {
        let csv = "房号,专有部分面积,业主姓名,是否开发商未售\n\
                   1-101,89.5,张三,否\n\
                   1-102,abc,李四,否\n\
                   1-101,50,王五,否\n\
                   1-103,50,,也许\n";
        let problems = parse_register(csv.as_bytes()).unwrap_err();
        let named: Vec<(usize, &str)> = problems
            .iter()
            .map(|p| (p.row, p.column.as_str()))
            .collect();
        assert_eq!(
            named,
            [
                (3, "专有部分面积"),
                (4, "房号"),
                (5, "业主姓名"),
                (5, "是否开发商未售")
            ]
        );
        assert!(problems.iter().all(|p| p.rule == "R-OWN-1"));
        assert!(problems[1].message.contains("第4行") && problems[1].message.contains("第2行"));
        assert!(problems[0]
            .message_en
            .starts_with("line 3, 专有部分面积 (exclusive area)"));
    }

    #[test]
    fn a_missing_column_is_named() {
        let problems = parse_register("房号,业主姓名\n1,张三\n".as_bytes()).unwrap_err();
        let cols: Vec<&str> = problems.iter().map(|p| p.column.as_str()).collect();
        assert_eq!(cols, ["专有部分面积", "是否开发商未售"]);
        assert!(parse_register(b"").is_err());
        assert!(parse_register(&[0xB7, 0xBF, 0xBA]).is_err());
        assert!(
            parse_register("房号,专有部分面积,业主姓名,是否开发商未售\n\"1,2\n".as_bytes())
                .is_err()
        );
    }
}
