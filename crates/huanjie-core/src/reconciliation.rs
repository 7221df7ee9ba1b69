//! Station reconciliation (票数核对): where every printed ballot went.
//!
//! Per station: ballots received (printed for it), spoiled (voided:
//! misprinted, torn, handed back), issued to voters (R-POLL-5), returned
//! (taken out of the box and counted) and unused (received − issued −
//! spoiled). Discrepancies are flagged, not corrected: the committee
//! explains them on the count sheet. The round rule R-CNT-2 is over the
//! whole round: more ballots returned than issued voids the round.
//!
//! Pure arithmetic in integers; no discrepancy makes the figures
//! negative (a shortfall is reported as such).

use crate::rule;
use serde::Serialize;

/// What a station's day left, as recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Figures {
    /// Ballots printed for the station (every batch, voided ones included).
    pub received: u64,
    /// Of those, voided (作废).
    pub spoiled: u64,
    /// Handed to voters (a count, proxies included).
    pub issued: u64,
    /// Taken out of the box and counted (scanned).
    pub returned: u64,
    /// Of those, still waiting for a person's decision (R-CNT-4).
    pub pending: u64,
}

/// A figure that does not add up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Discrepancy {
    /// More ballots in the box than were issued (R-CNT-2, here a warning
    /// for the station; the round rule is over the whole round).
    MoreReturnedThanIssued { excess: u64 },
    /// Fewer in the box than issued: voters kept or spoiled theirs
    /// (allowed; recorded).
    FewerReturnedThanIssued { missing: u64 },
    /// More issued and spoiled than were printed for the station: the
    /// station used ballots printed for another, or the counts are wrong.
    MoreUsedThanReceived { excess: u64 },
    /// Ballots in the box still waiting for a person (R-CNT-4).
    Pending { ballots: u64 },
}

impl Discrepancy {
    pub fn rule(&self) -> &'static str {
        match self {
            Discrepancy::MoreReturnedThanIssued { .. }
            | Discrepancy::FewerReturnedThanIssued { .. } => rule::CNT_2,
            Discrepancy::MoreUsedThanReceived { .. } => rule::POLL_5,
            Discrepancy::Pending { .. } => rule::CNT_4,
        }
    }

    pub fn message_zh(&self) -> String {
        match self {
            Discrepancy::MoreReturnedThanIssued { excess } => {
                format!("收回选票比发出选票多{excess}张")
            }
            Discrepancy::FewerReturnedThanIssued { missing } => {
                format!("收回选票比发出选票少{missing}张")
            }
            Discrepancy::MoreUsedThanReceived { excess } => {
                format!("发出和作废的选票比领取的多{excess}张")
            }
            Discrepancy::Pending { ballots } => format!("{ballots}张选票待人工裁定"),
        }
    }

    pub fn message_en(&self) -> String {
        match self {
            Discrepancy::MoreReturnedThanIssued { excess } => {
                format!("{excess} more ballots returned than issued")
            }
            Discrepancy::FewerReturnedThanIssued { missing } => {
                format!("{missing} fewer ballots returned than issued")
            }
            Discrepancy::MoreUsedThanReceived { excess } => {
                format!("{excess} more ballots issued and spoiled than received")
            }
            Discrepancy::Pending { ballots } => {
                format!("{ballots} ballots waiting for a person's decision")
            }
        }
    }
}

/// A station's figures checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reconciled {
    #[serde(flatten)]
    pub figures: Figures,
    /// received − issued − spoiled, or 0 when more were used.
    pub unused: u64,
    pub discrepancies: Vec<Discrepancy>,
}

/// Reconciles one station.
pub fn reconcile(f: Figures) -> Reconciled {
    let mut discrepancies = Vec::new();
    let used = f.issued.saturating_add(f.spoiled);
    if used > f.received {
        discrepancies.push(Discrepancy::MoreUsedThanReceived {
            excess: used - f.received,
        });
    }
    if f.returned > f.issued {
        discrepancies.push(Discrepancy::MoreReturnedThanIssued {
            excess: f.returned - f.issued,
        });
    } else if f.returned < f.issued {
        discrepancies.push(Discrepancy::FewerReturnedThanIssued {
            missing: f.issued - f.returned,
        });
    }
    if f.pending > 0 {
        discrepancies.push(Discrepancy::Pending { ballots: f.pending });
    }
    Reconciled {
        figures: f,
        unused: f.received.saturating_sub(used),
        discrepancies,
    }
}

/// The whole round's figures (the stations' sums) and the round rule:
/// R-CNT-2 voids the round when more ballots were returned than issued.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RoundFigures {
    #[serde(flatten)]
    pub totals: Reconciled,
    /// False when R-CNT-2 voids the round.
    pub returned_within_issued: bool,
}

pub fn reconcile_round(stations: &[Figures]) -> RoundFigures {
    let sum = stations.iter().fold(Figures::default(), |a, s| Figures {
        received: a.received.saturating_add(s.received),
        spoiled: a.spoiled.saturating_add(s.spoiled),
        issued: a.issued.saturating_add(s.issued),
        returned: a.returned.saturating_add(s.returned),
        pending: a.pending.saturating_add(s.pending),
    });
    RoundFigures {
        returned_within_issued: sum.returned <= sum.issued,
        totals: reconcile(sum),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn figures(received: u64, spoiled: u64, issued: u64, returned: u64) -> Figures {
        Figures {
            received,
            spoiled,
            issued,
            returned,
            pending: 0,
        }
    }

    #[test]
    fn a_clean_station_adds_up() {
        let r = reconcile(figures(500, 3, 420, 420));
        assert_eq!(r.unused, 77);
        assert!(r.discrepancies.is_empty());
    }

    #[test]
    fn each_discrepancy_is_flagged_with_its_rule() {
        let r = reconcile(figures(100, 2, 99, 101));
        assert_eq!(
            r.discrepancies,
            vec![
                Discrepancy::MoreUsedThanReceived { excess: 1 },
                Discrepancy::MoreReturnedThanIssued { excess: 2 },
            ]
        );
        assert_eq!(r.unused, 0);
        assert_eq!(r.discrepancies[1].rule(), "R-CNT-2");
        let r = reconcile(figures(100, 0, 90, 88));
        assert_eq!(
            r.discrepancies,
            vec![Discrepancy::FewerReturnedThanIssued { missing: 2 }]
        );
        assert!(r.discrepancies[0].message_zh().contains("少2张"));
    }

    #[test]
    fn the_round_rule_is_over_the_whole_round() {
        // One station has one ballot too many, another one too few: the
        // round as a whole returned no more than it issued (R-CNT-2).
        let round = reconcile_round(&[figures(100, 0, 50, 51), figures(100, 0, 50, 49)]);
        assert!(round.returned_within_issued);
        assert_eq!(round.totals.figures.returned, 100);
        let round = reconcile_round(&[figures(100, 0, 50, 51), figures(100, 0, 50, 50)]);
        assert!(!round.returned_within_issued);
    }

    proptest! {
        #[test]
        fn unused_plus_used_is_received_unless_flagged(
            received in 0u64..10_000, spoiled in 0u64..100,
            issued in 0u64..10_000, returned in 0u64..10_000,
        ) {
            let r = reconcile(figures(received, spoiled, issued, returned));
            let over = r.discrepancies.iter().any(|d| matches!(d, Discrepancy::MoreUsedThanReceived { .. }));
            if over {
                prop_assert_eq!(r.unused, 0);
            } else {
                prop_assert_eq!(r.unused + issued + spoiled, received);
            }
            let flagged = r.discrepancies.iter().any(|d| matches!(d,
                Discrepancy::MoreReturnedThanIssued { .. } | Discrepancy::FewerReturnedThanIssued { .. }));
            prop_assert_eq!(flagged, returned != issued);
        }
    }
}
