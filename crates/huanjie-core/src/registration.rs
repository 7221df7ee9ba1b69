//! Who is a voter on election day (R-REG-1, R-REG-2, R-REG-3), and the
//! rest of registration: the mode and the registered base ([`mode`],
//! R-REG-4/6), the calendar ([`deadline`], R-REG-5, R-POLL-4), proxies
//! ([`proxy`], R-POLL-4) and the published list's fingerprint
//! ([`fingerprint`]).
//!
//! The roll lists residents; registration decides, resident by resident,
//! whether they are voters. Two different outcomes must not be confused:
//! - a [`Problem`] is bad data (an ID that does not match the stated
//!   gender, a category missing its date): the committee must fix the file,
//!   and an import with any problem is refused whole;
//! - an [`Exclusion`] is a resident correctly on the roll who is not a
//!   voter (under 18, deprived of political rights, not resident long
//!   enough …): reported with its rule id, never an error.

pub mod deadline;
pub mod fingerprint;
pub mod mode;
pub mod proxy;

use crate::counting::Gender;
use crate::profile::RegistrationRules;
use crate::resident_id::{IdGender, ResidentId};
use crate::rule;
use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// R-REG-1: the voting age.
pub const VOTING_AGE: u32 = 18;

/// R-REG-2: how a resident belongs to the community.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// 户籍居民: registered household here and living here.
    Registered,
    /// 人户分离: registered here but living elsewhere; a voter if they say
    /// they will take part.
    RegisteredElsewhere,
    /// 外来人员: living here without household registration; a voter after
    /// the profile's residence period, on application, with the election
    /// committee's consent.
    NonRegistered,
    /// 派驻人员: staff posted to the community, by their choice.
    PostedStaff,
}

impl Category {
    pub const ALL: [Category; 4] = [
        Category::Registered,
        Category::RegisteredElsewhere,
        Category::NonRegistered,
        Category::PostedStaff,
    ];

    /// The code used in the API and in English files.
    pub fn code(self) -> &'static str {
        match self {
            Category::Registered => "registered",
            Category::RegisteredElsewhere => "registered_elsewhere",
            Category::NonRegistered => "non_registered",
            Category::PostedStaff => "posted_staff",
        }
    }

    /// The Chinese name, as written in the roll.
    pub fn zh(self) -> &'static str {
        match self {
            Category::Registered => "户籍居民",
            Category::RegisteredElsewhere => "人户分离",
            Category::NonRegistered => "外来人员",
            Category::PostedStaff => "派驻人员",
        }
    }

    /// Reads the Chinese name, a common synonym, or the code.
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        Category::ALL
            .into_iter()
            .find(|c| c.code() == s || c.zh() == s)
            .or(match s {
                "户籍" | "本地户籍" | "常住户籍" => Some(Category::Registered),
                "户在人不在" | "人户分离居民" => Some(Category::RegisteredElsewhere),
                "非户籍" | "外来人口" | "流动人口" | "非户籍居民" => {
                    Some(Category::NonRegistered)
                }
                "派驻" | "驻社区人员" => Some(Category::PostedStaff),
                _ => None,
            })
    }
}

/// One resident, as read from a roll row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resident {
    pub name: String,
    pub gender: Gender,
    pub resident_id: ResidentId,
    /// 居民小组.
    pub group: String,
    /// 户号.
    pub household: String,
    pub address: String,
    pub category: Category,
    /// 居住起始日期: required for non-registered residents.
    pub residence_since: Option<NaiveDate>,
    pub deprived_of_political_rights: bool,
    /// 参选意愿: for residents registered elsewhere and posted staff.
    pub will_participate: Option<bool>,
    /// 选举委员会同意: for non-registered residents.
    pub committee_consent: Option<bool>,
    /// 户代表 (household-representative elections, R-REG-6).
    pub household_representative: bool,
    /// 居民代表 (representatives' elections, R-REG-6).
    pub residents_representative: bool,
}

/// A column of the roll, to point a problem at a cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Column {
    Name,
    Gender,
    ResidentId,
    Group,
    Household,
    Address,
    Category,
    ResidenceSince,
    PoliticalRights,
    WillParticipate,
    CommitteeConsent,
    HouseholdRepresentative,
    ResidentsRepresentative,
}

impl Column {
    pub const ALL: [Column; 13] = [
        Column::Name,
        Column::Gender,
        Column::ResidentId,
        Column::Group,
        Column::Household,
        Column::Address,
        Column::Category,
        Column::ResidenceSince,
        Column::PoliticalRights,
        Column::WillParticipate,
        Column::CommitteeConsent,
        Column::HouseholdRepresentative,
        Column::ResidentsRepresentative,
    ];

    /// The Chinese header, as in the template file.
    pub fn zh(self) -> &'static str {
        match self {
            Column::Name => "姓名",
            Column::Gender => "性别",
            Column::ResidentId => "公民身份号码",
            Column::Group => "居民小组",
            Column::Household => "户号",
            Column::Address => "住址",
            Column::Category => "户籍类别",
            Column::ResidenceSince => "居住起始日期",
            Column::PoliticalRights => "是否被剥夺政治权利",
            Column::WillParticipate => "参选意愿",
            Column::CommitteeConsent => "选举委员会同意",
            Column::HouseholdRepresentative => "户代表",
            Column::ResidentsRepresentative => "居民代表",
        }
    }

    /// The English header (also the field name in the API).
    pub fn en(self) -> &'static str {
        match self {
            Column::Name => "name",
            Column::Gender => "gender",
            Column::ResidentId => "resident_id",
            Column::Group => "group",
            Column::Household => "household",
            Column::Address => "address",
            Column::Category => "category",
            Column::ResidenceSince => "residence_since",
            Column::PoliticalRights => "deprived_of_political_rights",
            Column::WillParticipate => "will_participate",
            Column::CommitteeConsent => "committee_consent",
            Column::HouseholdRepresentative => "household_representative",
            Column::ResidentsRepresentative => "residents_representative",
        }
    }
}

/// Bad data in a row: the import is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub column: Column,
    pub rule: &'static str,
    pub reason: ProblemReason,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProblemReason {
    /// The gender digit of the ID says otherwise.
    GenderDisagreesWithId { stated: Gender },
    /// The birth date in the ID is after election day.
    BornAfterElectionDay,
    /// A non-registered resident without a residence start date.
    ResidenceSinceMissing,
    /// A residence start date after election day.
    ResidenceSinceAfterElectionDay,
}

impl Problem {
    pub fn message_zh(&self) -> String {
        match &self.reason {
            ProblemReason::GenderDisagreesWithId { stated } => format!(
                "性别填写为“{}”，但公民身份号码第17位表示{}",
                gender_zh(*stated),
                gender_zh(opposite(*stated))
            ),
            ProblemReason::BornAfterElectionDay => "公民身份号码中的出生日期晚于选举日".into(),
            ProblemReason::ResidenceSinceMissing => "外来人员须填写居住起始日期".into(),
            ProblemReason::ResidenceSinceAfterElectionDay => "居住起始日期晚于选举日".into(),
        }
    }

    pub fn message_en(&self) -> String {
        match &self.reason {
            ProblemReason::GenderDisagreesWithId { stated } => format!(
                "gender is given as {}, but the 17th digit of the resident ID says {}",
                gender_en(*stated),
                gender_en(opposite(*stated))
            ),
            ProblemReason::BornAfterElectionDay => {
                "the birth date in the resident ID is after election day".into()
            }
            ProblemReason::ResidenceSinceMissing => {
                "a resident without household registration needs a residence start date".into()
            }
            ProblemReason::ResidenceSinceAfterElectionDay => {
                "the residence start date is after election day".into()
            }
        }
    }
}

fn opposite(g: Gender) -> Gender {
    match g {
        Gender::Male => Gender::Female,
        Gender::Female => Gender::Male,
    }
}

pub fn gender_zh(g: Gender) -> &'static str {
    match g {
        Gender::Male => "男",
        Gender::Female => "女",
    }
}

pub fn gender_en(g: Gender) -> &'static str {
    match g {
        Gender::Male => "male",
        Gender::Female => "female",
    }
}

/// A resident correctly on the roll who is not a voter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Exclusion {
    /// (serialised kind: `under18`; [`Exclusion::code`] is `under_18`)
    /// R-REG-1: under 18 on election day.
    Under18 { age: u32 },
    /// R-REG-1.
    DeprivedOfPoliticalRights,
    /// R-REG-2: not resident for the profile's period by election day.
    ResidenceTooShort { months_required: u32 },
    /// R-REG-2: non-registered resident without the committee's consent.
    NoCommitteeConsent,
    /// R-REG-2: registered elsewhere or posted here, and has not said they
    /// will take part.
    NotTakingPart,
}

impl Exclusion {
    /// The stable code stored with a resident who is not a voter.
    pub fn code(self) -> &'static str {
        match self {
            Exclusion::Under18 { .. } => "under_18",
            Exclusion::DeprivedOfPoliticalRights => "deprived_of_political_rights",
            Exclusion::ResidenceTooShort { .. } => "residence_too_short",
            Exclusion::NoCommitteeConsent => "no_committee_consent",
            Exclusion::NotTakingPart => "not_taking_part",
        }
    }

    pub fn rule(self) -> &'static str {
        match self {
            Exclusion::Under18 { .. } | Exclusion::DeprivedOfPoliticalRights => rule::REG_1,
            _ => rule::REG_2,
        }
    }

    pub fn message_zh(self) -> String {
        match self {
            Exclusion::Under18 { age } => format!("选举日未满18周岁（{age}岁）"),
            Exclusion::DeprivedOfPoliticalRights => "被剥夺政治权利".into(),
            Exclusion::ResidenceTooShort { months_required } => {
                format!("外来人员截至选举日居住未满{months_required}个月")
            }
            Exclusion::NoCommitteeConsent => "外来人员未经选举委员会同意".into(),
            Exclusion::NotTakingPart => "未表示参加选举".into(),
        }
    }

    pub fn message_en(self) -> String {
        match self {
            Exclusion::Under18 { age } => format!("under 18 on election day ({age})"),
            Exclusion::DeprivedOfPoliticalRights => "deprived of political rights".into(),
            Exclusion::ResidenceTooShort { months_required } => {
                format!("without household registration and resident for less than {months_required} months by election day")
            }
            Exclusion::NoCommitteeConsent => {
                "without household registration and without the election committee's consent".into()
            }
            Exclusion::NotTakingPart => "has not said they will take part".into(),
        }
    }
}

/// The outcome for one resident whose data is sound.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Voter,
    NotRegistered(Exclusion),
}

/// Decides whether `resident` is a voter on `election_day`.
///
/// Problems are all collected (the committee fixes a file once, not once per
/// problem); exclusions are checked only for sound data, in the order of
/// RULES.md.
pub fn decide(
    resident: &Resident,
    election_day: NaiveDate,
    rules: &RegistrationRules,
) -> Result<Decision, Vec<Problem>> {
    let mut problems = Vec::new();
    let id_gender = match resident.resident_id.gender() {
        IdGender::Male => Gender::Male,
        IdGender::Female => Gender::Female,
    };
    if id_gender != resident.gender {
        problems.push(Problem {
            column: Column::Gender,
            rule: rule::REG_1,
            reason: ProblemReason::GenderDisagreesWithId {
                stated: resident.gender,
            },
        });
    }
    if resident.resident_id.birth_date() > election_day {
        problems.push(Problem {
            column: Column::ResidentId,
            rule: rule::REG_1,
            reason: ProblemReason::BornAfterElectionDay,
        });
    }
    if resident.category == Category::NonRegistered && resident.residence_since.is_none() {
        problems.push(Problem {
            column: Column::ResidenceSince,
            rule: rule::REG_2,
            reason: ProblemReason::ResidenceSinceMissing,
        });
    }
    if resident.residence_since.is_some_and(|d| d > election_day) {
        problems.push(Problem {
            column: Column::ResidenceSince,
            rule: rule::REG_2,
            reason: ProblemReason::ResidenceSinceAfterElectionDay,
        });
    }
    if !problems.is_empty() {
        return Err(problems);
    }

    let age = resident.resident_id.age_on(election_day);
    let exclusion = if age < VOTING_AGE {
        Some(Exclusion::Under18 { age })
    } else if resident.deprived_of_political_rights {
        Some(Exclusion::DeprivedOfPoliticalRights)
    } else {
        match resident.category {
            Category::Registered => None,
            Category::RegisteredElsewhere | Category::PostedStaff => {
                (resident.will_participate != Some(true)).then_some(Exclusion::NotTakingPart)
            }
            Category::NonRegistered => {
                let months = rules.non_registered_residence_months;
                let long_enough = resident
                    .residence_since
                    .and_then(|since| since.checked_add_months(Months::new(months)))
                    .is_some_and(|due| due <= election_day);
                if !long_enough {
                    Some(Exclusion::ResidenceTooShort {
                        months_required: months,
                    })
                } else if resident.committee_consent != Some(true) {
                    Some(Exclusion::NoCommitteeConsent)
                } else {
                    None
                }
            }
        }
    };
    Ok(exclusion.map_or(Decision::Voter, Decision::NotRegistered))
}

/// R-REG-3 within one roll: every repeated ID, as (index of the repeat,
/// index of its first occurrence), in order.
pub fn repeated_ids<'a>(ids: impl IntoIterator<Item = &'a ResidentId>) -> Vec<(usize, usize)> {
    let mut first: HashMap<&str, usize> = HashMap::new();
    let mut repeats = Vec::new();
    for (i, id) in ids.into_iter().enumerate() {
        if let Some(&j) = first.get(id.as_str()) {
            repeats.push((i, j));
        } else {
            first.insert(id.as_str(), i);
        }
    }
    repeats
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::Profile;
    use crate::resident_id::check_character;
    use proptest::prelude::*;

    fn id(first17: &str) -> ResidentId {
        let digits: Vec<u32> = first17.chars().map(|c| c.to_digit(10).unwrap()).collect();
        let arr: [u32; 17] = digits.try_into().unwrap();
        format!("{first17}{}", check_character(&arr))
            .parse()
            .unwrap()
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn rules() -> RegistrationRules {
        Profile::by_id("county-2006").unwrap().registration
    }

    /// A registered resident born on 2008-06-15 (male: 17th digit 1).
    fn resident() -> Resident {
        Resident {
            name: "王建国".into(),
            gender: Gender::Male,
            resident_id: id("11010520080615001"),
            group: "一组".into(),
            household: "0001".into(),
            address: String::new(),
            category: Category::Registered,
            residence_since: None,
            deprived_of_political_rights: false,
            will_participate: None,
            committee_consent: None,
            household_representative: false,
            residents_representative: false,
        }
    }

    #[test]
    fn comes_of_age_on_the_eighteenth_birthday() {
        // R-REG-1: the day before and the day of the 18th birthday.
        let r = resident();
        assert_eq!(
            decide(&r, day(2026, 6, 14), &rules()),
            Ok(Decision::NotRegistered(Exclusion::Under18 { age: 17 }))
        );
        assert_eq!(decide(&r, day(2026, 6, 15), &rules()), Ok(Decision::Voter));
    }

    #[test]
    fn born_on_29_february_comes_of_age_on_1_march() {
        let mut r = resident();
        r.resident_id = id("11010520080229001");
        assert_eq!(
            decide(&r, day(2026, 2, 28), &rules()),
            Ok(Decision::NotRegistered(Exclusion::Under18 { age: 17 }))
        );
        assert_eq!(decide(&r, day(2026, 3, 1), &rules()), Ok(Decision::Voter));
        // An 18th birthday never falls in a leap year (18 is not a multiple
        // of 4), so 1 March is always the day; and 29 February of a common
        // year is not a real birth date at all.
        let digits: [u32; 17] = "11010520060229001"
            .chars()
            .map(|c| c.to_digit(10).unwrap())
            .collect::<Vec<_>>()
            .try_into()
            .unwrap();
        let text = format!("11010520060229001{}", check_character(&digits));
        assert_eq!(
            text.parse::<ResidentId>(),
            Err(crate::resident_id::ResidentIdError::BirthDate(
                "20060229".into()
            ))
        );
    }

    #[test]
    fn bad_data_is_a_problem_naming_column_and_rule() {
        let mut r = resident();
        r.gender = Gender::Female;
        r.category = Category::NonRegistered;
        let problems = decide(&r, day(2026, 6, 15), &rules()).unwrap_err();
        assert_eq!(problems.len(), 2);
        assert_eq!(
            (problems[0].column, problems[0].rule),
            (Column::Gender, "R-REG-1")
        );
        assert!(problems[0].message_zh().contains("女"));
        assert!(problems[0].message_en().contains("male"));
        assert_eq!(
            (problems[1].column, problems[1].rule),
            (Column::ResidenceSince, "R-REG-2")
        );
        let mut r = resident();
        r.residence_since = Some(day(2027, 1, 1));
        assert_eq!(
            decide(&r, day(2026, 6, 15), &rules()).unwrap_err()[0].reason,
            ProblemReason::ResidenceSinceAfterElectionDay
        );
        assert_eq!(
            decide(&resident(), day(2000, 1, 1), &rules()).unwrap_err()[0].reason,
            ProblemReason::BornAfterElectionDay
        );
    }

    #[test]
    fn categories_follow_r_reg_2() {
        let on = day(2026, 6, 15);
        let mut r = resident();
        r.deprived_of_political_rights = true;
        assert_eq!(
            decide(&r, on, &rules()),
            Ok(Decision::NotRegistered(
                Exclusion::DeprivedOfPoliticalRights
            ))
        );

        let mut r = resident();
        r.category = Category::RegisteredElsewhere;
        assert_eq!(
            decide(&r, on, &rules()),
            Ok(Decision::NotRegistered(Exclusion::NotTakingPart))
        );
        r.will_participate = Some(true);
        assert_eq!(decide(&r, on, &rules()), Ok(Decision::Voter));

        let mut r = resident();
        r.category = Category::NonRegistered;
        r.committee_consent = Some(true);
        // Exactly 12 months before election day is enough; a day less is not.
        r.residence_since = Some(day(2025, 6, 15));
        assert_eq!(decide(&r, on, &rules()), Ok(Decision::Voter));
        r.residence_since = Some(day(2025, 6, 16));
        assert_eq!(
            decide(&r, on, &rules()),
            Ok(Decision::NotRegistered(Exclusion::ResidenceTooShort {
                months_required: 12
            }))
        );
        r.residence_since = Some(day(2020, 1, 1));
        r.committee_consent = None;
        let excluded = decide(&r, on, &rules()).unwrap();
        assert_eq!(
            excluded,
            Decision::NotRegistered(Exclusion::NoCommitteeConsent)
        );
        let mut six = rules();
        six.non_registered_residence_months = 6;
        r.committee_consent = Some(true);
        r.residence_since = Some(day(2025, 12, 15));
        assert_eq!(decide(&r, on, &six), Ok(Decision::Voter));
    }

    #[test]
    fn exclusion_codes_are_distinct() {
        let all = [
            Exclusion::Under18 { age: 1 },
            Exclusion::DeprivedOfPoliticalRights,
            Exclusion::ResidenceTooShort {
                months_required: 12,
            },
            Exclusion::NoCommitteeConsent,
            Exclusion::NotTakingPart,
        ];
        let codes: std::collections::HashSet<_> = all.iter().map(|e| e.code()).collect();
        assert_eq!(codes.len(), all.len());
        assert_eq!(Exclusion::Under18 { age: 17 }.code(), "under_18");
    }

    #[test]
    fn category_names_in_chinese_and_english() {
        for c in Category::ALL {
            assert_eq!(Category::parse(c.zh()), Some(c));
            assert_eq!(Category::parse(c.code()), Some(c));
        }
        assert_eq!(Category::parse(" 流动人口 "), Some(Category::NonRegistered));
        assert_eq!(Category::parse("居民"), None);
    }

    #[test]
    fn repeated_ids_point_at_the_first_occurrence() {
        let a = id("11010519800101001");
        let b = id("11010519800101002");
        assert_eq!(
            repeated_ids([&a, &b, &a, &b, &a]),
            vec![(2, 0), (3, 1), (4, 0)]
        );
        assert!(repeated_ids([&a, &b]).is_empty());
    }

    proptest! {
        #[test]
        fn a_voter_is_exactly_18_or_older(y in 1920i32..2030, m in 1u32..13, d in 1u32..29, ey in 1990i32..2060, em in 1u32..13, ed in 1u32..29) {
            let mut r = resident();
            r.resident_id = id(&format!("110105{y:04}{m:02}{d:02}001"));
            let election = day(ey, em, ed);
            let born = day(y, m, d);
            let outcome = decide(&r, election, &rules());
            if born > election {
                prop_assert!(outcome.is_err());
            } else {
                let eighteenth = born.checked_add_months(Months::new(12 * 18)).unwrap();
                prop_assert_eq!(outcome == Ok(Decision::Voter), election >= eighteenth);
            }
        }
    }
}
