//! The one error type: an upload that cannot be decoded, or a page that
//! cannot be read as a ballot. Messages are plain words and name the page
//! (1-based) where there is one.

use crate::Corner;

/// Why an upload could not be decoded or a page could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OmrError {
    #[error("the upload is empty")]
    Empty,

    #[error("the upload is not a PNG, JPEG, TIFF or PDF file (it starts with {start})")]
    UnknownFormat { start: String },

    #[error(
        "page {page}: the image is {width} × {height} pixels; at most {max_side} pixels on a \
         side and {max_pixels} pixels in all are read (scan at 200 to 300 dpi)"
    )]
    TooLarge {
        page: usize,
        width: u64,
        height: u64,
        max_side: usize,
        max_pixels: usize,
    },

    #[error("page {page}: the image has no pixels ({width} × {height})")]
    NoPixels {
        page: usize,
        width: u64,
        height: u64,
    },

    #[error("page {page}: the {format} image cannot be decoded: {reason}")]
    Corrupt {
        page: usize,
        format: &'static str,
        reason: String,
    },

    #[error("page {page}: {what} cannot be read")]
    Unsupported { page: usize, what: String },

    #[error("the upload has more than {max} pages; send at most {max} pages at a time")]
    TooManyPages { max: usize },

    #[error("the upload has no pages")]
    NoPages,

    #[error("the PDF cannot be read: {reason}")]
    Pdf { reason: String },

    #[error("page {page} of the PDF has no image; each page of a scan holds one image")]
    PdfNoImage { page: usize },

    #[error(
        "page {page} of the PDF has {count} images; each page of a scan holds one image, so \
         this does not look like a scanner's PDF"
    )]
    PdfManyImages { page: usize, count: usize },

    #[error(
        "page {page} of the PDF: its image is compressed with {filter}, which cannot be read \
         (JPEG (DCTDecode) and Flate (FlateDecode) images can; set the scanner to JPEG or \
         greyscale)"
    )]
    PdfFilter { page: usize, filter: String },

    #[error("page {page} of the PDF: {problem}")]
    PdfImage { page: usize, problem: String },

    #[error(
        "the page image is too small to read ({width} × {height} pixels for a {page_mm} page; \
         scan at 150 dpi or more)"
    )]
    TooSmall {
        width: usize,
        height: usize,
        page_mm: String,
    },

    #[error(
        "the page has too little contrast to read (paper at grey level {white}, the printed \
         black at {black}); scan again with the scanner's default brightness"
    )]
    LowContrast { white: u8, black: u8 },

    #[error(
        "{} of the four black corner squares not found ({}); the page may not be a ballot of \
         this layout, or be cut off, folded or badly skewed",
        missing.len(),
        list(missing)
    )]
    FiducialsMissing { missing: Vec<Corner> },

    #[error(
        "the black corner squares do not lie where the ballot's layout puts them (off by \
         {off_mm10} tenths of a millimetre); the page may be of another layout, torn, folded \
         or creased"
    )]
    FiducialsInconsistent { off_mm10: u32 },

    #[error(
        "the page is {what}; it is read only within ±5° of upright (or upside down) and at \
         90% to 110% of its printed size"
    )]
    OutOfRange { what: String },
}

fn list(corners: &[Corner]) -> String {
    corners
        .iter()
        .map(|c| c.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}
