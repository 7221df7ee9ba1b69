//! The page's own grey levels: its paper (white) and its printed black,
//! measured at the fiducials. Marks are judged relative to these, so a
//! light scan (black at 110) and a dark one (paper at 170) read alike.

use crate::fiducials::{quantile, Blob};
use crate::{GreyImage, OmrError};

/// Paper and ink grey levels of one page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Levels {
    /// The median of the clean paper around the fiducials.
    pub(crate) white: u8,
    /// The median of the fiducials' middles.
    pub(crate) black: u8,
}

/// The least difference between paper and printed black that is read.
pub(crate) const MIN_CONTRAST: u8 = 60;

impl Levels {
    /// The grey level at `permille` of the way from white to black.
    pub(crate) fn at(&self, permille: u32) -> u8 {
        let range = u32::from(self.white - self.black);
        (u32::from(self.white) - range * permille.min(1000) / 1000) as u8
    }

    pub(crate) fn range(&self) -> u32 {
        u32::from(self.white - self.black)
    }
}

/// Measures the levels around and inside the found fiducials. `scale`
/// is pixels per tenth of a millimetre.
#[allow(clippy::float_arithmetic)] // ring sizes in pixels from the scale
pub(crate) fn measure(
    page: &GreyImage,
    blobs: &[Option<Blob>; 4],
    scale: f64,
) -> Result<Levels, OmrError> {
    let mut paper = [0u32; 256];
    let mut ink = [0u32; 256];
    let (mut n_paper, mut n_ink) = (0u64, 0u64);
    // Paper: from 1.5 mm to 3.5 mm outside the fiducial's bounding box.
    let inner = (15.0 * scale).round() as usize;
    let outer = (35.0 * scale).round() as usize;
    for b in blobs.iter().flatten() {
        let [x0, y0, x1, y1] = b.bbox;
        let (cx, cy) = (b.center.0 as usize, b.center.1 as usize);
        let quarter = ((b.side / 4.0) as usize).max(1);
        for y in cy.saturating_sub(quarter)..(cy + quarter).min(page.height()) {
            for x in cx.saturating_sub(quarter)..(cx + quarter).min(page.width()) {
                ink[usize::from(page.at(x, y))] += 1;
                n_ink += 1;
            }
        }
        let (ix0, iy0, ix1, iy1) = (
            x0.saturating_sub(inner),
            y0.saturating_sub(inner),
            x1 + inner,
            y1 + inner,
        );
        let ys = y0.saturating_sub(outer)..(y1 + outer).min(page.height());
        // Every other row and column: plenty for a median.
        for y in ys.step_by(2) {
            for x in (x0.saturating_sub(outer)..(x1 + outer).min(page.width())).step_by(2) {
                if (ix0..ix1).contains(&x) && (iy0..iy1).contains(&y) {
                    continue;
                }
                paper[usize::from(page.at(x, y))] += 1;
                n_paper += 1;
            }
        }
    }
    let white = quantile(&paper, n_paper, 500);
    let black = quantile(&ink, n_ink, 500);
    if white < black.saturating_add(MIN_CONTRAST) {
        return Err(OmrError::LowContrast { white, black });
    }
    Ok(Levels { white, black })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_between_paper_and_black() {
        let l = Levels {
            white: 230,
            black: 30,
        };
        assert_eq!(l.at(0), 230);
        assert_eq!(l.at(500), 130);
        assert_eq!(l.at(1000), 30);
        assert_eq!(l.at(2000), 30);
        assert_eq!(l.range(), 200);
    }
}
