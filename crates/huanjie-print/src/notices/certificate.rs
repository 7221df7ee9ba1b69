//! 当选证书: the certificate of election handed to each person elected
//! (R-CERT-2: issued within 15 days of the election).
//!
//! One A4 portrait page per person, all in one PDF:
//!
//! ```text
//!  ╔═══════════════════════════════════════════╗
//!  ║                当 选 证 书                 ║
//!  ║                                           ║
//!  ║                   证书编号：2026-幸福-001   ║
//!  ║                                           ║
//!  ║    张伟同志于2026年12月20日在幸福社区第七届    ║
//!  ║  居民委员会选举中，获得参加投票选民过半数赞成票 ║
//!  ║  （1500票），当选为幸福社区第七届居民委员会主   ║
//!  ║  任。                                      ║
//!  ║    特发此证。                               ║
//!  ║                                           ║
//!  ║              幸福社区居民委员会换届选举委员会   ║
//!  ║                      2026年12月25日         ║
//!  ╚═══════════════════════════════════════════╝
//! ```
//!
//! The sentence says "获得参加投票选民过半数赞成票" only when it is true
//! of the figures given: `2 × votes > cast` (R-CNT-5, "过半数" excludes
//! the half, 民法典 art. 1259). A person elected in a further election
//! (另行选举, R-CNT-7), where a third of the ballots suffices, gets the
//! plain figures instead: "获得赞成票900票（参加投票选民1987人）".
//!
//! Every text is checked against the fonts first: a character no font has
//! is refused with [`PrintError::MissingGlyph`] naming the certificate's
//! number and the field, never printed as an empty box.

use super::ElectedBody;
use crate::fonts::FontSet;
use crate::layout::{mm10, pt10, Align, Doc, Mpt, Style, PAGE_HEIGHT, PAGE_WIDTH};
use crate::{zh, PrintError};
use chrono::NaiveDate;

/// One certificate of election (当选证书, R-CERT-2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ElectionCertificate {
    /// The body the person is elected to, as named on the certificate:
    /// 幸福社区第七届居民委员会.
    pub body: String,
    /// Which kind of body (the residents' committee, or its supervisory
    /// committee, R-BODY-4); the first certificate's is named in the
    /// PDF's title.
    pub certificate_of: ElectedBody,
    /// The person elected.
    pub name: String,
    /// 主任, 副主任, 委员
    pub position: String,
    /// The day of the vote that elected them (the further election's day
    /// for a seat filled in it).
    pub election_day: NaiveDate,
    /// The "for" votes the person received.
    pub votes: u64,
    /// The ballots cast in that round (void ones included, R-CNT-5).
    pub cast: u64,
    /// Everyone on that round's list (the workers' congress's winner
    /// needs more than half of them, R-SUP-1).
    pub registered: u64,
    /// Who voted, and by which numbers.
    pub basis: super::VoteBasis,
    /// 证书编号: 2026-幸福-001.
    pub number: String,
    /// 某某社区居民委员会换届选举委员会: signs the certificate.
    pub committee_name: String,
    /// The date of issue (R-CERT-2: within 15 days).
    pub issue_date: NaiveDate,
}

impl ElectionCertificate {
    /// The certificate's sentence: "张伟同志于2026年12月20日在…选举中，获得
    /// 参加投票选民过半数赞成票（1500票），当选为…主任。特发此证。" (see the
    /// module docs for a winner without a majority).
    pub fn sentence(&self) -> String {
        let day = zh::date(self.election_day);
        let base = match self.basis.win_base {
            huanjie_core::profile::WinBase::Registered => self.registered,
            _ => self.cast,
        };
        let votes = if self.basis.win.is_met(self.votes, base) {
            format!(
                "获得{}赞成票（{}票）",
                self.basis.majority_words(),
                self.votes
            )
        } else if self.basis.win_base == huanjie_core::profile::WinBase::Registered {
            format!(
                "获得赞成票{}票（全体{}{}人）",
                self.votes,
                self.basis.people(),
                self.registered
            )
        } else {
            format!(
                "获得赞成票{}票（参加投票{}{}人）",
                self.votes,
                self.basis.people(),
                self.cast
            )
        };
        format!(
            "{}同志于{day}在{}选举中，{votes}，当选为{}{}。\n特发此证。",
            self.name, self.body, self.body, self.position
        )
    }

    /// Every text must be printable; the error names the certificate and
    /// the field.
    fn check(&self, fonts: &FontSet, index: usize) -> Result<(), PrintError> {
        let number = &self.number;
        let n = index + 1;
        let fields = [
            ("the number", "编号", number),
            ("the name", "姓名", &self.name),
            ("the position", "职务", &self.position),
            ("the body", "当选机构名称", &self.body),
            ("the committee name", "选举委员会名称", &self.committee_name),
        ];
        for (what, what_zh, text) in fields {
            zh::check(fonts, text, || {
                (
                    format!(
                        "{what} on certificate of election {n} ({number}, {}) (“{text}”)",
                        self.name
                    ),
                    format!(
                        "第{n}份当选证书（{number}，{}）的{what_zh}（{text}）",
                        self.name
                    ),
                )
            })?;
        }
        Ok(())
    }
}

/// The big title, letter-spaced.
const TITLE: Style = Style::heading(pt10(400));
/// The number line.
const NUMBER: Style = Style::body(pt10(120));
/// The sentence at its natural size; made smaller until it fits.
const SENTENCE: Style = Style::body(pt10(160));
/// The smallest size the sentence is made.
const SENTENCE_MIN: Mpt = pt10(90);
/// The signature block.
const SIGNATURE: Style = Style::body(pt10(160));

/// The borders: an outer thick rule and an inner thin one.
const OUTER_INSET: Mpt = mm10(120);
const INNER_INSET: Mpt = mm10(150);
/// The text's left and right edges.
const LEFT: Mpt = mm10(300);
const RIGHT: Mpt = PAGE_WIDTH - mm10(300);
/// Baselines and the sentence's box, from the top of the page.
const TITLE_BASELINE: Mpt = PAGE_HEIGHT - mm10(750);
const NUMBER_BASELINE: Mpt = PAGE_HEIGHT - mm10(950);
const SENTENCE_TOP: Mpt = PAGE_HEIGHT - mm10(1200);
const SENTENCE_BOTTOM: Mpt = PAGE_HEIGHT - mm10(2100);
const SIGNATURE_BASELINE: Mpt = PAGE_HEIGHT - mm10(2350);
/// The signature block's right edge.
const SIGNATURE_RIGHT: Mpt = PAGE_WIDTH - mm10(400);

/// Characters that must not begin a line (行首禁则): they hang at its end.
const NO_LINE_START: &str = "，。、；：？！）》」』】〕〉”’…—·%,.;:?!)]}";
/// Characters that must not end a line (行尾禁则): they move down.
const NO_LINE_END: &str = "（《「『【〔〈“‘([{";

/// The certificates as one PDF, one A4 portrait page per certificate in
/// the order given (R-CERT-2): a double border, the title 当选证书, the
/// number, the sentence (see [`ElectionCertificate::sentence`]), and the
/// committee's name over the date of issue at the bottom right, where the
/// seal goes. No page numbers: each page is handed out alone.
///
/// Refused before anything is laid out: a character no font has
/// ([`PrintError::MissingGlyph`], naming the certificate and the field).
/// An empty slice gives a PDF of one blank page.
pub fn certificates_pdf(
    fonts: &FontSet,
    certs: &[ElectionCertificate],
) -> Result<Vec<u8>, PrintError> {
    for (i, cert) in certs.iter().enumerate() {
        cert.check(fonts, i)?;
    }
    let title = match certs.first().map(|c| c.certificate_of) {
        Some(ElectedBody::SupervisoryCommittee) => "当选证书（居务监督委员会）".to_owned(),
        Some(ElectedBody::SupervisoryBoard) => "当选证书（职工代表监事）".to_owned(),
        _ => "当选证书".to_owned(),
    };
    let title = match certs.first() {
        Some(c) => format!("{title} {}", c.body),
        None => title,
    };
    let mut doc = Doc::new(fonts, &title, None);
    for (i, cert) in certs.iter().enumerate() {
        if i > 0 {
            doc.new_page();
        }
        page(&mut doc, cert)?;
    }
    doc.finish(|_, _| Vec::new())
}

/// One certificate on the current page.
fn page(doc: &mut Doc<'_>, cert: &ElectionCertificate) -> Result<(), PrintError> {
    border(doc, OUTER_INSET, pt10(25));
    border(doc, INNER_INSET, pt10(6));

    // 当 选 证 书: each character followed by half an em.
    let chars: Vec<String> = "当选证书".chars().map(String::from).collect();
    let mut widths = Vec::with_capacity(chars.len());
    for c in &chars {
        widths.push(doc.width(c, TITLE)?);
    }
    let spacing = TITLE.size / 2;
    let count = Mpt::try_from(chars.len()).unwrap_or(0);
    let total: Mpt = widths.iter().sum::<Mpt>() + spacing * (count - 1).max(0);
    let mut x = (PAGE_WIDTH - total) / 2;
    for (c, w) in chars.iter().zip(&widths) {
        doc.text_at(x, TITLE_BASELINE, c, TITLE)?;
        x += w + spacing;
    }

    let number = format!("证书编号：{}", cert.number);
    let w = doc.width(&number, NUMBER)?;
    doc.text_at(RIGHT - w, NUMBER_BASELINE, &number, NUMBER)?;

    // The sentence, at the largest size (in steps of half a point) at
    // which it fits its box; line spacing twice the size.
    let text = cert.sentence();
    let mut style = SENTENCE;
    let lines = loop {
        let indent = doc.width("　　", style)?;
        let lines = wrap(doc, &text, style, RIGHT - LEFT, indent)?;
        let count = Mpt::try_from(lines.len()).unwrap_or(Mpt::MAX);
        if count.saturating_mul(style.size * 2) <= SENTENCE_TOP - SENTENCE_BOTTOM
            || style.size <= SENTENCE_MIN
        {
            break lines;
        }
        style.size -= pt10(5);
    };
    let mut baseline = SENTENCE_TOP - style.size;
    for (first, line) in lines {
        let x = if first {
            LEFT + doc.width("　　", style)?
        } else {
            LEFT
        };
        doc.text_at(x, baseline, &line, style)?;
        baseline -= style.size * 2;
    }

    // The committee's name, the date centred under it.
    let committee_width = doc.width(&cert.committee_name, SIGNATURE)?;
    let block_width = committee_width.min(SIGNATURE_RIGHT - LEFT);
    let block_left = SIGNATURE_RIGHT - block_width;
    doc.text_in_box(
        block_left,
        block_width,
        SIGNATURE_BASELINE,
        &cert.committee_name,
        SIGNATURE,
        Align::Center,
    )?;
    doc.text_in_box(
        block_left,
        block_width,
        SIGNATURE_BASELINE - SIGNATURE.size * 2,
        &zh::date(cert.issue_date),
        SIGNATURE,
        Align::Center,
    )?;
    Ok(())
}

/// A rectangle `inset` from the page's edges.
fn border(doc: &mut Doc<'_>, inset: Mpt, thickness: Mpt) {
    let (l, r) = (inset, PAGE_WIDTH - inset);
    let (b, t) = (inset, PAGE_HEIGHT - inset);
    doc.line((l, b), (r, b), thickness);
    doc.line((r, b), (r, t), thickness);
    doc.line((r, t), (l, t), thickness);
    doc.line((l, t), (l, b), thickness);
}

/// `text` broken into lines of at most `width` (a `\n` starts a new
/// paragraph), each paragraph's first line `indent` narrower; with whether
/// the line starts a paragraph. Chinese breaks between any two characters;
/// closing punctuation hangs rather than start a line, an opening bracket
/// moves down rather than end one.
fn wrap(
    doc: &Doc<'_>,
    text: &str,
    style: Style,
    width: Mpt,
    indent: Mpt,
) -> Result<Vec<(bool, String)>, PrintError> {
    let mut lines = Vec::new();
    for para in text.split('\n') {
        let mut line = String::new();
        let mut used = 0;
        let mut avail = width - indent;
        let mut first = true;
        for ch in para.chars() {
            let mut buf = [0u8; 4];
            let w = doc.width(ch.encode_utf8(&mut buf), style)?;
            if used + w > avail && !line.is_empty() && !NO_LINE_START.contains(ch) {
                let mut carried = String::new();
                while line.chars().count() > 1
                    && line.chars().last().is_some_and(|c| NO_LINE_END.contains(c))
                {
                    if let Some(c) = line.pop() {
                        carried.insert(0, c);
                    }
                }
                lines.push((first, std::mem::replace(&mut line, carried)));
                used = doc.width(&line, style)?;
                avail = width;
                first = false;
            }
            line.push(ch);
            used += w;
        }
        lines.push((first, line));
    }
    Ok(lines)
}
