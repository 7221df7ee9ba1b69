//! The verdict: every check run, pass or fail, each failure naming its
//! file and where, in Chinese and English, as plain text.

use std::fmt::Write as _;

/// One reason a check failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The bundle file at fault (`audit.json`).
    pub file: &'static str,
    /// Where in it: `line 1, column 812 (byte 811), at entries[3].hash`,
    /// `entries[3] (entry 4), field hash` — empty when the whole file.
    pub location: String,
    pub zh: String,
    pub en: String,
}

impl Finding {
    pub fn new(
        file: &'static str,
        location: impl Into<String>,
        zh: impl Into<String>,
        en: impl Into<String>,
    ) -> Self {
        Finding {
            file,
            location: location.into(),
            zh: zh.into(),
            en: en.into(),
        }
    }
}

/// How a check came out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Passed; what it established (both languages on one line).
    Pass(String),
    Fail(Vec<Finding>),
    /// Could not run because a check it depends on failed (which, in
    /// both languages): counts as a failure.
    NotRun(String),
}

/// One check of the verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    /// A stable id (`audit_chain`).
    pub id: &'static str,
    pub zh: &'static str,
    pub en: &'static str,
    pub outcome: Outcome,
}

impl Check {
    pub fn passed(&self) -> bool {
        matches!(self.outcome, Outcome::Pass(_))
    }
}

/// The verdict on a bundle.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Report {
    pub checks: Vec<Check>,
}

impl Report {
    /// Whether every check passed.
    pub fn passed(&self) -> bool {
        !self.checks.is_empty() && self.checks.iter().all(Check::passed)
    }

    /// Every finding of every failed check.
    pub fn findings(&self) -> impl Iterator<Item = &Finding> {
        self.checks.iter().flat_map(|c| match &c.outcome {
            Outcome::Fail(f) => f.as_slice(),
            _ => &[],
        })
    }

    /// The check with this id.
    pub fn check(&self, id: &str) -> Option<&Check> {
        self.checks.iter().find(|c| c.id == id)
    }

    /// The plain-text verdict: one block per check, then the conclusion.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for (i, check) in self.checks.iter().enumerate() {
            let label = match check.outcome {
                Outcome::Pass(_) => "通过 PASS",
                Outcome::Fail(_) => "失败 FAIL",
                Outcome::NotRun(_) => "未执行 NOT RUN",
            };
            let _ = writeln!(out, "{:>2}. [{label}] {} / {}", i + 1, check.zh, check.en);
            match &check.outcome {
                Outcome::Pass(detail) if !detail.is_empty() => {
                    let _ = writeln!(out, "      {detail}");
                }
                Outcome::Pass(_) => {}
                Outcome::Fail(findings) => {
                    for f in findings {
                        if f.location.is_empty() {
                            let _ = writeln!(out, "      {}:", f.file);
                        } else {
                            let _ = writeln!(out, "      {}: {}", f.file, f.location);
                        }
                        let _ = writeln!(out, "        {}", f.zh);
                        let _ = writeln!(out, "        {}", f.en);
                    }
                }
                Outcome::NotRun(why) => {
                    let _ = writeln!(out, "      {why}");
                }
            }
        }
        let failed = self.checks.iter().filter(|c| !c.passed()).count();
        let total = self.checks.len();
        if self.passed() {
            let _ = writeln!(
                out,
                "\n结论：核验通过，全部 {total} 项检查通过。\nVerdict: VERIFIED, all {total} checks passed."
            );
        } else {
            let mut files: Vec<&str> = self.findings().map(|f| f.file).collect();
            files.sort_unstable();
            files.dedup();
            let _ = writeln!(
                out,
                "\n结论：核验未通过，{total} 项检查中 {failed} 项未通过（涉及文件：{}）。\nVerdict: NOT VERIFIED, {failed} of {total} checks failed (files: {}).",
                files.join("、"),
                files.join(", ")
            );
        }
        out
    }
}
