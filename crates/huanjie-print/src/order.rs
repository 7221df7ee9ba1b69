//! The order of a list: residents' groups in the caller's order, people
//! within a group by surname strokes, ties by household number, then input
//! order. The notice and the spreadsheet export share it, so the 序号 of a
//! voter is the same on paper and in the file.

use crate::PrintError;
use huanjie_collation::StrokeCollator;

/// One residents' group and its entries, in print order.
pub(crate) struct Section<'a, T> {
    pub(crate) group: &'a str,
    pub(crate) items: Vec<&'a T>,
}

/// What [`sections`] needs to know of an entry.
pub(crate) trait Entry {
    fn name(&self) -> &str;
    fn group(&self) -> &str;
    /// The tie-break after the name (a household number; empty if none).
    fn household(&self) -> &str;
    /// How an error names the entry.
    fn who(&self) -> String;
    /// The same in Chinese.
    fn who_zh(&self) -> String;
}

/// Groups `items` in the order of `groups_in_order` (every group listed
/// gets a section, possibly empty; an item of an unlisted group is an
/// error), or, when that list is empty, in order of first appearance;
/// within a group by [`StrokeCollator`] on the name, then the household
/// in natural order (2 before 10), then input order.
pub(crate) fn sections<'a, T: Entry>(
    collator: &StrokeCollator,
    groups_in_order: &'a [String],
    items: &'a [T],
) -> Result<Vec<Section<'a, T>>, PrintError> {
    let mut out: Vec<Section<'a, T>> = Vec::new();
    for group in groups_in_order {
        if !out.iter().any(|s| s.group == group.as_str()) {
            out.push(Section {
                group,
                items: Vec::new(),
            });
        }
    }
    let fixed = !groups_in_order.is_empty();
    for item in items {
        let group = item.group();
        match out.iter_mut().find(|s| s.group == group) {
            Some(section) => section.items.push(item),
            None if fixed => {
                return Err(PrintError::UnknownGroup {
                    who: item.who(),
                    who_zh: item.who_zh(),
                    group: group.to_owned(),
                })
            }
            None => out.push(Section {
                group,
                items: vec![item],
            }),
        }
    }
    for section in &mut out {
        collator.sort_by_keys(&mut section.items, |t| {
            let household = t.household();
            (t.name(), (natural_key(household), household.to_owned()))
        });
    }
    Ok(out)
}

/// A piece of a string for natural ordering: runs of digits compare as
/// numbers (by length without leading zeros, then digits), other text as
/// text, and digits before text.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Chunk {
    Number(usize, String),
    Text(String),
}

/// `3-2-401` → [3, "-", 2, "-", 401].
pub(crate) fn natural_key(s: &str) -> Vec<Chunk> {
    let mut out = Vec::new();
    let mut digits = String::new();
    let mut text = String::new();
    for ch in s.chars() {
        if ch.is_ascii_digit() {
            if !text.is_empty() {
                out.push(Chunk::Text(std::mem::take(&mut text)));
            }
            digits.push(ch);
        } else {
            if !digits.is_empty() {
                out.push(number(std::mem::take(&mut digits)));
            }
            text.push(ch);
        }
    }
    if !digits.is_empty() {
        out.push(number(digits));
    }
    if !text.is_empty() {
        out.push(Chunk::Text(text));
    }
    out
}

fn number(digits: String) -> Chunk {
    let trimmed = digits.trim_start_matches('0').to_owned();
    Chunk::Number(trimmed.len(), trimmed)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn households_in_natural_order() {
        let mut v = vec!["10", "2", "3-2-401", "3-10-101", "3-2-1201", "A1", "02"];
        v.sort_by_key(|s| (natural_key(s), s.to_string()));
        assert_eq!(
            v,
            ["02", "2", "3-2-401", "3-2-1201", "3-10-101", "10", "A1"]
        );
    }

    struct P(&'static str, &'static str, &'static str);
    impl Entry for P {
        fn name(&self) -> &str {
            self.0
        }
        fn group(&self) -> &str {
            self.1
        }
        fn household(&self) -> &str {
            self.2
        }
        fn who(&self) -> String {
            self.0.to_owned()
        }
        fn who_zh(&self) -> String {
            self.0.to_owned()
        }
    }

    #[test]
    fn groups_in_given_order_names_by_strokes_ties_by_household() {
        let c = StrokeCollator::new().unwrap();
        let items = [
            P("李明", "第二组", "10"),
            P("王芳", "第一组", "1"),
            P("李明", "第二组", "9"),
            P("丁一", "第二组", "5"),
        ];
        let groups = vec![
            "第一组".to_owned(),
            "第二组".to_owned(),
            "第三组".to_owned(),
        ];
        let s = sections(&c, &groups, &items).unwrap();
        let shown: Vec<(&str, Vec<(&str, &str)>)> = s
            .iter()
            .map(|s| (s.group, s.items.iter().map(|p| (p.0, p.2)).collect()))
            .collect();
        assert_eq!(
            shown,
            [
                ("第一组", vec![("王芳", "1")]),
                ("第二组", vec![("丁一", "5"), ("李明", "9"), ("李明", "10")]),
                ("第三组", vec![]),
            ]
        );
    }

    #[test]
    fn an_unlisted_group_is_an_error_naming_the_person() {
        let c = StrokeCollator::new().unwrap();
        let items = [P("王芳", "第九组", "1")];
        let groups = vec!["第一组".to_owned()];
        let err = sections(&c, &groups, &items).err().unwrap();
        assert!(
            matches!(err, PrintError::UnknownGroup { ref who, ref group, .. } if who == "王芳" && group == "第九组")
        );
    }

    #[test]
    fn without_a_group_list_groups_come_in_order_of_appearance() {
        let c = StrokeCollator::new().unwrap();
        let items = [
            P("王芳", "乙", "1"),
            P("丁一", "甲", "1"),
            P("李明", "乙", "1"),
        ];
        let s = sections(&c, &[], &items).unwrap();
        assert_eq!(s.iter().map(|s| s.group).collect::<Vec<_>>(), ["乙", "甲"]);
    }
}
