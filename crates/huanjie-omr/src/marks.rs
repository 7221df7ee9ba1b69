//! Measuring ink in a region of the page, and the thresholds that make a
//! measurement a decision.
//!
//! A region (a box in page units) is sampled on a grid of about one
//! sample per pixel, each sample mapped to its pixel by the page's
//! transform. Two figures come out, both in permille and both integers:
//!
//! - **fill**: the share of samples that are *ink*: darker than
//!   [`OmrParams::ink_level_permille`] of the way from the page's paper
//!   to its printed black, with at least two of their eight neighbours
//!   also that dark (so isolated specks of scanner noise are not ink,
//!   while any pen line, one pixel wide or more, is);
//! - **darkness**: the mean darkness of all samples, from 0 (the paper
//!   right beside the target, so that uneven lighting across a scan does
//!   not count; see [`paper_level`]) to 1000 (the page's printed black),
//!   taken before it is clamped so that scanner noise averages out
//!   instead of adding up. It catches what is lighter than ink: a smear,
//!   an erased mark, pencil.
//!
//! [`classify`] makes them a [`MarkState`] with two thresholds and a
//! band between them that goes to a person.

use crate::levels::Levels;
use crate::transform::Transform;
use crate::GreyImage;

/// The thresholds of the reader (all permille).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OmrParams {
    /// A target whose inside has at least this share of ink is Filled.
    pub filled_permille: u32,
    /// A target is Empty only if its inside has at most this share of
    /// ink, at most this mean darkness, and at most this share of ink
    /// beside it (a ○ drawn around the box instead of in it).
    pub empty_permille: u32,
    /// A pixel is ink when it is at least this far from the paper's grey
    /// towards the printed black.
    pub ink_level_permille: u32,
    /// A write-in box with at least this share of ink is Inked (anything
    /// not Empty goes to a person in any case).
    pub write_in_inked_permille: u32,
}

impl Default for OmrParams {
    /// The thresholds the accuracy corpus (tests/accuracy.rs) was run
    /// with; the crate's docs say why each is where it is.
    fn default() -> Self {
        OmrParams {
            filled_permille: 70,
            empty_permille: 15,
            ink_level_permille: 400,
            write_in_inked_permille: 30,
        }
    }
}

/// What a mark target reads as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MarkState {
    Filled,
    Empty,
    /// Neither clearly: a person decides.
    Ambiguous,
}

/// What a write-in box reads as. The name in it is never read: anything
/// but Empty goes to a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InkState {
    Empty,
    Inked,
    Ambiguous,
}

/// Ink measured in one region.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Ink {
    /// Samples taken.
    pub(crate) samples: u32,
    /// Samples that were ink.
    pub(crate) ink: u32,
    /// Σ grey over the samples inside the image.
    pub(crate) grey: u64,
    /// Samples that fell outside the image.
    pub(crate) outside: u32,
}

impl Ink {
    /// The share of ink, permille.
    pub(crate) fn fill(&self) -> u32 {
        if self.samples == 0 {
            return 0;
        }
        (u64::from(self.ink) * 1000 / u64::from(self.samples)) as u32
    }

    /// The mean darkness, permille of the way from the paper's grey
    /// (`paper16`, in sixteenths of a grey level) to the printed black,
    /// clamped to 0..=1000. Noise around the paper's grey averages out
    /// (the mean is taken before clamping).
    pub(crate) fn darkness(&self, paper16: u32, levels: &Levels) -> u32 {
        let inside = i64::from(self.samples - self.outside);
        let range16 = i64::from(paper16) - 16 * i64::from(levels.black);
        if inside == 0 || range16 <= 0 {
            return 0;
        }
        let sum16 = i64::try_from(self.grey).unwrap_or(i64::MAX / 32) * 16;
        ((inside * i64::from(paper16) - sum16) * 1000 / (inside * range16)).clamp(0, 1000) as u32
    }

    pub(crate) fn add(&mut self, other: Ink) {
        self.samples += other.samples;
        self.ink += other.ink;
        self.grey += other.grey;
        self.outside += other.outside;
    }
}

/// A region in page units: x0, y0, x1, y1.
pub(crate) type Region = [f64; 4];

/// Samples `region` of the page. `step` is the sampling pitch in page
/// units (about one pixel). With `histogram`, every sample's grey is
/// counted in it too.
#[allow(clippy::float_arithmetic)] // sample positions along the mapped rows
pub(crate) fn measure(
    page: &GreyImage,
    t: &Transform,
    region: Region,
    step: f64,
    ink_level: u8,
    mut histogram: Option<&mut [u32; 256]>,
) -> Ink {
    let [u0, v0, u1, v1] = region;
    let mut out = Ink::default();
    if u1 <= u0 || v1 <= v0 {
        return out;
    }
    let nu = ((u1 - u0) / step).ceil().max(1.0) as usize;
    let nv = ((v1 - v0) / step).ceil().max(1.0) as usize;
    let (du, dv) = ((u1 - u0) / nu as f64, (v1 - v0) / nv as f64);
    let is_ink = |x: i64, y: i64| page.at_signed(x, y).is_some_and(|p| p <= ink_level);
    for j in 0..nv {
        let v = v0 + (j as f64 + 0.5) * dv;
        // The map is affine to well under a pixel across a region this
        // small: map the row's ends and step between them.
        let a = t.map(u0 + 0.5 * du, v);
        let b = t.map(u1 - 0.5 * du, v);
        let n = (nu - 1).max(1) as f64;
        let (sx, sy) = ((b.0 - a.0) / n, (b.1 - a.1) / n);
        for i in 0..nu {
            let x = (a.0 + sx * i as f64).floor() as i64;
            let y = (a.1 + sy * i as f64).floor() as i64;
            out.samples += 1;
            let Some(p) = page.at_signed(x, y) else {
                out.outside += 1;
                continue;
            };
            out.grey += u64::from(p);
            if let Some(h) = histogram.as_deref_mut() {
                h[usize::from(p)] += 1;
            }
            if p <= ink_level {
                let mut neighbours = 0;
                for (nx, ny) in [
                    (x - 1, y - 1),
                    (x, y - 1),
                    (x + 1, y - 1),
                    (x - 1, y),
                    (x + 1, y),
                    (x - 1, y + 1),
                    (x, y + 1),
                    (x + 1, y + 1),
                ] {
                    neighbours += u32::from(is_ink(nx, ny));
                    if neighbours >= 2 {
                        out.ink += 1;
                        break;
                    }
                }
            }
        }
    }
    out
}

/// The paper's grey in a region, in sixteenths of a grey level, from the
/// histogram of its samples: the mean of the samples no darker than the
/// median less a fifth of the paper-to-black range, so that ink in the
/// region does not count but the paper's noise does exactly as it does
/// inside a target (a scanner that clips its white at 255 makes the
/// paper's mean lower than its median; comparing means with means keeps
/// that from reading as darkness). Kept within an eighth of the range of
/// the page's paper, so that a region mostly covered by a mark cannot
/// pass for paper.
pub(crate) fn paper_level(hist: &[u32; 256], levels: &Levels) -> u32 {
    let white16 = 16 * u32::from(levels.white);
    let n: u64 = hist.iter().map(|&c| u64::from(c)).sum();
    if n == 0 {
        return white16;
    }
    let median = u32::from(crate::fiducials::quantile(hist, n, 500));
    let floor = median.saturating_sub(levels.range() / 5);
    let (mut count, mut sum) = (0u64, 0u64);
    for (v, &c) in hist.iter().enumerate().skip(floor as usize) {
        count += u64::from(c);
        sum += v as u64 * u64::from(c);
    }
    let mean16 = (sum * 16 / count.max(1)) as u32;
    let slack16 = 2 * levels.range();
    mean16.clamp(
        white16.saturating_sub(slack16),
        (white16 + slack16).min(255 * 16),
    )
}

/// A target's state from the ink inside it and beside it (integers only).
pub fn classify(fill: u32, darkness: u32, beside: u32, params: &OmrParams) -> MarkState {
    if fill >= params.filled_permille {
        MarkState::Filled
    } else if fill <= params.empty_permille
        && darkness <= params.empty_permille
        && beside <= params.empty_permille
    {
        MarkState::Empty
    } else {
        MarkState::Ambiguous
    }
}

/// A write-in box's state from the ink inside it.
pub fn classify_write_in(fill: u32, darkness: u32, params: &OmrParams) -> InkState {
    if fill >= params.write_in_inked_permille {
        InkState::Inked
    } else if fill <= params.empty_permille && darkness <= params.empty_permille {
        InkState::Empty
    } else {
        InkState::Ambiguous
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_thresholds_are_inclusive_and_the_band_between_goes_to_a_person() {
        let p = OmrParams::default();
        let (f, e) = (p.filled_permille, p.empty_permille);
        assert_eq!(classify(f, 900, 0, &p), MarkState::Filled);
        assert_eq!(classify(f - 1, 0, 0, &p), MarkState::Ambiguous);
        assert_eq!(classify(e + 1, 0, 0, &p), MarkState::Ambiguous);
        assert_eq!(classify(e, e, e, &p), MarkState::Empty);
        assert_eq!(classify(0, 0, 0, &p), MarkState::Empty);
        // Grey without ink (an erased mark), ink beside the box (a ○
        // around it): never Empty.
        assert_eq!(classify(0, e + 1, 0, &p), MarkState::Ambiguous);
        assert_eq!(classify(0, 0, e + 1, &p), MarkState::Ambiguous);
        // Enough ink is Filled whatever is beside it.
        assert_eq!(classify(1000, 1000, 1000, &p), MarkState::Filled);
    }

    #[test]
    fn write_in_boxes() {
        let p = OmrParams::default();
        assert_eq!(classify_write_in(0, 3, &p), InkState::Empty);
        assert_eq!(
            classify_write_in(p.write_in_inked_permille, 50, &p),
            InkState::Inked
        );
        assert_eq!(
            classify_write_in(p.empty_permille + 1, 0, &p),
            InkState::Ambiguous
        );
        assert_eq!(
            classify_write_in(0, p.empty_permille + 1, &p),
            InkState::Ambiguous
        );
    }

    #[test]
    fn the_papers_grey_ignores_ink_and_keeps_clipped_noise() {
        let levels = Levels {
            white: 250,
            black: 50,
        };
        let mut h = [0u32; 256];
        // Paper at 254 whose noise is clipped at 255, and some ink.
        h[253] = 30;
        h[254] = 40;
        h[255] = 30;
        h[60] = 20;
        // Mean of 253, 254, 255 weighted 3:4:3 = 254 (ink left out).
        assert_eq!(paper_level(&h, &levels), 254 * 16);
        // A region all ink cannot pass for paper: kept within an eighth
        // of the range (25 levels) of the page's paper.
        let mut dark = [0u32; 256];
        dark[120] = 100;
        assert_eq!(paper_level(&dark, &levels), (250 - 25) * 16);
        assert_eq!(paper_level(&[0; 256], &levels), 250 * 16);
    }

    #[test]
    fn noise_specks_are_not_ink_but_a_one_pixel_line_is() {
        let levels = Levels {
            white: 250,
            black: 10,
        };
        let mut g = GreyImage::filled(40, 40, 250).unwrap();
        // Isolated specks.
        for (x, y) in [(5, 5), (20, 9), (30, 30), (12, 33)] {
            g.pixels_mut()[y * 40 + x] = 0;
        }
        let identity = Transform::affine_exact(&[
            ((0.0, 0.0), (0.0, 0.0)),
            ((1.0, 0.0), (1.0, 0.0)),
            ((0.0, 1.0), (0.0, 1.0)),
        ])
        .unwrap();
        let ink_level = levels.at(400);
        let mut hist = [0u32; 256];
        let m = measure(
            &g,
            &identity,
            [0.0, 0.0, 40.0, 40.0],
            1.0,
            ink_level,
            Some(&mut hist),
        );
        assert_eq!((m.samples, m.ink, m.outside), (1600, 0, 0));
        assert_eq!((hist[250], hist[0]), (1596, 4));
        // A vertical line one pixel wide, 20 long.
        for y in 10..30 {
            g.pixels_mut()[y * 40 + 15] = 40;
        }
        let m = measure(&g, &identity, [0.0, 0.0, 40.0, 40.0], 1.0, ink_level, None);
        // Its two end pixels have one inky neighbour only.
        assert_eq!(m.ink, 18);
        // 20 pixels at 87.5% and 4 specks of black in 1,600, relative to
        // paper at 250: 1.35%; relative to paper at 240, none.
        assert_eq!(m.darkness(250 * 16, &levels), 13);
        assert_eq!(m.darkness(240 * 16, &levels), 0);
    }
}
