//! A company's board of supervisors (监事会, R-BODY-6): at least three
//! members, employee representatives at least a third of them, elected by
//! the workers' congress (R-SUP-1); directors and senior managers cannot
//! sit on it.
//!
//! Huanjie runs the employee representatives' election only: the
//! shareholders' meeting elects the other supervisors, and the board
//! chooses its own chair (CL-2023 arts. 76, 130). So the seats are the
//! employee supervisors (`member` seats, nothing else), and the board's
//! whole size is a fact the committee records, checked against them. The
//! minimum and the share are profile data (`[workers_congress]`).

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::size::Composition;
use crate::electorate::WorkersCongressRules;
use crate::rule;

/// An office that bars a person from the board of supervisors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BoardOffice {
    /// 董事.
    CompanyDirector,
    /// 高级管理人员 (经理、副经理、财务负责人 …).
    SeniorManager,
}

impl BoardOffice {
    pub const ALL: [BoardOffice; 2] = [BoardOffice::CompanyDirector, BoardOffice::SeniorManager];

    pub fn code(self) -> &'static str {
        match self {
            BoardOffice::CompanyDirector => "company_director",
            BoardOffice::SeniorManager => "senior_manager",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|o| o.code() == code)
    }

    pub fn zh(self) -> &'static str {
        match self {
            BoardOffice::CompanyDirector => "公司董事",
            BoardOffice::SeniorManager => "公司高级管理人员",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            BoardOffice::CompanyDirector => "a director of the company",
            BoardOffice::SeniorManager => "a senior manager of the company",
        }
    }
}

/// Why a board's seats, its size or a nominee were refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BoardRefusal<K> {
    #[error("R-BODY-6: the workers' congress elects employee supervisors only (member seats)")]
    Positions,
    #[error("R-BODY-6: the board's whole size is not recorded")]
    SizeNotRecorded,
    #[error("R-BODY-6: the board of supervisors has at least {min} members, not {size}")]
    TooSmall { size: u32, min: u32 },
    #[error("R-BODY-6: {employees} employee supervisors cannot sit on a board of {size}")]
    MoreThanBoard { employees: u32, size: u32 },
    #[error("R-BODY-6: employee supervisors must be {share} of the board: {employees} of {size} are not")]
    EmployeeShare {
        employees: u32,
        size: u32,
        share: crate::Threshold,
    },
    #[error("R-BODY-6: {} cannot sit on the board of supervisors", office.en())]
    Holds { person: K, office: BoardOffice },
}

/// The codes of the refusals about the board's size against its seats
/// (not about the seats' positions or a nominee): a page shows them with
/// the size.
pub const SIZE_CODES: [&str; 4] = [
    "board_size_missing",
    "board_size",
    "board_employee_seats",
    "board_employee_share",
];

impl<K> BoardRefusal<K> {
    pub fn rule(&self) -> &'static str {
        rule::BODY_6
    }

    pub fn code(&self) -> &'static str {
        match self {
            BoardRefusal::Positions => "board_positions",
            BoardRefusal::SizeNotRecorded => "board_size_missing",
            BoardRefusal::TooSmall { .. } => "board_size",
            BoardRefusal::MoreThanBoard { .. } => "board_employee_seats",
            BoardRefusal::EmployeeShare { .. } => "board_employee_share",
            BoardRefusal::Holds { .. } => "barred_office",
        }
    }

    /// The refusal in plain Chinese (the person is named by the caller).
    pub fn message_zh(&self) -> String {
        match self {
            BoardRefusal::Positions => {
                "职工代表大会只选举职工代表监事（委员席位），监事会主席由监事会选举".into()
            }
            BoardRefusal::SizeNotRecorded => {
                "尚未登记监事会成员总数：职工代表监事的比例须对照总数核定".into()
            }
            BoardRefusal::TooSmall { size, min } => {
                format!("监事会成员不得少于{min}人，现为{size}人")
            }
            BoardRefusal::MoreThanBoard { employees, size } => {
                format!("职工代表监事{employees}名，多于监事会成员总数{size}名")
            }
            BoardRefusal::EmployeeShare {
                employees,
                size,
                share,
            } => format!(
                "职工代表监事应占监事会成员的{}：监事会{size}人中职工代表{employees}人，比例不足",
                share_zh(*share)
            ),
            BoardRefusal::Holds { office, .. } => {
                format!("{}不得兼任监事", office.zh())
            }
        }
    }

    /// The refusal in English, without the rule id (shown beside it).
    pub fn message_en(&self) -> String {
        match self {
            BoardRefusal::Positions => "the workers' congress elects employee supervisors only (member seats); the board chooses its chair".into(),
            BoardRefusal::SizeNotRecorded => {
                "the board's whole size is not recorded: the employees' share is checked against it"
                    .into()
            }
            BoardRefusal::TooSmall { size, min } => {
                format!("the board of supervisors has at least {min} members, not {size}")
            }
            BoardRefusal::MoreThanBoard { employees, size } => {
                format!("{employees} employee supervisors cannot sit on a board of {size}")
            }
            BoardRefusal::EmployeeShare {
                employees,
                size,
                share,
            } => format!(
                "employee supervisors must be {share} of the board: {employees} of {size} are not"
            ),
            BoardRefusal::Holds { office, .. } => {
                format!("{} cannot sit on the board of supervisors", office.en())
            }
        }
    }
}

/// A share in words: 三分之一以上, 超过三分之二, 过半数.
fn share_zh(t: crate::Threshold) -> String {
    crate::threshold::zh(t)
}

/// R-BODY-6: the seats of an employee supervisors' election are member
/// seats only.
pub fn check_composition(c: &Composition) -> Result<(), Vec<BoardRefusal<()>>> {
    if c.director > 0 || c.deputies > 0 || c.women_member > 0 {
        Err(vec![BoardRefusal::Positions])
    } else {
        Ok(())
    }
}

/// R-BODY-6: a board of `size` with `employees` employee supervisors: at
/// least the profile's minimum, the employees within it and at least the
/// profile's share of it.
pub fn check_board(
    size: u32,
    employees: u32,
    rules: &WorkersCongressRules,
) -> Result<(), Vec<BoardRefusal<()>>> {
    let mut refusals = Vec::new();
    if size < rules.board_min {
        refusals.push(BoardRefusal::TooSmall {
            size,
            min: rules.board_min,
        });
    }
    if employees > size {
        refusals.push(BoardRefusal::MoreThanBoard { employees, size });
    } else if !rules
        .employee_share
        .is_met(u64::from(employees), u64::from(size))
    {
        refusals.push(BoardRefusal::EmployeeShare {
            employees,
            size,
            share: rules.employee_share,
        });
    }
    if refusals.is_empty() {
        Ok(())
    } else {
        Err(refusals)
    }
}

/// R-BODY-6: whether `person` may stand; refused when they hold an office
/// recorded in `offices` (the first one, in code order).
pub fn check_nominee<K: Ord + Copy>(
    person: K,
    offices: &BTreeMap<K, BTreeSet<BoardOffice>>,
) -> Result<(), BoardRefusal<K>> {
    match offices.get(&person).and_then(|o| o.iter().next()) {
        Some(office) => Err(BoardRefusal::Holds {
            person,
            office: *office,
        }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::Profile;
    use proptest::prelude::*;

    fn rules() -> WorkersCongressRules {
        Profile::by_id("county-2006").unwrap().workers_congress
    }

    fn codes(r: Result<(), Vec<BoardRefusal<()>>>) -> Vec<&'static str> {
        r.err()
            .unwrap_or_default()
            .iter()
            .map(BoardRefusal::code)
            .collect()
    }

    #[test]
    fn size_codes_are_the_size_refusals() {
        let size: [BoardRefusal<()>; 4] = [
            BoardRefusal::SizeNotRecorded,
            BoardRefusal::TooSmall { size: 2, min: 3 },
            BoardRefusal::MoreThanBoard {
                employees: 4,
                size: 3,
            },
            BoardRefusal::EmployeeShare {
                employees: 1,
                size: 6,
                share: rules().employee_share,
            },
        ];
        assert_eq!(size.map(|r| r.code()), SIZE_CODES);
        assert!(!SIZE_CODES.contains(&BoardRefusal::<()>::Positions.code()));
        let holds = BoardRefusal::Holds {
            person: (),
            office: BoardOffice::SeniorManager,
        };
        assert!(!SIZE_CODES.contains(&holds.code()));
    }

    #[test]
    fn employee_supervisors_are_member_seats_only() {
        let members = Composition {
            members: 2,
            ..Composition::default()
        };
        assert!(check_composition(&members).is_ok());
        let with_chair = Composition {
            director: 1,
            members: 2,
            ..Composition::default()
        };
        assert_eq!(codes(check_composition(&with_chair)), ["board_positions"]);
    }

    #[test]
    fn at_least_three_and_a_third_employees() {
        let r = rules();
        assert!(check_board(3, 1, &r).is_ok());
        assert!(check_board(5, 2, &r).is_ok());
        // 2 of 7 is less than a third; 3 of 9 is exactly a third.
        assert_eq!(codes(check_board(7, 2, &r)), ["board_employee_share"]);
        assert!(check_board(9, 3, &r).is_ok());
        assert_eq!(codes(check_board(2, 1, &r)), ["board_size"]);
        assert_eq!(codes(check_board(3, 4, &r)), ["board_employee_seats"]);
        let e = check_board(6, 1, &r).unwrap_err();
        assert_eq!(e[0].rule(), "R-BODY-6");
        assert!(
            e[0].message_zh().contains("三分之一以上"),
            "{}",
            e[0].message_zh()
        );
    }

    #[test]
    fn directors_and_senior_managers_cannot_sit() {
        let mut offices = BTreeMap::new();
        offices.insert(1u32, BTreeSet::from([BoardOffice::SeniorManager]));
        offices.insert(
            2,
            BTreeSet::from([BoardOffice::SeniorManager, BoardOffice::CompanyDirector]),
        );
        assert_eq!(
            check_nominee(2, &offices).unwrap_err(),
            BoardRefusal::Holds {
                person: 2,
                office: BoardOffice::CompanyDirector
            }
        );
        assert_eq!(
            check_nominee(1, &offices).unwrap_err().code(),
            "barred_office"
        );
        assert!(check_nominee(3, &offices).is_ok());
        for o in BoardOffice::ALL {
            assert_eq!(BoardOffice::parse(o.code()), Some(o));
        }
    }

    proptest! {
        /// R-BODY-6 in integers: a board passes exactly when it has at
        /// least 3 members and 3 × employees ≥ size, employees ≤ size.
        #[test]
        fn the_board_check_is_the_arithmetic(size in 0u32..40, employees in 0u32..40) {
            let ok = size >= 3 && employees <= size && 3 * employees >= size;
            prop_assert_eq!(check_board(size, employees, &rules()).is_ok(), ok);
        }
    }
}
