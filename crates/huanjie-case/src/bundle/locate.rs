//! Where a byte is in a JSON file, in words a person can find: its line
//! and column, and the JSON path of the value it belongs to
//! (`entries[41].details.status`). Works on broken JSON too (it reads up
//! to the byte and no further), since a file that fails to parse still
//! has to say where.

/// A byte's place in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// 0-based byte offset.
    pub offset: usize,
    /// 1-based.
    pub line: usize,
    /// 1-based, in bytes.
    pub column: usize,
    /// The JSON path of the innermost value or key holding the byte
    /// (empty: the top level).
    pub path: String,
}

impl Place {
    /// The place of byte `offset` of `bytes` (clamped to the end).
    pub fn of(bytes: &[u8], offset: usize) -> Self {
        let offset = offset.min(bytes.len());
        let before = bytes.get(..offset).unwrap_or_default();
        let line = before.iter().filter(|b| **b == b'\n').count() + 1;
        let line_start = before
            .iter()
            .rposition(|b| *b == b'\n')
            .map_or(0, |p| p + 1);
        Place {
            offset,
            line,
            column: offset - line_start + 1,
            path: path_at(bytes, offset),
        }
    }

    /// The place a parser's 1-based `line` and `column` name (serde_json
    /// counts columns in bytes; column 0 means the line's start).
    pub fn at_line_column(bytes: &[u8], line: usize, column: usize) -> Self {
        let mut start = 0usize;
        for _ in 1..line {
            match bytes
                .get(start..)
                .and_then(|rest| rest.iter().position(|b| *b == b'\n'))
            {
                Some(p) => start += p + 1,
                None => break,
            }
        }
        Place::of(bytes, start + column.saturating_sub(1))
    }

    /// `line 3, column 7 (byte 52), at entries[4].hash`.
    pub fn describe(&self) -> String {
        let mut out = format!(
            "line {}, column {} (byte {})",
            self.line, self.column, self.offset
        );
        if !self.path.is_empty() {
            out.push_str(", at ");
            out.push_str(&self.path);
        }
        out
    }
}

/// The first offset at which `a` and `b` differ (the shorter's length if
/// one is a prefix of the other), `None` when equal.
pub fn first_difference(a: &[u8], b: &[u8]) -> Option<usize> {
    if a == b {
        return None;
    }
    Some(
        a.iter()
            .zip(b.iter())
            .position(|(x, y)| x != y)
            .unwrap_or_else(|| a.len().min(b.len())),
    )
}

enum Frame {
    Object { key: Option<String> },
    Array { index: usize },
}

/// The JSON path of the value (or key) holding byte `offset`.
pub fn path_at(bytes: &[u8], offset: usize) -> String {
    let mut stack: Vec<Frame> = Vec::new();
    // In an object: whether the next string is a key.
    let mut expecting_key = false;
    let mut i = 0usize;
    while i < bytes.len() && i <= offset {
        let b = bytes.get(i).copied().unwrap_or(b' ');
        match b {
            b'"' => {
                let end = string_end(bytes, i);
                if expecting_key {
                    let key = decode_key(bytes.get(i..end.min(bytes.len())).unwrap_or_default());
                    if let Some(Frame::Object { key: k }) = stack.last_mut() {
                        *k = Some(key);
                    }
                    expecting_key = false;
                }
                if end > offset {
                    break;
                }
                i = end;
                continue;
            }
            b'{' => {
                if i == offset {
                    break;
                }
                stack.push(Frame::Object { key: None });
                expecting_key = true;
            }
            b'[' => {
                if i == offset {
                    break;
                }
                stack.push(Frame::Array { index: 0 });
                expecting_key = false;
            }
            b'}' | b']' => {
                if i == offset {
                    break;
                }
                stack.pop();
                expecting_key = false;
            }
            b',' => match stack.last_mut() {
                Some(Frame::Array { index }) => *index += 1,
                Some(Frame::Object { key }) => {
                    *key = None;
                    expecting_key = true;
                }
                None => {}
            },
            _ => {}
        }
        i += 1;
    }
    let mut out = String::new();
    for frame in &stack {
        match frame {
            Frame::Object { key: Some(k) } => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            Frame::Object { key: None } => {}
            Frame::Array { index } => out.push_str(&format!("[{index}]")),
        }
    }
    out
}

/// The offset just past the string starting at `start` (a `"`), or the
/// end of the input if it never closes.
fn string_end(bytes: &[u8], start: usize) -> usize {
    let mut i = start + 1;
    while let Some(b) = bytes.get(i) {
        match b {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    bytes.len()
}

fn decode_key(quoted: &[u8]) -> String {
    serde_json::from_slice::<String>(quoted).unwrap_or_else(|_| {
        String::from_utf8_lossy(quoted.get(1..).unwrap_or_default())
            .trim_end_matches('"')
            .to_owned()
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn at(text: &str, needle: &str) -> String {
        path_at(text.as_bytes(), text.find(needle).unwrap())
    }

    #[test]
    fn paths_name_the_value_a_byte_is_in() {
        let t = r#"{"a":1,"entries":[{"seq":1,"hash":"ab"},{"seq":2,"details":{"x":[5,6]},"hash":"cd"}],"z":"q"}"#;
        assert_eq!(at(t, "1,\"entries"), "a");
        assert_eq!(at(t, "ab"), "entries[0].hash");
        assert_eq!(at(t, "cd"), "entries[1].hash");
        assert_eq!(at(t, "6]"), "entries[1].details.x[1]");
        assert_eq!(at(t, "\"q"), "z");
        // A byte in a key names that key.
        assert_eq!(at(t, "seq\":2"), "entries[1].seq");
        assert_eq!(path_at(t.as_bytes(), 0), "");
    }

    #[test]
    fn places_count_lines_and_columns() {
        let t = b"{\"a\":\n[1,\n2]}\n";
        let p = Place::of(t, 10);
        assert_eq!((p.line, p.column, p.path.as_str()), (3, 1, "a[1]"));
        assert_eq!(Place::at_line_column(t, 3, 1), p);
        assert_eq!(first_difference(b"abc", b"abd"), Some(2));
        assert_eq!(first_difference(b"ab", b"abc"), Some(2));
        assert_eq!(first_difference(b"ab", b"ab"), None);
        // Broken input never panics.
        assert_eq!(path_at(b"{\"a\":\"unterminated", 100), "a");
        assert_eq!(Place::of(b"", 5).offset, 0);
    }
}
