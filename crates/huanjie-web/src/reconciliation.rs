//! Station reconciliation (issue 7): per station, ballots received
//! (printed for it), spoiled (voided), issued, returned (counted) and
//! unused, with discrepancies flagged by the rules core
//! (`huanjie_core::reconciliation`); the round rule R-CNT-2 over the whole
//! round; and the count sheet (计票单) a station's counting staff sign.
//!
//! A batch names its station by code or by name (as the committee typed
//! it when printing), so both are matched, as for counting staff.

use std::collections::HashMap;

use huanjie_core::reconciliation::{self, Figures, Reconciled, RoundFigures};
use huanjie_print::{Announcement, AnnouncementTable, Block, CellAlign, TableColumn};
use huanjie_store::{Election, Station, Store};
use serde::Serialize;

use crate::error::HttpError;
// Tallies per person only: the electorate decides validity and winners,
// which the final count (`tally::final_count`) does.
use crate::tally::Tally;
use huanjie_core::electorate::Electorate;

/// One station's figures, checked.
#[derive(Debug, Clone, Serialize)]
pub struct StationFigures {
    pub code: String,
    pub name: String,
    pub polls: &'static str,
    #[serde(flatten)]
    pub reconciled: Reconciled,
}

/// Every station's figures and the round's.
#[derive(Debug, Clone, Serialize)]
pub struct Reconciliation {
    pub stations: Vec<StationFigures>,
    pub round: RoundFigures,
}

fn named(station: &Station, written: &str) -> bool {
    let w = written.trim();
    w == station.code || w == station.name
}

/// Reads and reconciles every station of the election.
pub async fn reconcile(
    store: &dyn Store,
    election: &Election,
) -> Result<Reconciliation, HttpError> {
    let stations = store.list_stations(election.id).await?;
    let batches = store.list_batches(election.id).await?;
    let mut pending: HashMap<String, u64> = HashMap::new();
    for r in store.list_reviews(election.id, None).await? {
        if r.decision.is_none() {
            *pending.entry(r.station).or_default() += 1;
        }
    }
    let mut all = Vec::with_capacity(stations.len());
    let mut figures = Vec::with_capacity(stations.len());
    for s in &stations {
        let mine = batches.iter().filter(|b| named(s, &b.station));
        let (received, spoiled) = mine.fold((0u64, 0u64), |(r, v), b| (r + b.count, v + b.voided));
        let f = Figures {
            received,
            spoiled,
            issued: s.issued,
            returned: s.scanned,
            pending: pending.get(&s.code).copied().unwrap_or(0),
        };
        figures.push(f);
        all.push(StationFigures {
            code: s.code.clone(),
            name: s.name.clone(),
            polls: s.polls.code(),
            reconciled: reconciliation::reconcile(f),
        });
    }
    Ok(Reconciliation {
        stations: all,
        round: reconciliation::reconcile_round(&figures),
    })
}

/// The count sheet of one station (计票单), as a PDF: the figures, the
/// discrepancies, each candidate's votes in this station's box (the rules
/// core's count of its ballots only), and signature lines for its
/// scrutineers, callers and counters.
pub async fn count_sheet(
    store: &dyn Store,
    election: &Election,
    code: &str,
    today: chrono::NaiveDate,
) -> Result<Vec<u8>, HttpError> {
    let all = reconcile(store, election).await?;
    let Some(figures) = all.stations.iter().find(|s| s.code == code) else {
        return Err(HttpError::NotFound);
    };
    let stations = store.list_stations(election.id).await?;
    let station = stations
        .iter()
        .find(|s| s.code == code)
        .ok_or(HttpError::NotFound)?;
    let f = &figures.reconciled.figures;
    let mut blocks = vec![
        Block::Heading("一、票数核对".into()),
        Block::KeyValues(vec![
            ("领取选票".into(), format!("{} 张", f.received)),
            ("作废选票".into(), format!("{} 张", f.spoiled)),
            ("发出选票".into(), format!("{} 张", f.issued)),
            ("收回选票".into(), format!("{} 张", f.returned)),
            (
                "剩余选票".into(),
                format!("{} 张", figures.reconciled.unused),
            ),
            ("待裁定选票".into(), format!("{} 张", f.pending)),
        ]),
    ];
    if figures.reconciled.discrepancies.is_empty() {
        blocks.push(Block::Paragraph("票数核对无误。".into()));
    } else {
        let lines: Vec<String> = figures
            .reconciled
            .discrepancies
            .iter()
            .map(|d| format!("{}（依据 {}）", d.message_zh(), d.rule()))
            .collect();
        blocks.push(Block::Paragraph(format!(
            "核对发现：{}。请在下方说明原因。",
            lines.join("；")
        )));
    }
    // This box's votes, counted by the rules core from its ballots only
    // (decided ones; those still waiting are listed above) — but no
    // contest totals anywhere while a station still votes (issue 6).
    let still_voting = stations
        .iter()
        .any(|s| s.polls != huanjie_core::polling::Polls::Closed);
    if still_voting {
        blocks.push(Block::Heading("二、本票箱计票结果".into()));
        blocks.push(Block::Paragraph(
            "仍有投票站未结束投票：投票全部结束后再打印本计票单的计票结果。".into(),
        ));
    } else if let Some(contests) = crate::tally::contests(store, election).await? {
        let mut tally = Tally::new(election, contests, &stations, 0, Electorate::Voters)?;
        let mut ballot = huanjie_core::counting::Ballot::default();
        for scan in store
            .counted_scans(election.id, &HashMap::new())
            .await?
            .iter()
            .filter(|s| s.station == code)
        {
            if let Some(marks) = &scan.marks {
                tally.add(&scan.station, marks, &mut ballot)?;
            }
        }
        let rules = tally.rules.clone();
        let labels = tally.labels.clone();
        let result = tally
            .counter
            .finish(&rules)
            .map_err(|e| HttpError::Internal(anyhow::anyhow!("count sheet: {e}")))?;
        blocks.push(Block::Heading("二、本票箱计票结果".into()));
        for c in &result.contests {
            let label = labels
                .iter()
                .find(|(id, _)| *id == c.id)
                .map_or(c.id.as_str(), |(_, l)| l.as_str());
            blocks.push(Block::Table(AnnouncementTable {
                caption: Some(format!(
                    "{label}（应选{}名，本票箱无效票{}张）",
                    c.seats, c.void_ballots
                )),
                columns: vec![
                    TableColumn::new("姓名", 700, CellAlign::Left),
                    TableColumn::new("赞成", 333, CellAlign::Right),
                    TableColumn::new("反对", 333, CellAlign::Right),
                    TableColumn::new("弃权", 334, CellAlign::Right),
                ],
                rows: c
                    .tally
                    .iter()
                    .map(|r| {
                        vec![
                            r.name.clone(),
                            r.votes_for.to_string(),
                            r.against.to_string(),
                            r.abstain.to_string(),
                        ]
                    })
                    .collect(),
            }));
        }
    }
    // A later round's staff are those approved for the general round.
    let general = crate::tally::general_round(store, election).await?;
    let staff = store.list_staff(general.id).await?;
    let mut signatures: Vec<Vec<String>> = staff
        .iter()
        .filter(|s| named(station, &s.station))
        .map(|s| vec![s.role.zh().to_owned(), s.name.clone(), String::new()])
        .collect();
    signatures.sort_by_key(|row| row[0].clone());
    blocks.push(Block::Heading("三、工作人员签名".into()));
    blocks.push(Block::Table(AnnouncementTable {
        caption: None,
        columns: vec![
            TableColumn::new("职责", 400, CellAlign::Left),
            TableColumn::new("姓名", 500, CellAlign::Left),
            TableColumn::new("签名", 800, CellAlign::Left),
        ],
        rows: signatures,
    }));
    blocks.push(Block::Paragraph(
        "情况说明：________________________________________________".into(),
    ));
    let announcement = Announcement {
        title: format!("{}计票单", station.name),
        number: None,
        election_title: election.title.clone(),
        committee_name: crate::pdf::committee_name(election),
        issue_date: today,
        summary: format!("投票站代码：{}", station.code),
        blocks,
        closing: String::new(),
        footer: vec!["依据 R-CNT-1、R-CNT-2、R-CNT-4、R-POLL-2".into()],
    };
    let fonts = crate::pdf::fonts()?;
    announcement
        .to_pdf(fonts)
        .map_err(|e| crate::pdf::print_error(e, huanjie_core::rule::CNT_2))
}
