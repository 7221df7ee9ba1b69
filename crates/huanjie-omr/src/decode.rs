//! Upload bytes to greyscale pages: PNG, JPEG, TIFF (every page of a
//! multi-page file) and PDF as sheet-fed scanners write it (one image per
//! page; see [`crate::pdf`]).
//!
//! The format is told by the file's first bytes, never by a name. Every
//! page's size is checked against [`MAX_SIDE`](crate::MAX_SIDE) and
//! [`MAX_PIXELS`](crate::MAX_PIXELS) from its header, before its pixels are
//! allocated. Colour is turned to grey in the same pass that unpacks it
//! (Rec. 601 luma, so red and blue pens stay dark).

use crate::grey::check_size;
use crate::pdf::PdfPages;
use crate::{GreyImage, OmrError, MAX_PIXELS};
use std::io::Cursor;

/// The most pages read from one upload (a scanner's batch of ballots).
pub const MAX_PAGES: usize = 1_000;

/// What the first bytes say the upload is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Png,
    Jpeg,
    Tiff,
    Pdf,
}

impl Format {
    /// The format of `bytes` from its signature.
    pub fn sniff(bytes: &[u8]) -> Result<Format, OmrError> {
        if bytes.is_empty() {
            return Err(OmrError::Empty);
        }
        if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            return Ok(Format::Png);
        }
        if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            return Ok(Format::Jpeg);
        }
        if bytes.starts_with(b"II*\0")
            || bytes.starts_with(b"MM\0*")
            || bytes.starts_with(b"II+\0")
            || bytes.starts_with(b"MM\0+")
        {
            return Ok(Format::Tiff);
        }
        // A PDF's header may follow a little junk (the standard allows
        // 1,024 bytes of it).
        let head = &bytes[..bytes.len().min(1024)];
        if head.windows(5).any(|w| w == b"%PDF-") {
            return Ok(Format::Pdf);
        }
        let start = bytes
            .iter()
            .take(8)
            .map(|b| format!("{b:02X}"))
            .collect::<Vec<_>>()
            .join(" ");
        Err(OmrError::UnknownFormat {
            start: format!("bytes {start}"),
        })
    }

    pub const fn name(self) -> &'static str {
        match self {
            Format::Png => "PNG",
            Format::Jpeg => "JPEG",
            Format::Tiff => "TIFF",
            Format::Pdf => "PDF",
        }
    }
}

/// Every page of an upload, decoded at once. For a long batch prefer
/// [`pages`], which holds one page at a time.
pub fn decode(bytes: &[u8]) -> Result<Vec<GreyImage>, OmrError> {
    pages(bytes)?.collect()
}

/// The pages of an upload, decoded one at a time as the iterator is
/// advanced. An error ends the iteration after it is returned. A panic
/// in a third-party decoder is caught and returned as
/// [`OmrError::Corrupt`].
pub fn pages(bytes: &[u8]) -> Result<Pages<'_>, OmrError> {
    let format = Format::sniff(bytes)?;
    let inner = guarded(1, format, || open(format, bytes))?;
    Ok(Pages {
        inner,
        format,
        next: 0,
        done: false,
    })
}

/// Runs a third-party decoder, a panic in it being a file that cannot be
/// decoded: malformed input must never bring the reader down, whatever
/// the decoders' own care (they are written to return errors, and this
/// is the net under them).
fn guarded<T>(
    page: usize,
    format: Format,
    decode: impl FnOnce() -> Result<T, OmrError>,
) -> Result<T, OmrError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(decode))
        .unwrap_or_else(|_| Err(panicked(page, format)))
}

fn panicked(page: usize, format: Format) -> OmrError {
    OmrError::Corrupt {
        page,
        format: format.name(),
        reason: "the decoder failed on malformed data".to_owned(),
    }
}

fn open(format: Format, bytes: &[u8]) -> Result<Inner<'_>, OmrError> {
    Ok(match format {
        Format::Png | Format::Jpeg => Inner::Single(Some((format, bytes))),
        Format::Tiff => {
            let decoder = tiff::decoder::Decoder::new(Cursor::new(bytes))
                .map_err(|e| corrupt(1, Format::Tiff, e))?
                .with_limits(tiff_limits());
            Inner::Tiff(Box::new(decoder))
        }
        Format::Pdf => {
            let pdf = PdfPages::open(bytes)?;
            if pdf.len() > MAX_PAGES {
                return Err(OmrError::TooManyPages { max: MAX_PAGES });
            }
            if pdf.len() == 0 {
                return Err(OmrError::NoPages);
            }
            Inner::Pdf(Box::new(pdf))
        }
    })
}

/// The pages of an upload (see [`pages`]).
pub struct Pages<'a> {
    inner: Inner<'a>,
    format: Format,
    /// The 0-based index of the next page.
    next: usize,
    done: bool,
}

enum Inner<'a> {
    Single(Option<(Format, &'a [u8])>),
    Tiff(Box<tiff::decoder::Decoder<Cursor<&'a [u8]>>>),
    Pdf(Box<PdfPages>),
}

impl Pages<'_> {
    /// How many pages there are, where the header says so without decoding
    /// them (PNG, JPEG: 1; PDF: its page count); `None` for TIFF.
    pub fn page_count(&self) -> Option<usize> {
        match &self.inner {
            Inner::Single(_) => Some(1),
            Inner::Tiff(_) => None,
            Inner::Pdf(pdf) => Some(pdf.len()),
        }
    }
}

impl Iterator for Pages<'_> {
    type Item = Result<GreyImage, OmrError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let (page, format) = (self.next + 1, self.format);
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.advance()));
        result.unwrap_or_else(|_| {
            self.done = true;
            Some(Err(panicked(page, format)))
        })
    }
}

impl Pages<'_> {
    fn advance(&mut self) -> Option<Result<GreyImage, OmrError>> {
        let index = self.next;
        let page = index + 1;
        let result = match &mut self.inner {
            Inner::Single(single) => {
                let (format, bytes) = single.take()?;
                self.done = true;
                raster(page, format, bytes)
            }
            Inner::Tiff(decoder) => {
                if index > 0 {
                    if !decoder.more_images() {
                        self.done = true;
                        return None;
                    }
                    if index >= MAX_PAGES {
                        self.done = true;
                        return Some(Err(OmrError::TooManyPages { max: MAX_PAGES }));
                    }
                    if let Err(e) = decoder.next_image() {
                        self.done = true;
                        return Some(Err(corrupt(page, Format::Tiff, e)));
                    }
                }
                tiff_page(decoder, page)
            }
            Inner::Pdf(pdf) => {
                if index >= pdf.len() {
                    self.done = true;
                    return None;
                }
                pdf.page(index)
            }
        };
        self.next += 1;
        if result.is_err() {
            self.done = true;
        }
        Some(result)
    }
}

fn corrupt(page: usize, format: Format, e: impl std::fmt::Display) -> OmrError {
    OmrError::Corrupt {
        page,
        format: format.name(),
        reason: e.to_string(),
    }
}

/// Rec. 601 luma of 8-bit RGB, rounded: (299 R + 587 G + 114 B) / 1000.
#[inline]
pub(crate) fn luma(r: u8, g: u8, b: u8) -> u8 {
    let y = (299 * u32::from(r) + 587 * u32::from(g) + 114 * u32::from(b) + 500) / 1000;
    y.min(255) as u8
}

/// Interleaved 8-bit samples (`channels` per pixel, the first three RGB
/// when there are three or more) to grey.
pub(crate) fn to_grey(samples: &[u8], channels: usize) -> Vec<u8> {
    match channels {
        1 => samples.to_vec(),
        2 => samples.chunks_exact(2).map(|p| p[0]).collect(),
        _ => samples
            .chunks_exact(channels)
            .map(|p| luma(p[0], p[1], p[2]))
            .collect(),
    }
}

/// Rows of 1-bit samples (each row padded to a byte, 1 white) to grey.
pub(crate) fn expand_bits(packed: &[u8], width: usize, height: usize) -> Vec<u8> {
    let row_bytes = width.div_ceil(8);
    let mut out = Vec::with_capacity(width * height);
    for row in packed.chunks(row_bytes).take(height) {
        for x in 0..width {
            let bit = row.get(x / 8).map_or(1, |b| (b >> (7 - x % 8)) & 1);
            out.push(if bit == 1 { 255 } else { 0 });
        }
    }
    out
}

/// A PNG or JPEG (one page) to grey; `page` names it in errors (a JPEG
/// inside a PDF is page n of that PDF).
pub(crate) fn raster(page: usize, format: Format, bytes: &[u8]) -> Result<GreyImage, OmrError> {
    use image::{DynamicImage, ImageDecoder};
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(crate::MAX_SIDE as u32);
    limits.max_image_height = Some(crate::MAX_SIDE as u32);
    // The decoded image (up to 16-bit RGBA before it becomes grey).
    limits.max_alloc = Some(MAX_PIXELS as u64 * 4);
    let image = match format {
        Format::Png => {
            let mut d = image::codecs::png::PngDecoder::new(Cursor::new(bytes))
                .map_err(|e| corrupt(page, format, e))?;
            let (w, h) = d.dimensions();
            check_size(page, u64::from(w), u64::from(h))?;
            d.set_limits(limits).map_err(|e| corrupt(page, format, e))?;
            DynamicImage::from_decoder(d).map_err(|e| corrupt(page, format, e))?
        }
        Format::Jpeg => {
            let mut d = image::codecs::jpeg::JpegDecoder::new(Cursor::new(bytes))
                .map_err(|e| corrupt(page, format, e))?;
            let (w, h) = d.dimensions();
            check_size(page, u64::from(w), u64::from(h))?;
            d.set_limits(limits).map_err(|e| corrupt(page, format, e))?;
            DynamicImage::from_decoder(d).map_err(|e| corrupt(page, format, e))?
        }
        Format::Tiff | Format::Pdf => {
            return Err(OmrError::Unsupported {
                page,
                what: format!("a {} inside an image", format.name()),
            })
        }
    };
    let (w, h) = (image.width() as usize, image.height() as usize);
    let pixels = match image {
        DynamicImage::ImageLuma8(g) => g.into_raw(),
        DynamicImage::ImageLumaA8(g) => to_grey(g.as_raw(), 2),
        DynamicImage::ImageRgb8(rgb) => to_grey(rgb.as_raw(), 3),
        DynamicImage::ImageRgba8(rgba) => to_grey(rgba.as_raw(), 4),
        DynamicImage::ImageLuma16(g) => g.as_raw().iter().map(|v| (v >> 8) as u8).collect(),
        other => to_grey(other.into_rgb8().as_raw(), 3),
    };
    GreyImage::new(w, h, pixels).map_err(|e| renumber(e, page))
}

/// An error from [`GreyImage::new`] (which says page 1) for page `page`.
pub(crate) fn renumber(e: OmrError, page: usize) -> OmrError {
    match e {
        OmrError::TooLarge {
            width,
            height,
            max_side,
            max_pixels,
            ..
        } => OmrError::TooLarge {
            page,
            width,
            height,
            max_side,
            max_pixels,
        },
        OmrError::NoPixels { width, height, .. } => OmrError::NoPixels {
            page,
            width,
            height,
        },
        OmrError::Corrupt { format, reason, .. } => OmrError::Corrupt {
            page,
            format,
            reason,
        },
        other => other,
    }
}

fn tiff_limits() -> tiff::decoder::Limits {
    let mut limits = tiff::decoder::Limits::default();
    // A whole page of 16-bit RGB at the pixel limit would be 600 MB; pages
    // are grey or 8-bit colour in practice, so 3 bytes a pixel.
    limits.decoding_buffer_size = MAX_PIXELS * 3;
    limits
}

/// The current page of a TIFF to grey.
fn tiff_page(
    decoder: &mut tiff::decoder::Decoder<Cursor<&[u8]>>,
    page: usize,
) -> Result<GreyImage, OmrError> {
    use tiff::decoder::DecodingResult as D;
    use tiff::ColorType as C;
    let err = |e: tiff::TiffError| corrupt(page, Format::Tiff, e);
    let (w, h) = decoder.dimensions().map_err(err)?;
    check_size(page, u64::from(w), u64::from(h))?;
    let (w, h) = (w as usize, h as usize);
    let colour = decoder.colortype().map_err(err)?;
    let unsupported = || OmrError::Unsupported {
        page,
        what: format!(
            "a TIFF image of colour type {colour:?} (grey, black-and-white and RGB can be read)"
        ),
    };
    // Refuse what cannot be converted before decoding it.
    match colour {
        C::Gray(1 | 8 | 16) | C::GrayA(8) | C::RGB(8 | 16) | C::RGBA(8) => {}
        _ => return Err(unsupported()),
    }
    let data = decoder.read_image().map_err(err)?;
    let pixels = match (colour, data) {
        (C::Gray(8), D::U8(v)) => v,
        (C::Gray(1), D::U8(v)) => expand_bits(&v, w, h),
        (C::Gray(16), D::U16(v)) => v.iter().map(|s| (s >> 8) as u8).collect(),
        (C::GrayA(8), D::U8(v)) => to_grey(&v, 2),
        (C::RGB(8), D::U8(v)) => to_grey(&v, 3),
        (C::RGBA(8), D::U8(v)) => to_grey(&v, 4),
        (C::RGB(16), D::U16(v)) => v
            .chunks_exact(3)
            .map(|p| luma((p[0] >> 8) as u8, (p[1] >> 8) as u8, (p[2] >> 8) as u8))
            .collect(),
        _ => return Err(unsupported()),
    };
    GreyImage::new(w, h, pixels).map_err(|e| renumber(e, page))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_told_by_their_first_bytes() {
        assert_eq!(Format::sniff(b"\x89PNG\r\n\x1a\nxx"), Ok(Format::Png));
        assert_eq!(Format::sniff(&[0xFF, 0xD8, 0xFF, 0xE0]), Ok(Format::Jpeg));
        assert_eq!(Format::sniff(b"II*\0...."), Ok(Format::Tiff));
        assert_eq!(Format::sniff(b"MM\0*...."), Ok(Format::Tiff));
        assert_eq!(Format::sniff(b"%PDF-1.4\n"), Ok(Format::Pdf));
        assert_eq!(Format::sniff(b""), Err(OmrError::Empty));
        let e = Format::sniff(b"GIF89a..").unwrap_err();
        assert!(e.to_string().contains("47 49 46 38"), "{e}");
    }

    #[test]
    fn bits_expand_to_black_and_white() {
        // 10 pixels a row: two bytes, the second padded.
        let packed = [0b1010_0000, 0b1100_0000, 0b0000_0000, 0b0100_0000];
        let grey = expand_bits(&packed, 10, 2);
        assert_eq!(
            grey,
            [
                255, 0, 255, 0, 0, 0, 0, 0, 255, 255, //
                0, 0, 0, 0, 0, 0, 0, 0, 0, 255
            ]
        );
    }

    #[test]
    fn red_and_blue_pens_are_dark() {
        assert!(luma(200, 30, 30) < 90);
        assert!(luma(40, 60, 170) < 90);
        assert_eq!(luma(255, 255, 255), 255);
        assert_eq!(luma(0, 0, 0), 0);
    }
}
