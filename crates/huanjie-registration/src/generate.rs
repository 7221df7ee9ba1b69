//! Realistic, seeded resident rolls for tests and the benchmark.
//!
//! The same seed always gives the same bytes (a splitmix64 generator; no
//! randomness from the operating system). A roll looks like a community's:
//! households of 1–6 people sharing a household number and an address,
//! grouped into residents' groups (一组, 二组 … or 1号楼, 2号楼 …), names
//! from common surnames (compound ones such as 欧阳 and 司马 too) with a few
//! rare characters outside the Basic Multilingual Plane, valid resident
//! IDs whose gender digit matches, ages 0–95, about 3% registered
//! elsewhere, 2% without household registration (some too recent), 0.1%
//! deprived of political rights, and dates written in every accepted
//! layout. Every generated roll is accepted by `check_roll`; bad rows are
//! injected only on request, at known rows.

use chrono::{Datelike, Days, Months, NaiveDate};
use huanjie_core::registration::Column;
use huanjie_core::resident_id::check_character;
use huanjie_core::rule;
use std::collections::{HashMap, HashSet};
use std::fmt;

/// The text encoding of a generated CSV.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8 without BOM.
    Utf8,
    /// GB18030 (what Excel's plain "CSV" gives on a Chinese system).
    Gb18030,
}

/// A kind of bad row [`generate_roll_with_errors`] can inject.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Flaw {
    /// The ID's last character changed: the check digit does not match.
    BadCheckDigit,
    /// The stated gender contradicts the ID's gender digit.
    GenderMismatch,
    /// A copy of an earlier row (the same resident listed twice).
    DuplicateId,
    /// The residents' group left blank.
    MissingGroup,
    /// A residence start date that is not a date.
    BadDate,
}

impl Flaw {
    pub const ALL: [Flaw; 5] = [
        Flaw::BadCheckDigit,
        Flaw::GenderMismatch,
        Flaw::DuplicateId,
        Flaw::MissingGroup,
        Flaw::BadDate,
    ];

    /// The column the error must point at.
    pub fn column(self) -> Column {
        match self {
            Flaw::BadCheckDigit | Flaw::DuplicateId => Column::ResidentId,
            Flaw::GenderMismatch => Column::Gender,
            Flaw::MissingGroup => Column::Group,
            Flaw::BadDate => Column::ResidenceSince,
        }
    }

    /// The rule the error must cite.
    pub fn rule(self) -> &'static str {
        match self {
            Flaw::BadCheckDigit | Flaw::GenderMismatch => rule::REG_1,
            Flaw::DuplicateId | Flaw::MissingGroup => rule::REG_3,
            Flaw::BadDate => rule::REG_2,
        }
    }
}

/// One injected bad row, and the error `check_roll` must report for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InjectedFlaw {
    /// The row as Excel numbers it.
    pub row: usize,
    pub flaw: Flaw,
    pub column: Column,
    pub rule: &'static str,
    /// For a duplicate: the row it copies.
    pub first_row: Option<usize>,
}

/// A generated roll and the bad rows put into it.
#[derive(Clone, PartialEq, Eq)]
pub struct GeneratedRoll {
    pub bytes: Vec<u8>,
    /// In row order.
    pub flaws: Vec<InjectedFlaw>,
}

/// Debug shows the size, not the bytes (which hold resident IDs).
impl fmt::Debug for GeneratedRoll {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GeneratedRoll")
            .field("bytes", &self.bytes.len())
            .field("flaws", &self.flaws)
            .finish()
    }
}

/// A roll of `residents` rows, every one sound, for an election on
/// `election_day`.
pub fn generate_roll_csv(
    seed: u64,
    residents: usize,
    election_day: NaiveDate,
    encoding: Encoding,
) -> Vec<u8> {
    generate_roll_with_errors(seed, residents, election_day, encoding, &[]).bytes
}

/// A roll of `residents` rows, every one sound, for a residents'
/// representatives' election (R-REG-6): three representatives per
/// residents' group, each an adult voter registered here, and no household
/// representatives.
pub fn generate_representatives_roll_csv(
    seed: u64,
    residents: usize,
    election_day: NaiveDate,
    encoding: Encoding,
) -> Vec<u8> {
    generate(seed, residents, election_day, encoding, &[], Some(3)).bytes
}

/// A roll of `residents` rows with one bad row per entry of `flaws`,
/// spread through the file; the rest of the rows are sound. A roll too
/// short to hold them all (fewer than three rows per flaw) gets only as
/// many as fit; [`GeneratedRoll::flaws`] lists those placed.
pub fn generate_roll_with_errors(
    seed: u64,
    residents: usize,
    election_day: NaiveDate,
    encoding: Encoding,
    flaws: &[Flaw],
) -> GeneratedRoll {
    generate(seed, residents, election_day, encoding, flaws, None)
}

fn generate(
    seed: u64,
    residents: usize,
    election_day: NaiveDate,
    encoding: Encoding,
    flaws: &[Flaw],
    representatives_per_group: Option<u32>,
) -> GeneratedRoll {
    let placed = flaws.len().min(residents / 3);
    // Flaw k at index (2k+1)·n / 2f: spread out, at least 3 apart.
    let mut at: HashMap<usize, (usize, Flaw)> = HashMap::new();
    for (k, &flaw) in flaws.iter().take(placed).enumerate() {
        at.insert((2 * k + 1) * residents / (2 * placed), (k, flaw));
    }
    // A duplicate copies the row halfway before it (never a flawed row).
    let mut copies: HashMap<usize, usize> = HashMap::new();
    for (&index, &(_, flaw)) in &at {
        if flaw == Flaw::DuplicateId {
            let mut source = index / 2;
            if at.contains_key(&source) {
                source = source.saturating_sub(1);
            }
            copies.insert(index, source);
        }
    }
    let sources: HashSet<usize> = copies.values().copied().collect();

    let mut g = Generator::new(seed, election_day);
    g.representatives_per_group = representatives_per_group;
    let mut text = String::with_capacity(residents.saturating_mul(110));
    let headers: Vec<&str> = Column::ALL.iter().map(|c| c.zh()).collect();
    text.push_str(&headers.join(","));
    text.push_str("\r\n");
    let mut saved: HashMap<usize, String> = HashMap::new();
    let mut injected = Vec::new();
    let mut line = String::new();
    let mut index = 0usize;
    while index < residents {
        let household = g.household();
        for mut person in household {
            if index >= residents {
                break;
            }
            line.clear();
            match at.get(&index) {
                Some(&(k, flaw)) => {
                    let mut first_row = None;
                    match flaw {
                        Flaw::DuplicateId => {
                            let source = copies.get(&index).copied().unwrap_or_default();
                            if let Some(copy) = saved.get(&source) {
                                line.push_str(copy);
                                first_row = Some(source + 2);
                            } else {
                                person.write(&mut line);
                            }
                        }
                        _ => {
                            person.inject(flaw, k);
                            person.write(&mut line);
                        }
                    }
                    injected.push(InjectedFlaw {
                        row: index + 2,
                        flaw,
                        column: flaw.column(),
                        rule: flaw.rule(),
                        first_row,
                    });
                }
                None => person.write(&mut line),
            }
            if sources.contains(&index) {
                saved.insert(index, line.clone());
            }
            text.push_str(&line);
            index += 1;
        }
    }
    injected.sort_by_key(|f| f.row);
    let bytes = match encoding {
        Encoding::Utf8 => text.into_bytes(),
        Encoding::Gb18030 => encoding_rs::GB18030.encode(&text).0.into_owned(),
    };
    GeneratedRoll {
        bytes,
        flaws: injected,
    }
}

/// splitmix64: tiny, fast and seeded.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in 0..n (n > 0), by multiply-shift.
    fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next()) * u128::from(n.max(1))) >> 64) as u64
    }

    fn index(&mut self, len: usize) -> usize {
        self.below(len as u64) as usize
    }

    /// True with probability `per_100k` / 100 000.
    fn chance(&mut self, per_100k: u64) -> bool {
        self.below(100_000) < per_100k
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.index(items.len())]
    }
}

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "王", "李", "张", "刘", "陈", "徐",
    "孙", "马", "朱", "胡", "郭", "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩",
    "冯", "邓", "曹", "彭", "曾", "肖", "田", "董", "袁", "潘", "于", "蒋", "蔡", "余", "杜", "叶",
    "程", "苏", "魏", "吕", "丁", "任", "沈", "姚", "卢", "姜", "崔", "钟", "谭", "陆", "汪", "范",
    "金", "石", "廖", "贾", "夏", "韦", "付", "方", "白", "邹", "孟", "熊", "秦", "邱", "江", "尹",
    "薛", "闫", "段", "雷", "侯", "龙", "史", "陶", "黎", "贺", "顾", "毛", "郝", "龚", "邵", "万",
    "钱", "严", "覃", "武", "戴", "莫", "孔", "向", "汤",
];
const COMPOUND_SURNAMES: &[&str] = &[
    "欧阳", "司马", "诸葛", "上官", "司徒", "东方", "皇甫", "尉迟", "公孙", "令狐",
];
const MALE_CHARS: &[&str] = &[
    "伟", "强", "磊", "军", "勇", "杰", "涛", "斌", "超", "明", "刚", "平", "辉", "鹏", "华", "飞",
    "鑫", "波", "宇", "浩", "凯", "健", "俊", "帆", "旭", "宁", "龙", "林", "洋", "东", "建", "文",
    "国", "峰", "志", "海", "成", "康", "博", "豪", "子", "睿", "轩", "晨", "泽", "一", "航", "德",
    "福", "贵",
];
const FEMALE_CHARS: &[&str] = &[
    "芳", "娜", "敏", "静", "丽", "艳", "娟", "霞", "秀", "英", "玲", "桂", "兰", "萍", "红", "燕",
    "梅", "莉", "琳", "雪", "婷", "慧", "倩", "洁", "颖", "佳", "琪", "欣", "怡", "涵", "萱", "雨",
    "晴", "悦", "诗", "梦", "思", "月", "媛", "瑶", "妍", "凤", "淑", "珍", "华",
];
/// Characters outside GBK or the Basic Multilingual Plane that real names
/// carry (㛃 is in CJK Extension A, 𠮷 and 𪚥 beyond the BMP).
const RARE_CHARS: &[&str] = &["㛃", "𠮷", "䶮", "𪚥", "堃", "喆"];
const STREETS: &[&str] = &[
    "幸福路",
    "建设路",
    "人民路",
    "解放路",
    "和平街",
    "中山路",
    "长江路",
    "光明巷",
];
/// Area codes (the first six digits of an ID).
const AREAS: &[&str] = &[
    "110105", "310104", "440106", "420106", "510107", "330106", "320106", "370102", "610113",
    "500103",
];

const DIGITS_ZH: [&str; 10] = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九"];

/// 1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 99 → 九十九; beyond, digits.
fn chinese_number(n: usize) -> String {
    match n {
        1..=9 => DIGITS_ZH[n].to_owned(),
        10..=19 => format!("十{}", DIGITS_ZH[n % 10]),
        20..=99 => format!("{}十{}", DIGITS_ZH[n / 10], DIGITS_ZH[n % 10]),
        _ => n.to_string(),
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Registered,
    RegisteredElsewhere,
    NonRegistered,
    PostedStaff,
}

/// One generated resident, as the cells of a row.
struct Person {
    name: String,
    male: bool,
    /// The first 17 digits of the ID.
    first17: String,
    group: String,
    household: String,
    address: String,
    category: &'static str,
    residence_since: String,
    deprived: &'static str,
    will_participate: &'static str,
    consent: &'static str,
    household_rep: &'static str,
    residents_rep: &'static str,
    /// Written M/F instead of 男/女.
    latin_gender: bool,
    /// The ID's check character replaced (a flaw).
    bad_check: bool,
}

impl Person {
    fn inject(&mut self, flaw: Flaw, k: usize) {
        match flaw {
            Flaw::BadCheckDigit => self.bad_check = true,
            Flaw::GenderMismatch => self.male = !self.male,
            Flaw::MissingGroup => self.group.clear(),
            Flaw::BadDate => {
                self.residence_since =
                    ["2025-02-30", "去年三月", "2025/13/1", "20251301"][k % 4].to_owned()
            }
            Flaw::DuplicateId => {}
        }
    }

    fn id(&self) -> String {
        let mut digits = [0u32; 17];
        for (d, c) in digits.iter_mut().zip(self.first17.chars()) {
            *d = c.to_digit(10).unwrap_or_default();
        }
        let check = check_character(&digits);
        let check = if self.bad_check {
            // The next character of the check alphabet: always wrong.
            match check {
                'X' => '0',
                '9' => 'X',
                c => char::from_digit(c.to_digit(10).unwrap_or_default() + 1, 10).unwrap_or('0'),
            }
        } else {
            check
        };
        format!("{}{check}", self.first17)
    }

    fn write(&self, out: &mut String) {
        let gender = match (self.male, self.latin_gender) {
            (true, false) => "男",
            (false, false) => "女",
            (true, true) => "M",
            (false, true) => "F",
        };
        let cells = [
            self.name.as_str(),
            gender,
            &self.id(),
            &self.group,
            &self.household,
            &self.address,
            self.category,
            &self.residence_since,
            self.deprived,
            self.will_participate,
            self.consent,
            self.household_rep,
            self.residents_rep,
        ];
        for (i, cell) in cells.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            write_csv_cell(out, cell);
        }
        out.push_str("\r\n");
    }
}

fn write_csv_cell(out: &mut String, cell: &str) {
    if cell.contains([',', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&cell.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(cell);
    }
}

struct Generator {
    rng: Rng,
    election_day: NaiveDate,
    /// Whether groups are buildings (1号楼) rather than numbered (一组).
    buildings: bool,
    area: &'static str,
    group: usize,
    households_left_in_group: u64,
    household: usize,
    people: usize,
    ids: HashSet<u64>,
    /// Some(k): the first k adult voters registered here in each group are
    /// its residents' representatives, and no one is a household
    /// representative (a representatives' election, R-REG-6).
    representatives_per_group: Option<u32>,
    representatives: HashMap<String, u32>,
}

impl Generator {
    fn new(seed: u64, election_day: NaiveDate) -> Self {
        let mut rng = Rng(seed);
        let buildings = rng.below(2) == 1;
        let area = rng.pick(AREAS);
        Generator {
            rng,
            election_day,
            buildings,
            area,
            group: 0,
            households_left_in_group: 0,
            household: 0,
            people: 0,
            ids: HashSet::new(),
            representatives_per_group: None,
            representatives: HashMap::new(),
        }
    }

    fn given_name(&mut self, male: bool) -> String {
        let chars = if male { MALE_CHARS } else { FEMALE_CHARS };
        let mut name = String::new();
        let n = if self.rng.chance(30_000) { 1 } else { 2 };
        for _ in 0..n {
            // A few rare characters: always in the 3rd and 6th person of a
            // roll (so short rolls have them too), then 1 in 1,000.
            let rare = self.people == 2 || self.people == 5 || self.rng.chance(100);
            if rare && name.is_empty() {
                let c = match self.people {
                    2 => RARE_CHARS[0],
                    5 => RARE_CHARS[1],
                    _ => self.rng.pick(RARE_CHARS),
                };
                name.push_str(c);
            } else {
                name.push_str(self.rng.pick(chars));
            }
        }
        name
    }

    fn surname(&mut self) -> &'static str {
        if self.rng.chance(1_000) {
            self.rng.pick(COMPOUND_SURNAMES)
        } else {
            self.rng.pick(SURNAMES)
        }
    }

    /// A date in a layout chosen at random among the accepted ones.
    fn date_text(&mut self, d: NaiveDate) -> String {
        let (y, m, day) = (d.year(), d.month(), d.day());
        match self.rng.below(10) {
            0..=5 => format!("{y}-{m:02}-{day:02}"),
            6 => format!("{y}/{m}/{day}"),
            7 => format!("{y}.{m}.{day}"),
            8 => format!("{y}{m:02}{day:02}"),
            _ => format!("{y}年{m}月{day}日"),
        }
    }

    /// The first 17 digits of a new, unique ID.
    fn first17(&mut self, age: u32, male: bool, local: bool) -> String {
        let area = if local && !self.rng.chance(15_000) {
            self.area
        } else {
            self.rng.pick(AREAS)
        };
        // Born `age` years and 0–364 days before election day: `age` on it.
        let e = self.election_day;
        let anniversary = NaiveDate::from_ymd_opt(e.year() - age as i32, e.month(), e.day())
            .or_else(|| NaiveDate::from_ymd_opt(e.year() - age as i32, e.month(), 28))
            .unwrap_or(e);
        let born = anniversary
            .checked_sub_days(Days::new(self.rng.below(365)))
            .unwrap_or(anniversary);
        let date = born.format("%Y%m%d").to_string();
        loop {
            let seq = self.rng.below(500) * 2 + u64::from(male);
            let first17 = format!("{area}{date}{seq:03}");
            if self.ids.insert(first17.parse().unwrap_or_default()) {
                return first17;
            }
        }
    }

    /// The next household, its members in roll order (head first).
    fn household(&mut self) -> Vec<Person> {
        if self.households_left_in_group == 0 {
            self.group += 1;
            self.households_left_in_group = 60 + self.rng.below(90);
        }
        self.households_left_in_group -= 1;
        self.household += 1;
        let group = if self.buildings {
            format!("{}号楼", self.group)
        } else {
            format!("{}组", chinese_number(self.group))
        };
        let address = if self.buildings {
            format!(
                "{}号楼{}单元{}{:02}室",
                self.group,
                1 + self.rng.below(4),
                1 + self.rng.below(18),
                1 + self.rng.below(4)
            )
        } else {
            format!(
                "{}{}号{}栋{}室",
                self.rng.pick(STREETS),
                1 + self.rng.below(200),
                1 + self.rng.below(12),
                101 + self.rng.below(6) * 100 + self.rng.below(4)
            )
        };
        let household = format!("{:04}", self.household);
        let size = match self.rng.below(100) {
            0..=14 => 1,
            15..=42 => 2,
            43..=69 => 3,
            70..=85 => 4,
            86..=94 => 5,
            _ => 6,
        };
        // 2% of households live here without household registration.
        let non_registered = self.rng.chance(2_000);
        let since = if non_registered {
            let d = if self.rng.chance(20_000) {
                // Too recent for any profile (under 5 months).
                self.election_day
                    .checked_sub_days(Days::new(self.rng.below(150)))
            } else {
                self.election_day
                    .checked_sub_months(Months::new(13 + self.rng.below(170) as u32))
            };
            d.unwrap_or(self.election_day)
        } else {
            self.election_day
        };
        let family = self.surname();
        let head_age = 20 + self.rng.below(76) as u32;
        let head_male = self.rng.below(2) == 1;
        let mut members = Vec::with_capacity(size);
        for i in 0..size {
            let (age, male, surname) = match i {
                0 => (head_age, head_male, family),
                1 => {
                    let age = (head_age + self.rng.below(7) as u32)
                        .saturating_sub(3)
                        .clamp(18, 95);
                    (age, !head_male, self.surname())
                }
                _ if self.rng.chance(70_000) => {
                    let gap = 22 + self.rng.below(14) as u32;
                    let age = head_age
                        .checked_sub(gap)
                        .unwrap_or_else(|| self.rng.below(18) as u32);
                    (age, self.rng.below(2) == 1, family)
                }
                _ => {
                    let age = (head_age + 22 + self.rng.below(10) as u32).min(95);
                    (age, self.rng.below(2) == 1, family)
                }
            };
            members.push(self.person(PersonSpec {
                age,
                male,
                surname,
                head: i == 0,
                non_registered,
                since,
                group: &group,
                household: &household,
                address: &address,
            }));
        }
        members
    }

    fn person(&mut self, spec: PersonSpec<'_>) -> Person {
        let adult = spec.age >= 18;
        let kind = if spec.non_registered {
            Kind::NonRegistered
        } else if self.rng.chance(3_000) {
            Kind::RegisteredElsewhere
        } else if adult && self.rng.chance(50) {
            Kind::PostedStaff
        } else {
            Kind::Registered
        };
        let category = match kind {
            Kind::Registered if self.rng.chance(5_000) => "户籍",
            Kind::Registered => "户籍居民",
            Kind::RegisteredElsewhere => "人户分离",
            Kind::NonRegistered if self.rng.chance(10_000) => "流动人口",
            Kind::NonRegistered => "外来人员",
            Kind::PostedStaff => "派驻人员",
        };
        let first17 = self.first17(spec.age, spec.male, kind != Kind::NonRegistered);
        let mut name = spec.surname.to_owned();
        name.push_str(&self.given_name(spec.male));
        self.people += 1;
        let yes_no_blank = |rng: &mut Rng, yes: u64, no: u64| {
            let r = rng.below(100_000);
            if r < yes {
                "是"
            } else if r < yes + no {
                "否"
            } else {
                ""
            }
        };
        let residence_since = match kind {
            Kind::NonRegistered => self.date_text(spec.since),
            _ => String::new(),
        };
        let will_participate = match kind {
            Kind::RegisteredElsewhere => yes_no_blank(&mut self.rng, 40_000, 20_000),
            Kind::PostedStaff => yes_no_blank(&mut self.rng, 80_000, 10_000),
            _ => "",
        };
        let consent = match kind {
            Kind::NonRegistered if adult => yes_no_blank(&mut self.rng, 85_000, 5_000),
            _ => "",
        };
        let deprived = if adult && self.rng.chance(100) {
            "是"
        } else if self.rng.chance(70_000) {
            "否"
        } else {
            ""
        };
        let household_rep = if spec.head {
            "是"
        } else if self.rng.chance(50_000) {
            "否"
        } else {
            ""
        };
        let mut residents_rep = if adult && self.rng.chance(1_000) {
            "是"
        } else {
            ""
        };
        let mut household_rep = household_rep;
        if let Some(per_group) = self.representatives_per_group {
            household_rep = "";
            let chosen = self
                .representatives
                .entry(spec.group.to_owned())
                .or_default();
            // 19 and over: 18 on the day whatever the birthday.
            let voter = spec.age >= 19 && kind == Kind::Registered && deprived != "是";
            residents_rep = if voter && *chosen < per_group {
                *chosen += 1;
                "是"
            } else {
                ""
            };
        }
        Person {
            name,
            male: spec.male,
            first17,
            group: spec.group.to_owned(),
            household: spec.household.to_owned(),
            address: spec.address.to_owned(),
            category,
            residence_since,
            deprived,
            will_participate,
            consent,
            household_rep,
            residents_rep,
            latin_gender: self.rng.chance(2_000),
            bad_check: false,
        }
    }
}

struct PersonSpec<'a> {
    age: u32,
    male: bool,
    surname: &'static str,
    head: bool,
    non_registered: bool,
    since: NaiveDate,
    group: &'a str,
    household: &'a str,
    address: &'a str,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_numbers() {
        assert_eq!(chinese_number(1), "一");
        assert_eq!(chinese_number(10), "十");
        assert_eq!(chinese_number(12), "十二");
        assert_eq!(chinese_number(20), "二十");
        assert_eq!(chinese_number(99), "九十九");
        assert_eq!(chinese_number(100), "100");
    }

    #[test]
    fn the_same_seed_gives_the_same_bytes() {
        let day = NaiveDate::from_ymd_opt(2026, 6, 15).unwrap();
        let a = generate_roll_csv(7, 300, day, Encoding::Utf8);
        assert_eq!(a, generate_roll_csv(7, 300, day, Encoding::Utf8));
        assert_ne!(a, generate_roll_csv(8, 300, day, Encoding::Utf8));
        let text = String::from_utf8(a).unwrap();
        assert_eq!(text.lines().count(), 301);
        assert!(text.contains('㛃') && text.contains('𠮷'));
    }
}
