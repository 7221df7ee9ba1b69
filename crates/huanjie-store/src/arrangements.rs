//! An election's practical arrangements, as the committee decides them:
//! polling hours, the voter registration period and places, and the
//! wording of who formed the election committee and who approved the
//! counting staff. They feed the notices (选举日公告, 选民登记公告, …).

use chrono::{NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};

/// Every field is optional until decided; a notice that needs one that is
/// missing is refused by the web edge, naming it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Arrangements {
    /// Polls open and close on election day.
    pub polls_open: Option<NaiveTime>,
    pub polls_close: Option<NaiveTime>,
    /// The voter registration period (R-REG-2..5), first and last day.
    pub registration_from: Option<NaiveDate>,
    pub registration_to: Option<NaiveDate>,
    /// The daily hours in the committee's words ("每日8:30至17:00").
    pub registration_hours: String,
    pub registration_places: Vec<RegistrationPlace>,
    /// "经社区居民代表会议推选" (R-BODY-5); may be empty.
    pub committee_formed_by: String,
    /// "经居民代表会议通过" (R-POLL-2); may be empty.
    pub staff_approved_by: String,
    /// Where the boxes are opened and counted in public (R-CNT-1); the
    /// polling notice needs it.
    #[serde(default)]
    pub count_venue: String,
}

/// A place where voters register, and whom it serves.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistrationPlace {
    pub place: String,
    #[serde(default)]
    pub serves: String,
}

/// A declared family relation between two residents of the roll (R-POLL-2,
/// R-BODY-4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RelationKind {
    /// 配偶
    Spouse,
    /// 近亲属
    CloseRelative,
}

impl RelationKind {
    pub fn code(self) -> &'static str {
        match self {
            RelationKind::Spouse => "spouse",
            RelationKind::CloseRelative => "close_relative",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "spouse" => RelationKind::Spouse,
            "close_relative" => RelationKind::CloseRelative,
            _ => return None,
        })
    }
}

/// Two residents (record ids; the store keeps the pair once, in id order)
/// and how they are related.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Relation {
    pub a: uuid::Uuid,
    pub b: uuid::Uuid,
    pub kind: RelationKind,
    pub recorded_by: String,
}

impl Relation {
    /// The same relation with `a < b`, as stored.
    pub fn ordered(&self) -> Relation {
        let (a, b) = if self.a <= self.b {
            (self.a, self.b)
        } else {
            (self.b, self.a)
        };
        Relation {
            a,
            b,
            ..self.clone()
        }
    }
}
