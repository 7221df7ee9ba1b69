//! The fonts a notice is printed with: a *chain* of faces, each character
//! drawn from the first face that has a glyph for it.
//!
//! Residents' names use rare characters (生僻字) from CJK Extension A and B,
//! which no single common font covers; a notice must never show a missing
//! glyph (tofu), because a misprinted name on a posted voter list is a
//! misprinted voter. So the chain is a primary face for the look of the
//! notice plus fallbacks for coverage, [`FontSet::missing`] says which
//! characters no face has, and printing refuses such text
//! ([`crate::PrintError::MissingGlyph`]).
//!
//! The chain (file names, looked for in [`FontSet::locate`]'s directories):
//!
//! | role | file | face | Debian package |
//! |---|---|---|---|
//! | body, primary | `NotoSerifCJK-Regular.ttc` | 2 (Noto Serif CJK SC) | `fonts-noto-cjk` |
//! | body, fallback | `HanaMinA.ttf` | 0 (BMP and Extension A) | `fonts-hanazono` |
//! | body, fallback | `HanaMinB.ttf` | 0 (Extensions B–F) | `fonts-hanazono` |
//! | headings | `NotoSansCJK-Bold.ttc` | 2 (Noto Sans CJK SC Bold) | `fonts-noto-cjk` |
//!
//! Noto Serif CJK SC is a Song (宋体) face, the usual face of a printed
//! notice; the headings face is used only for characters it has, the rest
//! of a heading falls back on the body chain. `scripts/ensure-fonts.sh`
//! installs the packages. The PDFs embed only the glyphs they use (a
//! subset of each face), never a whole font and never a reference to a
//! system font.

use printpdf::ParsedFont;
use std::path::{Path, PathBuf};

/// The environment variable naming a directory searched first for the font
/// files.
pub const FONT_DIR_ENV: &str = "HUANJIE_FONT_DIR";

/// One face of the chain: where to find it and which face of the file.
#[derive(Debug, Clone, Copy)]
struct FaceSpec {
    file: &'static str,
    /// Face index inside a collection (`.ttc`); 0 for a single font.
    index: usize,
    /// Where Debian installs the file.
    debian_dir: &'static str,
}

const BODY_CHAIN: &[FaceSpec] = &[
    FaceSpec {
        file: "NotoSerifCJK-Regular.ttc",
        index: 2,
        debian_dir: "/usr/share/fonts/opentype/noto",
    },
    FaceSpec {
        file: "HanaMinA.ttf",
        index: 0,
        debian_dir: "/usr/share/fonts/truetype/hanazono",
    },
    FaceSpec {
        file: "HanaMinB.ttf",
        index: 0,
        debian_dir: "/usr/share/fonts/truetype/hanazono",
    },
];

const HEADING_FACE: FaceSpec = FaceSpec {
    file: "NotoSansCJK-Bold.ttc",
    index: 2,
    debian_dir: "/usr/share/fonts/opentype/noto",
};

/// Why the fonts could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum FontError {
    #[error(
        "no font for printing was found; looked at: {}. Install them with scripts/ensure-fonts.sh \
         (Debian's fonts-noto-cjk and fonts-hanazono) or put the files in ${FONT_DIR_ENV}",
        .looked_at.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
    )]
    NotFound { looked_at: Vec<PathBuf> },
    #[error("cannot read the font file {}: {source}", .path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{} (face {index}) is not a font this program can use", .path.display())]
    Parse { path: PathBuf, index: usize },
}

/// One loaded face.
pub(crate) struct Face {
    pub(crate) path: PathBuf,
    pub(crate) index: usize,
    pub(crate) parsed: ParsedFont,
    /// Font units per em, for widths.
    pub(crate) units_per_em: i64,
}

impl Face {
    fn load(path: &Path, index: usize) -> Result<Face, FontError> {
        let bytes = std::fs::read(path).map_err(|source| FontError::Read {
            path: path.to_owned(),
            source,
        })?;
        Face::from_bytes(&bytes, path, index)
    }

    fn from_bytes(bytes: &[u8], path: &Path, index: usize) -> Result<Face, FontError> {
        let parse_error = || FontError::Parse {
            path: path.to_owned(),
            index,
        };
        let mut warnings = Vec::new();
        let parsed = ParsedFont::from_bytes(bytes, index, &mut warnings).ok_or_else(parse_error)?;
        let units_per_em = i64::from(parsed.pdf_font_metrics.units_per_em);
        if units_per_em == 0 || parsed.lookup_glyph_index(u32::from('一')).is_none() {
            // No em size, or no Unicode cmap reaching CJK: not a CJK font.
            return Err(parse_error());
        }
        Ok(Face {
            path: path.to_owned(),
            index,
            parsed,
            units_per_em,
        })
    }

    /// The face's glyph for `ch`, if it has one (glyph 0 is `.notdef`).
    pub(crate) fn glyph(&self, ch: char) -> Option<u16> {
        self.parsed
            .lookup_glyph_index(u32::from(ch))
            .filter(|g| *g != 0)
    }

    /// The advance of glyph `gid`, in font units.
    pub(crate) fn advance(&self, gid: u16) -> i64 {
        i64::from(self.parsed.get_horizontal_advance(gid))
    }
}

/// The loaded font chain. Loading reads and parses tens of megabytes of
/// font files (about a second), so build it once and share it (`&FontSet`
/// is all the print functions need; it is `Send + Sync`).
pub struct FontSet {
    /// The body chain, in order; never empty.
    pub(crate) body: Vec<Face>,
    /// The headings face, if found.
    pub(crate) heading: Option<Face>,
}

impl std::fmt::Debug for FontSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FontSet")
            .field(
                "body",
                &self.body.iter().map(|x| &x.path).collect::<Vec<_>>(),
            )
            .field("heading", &self.heading.as_ref().map(|x| &x.path))
            .finish()
    }
}

impl FontSet {
    /// Finds and loads the chain. Each file is looked for in, in order:
    /// the directory named by `HUANJIE_FONT_DIR` (if set), `ballots/fonts/`
    /// of this workspace, and the directory Debian installs it in. A face
    /// that is found nowhere is left out of the chain; if no body face is
    /// found at all, the error names every path looked at.
    pub fn locate() -> Result<FontSet, FontError> {
        let mut dirs = Vec::new();
        if let Some(dir) = std::env::var_os(FONT_DIR_ENV).filter(|d| !d.is_empty()) {
            dirs.push(PathBuf::from(dir));
        }
        dirs.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ballots/fonts"));
        FontSet::locate_in(&dirs)
    }

    /// Like [`FontSet::locate`], searching `dirs` and then Debian's
    /// directories.
    pub fn locate_in(dirs: &[PathBuf]) -> Result<FontSet, FontError> {
        let mut looked_at = Vec::new();
        let mut find = |spec: &FaceSpec| -> Option<PathBuf> {
            let candidates = dirs
                .iter()
                .map(|d| d.join(spec.file))
                .chain(std::iter::once(Path::new(spec.debian_dir).join(spec.file)));
            for path in candidates {
                if path.is_file() {
                    return Some(path);
                }
                looked_at.push(path);
            }
            None
        };
        let mut body = Vec::new();
        for spec in BODY_CHAIN {
            if let Some(path) = find(spec) {
                body.push(Face::load(&path, spec.index)?);
            }
        }
        let heading = match find(&HEADING_FACE) {
            Some(path) => Some(Face::load(&path, HEADING_FACE.index)?),
            None => None,
        };
        if body.is_empty() {
            return Err(FontError::NotFound { looked_at });
        }
        Ok(FontSet { body, heading })
    }

    /// A chain of the given files (path and face index), in order, with no
    /// separate headings face.
    pub fn from_files(faces: &[(PathBuf, usize)]) -> Result<FontSet, FontError> {
        let body = faces
            .iter()
            .map(|(path, index)| Face::load(path, *index))
            .collect::<Result<Vec<_>, _>>()?;
        if body.is_empty() {
            return Err(FontError::NotFound {
                looked_at: Vec::new(),
            });
        }
        Ok(FontSet {
            body,
            heading: None,
        })
    }

    /// The files of the chain, in order (body faces, then the headings
    /// face), with their face index.
    pub fn files(&self) -> Vec<(&Path, usize)> {
        self.body
            .iter()
            .chain(self.heading.as_ref())
            .map(|f| (f.path.as_path(), f.index))
            .collect()
    }

    /// The characters of `text` that no face of the chain has, each once,
    /// in order of first appearance.
    pub fn missing(&self, text: &str) -> Vec<char> {
        let mut out: Vec<char> = Vec::new();
        for ch in text.chars() {
            if self.body_face_for(ch).is_none() && !out.contains(&ch) {
                out.push(ch);
            }
        }
        out
    }

    /// The index of the first body face with a glyph for `ch`.
    pub(crate) fn body_face_for(&self, ch: char) -> Option<(usize, u16)> {
        self.body
            .iter()
            .enumerate()
            .find_map(|(i, face)| face.glyph(ch).map(|g| (i, g)))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn not_found_names_every_path_looked_at() {
        // A chain spec that cannot exist anywhere.
        let err = FontSet::from_files(&[]).unwrap_err();
        assert!(matches!(err, FontError::NotFound { .. }));
        let err = FontError::NotFound {
            looked_at: vec![PathBuf::from("/a/x.ttf"), PathBuf::from("/b/x.ttf")],
        };
        let text = err.to_string();
        assert!(text.contains("/a/x.ttf, /b/x.ttf"), "{text}");
        assert!(text.contains("scripts/ensure-fonts.sh"), "{text}");
    }

    #[test]
    fn a_file_that_is_not_a_font_is_refused() {
        let dir =
            std::env::temp_dir().join(format!("huanjie-print-notafont-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("x.ttf");
        std::fs::write(&path, b"not a font").unwrap();
        let err = FontSet::from_files(&[(path.clone(), 0)]).unwrap_err();
        assert!(matches!(err, FontError::Parse { .. }), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn font_set_can_be_shared_between_threads() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<FontSet>();
    }
}
