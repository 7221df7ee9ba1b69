#![allow(clippy::unwrap_used, clippy::expect_used, clippy::float_arithmetic)]
//! Uploads and pages that are not the corpus's: every way a scan reaches
//! the reader (multi-page PDF with JPEG, Flate and RGB pages; multi-page
//! TIFF; colour JPEG), what is refused and how it is said (a fax-coded
//! PDF page, an image over the size limit, garbage, a truncated file),
//! and pages that are hard to place (a covered fiducial, a page upside
//! down with a damaged QR code, a blank page, a faded page, the wrong
//! layout).

mod common;

use common::*;
use huanjie_omr::{
    decode, pages, read_any_qr, read_ballot, Corner, GreyImage, MarkState, OmrError, OmrParams,
    Reason,
};
use huanjie_print::{ballot_geometry, ballots_pdf, BallotGeometry};
use std::sync::OnceLock;

/// Three residents' ballots at 150 dpi, as rendered, with their geometry
/// and serials' payloads.
fn ballots() -> &'static (BallotGeometry, Vec<GreyImage>, Vec<String>) {
    static B: OnceLock<(BallotGeometry, Vec<GreyImage>, Vec<String>)> = OnceLock::new();
    B.get_or_init(|| {
        let layout = residents_layout();
        let g = ballot_geometry(fonts(), &layout).unwrap();
        let s = serials(3, 40);
        let pdf = ballots_pdf(fonts(), &layout, &s).unwrap();
        let pages = render(&pdf, 150);
        (g, pages, s.iter().map(|s| s.qr_payload()).collect())
    })
}

/// Ballot `i` with a ○ in the 赞成 box of every candidate row.
fn marked(i: usize) -> GreyImage {
    let (g, pages, _) = ballots();
    let mut img = pages[i].clone();
    let mut rng = Rng::new(i as u64);
    for t in &g.targets {
        if t.choice == huanjie_print::Choice::For {
            draw_mark(&mut img, t.rect, 150.0, Kind::Circle, &mut rng);
        }
    }
    img
}

fn assert_read_as_marked(page: &GreyImage, payload: &str) -> huanjie_omr::BallotReading {
    let (g, _, _) = ballots();
    let r = read_ballot(page, g, &OmrParams::default()).unwrap();
    assert_eq!(r.serial.as_deref(), Some(payload));
    for t in &r.targets {
        let want = if t.choice == huanjie_print::Choice::For {
            MarkState::Filled
        } else {
            MarkState::Empty
        };
        assert_eq!(t.state, want, "{t:?}");
    }
    r
}

#[test]
fn a_scanners_pdf_of_jpeg_flate_and_colour_pages_reads_page_by_page() {
    let (_, _, payloads) = ballots();
    let (a, b, c) = (marked(0), marked(1), marked(2));
    let pdf = scanner_pdf(
        &[
            PdfPage::Jpeg {
                width: a.width(),
                height: a.height(),
                bytes: jpeg(&a, 85),
                rgb: false,
            },
            PdfPage::Flate(b.clone()),
            PdfPage::Jpeg {
                width: c.width(),
                height: c.height(),
                bytes: jpeg_rgb(&c, 85),
                rgb: true,
            },
        ],
        150.0,
    );
    let iter = pages(&pdf).unwrap();
    assert_eq!(iter.page_count(), Some(3));
    let decoded = decode(&pdf).unwrap();
    assert_eq!(decoded.len(), 3);
    // Flate is lossless.
    assert_eq!(decoded[1], b);
    for (page, payload) in decoded.iter().zip(payloads) {
        assert_eq!((page.width(), page.height()), (a.width(), a.height()));
        let r = assert_read_as_marked(page, payload);
        assert!(r.needs_person.is_empty(), "{:?}", r.needs_person);
    }
}

#[test]
fn a_pdf_page_coded_as_a_fax_is_refused_naming_the_page_and_the_filter() {
    let a = marked(0);
    for filter in ["CCITTFaxDecode", "JBIG2Decode", "JPXDecode"] {
        let pdf = scanner_pdf(
            &[
                PdfPage::Flate(a.clone()),
                PdfPage::Filter {
                    width: 1654,
                    height: 2339,
                    filter,
                },
            ],
            150.0,
        );
        let mut it = pages(&pdf).unwrap();
        assert!(it.next().unwrap().is_ok());
        let err = it.next().unwrap().unwrap_err();
        assert_eq!(
            err,
            OmrError::PdfFilter {
                page: 2,
                filter: filter.to_owned()
            }
        );
        let text = err.to_string();
        assert!(text.contains("page 2") && text.contains(filter), "{text}");
        assert!(it.next().is_none(), "an error ends the pages");
        assert!(decode(&pdf).is_err());
    }
}

#[test]
fn a_multi_page_tiff_gives_every_page() {
    let (_, _, payloads) = ballots();
    let (a, b) = (marked(0), marked(1));
    let bytes = tiff(&[&a, &b]);
    let it = pages(&bytes).unwrap();
    assert_eq!(it.page_count(), None);
    let decoded = decode(&bytes).unwrap();
    assert_eq!(decoded, vec![a, b]);
    assert_read_as_marked(&decoded[1], &payloads[1]);
}

#[test]
fn a_colour_jpeg_reads_and_red_ink_is_dark() {
    let (g, pages_, payloads) = ballots();
    let img = pages_[0].clone();
    // The page as a colour scan with red ○s: drawn in colour, encoded as
    // an RGB JPEG.
    let mut rgb: Vec<u8> = img.pixels().iter().flat_map(|&v| [v, v, v]).collect();
    let mut mask = GreyImage::filled(img.width(), img.height(), 255).unwrap();
    let mut rng = Rng::new(5);
    for t in &g.targets {
        if t.choice == huanjie_print::Choice::For {
            draw_mark(&mut mask, t.rect, 150.0, Kind::Circle, &mut rng);
        }
    }
    for (i, &m) in mask.pixels().iter().enumerate() {
        if m < 255 {
            // Red ink (200, 30, 30) laid over the paper.
            let k = f64::from(255 - m) / 255.0;
            let px = &mut rgb[3 * i..3 * i + 3];
            for (c, ink) in px.iter_mut().zip([200.0, 30.0, 30.0]) {
                *c = (f64::from(*c) * (1.0 - k) + ink * k).round() as u8;
            }
        }
    }
    let mut bytes = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 85)
        .encode(
            &rgb,
            img.width() as u32,
            img.height() as u32,
            image::ExtendedColorType::Rgb8,
        )
        .unwrap();
    let page = decode(&bytes).unwrap().remove(0);
    assert_read_as_marked(&page, &payloads[0]);
}

/// A PNG whose header says `w × h` (and a few bytes of pixel data).
fn png_header(w: u32, h: u32) -> Vec<u8> {
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for &b in bytes {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }
    let mut ihdr = b"IHDR".to_vec();
    ihdr.extend(w.to_be_bytes());
    ihdr.extend(h.to_be_bytes());
    ihdr.extend([8, 0, 0, 0, 0]); // 8-bit grey
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    out.extend(13u32.to_be_bytes());
    out.extend(&ihdr);
    out.extend(crc32(&ihdr).to_be_bytes());
    // The start of the pixel data (never inflated: the header refuses).
    let idat = b"IDAT\x78\x9c\x00\x00";
    out.extend(4u32.to_be_bytes());
    out.extend(idat);
    out.extend(crc32(idat).to_be_bytes());
    out.extend(0u32.to_be_bytes());
    out.extend(b"IEND");
    out.extend(crc32(b"IEND").to_be_bytes());
    out
}

#[test]
fn images_over_the_limit_are_refused_from_their_header() {
    for (w, h) in [(20_000, 100), (11_000, 11_000)] {
        let err = decode(&png_header(w, h)).unwrap_err();
        assert!(
            matches!(err, OmrError::TooLarge { page: 1, width, height, .. } if width == u64::from(w) && height == u64::from(h)),
            "{err:?}"
        );
        assert!(err.to_string().contains(&format!("{w} × {h}")), "{err}");
    }
    // The same in a PDF: refused before its data is looked at.
    let pdf = scanner_pdf(
        &[PdfPage::Filter {
            width: 50_000,
            height: 50_000,
            filter: "FlateDecode",
        }],
        150.0,
    );
    let err = decode(&pdf).unwrap_err();
    assert!(matches!(err, OmrError::TooLarge { page: 1, .. }), "{err:?}");
    assert!(GreyImage::new(12_001, 1, vec![0; 12_001]).is_err());
}

#[test]
fn garbage_and_truncated_files_are_refused_in_plain_words() {
    let err = decode(b"Hello, this is not a scan").unwrap_err();
    assert!(matches!(err, OmrError::UnknownFormat { .. }));
    assert!(
        err.to_string().contains("not a PNG, JPEG, TIFF or PDF"),
        "{err}"
    );
    assert_eq!(decode(b"").unwrap_err(), OmrError::Empty);
    let whole = png(&marked(0));
    let err = decode(&whole[..whole.len() / 2]).unwrap_err();
    assert!(
        matches!(
            err,
            OmrError::Corrupt {
                page: 1,
                format: "PNG",
                ..
            }
        ),
        "{err:?}"
    );
    let whole = jpeg(&marked(0), 80);
    assert!(decode(&whole[..40]).is_err());
    let err = decode(b"%PDF-1.4\n garbage").unwrap_err();
    assert!(matches!(err, OmrError::Pdf { .. }), "{err:?}");
}

/// Paints a box of the page (page units at 150 dpi) with `grey`.
fn paint(img: &mut GreyImage, b: huanjie_print::BoxMm10, grow: i32, grey: u8) {
    let px = |v: i32| usize::try_from(v * 150 / 254).unwrap();
    let w = img.width();
    for y in px(b.y - grow)..px(b.y + b.height + grow) {
        for x in px(b.x - grow)..px(b.x + b.width + grow) {
            img.pixels_mut()[y * w + x] = grey;
        }
    }
}

#[test]
fn a_covered_fiducial_still_reads_from_the_other_three_but_asks_a_person() {
    let (g, _, payloads) = ballots();
    for corner in Corner::ALL {
        let mut img = marked(1);
        let i = Corner::ALL.iter().position(|c| *c == corner).unwrap();
        paint(&mut img, g.fiducials[i], 10, 255);
        let r = assert_read_as_marked(&img, &payloads[1]);
        assert_eq!(r.needs_person, vec![Reason::FiducialMissing { corner }]);
    }
    // Two covered: refused, naming them.
    let mut img = marked(1);
    paint(&mut img, g.fiducials[0], 10, 255);
    paint(&mut img, g.fiducials[3], 10, 255);
    let err = read_ballot(&img, g, &OmrParams::default()).unwrap_err();
    assert_eq!(
        err,
        OmrError::FiducialsMissing {
            missing: vec![Corner::TopLeft, Corner::BottomRight]
        }
    );
    assert!(err.to_string().contains("top left, bottom right"), "{err}");
}

#[test]
fn an_upside_down_page_with_a_damaged_qr_code_is_turned_by_its_finder_patterns() {
    let (g, _, payloads) = ballots();
    let mut img = marked(2);
    // A white band across the middle of the QR code, sparing its three
    // finder patterns.
    let q = g.qr;
    let band = huanjie_print::BoxMm10 {
        x: q.x + 8 * 8,
        y: q.y + 7 * 8,
        width: 14 * 8,
        height: 22 * 8,
    };
    paint(&mut img, band, 0, 255);
    let mut rng = Rng::new(3);
    let mut s = Scan::random(&mut rng, 150.0);
    s.upside_down = true;
    let scanned = scan(&img, &s, &mut rng);
    let r = read_ballot(&scanned, g, &OmrParams::default()).unwrap();
    assert!(r.upside_down);
    assert_eq!(r.serial, None);
    assert_eq!(r.needs_person, vec![Reason::QrUnreadable]);
    let filled = r
        .targets
        .iter()
        .filter(|t| t.state == MarkState::Filled)
        .count();
    assert_eq!(filled, 15);
    // Undamaged, upside down: the QR code itself says so.
    let scanned = marked(2).rotated_180();
    let r = assert_read_as_marked(&scanned, &payloads[2]);
    assert!(r.upside_down && r.needs_person.is_empty());
}

#[test]
fn pages_that_cannot_be_placed_are_refused_saying_why() {
    let (g, pages_, payloads) = ballots();
    let p = OmrParams::default();
    let blank = GreyImage::filled(1240, 1754, 250).unwrap();
    assert_eq!(
        read_ballot(&blank, g, &p).unwrap_err(),
        OmrError::FiducialsMissing {
            missing: Corner::ALL.to_vec()
        }
    );
    // Faded to almost nothing: paper 240, black 200.
    let mut faded = pages_[0].clone();
    faded
        .pixels_mut()
        .iter_mut()
        .for_each(|v| *v = 200 + (u16::from(*v) * 40 / 255) as u8);
    assert!(matches!(
        read_ballot(&faded, g, &p).unwrap_err(),
        OmrError::LowContrast { .. } | OmrError::FiducialsMissing { .. }
    ));
    // Too small to read.
    let tiny = GreyImage::filled(300, 424, 250).unwrap();
    assert!(matches!(
        read_ballot(&tiny, g, &p).unwrap_err(),
        OmrError::TooSmall { .. }
    ));
    // An A3 layout's geometry on an A4 page.
    let a3 = ballot_geometry(fonts(), &supervisory_a3_layout()).unwrap();
    assert!(read_ballot(&pages_[0], &a3, &p).is_err());
    // Turned by 8°: beyond what is read.
    let mut rng = Rng::new(1);
    let mut s = Scan::clean(&mut rng);
    s.degrees = 8.0;
    s.canvas = 1.15;
    let turned = scan(&pages_[0], &s, &mut rng);
    assert!(read_ballot(&turned, g, &p).is_err());
    // The serial can still be read off a page that cannot be placed.
    assert_eq!(read_any_qr(&turned).as_deref(), Some(payloads[0].as_str()));
}

/// A scan area 12% larger than the page (6% all round), the paper turned
/// and shifted on a black or dark grey backing plate.
#[test]
fn a_scan_larger_than_the_page_on_a_black_backing_plate_reads() {
    let (_, _, payloads) = ballots();
    for (seed, background) in [(11, 20.0), (12, 90.0), (13, 20.0)] {
        let mut rng = Rng::new(seed);
        let mut s = Scan::random(&mut rng, 150.0);
        s.background = background;
        s.canvas = 1.12;
        s.upside_down = false;
        let scanned = scan(&marked(0), &s, &mut rng);
        let r = assert_read_as_marked(&scanned, &payloads[0]);
        assert!(r.needs_person.is_empty(), "{s:?}: {:?}", r.needs_person);
    }
}

/// Damaged uploads (bytes overwritten at random places) give a page or
/// an error, never a panic; the pages that do decode are read or refused.
#[test]
fn damaged_uploads_never_panic() {
    let (g, _, _) = ballots();
    let page = marked(0);
    let originals = [
        jpeg(&page, 80),
        tiff(&[&page]),
        scanner_pdf(&[PdfPage::Flate(page.clone())], 150.0),
    ];
    let mut rng = Rng::new(77);
    let mut outcomes = (0, 0);
    for original in &originals {
        for _ in 0..25 {
            let mut bytes = original.clone();
            for _ in 0..1 + rng.below(8) {
                // Past the signature, so that the format is still told.
                let at = 8 + rng.below(bytes.len() - 8);
                bytes[at] = rng.next_u64() as u8;
            }
            match decode(&bytes) {
                Ok(pages) => {
                    outcomes.0 += 1;
                    for p in pages {
                        let _ = read_ballot(&p, g, &OmrParams::default());
                    }
                }
                Err(e) => {
                    outcomes.1 += 1;
                    assert!(!e.to_string().is_empty());
                }
            }
        }
    }
    assert_eq!(outcomes.0 + outcomes.1, 75);
}
