//! An 8-bit greyscale page (0 black, 255 white), row by row.

use crate::OmrError;

/// The most pixels on either side of a page that are decoded (12,000: an
/// A3 page at 700 dpi). Larger images are refused before any allocation.
pub const MAX_SIDE: usize = 12_000;

/// The most pixels a page may have in all (100 million: 100 MB of grey).
pub const MAX_PIXELS: usize = 100_000_000;

/// An 8-bit greyscale image: `pixels[y * width + x]`, 0 black, 255 white.
#[derive(Clone, PartialEq, Eq)]
pub struct GreyImage {
    width: usize,
    height: usize,
    pixels: Vec<u8>,
}

impl std::fmt::Debug for GreyImage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "GreyImage({} × {})", self.width, self.height)
    }
}

impl GreyImage {
    /// An image from its pixels; refused if `pixels` is not `width ×
    /// height` long, empty, or over the size limits.
    pub fn new(width: usize, height: usize, pixels: Vec<u8>) -> Result<Self, OmrError> {
        check_size(1, width as u64, height as u64)?;
        if pixels.len() != width * height {
            return Err(OmrError::Corrupt {
                page: 1,
                format: "grey",
                reason: format!(
                    "{} bytes of pixels for {width} × {height} pixels",
                    pixels.len()
                ),
            });
        }
        Ok(GreyImage {
            width,
            height,
            pixels,
        })
    }

    /// An image of one grey level.
    pub fn filled(width: usize, height: usize, level: u8) -> Result<Self, OmrError> {
        check_size(1, width as u64, height as u64)?;
        Ok(GreyImage {
            width,
            height,
            pixels: vec![level; width * height],
        })
    }

    pub fn width(&self) -> usize {
        self.width
    }

    pub fn height(&self) -> usize {
        self.height
    }

    /// The pixels, row by row.
    pub fn pixels(&self) -> &[u8] {
        &self.pixels
    }

    /// The pixels, to draw on (tests, synthetic pages).
    pub fn pixels_mut(&mut self) -> &mut [u8] {
        &mut self.pixels
    }

    pub fn into_pixels(self) -> Vec<u8> {
        self.pixels
    }

    /// The pixel at (x, y); `None` outside the image.
    pub fn get(&self, x: usize, y: usize) -> Option<u8> {
        if x < self.width && y < self.height {
            self.pixels.get(y * self.width + x).copied()
        } else {
            None
        }
    }

    /// The pixel at (x, y), which the caller knows is inside.
    #[inline]
    pub(crate) fn at(&self, x: usize, y: usize) -> u8 {
        self.pixels[y * self.width + x]
    }

    /// The pixel at signed (x, y); `None` outside.
    #[inline]
    pub(crate) fn at_signed(&self, x: i64, y: i64) -> Option<u8> {
        if x >= 0 && y >= 0 && (x as usize) < self.width && (y as usize) < self.height {
            Some(self.pixels[y as usize * self.width + x as usize])
        } else {
            None
        }
    }

    /// The part of the image in `[x0, x1) × [y0, y1)` (clamped to it).
    pub fn crop(&self, x0: usize, y0: usize, x1: usize, y1: usize) -> GreyImage {
        let x1 = x1.min(self.width);
        let y1 = y1.min(self.height);
        let x0 = x0.min(x1);
        let y0 = y0.min(y1);
        let mut pixels = Vec::with_capacity((x1 - x0) * (y1 - y0));
        for y in y0..y1 {
            pixels.extend_from_slice(&self.pixels[y * self.width + x0..y * self.width + x1]);
        }
        GreyImage {
            width: x1 - x0,
            height: y1 - y0,
            pixels,
        }
    }

    /// The image turned by 180° (a page fed upside down).
    pub fn rotated_180(&self) -> GreyImage {
        let mut pixels = self.pixels.clone();
        pixels.reverse();
        GreyImage {
            width: self.width,
            height: self.height,
            pixels,
        }
    }
}

/// Refuses a page of `width × height` pixels over the limits (or empty),
/// before anything is allocated for it.
pub(crate) fn check_size(page: usize, width: u64, height: u64) -> Result<(), OmrError> {
    if width == 0 || height == 0 {
        return Err(OmrError::NoPixels {
            page,
            width,
            height,
        });
    }
    let over_side = width > MAX_SIDE as u64 || height > MAX_SIDE as u64;
    if over_side || width.saturating_mul(height) > MAX_PIXELS as u64 {
        return Err(OmrError::TooLarge {
            page,
            width,
            height,
            max_side: MAX_SIDE,
            max_pixels: MAX_PIXELS,
        });
    }
    Ok(())
}
