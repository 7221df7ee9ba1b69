//! The voter list's fingerprint (名单指纹): a SHA-256 over a canonical text
//! of the published list, printed on the posted notice and shown to
//! observers, so anyone holding the list can check it is the one posted and
//! that every later change is accounted for.
//!
//! The canonical text (format 1, also in docs/voter-list-fingerprint.md):
//!
//! ```text
//! huanjie voter list 1\n
//! <resident id>\t<name>\t<gender M|F>\t<group>\t<household>\t<marks>\n   (one line per voter)
//! ```
//!
//! Lines are in ascending resident-ID order (byte order), so the fingerprint
//! does not depend on how a database sorts names. `marks` is a
//! comma-separated subset, in this order, of `waived`, `voluntary`,
//! `household_representative`, `residents_representative` (empty for a
//! plain voter). In text fields a backslash, tab or line break is written
//! `\\`, `\t`, `\n`, so no field can forge a line.

use ring::digest;
use std::fmt;

/// The first line of the canonical text.
pub const HEADER: &str = "huanjie voter list 1\n";

/// One voter as the fingerprint sees them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListLine<'a> {
    pub resident_id: &'a str,
    pub name: &'a str,
    /// `M` or `F`.
    pub gender: &'a str,
    pub group: &'a str,
    pub household: &'a str,
    pub waived: bool,
    pub voluntary: bool,
    pub household_representative: bool,
    pub residents_representative: bool,
}

/// A SHA-256 fingerprint, shown as 64 lower-case hex digits.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fingerprint(pub [u8; 32]);

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for b in self.0 {
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Fingerprint({self})")
    }
}

/// Lines fed out of order (the canonical order is by resident ID).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("voter list line {line} is out of resident-ID order or repeats an ID")]
pub struct OutOfOrder {
    /// 1-based line number among the voters.
    pub line: u64,
}

/// Computes the fingerprint line by line, so a million-voter list never
/// has to sit in memory as text.
pub struct FingerprintBuilder {
    ctx: digest::Context,
    last_id: String,
    lines: u64,
    buf: String,
}

impl Default for FingerprintBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl FingerprintBuilder {
    pub fn new() -> Self {
        let mut ctx = digest::Context::new(&digest::SHA256);
        ctx.update(HEADER.as_bytes());
        Self {
            ctx,
            last_id: String::new(),
            lines: 0,
            buf: String::new(),
        }
    }

    /// Adds the next voter; IDs must strictly ascend.
    pub fn push(&mut self, line: &ListLine<'_>) -> Result<(), OutOfOrder> {
        self.lines += 1;
        if self.lines > 1 && line.resident_id.as_bytes() <= self.last_id.as_bytes() {
            return Err(OutOfOrder { line: self.lines });
        }
        self.last_id.clear();
        self.last_id.push_str(line.resident_id);
        self.buf.clear();
        for (i, field) in [
            line.resident_id,
            line.name,
            line.gender,
            line.group,
            line.household,
        ]
        .into_iter()
        .enumerate()
        {
            if i > 0 {
                self.buf.push('\t');
            }
            escape_into(&mut self.buf, field);
        }
        self.buf.push('\t');
        let marks = [
            (line.waived, "waived"),
            (line.voluntary, "voluntary"),
            (line.household_representative, "household_representative"),
            (line.residents_representative, "residents_representative"),
        ];
        let mut first = true;
        for (set, mark) in marks {
            if set {
                if !first {
                    self.buf.push(',');
                }
                self.buf.push_str(mark);
                first = false;
            }
        }
        self.buf.push('\n');
        self.ctx.update(self.buf.as_bytes());
        Ok(())
    }

    /// Voters pushed so far.
    pub fn lines(&self) -> u64 {
        self.lines
    }

    pub fn finish(self) -> Fingerprint {
        let mut out = [0u8; 32];
        out.copy_from_slice(self.ctx.finish().as_ref());
        Fingerprint(out)
    }
}

fn escape_into(buf: &mut String, field: &str) {
    for c in field.chars() {
        match c {
            '\\' => buf.push_str("\\\\"),
            '\t' => buf.push_str("\\t"),
            '\n' => buf.push_str("\\n"),
            '\r' => buf.push_str("\\r"),
            c => buf.push(c),
        }
    }
}

/// The fingerprint of `lines`, which must be in resident-ID order.
pub fn fingerprint<'a>(
    lines: impl IntoIterator<Item = ListLine<'a>>,
) -> Result<Fingerprint, OutOfOrder> {
    let mut b = FingerprintBuilder::new();
    for line in lines {
        b.push(&line)?;
    }
    Ok(b.finish())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn line<'a>(id: &'a str, name: &'a str) -> ListLine<'a> {
        ListLine {
            resident_id: id,
            name,
            gender: "F",
            group: "第一组",
            household: "0101",
            waived: false,
            voluntary: false,
            household_representative: false,
            residents_representative: false,
        }
    }

    #[test]
    fn the_empty_list_is_the_hash_of_the_header() {
        let empty = fingerprint([]).unwrap();
        let direct = digest::digest(&digest::SHA256, HEADER.as_bytes());
        assert_eq!(empty.0.as_slice(), direct.as_ref());
    }

    #[test]
    fn matches_the_documented_text() {
        let a = line("110105194912310021", "王\t芳");
        let mut b = line("11010519491231002X", "李四");
        b.waived = true;
        b.residents_representative = true;
        let text = format!(
            "{HEADER}110105194912310021\t王\\t芳\tF\t第一组\t0101\t\n\
             11010519491231002X\t李四\tF\t第一组\t0101\twaived,residents_representative\n"
        );
        let want = digest::digest(&digest::SHA256, text.as_bytes());
        let got = fingerprint([a, b]).unwrap();
        assert_eq!(got.0.as_slice(), want.as_ref());
        assert_eq!(got.to_string().len(), 64);
    }

    #[test]
    fn any_change_changes_it_and_order_is_enforced() {
        let a = line("110105194912310021", "王芳");
        let b = line("11010519491231002X", "李四");
        let base = fingerprint([a, b]).unwrap();
        let mut b2 = b;
        b2.household_representative = true;
        assert_ne!(fingerprint([a, b2]).unwrap(), base);
        let b3 = line("11010519491231002X", "李 四");
        assert_ne!(fingerprint([a, b3]).unwrap(), base);
        assert_ne!(fingerprint([a]).unwrap(), base);
        assert_eq!(fingerprint([b, a]), Err(OutOfOrder { line: 2 }));
        assert_eq!(fingerprint([a, a]), Err(OutOfOrder { line: 2 }));
    }
}
