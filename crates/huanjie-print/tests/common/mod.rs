//! Test support: sample lists, the fonts, and poppler's tools on the PDFs.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use chrono::NaiveDate;
use huanjie_print::{Fingerprint, FontSet, ListedVoter, VoterListNotice};
use std::io::Write;
use std::process::Command;

const ENSURE: &str = "run scripts/ensure-fonts.sh (installs Debian's fonts-noto-cjk, fonts-hanazono and poppler-utils)";

/// The installed font chain; fails (never skips) when it is missing.
pub fn fonts() -> FontSet {
    FontSet::locate().unwrap_or_else(|e| panic!("{e}\n{ENSURE}"))
}

pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

pub fn fingerprint() -> Fingerprint {
    let mut b = [0u8; 32];
    for (i, x) in b.iter_mut().enumerate() {
        *x = u8::try_from(i).unwrap() * 7 + 0x10;
    }
    Fingerprint(b)
}

pub const GROUPS: [&str; 3] = ["第一居民小组", "第二居民小组", "第三居民小组"];

/// `n` voters spread over the three groups, with deterministic, realistic
/// names (a small LCG, no randomness between runs).
pub fn voters(n: usize) -> Vec<ListedVoter> {
    const SURNAMES: [&str; 24] = [
        "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高",
        "林", "何", "郭", "马", "罗", "丁", "白", "欧阳", "司马",
    ];
    const GIVEN: [&str; 22] = [
        "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛",
        "明", "超", "秀英", "华", "平", "刚", "桂英",
    ];
    let mut seed: u64 = 20261201;
    let mut next = move |m: usize| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        usize::try_from(seed >> 33).unwrap() % m
    };
    (0..n)
        .map(|i| {
            let name = format!(
                "{}{}{}",
                SURNAMES[next(SURNAMES.len())],
                GIVEN[next(GIVEN.len())],
                if next(2) == 0 {
                    GIVEN[next(GIVEN.len())]
                } else {
                    ""
                }
            );
            ListedVoter {
                name,
                gender_zh: if next(2) == 0 { "男" } else { "女" }.to_owned(),
                birth: date(
                    1940 + i32::try_from(next(66)).unwrap(),
                    1 + u32::try_from(next(12)).unwrap(),
                    1 + u32::try_from(next(28)).unwrap(),
                ),
                group: GROUPS[i % 3].to_owned(),
                household: format!("{}-{}-{}", 1 + next(9), 1 + next(6), 101 + next(20)),
                note: match next(10) {
                    0 => "户代表",
                    1 => "放弃",
                    _ => "",
                }
                .to_owned(),
            }
        })
        .collect()
}

pub fn notice(voters: Vec<ListedVoter>) -> VoterListNotice {
    VoterListNotice {
        election_title: "某某社区第十二届居民委员会选举".to_owned(),
        committee_name: "某某社区居民委员会换届选举委员会".to_owned(),
        election_day: date(2026, 12, 20),
        publication_date: date(2026, 11, 20),
        fingerprint: fingerprint(),
        objection_text: "对名单有不同意见的，请于2026年12月1日前向选举委员会提出，选举委员会应在三日内依法作出处理决定。".to_owned(),
        groups_in_order: GROUPS.iter().map(|s| s.to_string()).collect(),
        voters,
    }
}

fn tool(name: &str, args: &[&str], pdf: &[u8]) -> String {
    let mut file = tempfile_pdf();
    file.1.write_all(pdf).unwrap();
    file.1.flush().unwrap();
    let path = file.0.to_str().unwrap().to_owned();
    let mut full: Vec<&str> = args.to_vec();
    full.push(&path);
    if name == "pdftotext" {
        full.push("-");
    }
    let out = Command::new(name)
        .args(&full)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {name} ({e}): {ENSURE}"));
    std::fs::remove_file(&file.0).ok();
    assert!(
        out.status.success(),
        "{name} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn tempfile_pdf() -> (std::path::PathBuf, std::fs::File) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    let path = std::env::temp_dir().join(format!(
        "huanjie-print-test-{}-{}.pdf",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    let file = std::fs::File::create(&path).unwrap();
    (path, file)
}

/// The text of each page (pdftotext -layout; pages split at form feeds).
pub fn pages_text(pdf: &[u8]) -> Vec<String> {
    let text = tool("pdftotext", &["-layout", "-enc", "UTF-8"], pdf);
    let mut pages: Vec<String> = text.split('\u{c}').map(str::to_owned).collect();
    if pages.last().is_some_and(|p| p.trim().is_empty()) {
        pages.pop();
    }
    pages
}

/// The rows of pdffonts' table: (name, type, emb, sub, uni).
pub fn fonts_of(pdf: &[u8]) -> Vec<(String, String, String, String, String)> {
    let out = tool("pdffonts", &[], pdf);
    out.lines()
        .skip(2)
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let t: Vec<&str> = l.split_whitespace().collect();
            // name type... encoding emb sub uni object ID
            let n = t.len();
            (
                t[0].to_owned(),
                t[1..n - 6].join(" "),
                t[n - 5].to_owned(),
                t[n - 4].to_owned(),
                t[n - 3].to_owned(),
            )
        })
        .collect()
}

/// Table rows of a page text: (serial, name, the rest), for lines that start
/// with a serial number.
pub fn rows(page: &str) -> Vec<(usize, String, Vec<String>)> {
    page.lines()
        .filter_map(|l| {
            let t: Vec<&str> = l.split_whitespace().collect();
            let serial = t.first()?.parse::<usize>().ok()?;
            if t.len() < 3 {
                return None;
            }
            Some((
                serial,
                t[1].to_owned(),
                t[2..].iter().map(|s| s.to_string()).collect(),
            ))
        })
        .collect()
}

/// `s` without any whitespace: pdftotext drops or inserts spaces between
/// CJK characters by their spacing on the page, so footers such as
/// "第 1 页 共 5 页" are compared without it.
pub fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The pages of `pdf` as PNG files, rendered by pdftoppm at `dpi`, read
/// back (each must be a PNG, non-empty); the files are removed.
pub fn png_pages(pdf: &[u8], dpi: u32) -> Vec<Vec<u8>> {
    let (path, mut file) = tempfile_pdf();
    file.write_all(pdf).unwrap();
    file.flush().unwrap();
    let prefix = path.with_extension("");
    let out = Command::new("pdftoppm")
        .args(["-r", &dpi.to_string(), "-png"])
        .arg(&path)
        .arg(&prefix)
        .output()
        .unwrap_or_else(|e| panic!("cannot run pdftoppm ({e}): {ENSURE}"));
    std::fs::remove_file(&path).ok();
    assert!(
        out.status.success(),
        "pdftoppm failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let dir = prefix.parent().unwrap();
    let stem = prefix.file_name().unwrap().to_str().unwrap().to_owned();
    let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(&format!("{stem}-")) && n.ends_with(".png"))
        })
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let bytes = std::fs::read(&p).unwrap();
            std::fs::remove_file(&p).ok();
            bytes
        })
        .collect()
}
