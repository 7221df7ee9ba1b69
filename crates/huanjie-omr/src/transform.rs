//! The map from page coordinates (tenths of a millimetre, as in
//! [`huanjie_print::BallotGeometry`]) to pixels, fitted to the fiducials:
//! affine from three points or by least squares from four (whose
//! residual says how consistent they are), projective through four.
//!
//! Geometry is done in `f64`: positions and angles are continuous
//! quantities, and nothing here decides a mark (the thresholds compare
//! integers in [`crate::marks`]). The lint that denies float arithmetic
//! is lifted function by function, with the reason.

/// A point: page (tenths of a mm) or pixel coordinates.
pub(crate) type Pt = (f64, f64);

/// Page units are divided by this before fitting, so that the systems
/// solved are well conditioned (values of order 1).
const NORM: f64 = 1000.0;

/// x = (a u + b v + c) / (g u + h v + 1), y = (d u + e v + f) / (g u + h v + 1),
/// with u, v and x, y divided by [`NORM`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Transform {
    m: [f64; 8],
}

/// The linear part of a transform at a point: pixels per page unit along
/// the page's x and y axes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Jacobian {
    /// d(x, y)/du: where the page's x axis goes.
    pub(crate) du: Pt,
    /// d(x, y)/dv: where the page's y axis goes.
    pub(crate) dv: Pt,
}

impl Jacobian {
    #[allow(clippy::float_arithmetic)] // lengths and angles of the fitted axes
    pub(crate) fn scales(&self) -> (f64, f64) {
        (self.du.0.hypot(self.du.1), self.dv.0.hypot(self.dv.1))
    }

    /// The page's rotation in the image, in degrees (clockwise positive,
    /// as y runs down).
    #[allow(clippy::float_arithmetic)] // an angle from the fitted axes
    pub(crate) fn rotation_degrees(&self) -> f64 {
        self.du.1.atan2(self.du.0).to_degrees()
    }

    /// How far from perpendicular the axes are: the sine of the angle
    /// between them less 90° (0 for a rotation and scale).
    #[allow(clippy::float_arithmetic)] // cosine of the angle between the axes
    pub(crate) fn shear(&self) -> f64 {
        let (a, b) = self.scales();
        (self.du.0 * self.dv.0 + self.du.1 * self.dv.1) / (a * b)
    }

    /// Positive if the page is not mirrored.
    #[allow(clippy::float_arithmetic)] // the determinant's sign
    pub(crate) fn determinant(&self) -> f64 {
        self.du.0 * self.dv.1 - self.du.1 * self.dv.0
    }
}

impl Transform {
    /// The pixel position of page point (u, v).
    #[allow(clippy::float_arithmetic)] // the projective map itself
    #[inline]
    pub(crate) fn map(&self, u: f64, v: f64) -> Pt {
        let [a, b, c, d, e, f, g, h] = self.m;
        let (u, v) = (u / NORM, v / NORM);
        let w = g * u + h * v + 1.0;
        (
            (a * u + b * v + c) / w * NORM,
            (d * u + e * v + f) / w * NORM,
        )
    }

    /// The linear part at page point (u, v), by central differences over
    /// one page unit (exact for an affine map, and the maps here are
    /// nearly affine).
    #[allow(clippy::float_arithmetic)] // finite differences
    pub(crate) fn jacobian(&self, u: f64, v: f64) -> Jacobian {
        let (x0, y0) = self.map(u - 0.5, v);
        let (x1, y1) = self.map(u + 0.5, v);
        let (x2, y2) = self.map(u, v - 0.5);
        let (x3, y3) = self.map(u, v + 0.5);
        Jacobian {
            du: (x1 - x0, y1 - y0),
            dv: (x3 - x2, y3 - y2),
        }
    }

    /// The affine map through three point pairs (page → pixel); `None`
    /// if the page points are on a line.
    pub(crate) fn affine_exact(pairs: &[(Pt, Pt); 3]) -> Option<Transform> {
        Self::affine_least_squares(pairs).map(|(t, _)| t)
    }

    /// The affine map that fits the pairs best (least squares), and the
    /// largest distance in pixels between a mapped page point and its
    /// pixel point. `None` if fewer than three pairs or all on a line.
    #[allow(clippy::float_arithmetic)] // the normal equations of the fit
    pub(crate) fn affine_least_squares(pairs: &[(Pt, Pt)]) -> Option<(Transform, f64)> {
        if pairs.len() < 3 {
            return None;
        }
        // x = a u + b v + c and y = d u + e v + f, separately: the same
        // normal matrix, two right-hand sides.
        let mut ata = [[0.0; 3]; 3];
        let mut atx = [0.0; 3];
        let mut aty = [0.0; 3];
        for &((u, v), (x, y)) in pairs {
            let row = [u / NORM, v / NORM, 1.0];
            for i in 0..3 {
                for j in 0..3 {
                    ata[i][j] += row[i] * row[j];
                }
                atx[i] += row[i] * x / NORM;
                aty[i] += row[i] * y / NORM;
            }
        }
        let [a, b, c] = solve(ata, atx)?;
        let [d, e, f] = solve(ata, aty)?;
        let t = Transform {
            m: [a, b, c, d, e, f, 0.0, 0.0],
        };
        let residual = pairs
            .iter()
            .map(|&((u, v), (x, y))| {
                let (mx, my) = t.map(u, v);
                (mx - x).hypot(my - y)
            })
            .fold(0.0, f64::max);
        Some((t, residual))
    }

    /// The projective map through four point pairs; `None` if degenerate.
    #[allow(clippy::float_arithmetic)] // the 8 × 8 system of the four pairs
    pub(crate) fn projective(pairs: &[(Pt, Pt); 4]) -> Option<Transform> {
        let mut a = [[0.0; 8]; 8];
        let mut rhs = [0.0; 8];
        for (k, &((u, v), (x, y))) in pairs.iter().enumerate() {
            let (u, v, x, y) = (u / NORM, v / NORM, x / NORM, y / NORM);
            a[2 * k] = [u, v, 1.0, 0.0, 0.0, 0.0, -u * x, -v * x];
            rhs[2 * k] = x;
            a[2 * k + 1] = [0.0, 0.0, 0.0, u, v, 1.0, -u * y, -v * y];
            rhs[2 * k + 1] = y;
        }
        let m = solve(a, rhs)?;
        if m.iter().any(|x| !x.is_finite()) {
            return None;
        }
        Some(Transform { m })
    }
}

/// Solves `a x = b` by Gaussian elimination with partial pivoting; `None`
/// if `a` is (nearly) singular.
#[allow(clippy::float_arithmetic)] // Gaussian elimination
fn solve<const N: usize>(mut a: [[f64; N]; N], mut b: [f64; N]) -> Option<[f64; N]> {
    for col in 0..N {
        let pivot = (col..N).max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))?;
        if a[pivot][col].abs() < 1e-12 {
            return None;
        }
        a.swap(col, pivot);
        b.swap(col, pivot);
        let pivot_row = a[col];
        for row in col + 1..N {
            let factor = a[row][col] / pivot_row[col];
            for (x, p) in a[row].iter_mut().zip(pivot_row).skip(col) {
                *x -= factor * p;
            }
            b[row] -= factor * b[col];
        }
    }
    let mut x = [0.0; N];
    for row in (0..N).rev() {
        let mut sum = b[row];
        for k in row + 1..N {
            sum -= a[row][k] * x[k];
        }
        x[row] = sum / a[row][row];
    }
    Some(x)
}

#[cfg(test)]
#[allow(clippy::float_arithmetic)]
mod tests {
    use super::*;

    /// Page → pixels: rotate by `deg`, scale by `s`, shift by (dx, dy).
    fn similarity(deg: f64, s: f64, dx: f64, dy: f64) -> impl Fn(Pt) -> Pt {
        let (sin, cos) = deg.to_radians().sin_cos();
        move |(u, v)| (s * (cos * u - sin * v) + dx, s * (sin * u + cos * v) + dy)
    }

    #[test]
    fn fits_recover_a_rotated_scaled_shifted_page() {
        let f = similarity(3.0, 0.8, 40.0, -25.0);
        let page = [
            (105.0, 105.0),
            (1995.0, 105.0),
            (105.0, 2865.0),
            (1995.0, 2865.0),
        ];
        let pairs: Vec<(Pt, Pt)> = page.iter().map(|&p| (p, f(p))).collect();
        let (affine, residual) = Transform::affine_least_squares(&pairs).unwrap();
        assert!(residual < 1e-6, "{residual}");
        let projective = Transform::projective(&[pairs[0], pairs[1], pairs[2], pairs[3]]).unwrap();
        let exact = Transform::affine_exact(&[pairs[0], pairs[1], pairs[3]]).unwrap();
        for p in [(1000.0, 1500.0), (0.0, 0.0), (2100.0, 2970.0)] {
            let want = f(p);
            for t in [affine, projective, exact] {
                let got = t.map(p.0, p.1);
                assert!((got.0 - want.0).abs() < 1e-6 && (got.1 - want.1).abs() < 1e-6);
            }
        }
        let j = projective.jacobian(1000.0, 1000.0);
        let (sx, sy) = j.scales();
        assert!((sx - 0.8).abs() < 1e-9 && (sy - 0.8).abs() < 1e-9);
        assert!((j.rotation_degrees() - 3.0).abs() < 1e-9);
        assert!(j.shear().abs() < 1e-9 && j.determinant() > 0.0);
    }

    #[test]
    fn a_displaced_point_shows_in_the_residual() {
        let f = similarity(-2.0, 1.0, 0.0, 0.0);
        let page = [
            (105.0, 105.0),
            (1995.0, 105.0),
            (105.0, 2865.0),
            (1995.0, 2865.0),
        ];
        let mut pairs: Vec<(Pt, Pt)> = page.iter().map(|&p| (p, f(p))).collect();
        pairs[3].1 .0 += 40.0;
        let (_, residual) = Transform::affine_least_squares(&pairs).unwrap();
        // Least squares spreads a 40-unit error over the four points.
        assert!((9.0..=40.0).contains(&residual), "{residual}");
        assert!(Transform::affine_exact(&[pairs[0], pairs[0], pairs[1]]).is_none());
    }
}
