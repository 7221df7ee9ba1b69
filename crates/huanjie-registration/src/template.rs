//! The roll templates the committee downloads.
//!
//! Both carry the canonical headers and two example rows that pass every
//! check (so a committee that fills in the template gets no surprises);
//! the workbook also explains each column on a second sheet and keeps the
//! ID and household columns as text, so Excel cannot drop an ID's last
//! digits or a household number's leading zeros.

use crate::cells::{DATE_LAYOUTS, FEMALE, MALE, NO, YES};
use crate::headers::{aliases, is_required};
use huanjie_core::registration::{Category, Column};
use rust_xlsxwriter::{
    Color, DataValidation, DataValidationErrorStyle, Format, Workbook, XlsxError,
};

/// Two example residents: a registered man, and a woman living here
/// without household registration since 2019, with the committee's
/// consent. (The second ID is the worked example of GB 11643-1999.)
const EXAMPLES: [[&str; 13]; 2] = [
    [
        "张伟",
        "男",
        "11010519750615001X",
        "一组",
        "0001",
        "幸福路12号1单元101室",
        "户籍居民",
        "",
        "否",
        "",
        "",
        "是",
        "否",
    ],
    [
        "李秀英",
        "女",
        "11010519491231002X",
        "一组",
        "0002",
        "幸福路12号1单元102室",
        "外来人员",
        "2019-03-01",
        "否",
        "",
        "是",
        "是",
        "否",
    ],
];

/// The CSV template: UTF-8 with a BOM (without it Excel on a Chinese
/// system reads UTF-8 as GBK and shows garbage), the canonical headers and
/// two example rows. CSV has no comments: the column notes are in the
/// workbook template.
pub fn template_csv() -> Vec<u8> {
    let mut text = String::from("\u{feff}");
    let headers: Vec<&str> = Column::ALL.iter().map(|c| c.zh()).collect();
    text.push_str(&headers.join(","));
    text.push_str("\r\n");
    for row in EXAMPLES {
        text.push_str(&row.join(","));
        text.push_str("\r\n");
    }
    text.into_bytes()
}

/// The workbook template (.xlsx): sheet 1 is the roll (bold headers,
/// required ones shaded, example rows, drop-down lists, ID and household
/// columns as text); sheet 2, "说明 Notes", describes every column in
/// Chinese and English with the values it accepts.
///
/// Writing a fixed workbook cannot fail in practice; if the writer ever
/// did, the result would be empty, which the tests rule out.
pub fn template_xlsx() -> Vec<u8> {
    write_template().unwrap_or_default()
}

/// What each column holds: description (zh, en) and accepted values (zh, en).
fn notes(column: Column) -> [&'static str; 4] {
    match column {
        Column::Name => [
            "居民姓名，与身份证上一致",
            "the resident's name, as on the ID card",
            "文字",
            "text",
        ],
        Column::Gender => [
            "性别，须与公民身份号码第17位一致（奇数为男，偶数为女）",
            "must agree with the 17th digit of the resident ID (odd: male, even: female)",
            "男、女（也可填M/F、male/female）",
            "男 or 女 (also M/F, male/female)",
        ],
        Column::ResidentId => [
            "18位公民身份号码；年龄按其中的出生日期计算。请保持该列为“文本”格式，否则Excel会丢失末尾数字",
            "the 18-character resident ID; age comes from its birth date. Keep the column formatted as text, or Excel drops the last digits",
            "18位，末位可为X；校验位正确，出生日期真实；同一号码只能出现一次",
            "18 characters, the last may be X; correct check digit, real birth date; each ID only once",
        ],
        Column::Group => [
            "所属居民小组，如“一组”或“1号楼”",
            "the residents' group, e.g. 一组 or 1号楼",
            "文字",
            "text",
        ],
        Column::Household => [
            "户号；同一户的成员填写相同户号",
            "household number; members of one household share it",
            "文字（前导0会保留）",
            "text (leading zeros are kept)",
        ],
        Column::Address => ["住址", "address", "文字，可留空", "text, may be blank"],
        Column::Category => [
            "户籍居民：户籍在本社区并在本社区居住；人户分离：户籍在本社区但不在本社区居住，表示参加选举的登记；外来人员：在本社区居住但无本社区户籍，居住满规定期限、本人申请并经选举委员会同意的登记；派驻人员：派驻本社区的工作人员，本人愿意参加的登记",
            "户籍居民: household registered here and living here; 人户分离: registered here but living elsewhere, registered if they say they will take part; 外来人员: living here without household registration, registered after the required period, on application, with the election committee's consent; 派驻人员: staff posted to the community, by their choice",
            "户籍居民、人户分离、外来人员、派驻人员（也可填户籍、流动人口等常用说法）",
            "户籍居民, 人户分离, 外来人员, 派驻人员 (common synonyms such as 户籍, 流动人口 and the codes registered, registered_elsewhere, non_registered, posted_staff too)",
        ],
        Column::ResidenceSince => [
            "开始在本社区居住的日期；外来人员必填",
            "the date the resident started living here; required for 外来人员",
            "日期，如2026-01-05、2026/1/5、2026.1.5、20260105、2026年1月5日",
            "a date such as 2026-01-05, 2026/1/5, 2026.1.5, 20260105, 2026年1月5日",
        ],
        Column::PoliticalRights => [
            "被剥夺政治权利的填“是”；留空视为“否”",
            "是 (yes) if deprived of political rights; blank means no",
            "是、否，可留空",
            "是 or 否 (yes/no), may be blank",
        ],
        Column::WillParticipate => [
            "人户分离人员、派驻人员是否表示参加本次选举；未填“是”的不登记",
            "whether a resident registered elsewhere, or posted staff, says they will take part; only 是 registers them",
            "是、否，可留空",
            "是 or 否 (yes/no), may be blank",
        ],
        Column::CommitteeConsent => [
            "外来人员的登记申请是否经选举委员会同意；未填“是”的不登记",
            "whether the election committee consented to a non-registered resident's application; only 是 registers them",
            "是、否，可留空",
            "是 or 否 (yes/no), may be blank",
        ],
        Column::HouseholdRepresentative => [
            "是否为户代表（户代表选举时使用）；留空视为“否”",
            "whether the resident is the household representative (household-representative elections); blank means no",
            "是、否，可留空",
            "是 or 否 (yes/no), may be blank",
        ],
        Column::ResidentsRepresentative => [
            "是否为居民代表（居民代表会议选举时使用）；留空视为“否”",
            "whether the resident is a residents' representative (representatives' elections); blank means no",
            "是、否，可留空",
            "是 or 否 (yes/no), may be blank",
        ],
    }
}

fn is_yes_no(column: Column) -> bool {
    matches!(
        column,
        Column::PoliticalRights
            | Column::WillParticipate
            | Column::CommitteeConsent
            | Column::HouseholdRepresentative
            | Column::ResidentsRepresentative
    )
}

fn width(column: Column) -> u16 {
    match column {
        Column::ResidentId => 22,
        Column::Address => 28,
        Column::Category | Column::ResidenceSince => 14,
        Column::PoliticalRights => 20,
        Column::CommitteeConsent => 16,
        _ => 10,
    }
}

/// The last row a drop-down list covers (Excel's last row, 0-based).
const LAST_ROW: u32 = 1_048_575;

fn write_template() -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let header = Format::new().set_bold();
    let required_header = Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0xFFF2CC));
    let text = Format::new().set_num_format("@");
    let wrap = Format::new().set_text_wrap();
    let bold_wrap = Format::new().set_bold().set_text_wrap();

    let roll = workbook.add_worksheet();
    roll.set_name("名册 Roll")?;
    for (col, column) in (0u16..).zip(Column::ALL) {
        let format = if is_required(column) {
            &required_header
        } else {
            &header
        };
        roll.write_string_with_format(0, col, column.zh(), format)?;
        roll.set_column_width(col, width(column))?;
        if matches!(
            column,
            Column::ResidentId | Column::Group | Column::Household
        ) {
            roll.set_column_format(col, &text)?;
        }
        let choices: Option<Vec<&str>> = match column {
            Column::Gender => Some(vec!["男", "女"]),
            Column::Category => Some(Category::ALL.iter().map(|c| c.zh()).collect()),
            c if is_yes_no(c) => Some(vec!["是", "否"]),
            _ => None,
        };
        if let Some(choices) = choices {
            // A warning, not a refusal: the reader accepts more spellings
            // than the list offers.
            let validation = DataValidation::new()
                .allow_list_strings(&choices)?
                .set_error_style(DataValidationErrorStyle::Warning);
            roll.add_data_validation(1, col, LAST_ROW, col, &validation)?;
        }
        for (row, example) in (1u32..).zip(EXAMPLES) {
            let value = example.get(usize::from(col)).copied().unwrap_or_default();
            if !value.is_empty() {
                roll.write_string(row, col, value)?;
            }
        }
    }
    roll.set_freeze_panes(1, 0)?;

    let notes_sheet = workbook.add_worksheet();
    notes_sheet.set_name("说明 Notes")?;
    let intro = [
        "居民名册填写说明 How to fill in the resident roll",
        "第一个工作表是名册：第1行为列名（表头），每位居民占一行；空行会被忽略。带底色的列为必填列。",
        "The first sheet is the roll: row 1 holds the column headers, then one resident per row; blank rows are ignored. Shaded columns are required.",
        "名册中有任何一行出错，整个文件都不会导入；系统会列出每个出错的单元格（行号、列、内容、规则编号和原因），改正后重新上传即可。",
        "If any row has an error the whole file is refused, with a list of every bad cell (row, column, value, rule id and reason): fix them and upload again.",
        "也可上传CSV文件（UTF-8或GBK编码）。列的顺序不限；不认识的列名会被拒绝，请删除多余的列（如备注、电话）。",
        "A CSV file (UTF-8 or GBK) is accepted too. Columns may come in any order; an unknown header is refused, so delete extra columns (remarks, phone …).",
    ];
    for (row, line) in (0u32..).zip(intro) {
        if row == 0 {
            notes_sheet.write_string_with_format(row, 0, line, &header)?;
        } else {
            notes_sheet.write_string(row, 0, line)?;
        }
    }
    let table_top = 8u32;
    let titles = [
        "列名 Header",
        "必填 Required",
        "说明",
        "Description",
        "可填写的值",
        "Accepted values",
        "也可用的列名 Other header names",
    ];
    for (col, title) in (0u16..).zip(titles) {
        notes_sheet.write_string_with_format(table_top, col, title, &bold_wrap)?;
    }
    for (col, w) in (0u16..).zip([16u16, 12, 40, 40, 30, 30, 36]) {
        notes_sheet.set_column_width(col, w)?;
    }
    for (row, column) in (table_top + 1..).zip(Column::ALL) {
        let [desc_zh, desc_en, values_zh, values_en] = notes(column);
        let required = if is_required(column) {
            "是 yes"
        } else if column == Column::ResidenceSince {
            "外来人员必填 for 外来人员"
        } else {
            "否 no"
        };
        let mut names = vec![column.en()];
        names.extend(aliases(column).iter().copied());
        let cells = [
            column.zh(),
            required,
            desc_zh,
            desc_en,
            values_zh,
            values_en,
            &names.join("、"),
        ];
        for (col, value) in (0u16..).zip(cells) {
            notes_sheet.write_string_with_format(row, col, value, &wrap)?;
        }
    }
    let after = table_top + 2 + Column::ALL.len() as u32;
    let spellings = [
        format!("“是”也可写作 Yes spellings: {}", YES.join(" ")),
        format!("“否”也可写作 No spellings: {}", NO.join(" ")),
        format!("性别 Gender: {} / {}", MALE.join(" "), FEMALE.join(" ")),
        format!("日期 Dates: {}", DATE_LAYOUTS.join("  ")),
    ];
    for (row, line) in (after..).zip(spellings) {
        notes_sheet.write_string(row, 0, line)?;
    }
    workbook.save_to_buffer()
}
