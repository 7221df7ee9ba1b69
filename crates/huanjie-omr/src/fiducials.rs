//! Finding the four fiducials: solid black squares of 5 mm, 8 mm from the
//! page's edges.
//!
//! Each is looked for in a window of the image around where it would be
//! on an upright page of the image's width, large enough to allow ±5° of
//! rotation, 90–110% scale and several millimetres of offset. The window
//! is averaged into cells of about 0.3 mm (which also smooths scanner
//! noise), thresholded halfway between the window's paper and its darkest
//! cells, and its dark regions are labelled. A region is a candidate if
//! it has a fiducial's size (for the scales allowed), is square, solid
//! (its middle all dark, most of its bounding box dark) and stands alone
//! on white paper (a ring around it nearly all light): text, table rules,
//! QR modules and the edge of a scan fail one of these. A candidate's
//! centre is then refined on the pixels.
//!
//! Up to three candidates per corner, nearest to the expected place
//! first, go to [`crate::locate`], which picks the four (or three) that
//! fit the layout.

use crate::transform::Pt;
use crate::GreyImage;
use huanjie_print::{BallotGeometry, BoxMm10};

/// A corner of the page, as the fiducials are listed in
/// [`BallotGeometry::fiducials`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Corner {
    TopLeft,
    TopRight,
    BottomLeft,
    BottomRight,
}

impl Corner {
    /// In the order of [`BallotGeometry::fiducials`].
    pub const ALL: [Corner; 4] = [
        Corner::TopLeft,
        Corner::TopRight,
        Corner::BottomLeft,
        Corner::BottomRight,
    ];

    pub(crate) const fn index(self) -> usize {
        match self {
            Corner::TopLeft => 0,
            Corner::TopRight => 1,
            Corner::BottomLeft => 2,
            Corner::BottomRight => 3,
        }
    }

    /// The corner diagonally opposite (where this one is on a page turned
    /// by 180°).
    pub(crate) const fn opposite(self) -> Corner {
        match self {
            Corner::TopLeft => Corner::BottomRight,
            Corner::TopRight => Corner::BottomLeft,
            Corner::BottomLeft => Corner::TopRight,
            Corner::BottomRight => Corner::TopLeft,
        }
    }
}

impl std::fmt::Display for Corner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Corner::TopLeft => "top left",
            Corner::TopRight => "top right",
            Corner::BottomLeft => "bottom left",
            Corner::BottomRight => "bottom right",
        })
    }
}

/// A dark square found in the image.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Blob {
    /// Its centre, in pixels (pixel (x, y) covers [x, x + 1)).
    pub(crate) center: Pt,
    /// The side of a square of its area, in pixels.
    pub(crate) side: f64,
    /// Its bounding box in pixels: x0, y0, x1, y1 (exclusive).
    pub(crate) bbox: [usize; 4],
    /// The grey level that separated it from the paper.
    pub(crate) threshold: u8,
}

/// How far from its expected place a fiducial is looked for, in tenths of
/// a millimetre: ±5° turns a corner of an A3 page by 22 mm about the
/// page's centre, 10% of scale moves it by up to 21 mm, and the paper may
/// lie a few millimetres off.
pub(crate) const SEARCH: i32 = 420;

/// The side of a fiducial, tenths of a millimetre.
const SIDE: f64 = 50.0;

/// Candidates kept per corner.
const KEEP: usize = 3;

/// Candidates for each corner (in [`Corner::ALL`] order), nearest to the
/// expected place first. `scale` is the nominal pixels per page unit.
#[allow(clippy::float_arithmetic)] // window positions and sizes from the scale
pub(crate) fn candidates(
    page: &GreyImage,
    geometry: &BallotGeometry,
    scale: f64,
) -> [Vec<Blob>; 4] {
    let mut out: [Vec<Blob>; 4] = Default::default();
    for corner in Corner::ALL {
        let f: BoxMm10 = geometry.fiducials[corner.index()];
        let (cx, cy) = f.center();
        let expected = (f64::from(cx) * scale, f64::from(cy) * scale);
        let half = f64::from(SEARCH) * scale;
        let clamp = |v: f64, max: usize| v.max(0.0).min(max as f64) as usize;
        let x0 = clamp(expected.0 - half, page.width());
        let x1 = clamp(expected.0 + half, page.width());
        let y0 = clamp(expected.1 - half, page.height());
        let y1 = clamp(expected.1 + half, page.height());
        let mut found = in_window(page, [x0, y0, x1, y1], scale);
        found.sort_by(|a, b| {
            let da = (a.center.0 - expected.0).hypot(a.center.1 - expected.1);
            let db = (b.center.0 - expected.0).hypot(b.center.1 - expected.1);
            da.total_cmp(&db)
        });
        found.truncate(KEEP);
        out[corner.index()] = found;
    }
    out
}

/// A window averaged into cells.
struct Cells {
    /// The window's top-left pixel.
    origin: (usize, usize),
    w: usize,
    h: usize,
    means: Vec<u8>,
}

impl Cells {
    fn new(page: &GreyImage, window: [usize; 4], k: usize) -> Cells {
        let [x0, y0, x1, y1] = window;
        let w = (x1 - x0) / k;
        let h = (y1 - y0) / k;
        let mut means = Vec::with_capacity(w * h);
        let mut acc = vec![0u32; w];
        let area = (k * k) as u32;
        for cy in 0..h {
            acc.iter_mut().for_each(|a| *a = 0);
            for y in y0 + cy * k..y0 + (cy + 1) * k {
                let row = &page.pixels()[y * page.width() + x0..y * page.width() + x0 + w * k];
                for (cx, chunk) in row.chunks_exact(k).enumerate() {
                    acc[cx] += chunk.iter().map(|&p| u32::from(p)).sum::<u32>();
                }
            }
            means.extend(acc.iter().map(|&a| (a / area) as u8));
        }
        Cells {
            origin: (x0, y0),
            w,
            h,
            means,
        }
    }
}

/// The `q`-quantile (in permille) of a histogram holding `n` values.
pub(crate) fn quantile(hist: &[u32; 256], n: u64, permille: u64) -> u8 {
    let target = n * permille / 1000;
    let mut seen = 0u64;
    for (level, &count) in hist.iter().enumerate() {
        seen += u64::from(count);
        if seen > target {
            return level as u8;
        }
    }
    255
}

/// The fiducial-like blobs of one window of the page.
#[allow(clippy::float_arithmetic)] // size and shape tolerances, in cells
fn in_window(page: &GreyImage, window: [usize; 4], scale: f64) -> Vec<Blob> {
    // Cells of about 0.3 mm.
    let k = ((3.0 * scale).round() as usize).max(1);
    let cells = Cells::new(page, window, k);
    let (w, h) = (cells.w, cells.h);
    if w < 8 || h < 8 {
        return Vec::new();
    }
    let mut hist = [0u32; 256];
    for &m in &cells.means {
        hist[usize::from(m)] += 1;
    }
    let n = cells.means.len() as u64;
    let white = quantile(&hist, n, 600);
    let black = quantile(&hist, n, 2);
    if white < black.saturating_add(40) {
        return Vec::new();
    }
    let threshold = ((u16::from(white) + u16::from(black)) / 2) as u8;
    let dark: Vec<bool> = cells.means.iter().map(|&m| m < threshold).collect();

    // The expected side in cells, and the tolerances: 85–115% of size,
    // the bounding box of a square turned by 5° is 8.7% larger, and a
    // cell and a half of blur on each side.
    let side = SIDE * scale / k as f64;
    let min_side = 0.85 * side - 1.5;
    let max_side = 1.15 * 1.09 * side + 1.5;
    let ring = ((12.0 * scale / k as f64).ceil() as usize).max(2);

    let mut label = vec![0u32; w * h];
    let mut next = 0u32;
    let mut stack = Vec::new();
    let mut blobs = Vec::new();
    for start in 0..w * h {
        if !dark[start] || label[start] != 0 {
            continue;
        }
        next += 1;
        label[start] = next;
        stack.push(start);
        let (mut count, mut minx, mut maxx, mut miny, mut maxy) = (0usize, w, 0, h, 0);
        while let Some(i) = stack.pop() {
            let (x, y) = (i % w, i / w);
            count += 1;
            minx = minx.min(x);
            maxx = maxx.max(x);
            miny = miny.min(y);
            maxy = maxy.max(y);
            let mut visit = |j: usize| {
                if dark[j] && label[j] == 0 {
                    label[j] = next;
                    stack.push(j);
                }
            };
            if x > 0 {
                visit(i - 1);
            }
            if x + 1 < w {
                visit(i + 1);
            }
            if y > 0 {
                visit(i - w);
            }
            if y + 1 < h {
                visit(i + w);
            }
        }
        let (bw, bh) = ((maxx - minx + 1) as f64, (maxy - miny + 1) as f64);
        let area = count as f64;
        let shaped = (min_side..=max_side).contains(&bw)
            && (min_side..=max_side).contains(&bh)
            && bw.max(bh) <= 1.3 * bw.min(bh)
            && (0.55 * side * side..=1.6 * side * side).contains(&area)
            && area >= 0.7 * bw * bh;
        if !shaped {
            continue;
        }
        // The middle (the bounding box less a quarter on each side) is
        // all dark; the ring around the bounding box is nearly all light.
        let (qx, qy) = ((maxx - minx + 1) / 4, (maxy - miny + 1) / 4);
        let mut middle = (0usize, 0usize);
        for y in miny + qy..=maxy - qy {
            for x in minx + qx..=maxx - qx {
                middle.0 += 1;
                middle.1 += usize::from(dark[y * w + x]);
            }
        }
        if middle.1 * 100 < middle.0 * 95 {
            continue;
        }
        let (rx0, ry0) = (minx.saturating_sub(ring), miny.saturating_sub(ring));
        let (rx1, ry1) = ((maxx + ring).min(w - 1), (maxy + ring).min(h - 1));
        let mut around = (0usize, 0usize);
        for y in ry0..=ry1 {
            for x in rx0..=rx1 {
                if (minx..=maxx).contains(&x) && (miny..=maxy).contains(&y) {
                    continue;
                }
                around.0 += 1;
                around.1 += usize::from(dark[y * w + x]);
            }
        }
        let full_ring = (maxx - minx + 1 + 2 * ring) * (maxy - miny + 1 + 2 * ring)
            - (maxx - minx + 1) * (maxy - miny + 1);
        if around.0 * 2 < full_ring || around.1 * 100 > around.0 * 8 {
            continue;
        }
        // Refine on the pixels: the centroid of the dark pixels in the
        // bounding box and a cell around it.
        let (ox, oy) = cells.origin;
        let px0 = (ox + minx * k).saturating_sub(k);
        let py0 = (oy + miny * k).saturating_sub(k);
        let px1 = (ox + (maxx + 2) * k).min(page.width());
        let py1 = (oy + (maxy + 2) * k).min(page.height());
        let (mut n, mut sx, mut sy) = (0u64, 0u64, 0u64);
        for y in py0..py1 {
            for x in px0..px1 {
                if page.at(x, y) < threshold {
                    n += 1;
                    sx += x as u64;
                    sy += y as u64;
                }
            }
        }
        if n == 0 {
            continue;
        }
        blobs.push(Blob {
            center: (sx as f64 / n as f64 + 0.5, sy as f64 / n as f64 + 0.5),
            side: (n as f64).sqrt(),
            bbox: [px0, py0, px1, py1],
            threshold,
        });
    }
    blobs
}

#[cfg(test)]
#[allow(clippy::float_arithmetic)]
mod tests {
    use super::*;

    /// A white page of `w × h` with black squares of `side` pixels whose
    /// top-left corners are at `at`.
    fn page(w: usize, h: usize, squares: &[(usize, usize, usize)]) -> GreyImage {
        let mut g = GreyImage::filled(w, h, 240).unwrap();
        for &(x0, y0, side) in squares {
            for y in y0..y0 + side {
                for x in x0..x0 + side {
                    g.pixels_mut()[y * w + x] = 15;
                }
            }
        }
        g
    }

    #[test]
    fn a_solid_square_is_found_and_its_centre_refined() {
        // 0.8 px per page unit (203 dpi): a 5 mm square is 40 px.
        let g = page(400, 400, &[(101, 153, 40)]);
        let blobs = in_window(&g, [0, 0, 400, 400], 0.8);
        assert_eq!(blobs.len(), 1, "{blobs:?}");
        let b = blobs[0];
        assert!((b.center.0 - 121.0).abs() < 0.01 && (b.center.1 - 173.0).abs() < 0.01);
        assert!((b.side - 40.0).abs() < 0.01);
    }

    #[test]
    fn text_sized_and_oversized_blocks_and_bars_are_not_fiducials() {
        let mut g = page(600, 600, &[(50, 50, 15), (300, 300, 90)]);
        // A bar (a table rule, thick) and a square touching other ink.
        for y in 200..208 {
            for x in 50..400 {
                g.pixels_mut()[y * 600 + x] = 10;
            }
        }
        let g2 = page(600, 600, &[(100, 400, 40), (141, 420, 30)]);
        assert!(in_window(&g, [0, 0, 600, 600], 0.8).is_empty());
        assert!(in_window(&g2, [0, 0, 600, 600], 0.8).is_empty());
    }

    #[test]
    fn quantiles_of_a_histogram() {
        let mut h = [0u32; 256];
        h[10] = 5;
        h[200] = 95;
        assert_eq!(quantile(&h, 100, 2), 10);
        assert_eq!(quantile(&h, 100, 600), 200);
    }
}
