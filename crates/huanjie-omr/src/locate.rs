//! From fiducial candidates to the page's transform.
//!
//! With a candidate at every corner, every combination (at most 3⁴) is
//! fitted by an affine map in the least-squares sense; the one with the
//! smallest residual is kept if that residual is within
//! [`MAX_RESIDUAL`] and the map is plausible (see [`plausible`]), and the
//! page is then mapped by the projective transform through its four
//! points (exact at the corners; it also absorbs a little keystone). With
//! one corner missing (covered, torn, folded) the other three give an
//! affine map, which must pass the same plausibility test; the reading
//! then names the missing corner for a person to check. Otherwise the page
//! is refused.

use crate::fiducials::{candidates, Blob, Corner};
use crate::transform::{Pt, Transform};
use crate::{GreyImage, OmrError};
use huanjie_print::BallotGeometry;

/// The largest distance (tenths of a millimetre) between a fiducial and
/// where the affine fit of all four puts it: more means a fold, a tear,
/// another layout or a wrong blob.
pub(crate) const MAX_RESIDUAL: f64 = 10.0;

/// The error assumed for a fit through three points, which has no
/// residual to measure it by (tenths of a millimetre).
const THREE_POINT_ERROR: f64 = 5.0;

/// Where the page is in the image.
#[derive(Debug, Clone)]
pub(crate) struct Located {
    /// Page (upright, tenths of a mm) → pixels.
    pub(crate) transform: Transform,
    /// The fiducial found at each corner of the image (by where it was
    /// looked for, before any turn of the page).
    pub(crate) blobs: [Option<Blob>; 4],
    /// How far the fit may be off, tenths of a millimetre.
    pub(crate) error_mm10: f64,
    /// Pixels per page unit (mean of the two axes).
    pub(crate) scale: f64,
}

impl Located {
    /// The corners whose fiducial was not found (at most one).
    pub(crate) fn missing(&self) -> Vec<Corner> {
        Corner::ALL
            .into_iter()
            .filter(|c| self.blobs[c.index()].is_none())
            .collect()
    }

    /// The same fit for the page turned by 180°: what was found at the
    /// image's top left is the page's bottom-right fiducial, and so on.
    pub(crate) fn turned(&self, geometry: &BallotGeometry) -> Option<Located> {
        let mut blobs = [None; 4];
        for c in Corner::ALL {
            blobs[c.opposite().index()] = self.blobs[c.index()];
        }
        let (transform, _) = fit(geometry, &blobs)?;
        Some(Located {
            transform,
            blobs,
            error_mm10: self.error_mm10,
            scale: self.scale,
        })
    }
}

/// The fiducial centres in page units, in [`Corner::ALL`] order.
fn page_points(geometry: &BallotGeometry) -> [Pt; 4] {
    geometry.fiducials.map(|f| {
        let (x, y) = f.center();
        (f64::from(x), f64::from(y))
    })
}

/// The transform through the found blobs (four: projective, three:
/// affine) and the affine residual in pixels (0 for three).
fn fit(geometry: &BallotGeometry, blobs: &[Option<Blob>; 4]) -> Option<(Transform, f64)> {
    let page = page_points(geometry);
    let pairs: Vec<(Pt, Pt)> = Corner::ALL
        .into_iter()
        .filter_map(|c| blobs[c.index()].map(|b| (page[c.index()], b.center)))
        .collect();
    match pairs.as_slice() {
        [a, b, c, d] => {
            let (_, residual) = Transform::affine_least_squares(&pairs)?;
            Some((Transform::projective(&[*a, *b, *c, *d])?, residual))
        }
        [a, b, c] => Some((Transform::affine_exact(&[*a, *b, *c])?, 0.0)),
        _ => None,
    }
}

/// Whether a fitted map is a page as a scanner sees it: not mirrored,
/// within ±5° (and a little) of upright, 85–115% of the nominal scale, the
/// same scale on both axes within 3%, the axes perpendicular within 2°,
/// and each fiducial about as large as the map says. `Err` says what is
/// wrong, for the error message.
#[allow(clippy::float_arithmetic)] // comparing the fit's scale and angles
fn plausible(
    t: &Transform,
    geometry: &BallotGeometry,
    blobs: &[Option<Blob>; 4],
    nominal: f64,
) -> Result<f64, String> {
    let centre = (
        f64::from(geometry.page_width) / 2.0,
        f64::from(geometry.page_height) / 2.0,
    );
    let j = t.jacobian(centre.0, centre.1);
    let (sx, sy) = j.scales();
    let scale = (sx + sy) / 2.0;
    if j.determinant() <= 0.0 {
        return Err("mirrored".to_owned());
    }
    let rotation = j.rotation_degrees();
    if rotation.abs() > 6.0 {
        return Err(format!("turned by {rotation:.1}°"));
    }
    let relative = scale / nominal;
    if !(0.85..=1.15).contains(&relative) {
        return Err(format!(
            "at {:.0}% of the size its image's width implies",
            relative * 100.0
        ));
    }
    if (sx / sy - 1.0).abs() > 0.03 || j.shear().abs() > 0.035 {
        return Err("stretched or sheared".to_owned());
    }
    for b in blobs.iter().flatten() {
        let expected = 50.0 * scale;
        if !(0.75 * expected..=1.3 * expected).contains(&b.side) {
            return Err("marked with corner squares of the wrong size".to_owned());
        }
    }
    Ok(scale)
}

/// Finds the fiducials of `page` and fits the page's transform.
#[allow(clippy::float_arithmetic)] // scales and residuals in page units
pub(crate) fn locate(page: &GreyImage, geometry: &BallotGeometry) -> Result<Located, OmrError> {
    let nominal = page.width() as f64 / f64::from(geometry.page_width);
    // 150 dpi is the least the thresholds are made for; 100 dpi still
    // leaves a target's inside 19 pixels wide.
    if nominal < 100.0 / 254.0
        || (page.height() as f64) < nominal * 0.8 * f64::from(geometry.page_height)
    {
        return Err(OmrError::TooSmall {
            width: page.width(),
            height: page.height(),
            page_mm: format!(
                "{} × {} mm",
                geometry.page_width / 10,
                geometry.page_height / 10
            ),
        });
    }
    let found = candidates(page, geometry, nominal);
    let missing: Vec<Corner> = Corner::ALL
        .into_iter()
        .filter(|c| found[c.index()].is_empty())
        .collect();
    if missing.len() > 1 {
        return Err(OmrError::FiducialsMissing { missing });
    }
    // Every combination of one candidate per corner that has any.
    let mut best: Option<(f64, Located)> = None;
    let mut best_rejected: Option<(f64, String)> = None;
    let choices = |c: usize| -> Vec<Option<Blob>> {
        if found[c].is_empty() {
            vec![None]
        } else {
            found[c].iter().copied().map(Some).collect()
        }
    };
    for a in choices(0) {
        for b in choices(1) {
            for c in choices(2) {
                for d in choices(3) {
                    let blobs = [a, b, c, d];
                    let Some((transform, residual_px)) = fit(geometry, &blobs) else {
                        continue;
                    };
                    let residual = residual_px / nominal;
                    match plausible(&transform, geometry, &blobs, nominal) {
                        Ok(scale) => {
                            let residual = residual_px / scale;
                            if best.as_ref().is_none_or(|(r, _)| residual < *r) {
                                let error_mm10 = if missing.is_empty() {
                                    residual
                                } else {
                                    THREE_POINT_ERROR
                                };
                                best = Some((
                                    residual,
                                    Located {
                                        transform,
                                        blobs,
                                        error_mm10,
                                        scale,
                                    },
                                ));
                            }
                        }
                        Err(why) => {
                            if best_rejected.as_ref().is_none_or(|(r, _)| residual < *r) {
                                best_rejected = Some((residual, why));
                            }
                        }
                    }
                }
            }
        }
    }
    match (best, best_rejected) {
        (Some((residual, located)), _) if residual <= MAX_RESIDUAL => Ok(located),
        (Some((residual, _)), _) => Err(OmrError::FiducialsInconsistent {
            off_mm10: residual.round() as u32,
        }),
        (None, Some((_, what))) => Err(OmrError::OutOfRange { what }),
        (None, None) => Err(OmrError::FiducialsMissing {
            missing: Corner::ALL.to_vec(),
        }),
    }
}
