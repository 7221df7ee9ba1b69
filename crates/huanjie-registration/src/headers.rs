//! Which header names the roll accepts.
//!
//! The canonical header of a column is `Column::zh()` (as in the template),
//! its English header `Column::en()`. Rolls come from many offices, so each
//! column also answers to the names commonly seen on Chinese rolls
//! ([`aliases`]). Before comparing, a header is normalised: surrounding
//! spaces (full-width ones too) are trimmed, ASCII letters lower-cased,
//! spaces, `_`, `-` and `.` dropped (so `Resident ID`, `resident-id` and
//! `resident_id` are one name), a trailing required-mark `*` dropped, and if
//! nothing matches, a trailing note in brackets (`性别（男/女）`,
//! `公民身份号码(18位)`) is dropped and the rest tried again.
//!
//! An unknown header is refused rather than ignored: a misspelt optional
//! column (参选意原) would otherwise silently lose its data.

use huanjie_core::registration::Column;

/// The columns a roll must have.
pub const REQUIRED: [Column; 6] = [
    Column::Name,
    Column::Gender,
    Column::ResidentId,
    Column::Group,
    Column::Household,
    Column::Category,
];

pub fn is_required(column: Column) -> bool {
    REQUIRED.contains(&column)
}

/// Other names a column answers to, besides `zh()` and `en()`.
pub fn aliases(column: Column) -> &'static [&'static str] {
    match column {
        Column::Name => &["名字", "居民姓名", "选民姓名", "full name"],
        Column::Gender => &["性別", "sex"],
        Column::ResidentId => &[
            "身份证号",
            "身份证号码",
            "身份证",
            "公民身份证号",
            "公民身份证号码",
            "身份號碼",
            "身份證號碼",
            "id number",
            "id no",
            "id card",
            "citizen id",
        ],
        Column::Group => &[
            "小组",
            "组别",
            "居民组",
            "所属小组",
            "所属居民小组",
            "residents group",
            "residents' group",
        ],
        Column::Household => &["户编号", "户籍号", "household no", "household number"],
        Column::Address => &["地址", "家庭住址", "现住址", "居住地址"],
        Column::Category => &[
            "户籍性质",
            "人员类别",
            "人员类型",
            "户籍类型",
            "居民类别",
            "类别",
            "registration category",
        ],
        Column::ResidenceSince => &[
            "居住起始时间",
            "居住开始日期",
            "起始居住日期",
            "来本社区居住日期",
            "居住日期",
            "resident since",
        ],
        Column::PoliticalRights => &[
            "被剥夺政治权利",
            "剥夺政治权利",
            "是否剥夺政治权利",
            "deprived",
        ],
        Column::WillParticipate => &["是否参选", "是否参加选举", "参加选举", "will take part"],
        Column::CommitteeConsent => &["选委会同意", "选举委员会意见", "consent"],
        Column::HouseholdRepresentative => &["是否户代表", "household rep"],
        Column::ResidentsRepresentative => &["是否居民代表", "residents rep"],
    }
}

/// The column in plain English words, for messages ("residents' group",
/// not `group`).
pub fn column_words_en(column: Column) -> &'static str {
    match column {
        Column::Name => "name",
        Column::Gender => "gender",
        Column::ResidentId => "resident ID",
        Column::Group => "residents' group",
        Column::Household => "household number",
        Column::Address => "address",
        Column::Category => "category",
        Column::ResidenceSince => "residence start date",
        Column::PoliticalRights => "deprived of political rights",
        Column::WillParticipate => "will take part",
        Column::CommitteeConsent => "election committee's consent",
        Column::HouseholdRepresentative => "household representative",
        Column::ResidentsRepresentative => "residents' representative",
    }
}

fn is_trimmed(c: char) -> bool {
    c.is_whitespace() || c == '\u{200b}' || c == '\u{feff}'
}

/// The comparison key: lower-case ASCII, without spaces, `_`, `-`, `.`,
/// `'` and a trailing `*`.
fn key(text: &str) -> String {
    text.trim_matches(is_trimmed)
        .trim_end_matches(['*', '＊'])
        .chars()
        .filter(|c| !(is_trimmed(*c) || matches!(c, '_' | '-' | '.' | '\'' | '’')))
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

fn lookup(k: &str) -> Option<Column> {
    if k.is_empty() {
        return None;
    }
    Column::ALL
        .into_iter()
        .find(|&c| key(c.zh()) == k || key(c.en()) == k || aliases(c).iter().any(|a| key(a) == k))
}

/// The column a header names, if any.
pub fn column_for_header(text: &str) -> Option<Column> {
    let k = key(text);
    lookup(&k).or_else(|| {
        // A trailing note in brackets: 性别（男/女）, 公民身份号码(18位).
        let t = text.trim_matches(is_trimmed);
        let open = t.rfind(['(', '（'])?;
        if !t.ends_with([')', '）']) {
            return None;
        }
        lookup(&key(&t[..open]))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_english_and_alias_headers() {
        for c in Column::ALL {
            assert_eq!(column_for_header(c.zh()), Some(c), "{}", c.zh());
            assert_eq!(column_for_header(c.en()), Some(c), "{}", c.en());
            assert_eq!(
                column_for_header(&c.en().to_uppercase()),
                Some(c),
                "{}",
                c.en()
            );
            for a in aliases(c) {
                assert_eq!(column_for_header(a), Some(c), "{a}");
            }
        }
    }

    #[test]
    fn aliases_are_unambiguous() {
        let mut seen = std::collections::HashMap::new();
        for c in Column::ALL {
            let names = [c.zh(), c.en()]
                .into_iter()
                .chain(aliases(c).iter().copied());
            for n in names {
                if let Some(other) = seen.insert(key(n), c) {
                    assert_eq!(other, c, "{n} names two columns");
                }
            }
        }
    }

    #[test]
    fn normalisation() {
        assert_eq!(column_for_header("\u{3000}姓名 "), Some(Column::Name));
        assert_eq!(column_for_header("Name"), Some(Column::Name));
        assert_eq!(column_for_header("Resident ID"), Some(Column::ResidentId));
        assert_eq!(column_for_header("resident-id"), Some(Column::ResidentId));
        assert_eq!(column_for_header("姓名*"), Some(Column::Name));
        assert_eq!(column_for_header("性别（男/女）"), Some(Column::Gender));
        assert_eq!(
            column_for_header("公民身份号码(18位)"),
            Some(Column::ResidentId)
        );
        assert_eq!(column_for_header("备注"), None);
        assert_eq!(column_for_header(""), None);
        assert_eq!(column_for_header("（备注）"), None);
    }
}
