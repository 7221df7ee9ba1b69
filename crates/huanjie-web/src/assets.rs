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

/// The ballots page's one script. The page's Content-Security-Policy
/// (`default-src 'self'`) allows no inline script, so it is served from
/// here. Without it every batch's form still downloads the PDF (streamed);
/// with it the form starts a print job instead (`POST …/print-jobs`, the
/// session cookie authenticating the call), counts its pages in the row's
/// `<progress>` by asking every 300 ms, and shows the download link when
/// the job is done, or the refusal (with its rule id) when it fails.
const BALLOTS_JS: &str = r#"(function () {
  'use strict';
  var section = document.getElementById('batches');
  if (!section || !window.fetch) { return; }
  var api = '/api/v1/elections/' + section.getAttribute('data-election');
  var failed = section.getAttribute('data-failed');
  var en = document.documentElement.lang === 'en';

  function refusal(body) {
    var e = body && body.error;
    if (!e) { return failed; }
    var text = (en ? e.message_en : e.message) || failed;
    if (e.rule) { text += en ? ' (' + e.rule + ')' : '（' + e.rule + '）'; }
    return text;
  }

  function answer(response) {
    return response.json().catch(function () { return null; }).then(function (body) {
      if (!response.ok || !body) { throw new Error(refusal(body)); }
      return body;
    });
  }

  function unreachable() { throw new Error(failed); }

  Array.prototype.forEach.call(document.querySelectorAll('form.print-form'), function (form) {
    var n = form.getAttribute('data-batch-number');
    var box = document.getElementById('print-status-' + n);
    var bar = document.getElementById('print-progress-' + n);
    var count = document.getElementById('print-count-' + n);
    var done = document.getElementById('print-done-' + n);
    var link = document.getElementById('print-download-' + n);
    var error = document.getElementById('print-error-' + n);
    var button = form.querySelector('button');

    function fail(message) {
      error.textContent = message;
      error.hidden = false;
      button.disabled = false;
    }

    function show(job) {
      bar.max = Math.max(job.total, 1);
      bar.value = job.done;
      count.textContent = job.done + ' / ' + job.total;
      if (job.state === 'done') {
        link.href = api + '/print-jobs/' + job.job + '/pdf';
        done.hidden = false;
        button.disabled = false;
      } else if (job.state === 'failed') {
        fail((en ? job.message_en : job.message_zh) || failed);
      } else {
        setTimeout(function () {
          fetch(api + '/print-jobs/' + job.job, { credentials: 'same-origin' })
            .then(answer, unreachable)
            .then(show)
            .catch(function (e) { fail(e.message); });
        }, 300);
      }
    }

    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var paper = form.querySelector('select[name=paper]').value;
      box.hidden = false;
      done.hidden = true;
      error.hidden = true;
      button.disabled = true;
      bar.value = 0;
      fetch(api + '/ballot-batches/' + form.getAttribute('data-batch') +
            '/print-jobs?paper=' + encodeURIComponent(paper),
            { method: 'POST', credentials: 'same-origin' })
        .then(answer, unreachable)
        .then(show)
        .catch(function (e) { fail(e.message); });
    });
  });
})();
"#;

/// `/assets/ballots.js`: the ballots page's print progress.
pub async fn ballots_js() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        BALLOTS_JS,
    )
}

/// The station page's one script (`static/station.js`): the count form's
/// Enter and filled-in marks, the camera that reads a ballot's serial, and
/// the upload of scanned ballots with each page's outcome (see the file).
/// Without it the count form still works; the camera and the upload need it.
const STATION_JS: &str = include_str!("../static/station.js");

/// `/assets/station.js`: the station page's count form, camera and upload.
pub async fn station_js() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        STATION_JS,
    )
}

/// The count board's script (`static/count.js`): keeps the board current
/// from the API's server-sent events (see the file).
const COUNT_JS: &str = include_str!("../static/count.js");

/// `/assets/count.js`: the count board's live updates.
pub async fn count_js() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        COUNT_JS,
    )
}

/// The count board's stylesheet (`static/count.css`): big type for a
/// projector, only on that page.
const COUNT_CSS: &str = include_str!("../static/count.css");

/// `/assets/count.css`.
pub async fn count_css() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        COUNT_CSS,
    )
}
