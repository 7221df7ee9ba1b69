//! Static files compiled into the binary, so a polling station's laptop
//! needs nothing but the one executable (and no CDN).

use axum::http::header;
use axum::response::IntoResponse;

const APP_CSS: &str = include_str!("../static/app.css");

/// `/assets/app.css`: the one stylesheet (responsive, phone first).
pub async fn app_css() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        APP_CSS,
    )
}
