//! Reading the QR code: the region where the layout puts it (with its
//! quiet zone and a margin for the fit's error) is cut out and given to
//! `rqrr`. If the first try fails (scanner noise breaks rqrr's own
//! threshold), the region is cleaned with a 3 × 3 median and thresholded
//! halfway between the page's paper and black, and tried again. A panic
//! inside rqrr counts as an unreadable code (see [`guarded`]).

use crate::levels::Levels;
use crate::transform::Transform;
use crate::GreyImage;
use huanjie_print::BoxMm10;

/// Margin around the quiet zone, tenths of a millimetre.
const MARGIN: i32 = 40;

/// The text of the QR code in `qr` (the code's modules, without the quiet
/// zone, in page units), or `None` if none can be read there.
#[allow(clippy::float_arithmetic)] // the region's corners in pixels
pub(crate) fn read(
    page: &GreyImage,
    t: &Transform,
    qr: BoxMm10,
    quiet: i32,
    levels: &Levels,
) -> Option<String> {
    let pad = quiet + MARGIN;
    let (u0, v0) = (f64::from(qr.x - pad), f64::from(qr.y - pad));
    let (u1, v1) = (
        f64::from(qr.x + qr.width + pad),
        f64::from(qr.y + qr.height + pad),
    );
    let corners = [t.map(u0, v0), t.map(u1, v0), t.map(u0, v1), t.map(u1, v1)];
    let clamp = |v: f64, max: usize| v.max(0.0).min(max as f64) as usize;
    let x0 = clamp(
        corners.iter().map(|p| p.0).fold(f64::MAX, f64::min),
        page.width(),
    );
    let x1 = clamp(
        corners.iter().map(|p| p.0).fold(f64::MIN, f64::max).ceil(),
        page.width(),
    );
    let y0 = clamp(
        corners.iter().map(|p| p.1).fold(f64::MAX, f64::min),
        page.height(),
    );
    let y1 = clamp(
        corners.iter().map(|p| p.1).fold(f64::MIN, f64::max).ceil(),
        page.height(),
    );
    if x1 < x0 + 16 || y1 < y0 + 16 {
        return None;
    }
    let crop = page.crop(x0, y0, x1, y1);
    decode_grey(&crop).or_else(|| {
        let cleaned = median3(&crop);
        let mid = levels.at(500);
        guarded(|| {
            let (w, h) = (cleaned.width(), cleaned.height());
            let mut prepared =
                rqrr::PreparedImage::prepare_from_bitmap(w, h, |x, y| cleaned.at(x, y) < mid);
            let grids = prepared.detect_grids();
            grids
                .into_iter()
                .find_map(|g| g.decode().ok().map(|(_, text)| text))
        })
    })
}

/// rqrr on a grey image, with its own adaptive threshold.
pub(crate) fn decode_grey(img: &GreyImage) -> Option<String> {
    guarded(|| {
        let (w, h) = (img.width(), img.height());
        let mut prepared = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| img.at(x, y));
        let grids = prepared.detect_grids();
        grids
            .into_iter()
            .find_map(|g| g.decode().ok().map(|(_, text)| text))
    })
}

/// Runs an rqrr search, a panic in it being an unreadable code: rqrr
/// 0.10.1 can still fail an assertion in its perspective map on a
/// degenerate group of finder patterns (its open issue #54), and an
/// upload must never bring the reader down. Nothing is shared with the
/// search but the image it reads, so nothing is left half-changed.
fn guarded(search: impl FnOnce() -> Option<String>) -> Option<String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(search))
        .ok()
        .flatten()
}

/// A 3 × 3 median (edges copied).
fn median3(img: &GreyImage) -> GreyImage {
    let (w, h) = (img.width(), img.height());
    let mut out = img.clone();
    if w < 3 || h < 3 {
        return out;
    }
    let src = img.pixels();
    let dst = out.pixels_mut();
    for y in 1..h - 1 {
        for x in 1..w - 1 {
            let mut v = [0u8; 9];
            for (k, (dx, dy)) in [
                (0, 0),
                (1, 0),
                (2, 0),
                (0, 1),
                (1, 1),
                (2, 1),
                (0, 2),
                (1, 2),
                (2, 2),
            ]
            .into_iter()
            .enumerate()
            {
                v[k] = src[(y + dy - 1) * w + x + dx - 1];
            }
            v.sort_unstable();
            dst[y * w + x] = v[4];
        }
    }
    out
}
