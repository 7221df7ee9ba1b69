//! Ballot templates: the wording of each kind of ballot, read from the
//! TOML files in the repository's `ballots/` directory (compiled in).
//!
//! The layout machinery ([`crate::ballot`]) draws every kind of ballot
//! the same way; a template says what the words are: the title, the
//! contests' headings, the first column's header, the three targets'
//! labels, whether there are write-in rows, and the instructions. So the
//! further election (R-CNT-7), the tie-break vote (R-CNT-6), the
//! supervisory committee (R-BODY-4), the homeowners' votes (R-OWN-1) and
//! the employee supervisors (R-SUP-1) come from the same code as the general round, and their mark targets
//! sit where the mark reader expects them.

use crate::ballot::{BallotLayout, Contest, Paper};
use crate::PrintError;
use serde::Deserialize;

/// The built-in templates: (kind, file text).
const BUILTIN: &[(&str, &str)] = &[
    (
        "residents-committee",
        include_str!("../../../ballots/residents-committee.toml"),
    ),
    (
        "further-election",
        include_str!("../../../ballots/further-election.toml"),
    ),
    ("tie-break", include_str!("../../../ballots/tie-break.toml")),
    ("recall", include_str!("../../../ballots/recall.toml")),
    (
        "by-election",
        include_str!("../../../ballots/by-election.toml"),
    ),
    (
        "supervisory-committee",
        include_str!("../../../ballots/supervisory-committee.toml"),
    ),
    (
        "homeowners-committee",
        include_str!("../../../ballots/homeowners-committee.toml"),
    ),
    (
        "homeowners-decision",
        include_str!("../../../ballots/homeowners-decision.toml"),
    ),
    (
        "employee-supervisors",
        include_str!("../../../ballots/employee-supervisors.toml"),
    ),
];

/// The wording a layout is drawn with (from a template).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wording {
    /// A contest's heading, with `{position}` and `{seats}`.
    pub heading: String,
    /// The first column's header (候选人姓名, 表决事项).
    pub name_header: String,
    /// The three targets' labels, for / against / abstain in that order.
    pub choices: [String; 3],
    /// The write-in rows' label (另选他人); `None`: no write-in rows.
    pub write_in: Option<String>,
}

impl Wording {
    /// A contest's heading.
    pub fn heading(&self, contest: &Contest) -> String {
        self.heading
            .replace("{position}", &contest.position)
            .replace("{seats}", &contest.seats.to_string())
    }
}

/// A template as its file has it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BallotTemplate {
    /// What the ballot is called (居民委员会选举选票).
    pub name: String,
    /// The title, with `{election}`.
    pub title: String,
    pub heading: String,
    pub name_header: String,
    pub choices: [String; 3],
    #[serde(default)]
    pub write_in: Option<String>,
    pub instructions: Vec<String>,
    /// The kind (the file's stem); not in the file.
    #[serde(skip)]
    pub kind: String,
}

fn bad(kind: &str, problem: String, problem_zh: String) -> PrintError {
    PrintError::Template {
        template: kind.to_owned(),
        problem,
        problem_zh,
    }
}

impl BallotTemplate {
    /// The kinds there are templates for, in the order of [`BUILTIN`].
    pub fn kinds() -> impl Iterator<Item = &'static str> {
        BUILTIN.iter().map(|(k, _)| *k)
    }

    /// The built-in template of `kind` (`residents-committee`, …).
    pub fn builtin(kind: &str) -> Result<Self, PrintError> {
        let text = BUILTIN
            .iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, t)| *t)
            .ok_or_else(|| {
                let known = Self::kinds().collect::<Vec<_>>().join(", ");
                bad(
                    kind,
                    format!("no such ballot template (there are: {known})"),
                    format!("没有这种选票模板（现有：{known}）"),
                )
            })?;
        Self::parse(kind, text)
    }

    /// Reads a template file, checking that the placeholders are where
    /// they belong and that nothing is empty.
    pub fn parse(kind: &str, text: &str) -> Result<Self, PrintError> {
        let mut t: BallotTemplate = toml::from_str(text).map_err(|e| {
            bad(
                kind,
                format!("not a valid template: {}", e.message()),
                format!("模板格式有误：{}", e.message()),
            )
        })?;
        t.kind = kind.to_owned();
        let empty = |field: &str| {
            bad(
                kind,
                format!("the field `{field}` is empty"),
                format!("字段 {field} 不能为空"),
            )
        };
        if !t.title.contains("{election}") {
            return Err(bad(
                kind,
                "the title must contain {election}".to_owned(),
                "标题（title）须含 {election}".to_owned(),
            ));
        }
        if !t.heading.contains("{position}") {
            return Err(bad(
                kind,
                "the heading must contain {position}".to_owned(),
                "职位标题（heading）须含 {position}".to_owned(),
            ));
        }
        for (field, value) in [
            ("name", &t.name),
            ("name_header", &t.name_header),
            ("choices", &t.choices[0]),
            ("choices", &t.choices[1]),
            ("choices", &t.choices[2]),
        ] {
            if value.trim().is_empty() {
                return Err(empty(field));
            }
        }
        if t.write_in.as_deref().is_some_and(|w| w.trim().is_empty()) {
            return Err(empty("write_in"));
        }
        Ok(t)
    }

    /// The wording the layout is drawn with.
    pub fn wording(&self) -> Wording {
        Wording {
            heading: self.heading.clone(),
            name_header: self.name_header.clone(),
            choices: self.choices.clone(),
            write_in: self.write_in.clone(),
        }
    }

    /// The layout of a ballot of this kind for `election` (its title).
    /// Write-in rows on a template without them are refused.
    pub fn layout(
        &self,
        election: &str,
        contests: Vec<Contest>,
        paper: Paper,
    ) -> Result<BallotLayout, PrintError> {
        if self.write_in.is_none() {
            if let Some(c) = contests.iter().find(|c| c.write_in_rows > 0) {
                return Err(bad(
                    &self.kind,
                    format!(
                        "“{}” asks for write-in rows, which this ballot has none of",
                        c.position
                    ),
                    format!("“{}”要求另选他人栏，这种选票没有另选他人栏", c.position),
                ));
            }
        }
        Ok(BallotLayout {
            title: self.title.replace("{election}", election),
            instructions: self.instructions.clone(),
            contests,
            paper,
            wording: self.wording(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_template_parses() {
        for kind in BallotTemplate::kinds() {
            let t = BallotTemplate::builtin(kind).unwrap_or_else(|e| panic!("{kind}: {e}"));
            assert_eq!(t.kind, kind);
            assert!(!t.instructions.is_empty(), "{kind}");
        }
        assert_eq!(BallotTemplate::kinds().count(), 9);
    }

    #[test]
    fn an_unknown_kind_names_the_known_ones() {
        let e = BallotTemplate::builtin("village").unwrap_err().to_string();
        assert!(e.contains("village") && e.contains("tie-break"), "{e}");
    }

    #[test]
    fn a_template_without_placeholders_or_with_unknown_fields_is_refused() {
        let good = include_str!("../../../ballots/tie-break.toml");
        let no_election = good.replace("{election}", "");
        assert!(BallotTemplate::parse("x", &no_election)
            .unwrap_err()
            .to_string()
            .contains("{election}"));
        let extra = format!("{good}\ncolour = \"red\"\n");
        assert!(BallotTemplate::parse("x", &extra)
            .unwrap_err()
            .to_string()
            .contains("colour"));
        let two_choices = good.replace(
            r#"choices = ["赞成", "反对", "弃权"]"#,
            r#"choices = ["赞成", "反对"]"#,
        );
        assert!(BallotTemplate::parse("x", &two_choices).is_err());
    }

    #[test]
    fn write_ins_on_a_ballot_without_them_are_refused() {
        let t = BallotTemplate::builtin("tie-break").unwrap();
        let contest = Contest {
            position: "委员".to_owned(),
            seats: 1,
            candidates: vec!["张伟".to_owned(), "李娜".to_owned()],
            write_in_rows: 1,
        };
        let e = t
            .layout("幸福社区", vec![contest.clone()], Paper::A4)
            .unwrap_err();
        assert!(e.to_string().contains("委员"), "{e}");
        let ok = t
            .layout(
                "幸福社区",
                vec![Contest {
                    write_in_rows: 0,
                    ..contest
                }],
                Paper::A4,
            )
            .unwrap();
        assert_eq!(ok.title, "幸福社区重新投票选票");
        assert_eq!(ok.wording.heading(&ok.contests[0]), "委员（应选1名）");
    }
}
