//! PDF as sheet-fed scanners write it: each page one embedded image.
//!
//! Read: JPEG images (`DCTDecode`), and raw samples compressed with
//! `FlateDecode` or `LZWDecode` (or not at all), 8-bit `DeviceGray`,
//! `DeviceRGB`, `CalGray`/`CalRGB` or `ICCBased` with 1 or 3 components,
//! and 1-bit grey. Everything else (CCITT fax, JBIG2, JPEG 2000, CMYK,
//! indexed colour) is refused naming the page and what it is, never
//! guessed at. The image found is the one image XObject of the page's
//! resources (or of a form XObject drawn on the page); the page's content
//! stream is not interpreted, so an image is read as stored, whatever the
//! page's rotation.

use crate::decode::{expand_bits, raster, renumber, to_grey, Format};
use crate::grey::check_size;
use crate::{GreyImage, OmrError, MAX_PIXELS};
use lopdf::{Dictionary, Document, Object, ObjectId, Stream};

/// An opened PDF and its pages in order.
pub(crate) struct PdfPages {
    doc: Document,
    pages: Vec<ObjectId>,
}

impl PdfPages {
    pub(crate) fn open(bytes: &[u8]) -> Result<Self, OmrError> {
        let options = lopdf::LoadOptions {
            // Object and cross-reference streams, inflated while loading.
            max_decompressed_size: Some(64 << 20),
            ..Default::default()
        };
        let doc = Document::load_mem_with_options(bytes, options).map_err(|e| OmrError::Pdf {
            reason: e.to_string(),
        })?;
        if doc.is_encrypted() {
            return Err(OmrError::Pdf {
                reason: "it is encrypted (password-protected)".to_owned(),
            });
        }
        let pages = doc.get_pages().into_values().collect();
        Ok(PdfPages { doc, pages })
    }

    pub(crate) fn len(&self) -> usize {
        self.pages.len()
    }

    /// Page `index` (0-based) as grey.
    pub(crate) fn page(&self, index: usize) -> Result<GreyImage, OmrError> {
        let page = index + 1;
        let Some(&id) = self.pages.get(index) else {
            return Err(OmrError::NoPages);
        };
        let mut images = Vec::new();
        let (own, inherited) = self.doc.get_page_resources(id).map_err(|e| pdf(page, e))?;
        // The nearest resources that name any XObject are the page's.
        let mut resources: Vec<&Dictionary> = own.into_iter().collect();
        resources.extend(
            inherited
                .into_iter()
                .filter_map(|r| self.doc.get_dictionary(r).ok()),
        );
        for r in resources {
            self.collect_images(r, 0, &mut images);
            if !images.is_empty() {
                break;
            }
        }
        match images.len() {
            0 => Err(OmrError::PdfNoImage { page }),
            1 => image(page, images[0]),
            count => Err(OmrError::PdfManyImages { page, count }),
        }
    }

    /// The image XObjects of `resources`, and of the form XObjects in it
    /// (two levels deep at most).
    fn collect_images<'a>(
        &'a self,
        resources: &'a Dictionary,
        depth: u32,
        out: &mut Vec<&'a Stream>,
    ) {
        let Ok(xobjects) = resources
            .get(b"XObject")
            .and_then(|o| self.doc.dereference(o))
            .and_then(|(_, o)| o.as_dict())
        else {
            return;
        };
        for (_, value) in xobjects.iter() {
            let Ok((_, Object::Stream(stream))) = self.doc.dereference(value) else {
                continue;
            };
            match stream.dict.get(b"Subtype").and_then(Object::as_name) {
                Ok(b"Image") => out.push(stream),
                Ok(b"Form") if depth < 2 => {
                    if let Ok((_, Object::Dictionary(inner))) = stream
                        .dict
                        .get(b"Resources")
                        .and_then(|o| self.doc.dereference(o))
                    {
                        self.collect_images(inner, depth + 1, out);
                    }
                }
                _ => {}
            }
        }
    }
}

fn pdf(page: usize, e: impl std::fmt::Display) -> OmrError {
    OmrError::PdfImage {
        page,
        problem: e.to_string(),
    }
}

fn int(dict: &Dictionary, key: &[u8]) -> Option<i64> {
    dict.get(key).and_then(Object::as_i64).ok()
}

/// The colour space's components (1 grey, 3 RGB), or what it is.
fn components(dict: &Dictionary) -> Result<usize, String> {
    let Ok(space) = dict.get(b"ColorSpace") else {
        return Err("no colour space".to_owned());
    };
    let name_of = |o: &Object| o.as_name().map(|n| String::from_utf8_lossy(n).into_owned());
    match space {
        Object::Name(n) => match n.as_slice() {
            b"DeviceGray" | b"CalGray" | b"G" => Ok(1),
            b"DeviceRGB" | b"CalRGB" | b"RGB" => Ok(3),
            other => Err(format!("colour space {}", String::from_utf8_lossy(other))),
        },
        Object::Array(a) => {
            let family = a.first().map(name_of).transpose().ok().flatten();
            match family.as_deref() {
                Some("CalGray") => Ok(1),
                Some("CalRGB") => Ok(3),
                Some("ICCBased") => {
                    // [/ICCBased stream]: the stream says N. It is a
                    // reference in practice; its components are all that
                    // matter for grey.
                    let n = match a.get(1) {
                        Some(Object::Stream(s)) => int(&s.dict, b"N"),
                        _ => None,
                    };
                    match n {
                        Some(1) => Ok(1),
                        Some(3) => Ok(3),
                        _ => {
                            Err("an ICC colour space with other than 1 or 3 components".to_owned())
                        }
                    }
                }
                Some(other) => Err(format!("colour space {other}")),
                None => Err("an unnamed colour space".to_owned()),
            }
        }
        _ => Err("a colour space that is not a name or array".to_owned()),
    }
}

/// One image XObject to grey.
fn image(page: usize, stream: &Stream) -> Result<GreyImage, OmrError> {
    let dict = &stream.dict;
    if dict
        .get(b"ImageMask")
        .and_then(Object::as_bool)
        .unwrap_or(false)
    {
        return Err(pdf(page, "its image is a stencil mask, not a scan"));
    }
    let (Some(w), Some(h)) = (int(dict, b"Width"), int(dict, b"Height")) else {
        return Err(pdf(page, "its image has no width or height"));
    };
    if w < 0 || h < 0 {
        return Err(pdf(page, format!("its image is {w} × {h} pixels")));
    }
    check_size(page, w as u64, h as u64)?;
    let (w, h) = (w as usize, h as usize);
    let filters: Vec<String> = match stream.filters() {
        Ok(f) => f
            .iter()
            .map(|n| String::from_utf8_lossy(n).into_owned())
            .collect(),
        Err(_) if dict.get(b"Filter").is_err() => Vec::new(),
        Err(e) => return Err(pdf(page, format!("its image's /Filter is malformed ({e})"))),
    };
    match filters
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["DCTDecode"] | ["DCT"] => {
            let grey = raster(page, Format::Jpeg, &stream.content)?;
            if (grey.width(), grey.height()) != (w, h) {
                return Err(pdf(
                    page,
                    format!(
                        "its JPEG is {} × {} pixels but the PDF says {w} × {h}",
                        grey.width(),
                        grey.height()
                    ),
                ));
            }
            return Ok(grey);
        }
        list => {
            if let Some(bad) = list
                .iter()
                .find(|f| !matches!(**f, "FlateDecode" | "Fl" | "LZWDecode" | "LZW"))
            {
                return Err(OmrError::PdfFilter {
                    page,
                    filter: (*bad).to_owned(),
                });
            }
        }
    }
    let channels = components(dict).map_err(|what| OmrError::Unsupported {
        page,
        what: format!("the PDF image's {what} (grey and RGB can be read)"),
    })?;
    let bits = int(dict, b"BitsPerComponent").unwrap_or(8);
    let row_bytes = match (bits, channels) {
        (8, c) => w * c,
        (1, 1) => w.div_ceil(8),
        _ => {
            return Err(OmrError::Unsupported {
                page,
                what: format!(
                    "a PDF image of {bits} bits per component and {channels} components (8-bit grey or RGB, or 1-bit grey, can be read)"
                ),
            })
        }
    };
    let expected = row_bytes * h;
    // The page is within MAX_PIXELS; its samples are at most 3 a pixel.
    let data = stream
        .get_plain_content_with_limit(expected.clamp(1, MAX_PIXELS * 3) + 1)
        .map_err(|e| pdf(page, format!("its image data cannot be inflated ({e})")))?;
    if data.len() < expected {
        return Err(pdf(
            page,
            format!(
                "its image data is {} bytes, short of the {expected} that {w} × {h} pixels need",
                data.len()
            ),
        ));
    }
    let data = &data[..expected];
    let mut pixels = match bits {
        1 => expand_bits(data, w, h),
        _ => to_grey(data, channels),
    };
    // /Decode [1 0] inverts a grey image (0 white).
    if channels == 1 {
        if let Ok(decode) = dict.get(b"Decode").and_then(Object::as_array) {
            let first = decode.first().and_then(|o| o.as_float().ok());
            let second = decode.get(1).and_then(|o| o.as_float().ok());
            if let (Some(a), Some(b)) = (first, second) {
                if a > b {
                    pixels.iter_mut().for_each(|p| *p = 255 - *p);
                }
            }
        }
    }
    GreyImage::new(w, h, pixels).map_err(|e| renumber(e, page))
}
