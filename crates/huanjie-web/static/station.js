/* The station page's one script (/assets/station.js; the page's CSP allows
   no inline script). Everything on the page works without it except the
   camera and the upload, which it shows only when it runs.

   1. The count form: the scanner's Enter after the serial moves on to the
      first mark without a reload, and each chosen mark's button is filled
      in (the others are outlined), so the clerk sees the ballot as marked.
   2. The camera: "用摄像头扫描二维码" opens the rear camera, and every
      300 ms a frame goes (as PNG) to the API's read-serial, which answers
      the serial once a QR code can be read; the serial field is filled,
      the camera stops and the first mark has the focus, as after a typed
      serial. No camera (or no permission, or a page not served over
      HTTPS) gets a plain message; the typed field still works.
   3. The upload: each chosen file's bytes go to the API's scan-images,
      one file at a time, and every page's outcome is listed (serial,
      receipt, a replayed receipt, waiting for a person with the reasons
      in words and a link to the queue, or why nothing was stored), with a
      running count of files and pages done.

   Text comes from the page (data-t-* attributes, in the page's language)
   and is set with textContent only, never as HTML. */
(function () {
  'use strict';
  var form = document.getElementById('scan-form');
  if (!form) { return; }
  var en = document.documentElement.lang === 'en';
  var serial = document.getElementById('scan-serial');
  var marks = form.querySelectorAll('label.mark');

  function fill(template, args) {
    var i = 0;
    return String(template || '').replace(/\{\}/g, function () {
      var a = args[i++];
      return a === undefined || a === null ? '' : String(a);
    });
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }

  function message(body, fallback) {
    var e = body && body.error;
    if (!e) { return fallback; }
    var text = (en ? e.message_en : e.message) || fallback;
    if (e.rule) { text += en ? ' (' + e.rule + ')' : '（' + e.rule + '）'; }
    return text;
  }

  function firstMark() {
    return form.querySelector('label.mark input') || document.getElementById('scan-submit');
  }

  // --- 1. the count form -------------------------------------------------
  function paint() {
    Array.prototype.forEach.call(marks, function (label) {
      var input = label.querySelector('input');
      label.classList.toggle('secondary', !input.checked);
      label.setAttribute('aria-pressed', input.checked ? 'true' : 'false');
    });
  }

  serial.addEventListener('keydown', function (event) {
    if (event.key !== 'Enter') { return; }
    event.preventDefault();
    var first = firstMark();
    if (first) { first.focus(); }
  });
  form.addEventListener('change', paint);
  paint();

  // --- 2. the camera -----------------------------------------------------
  var camera = document.getElementById('camera');
  if (camera) {
    var cameraText = function (key) { return camera.getAttribute('data-t-' + key) || ''; };
    var startBox = document.getElementById('camera-start-box');
    var start = document.getElementById('camera-start');
    var view = document.getElementById('camera-view');
    var video = document.getElementById('camera-video');
    var stop = document.getElementById('camera-stop');
    var status = document.getElementById('camera-status');
    var readUrl = camera.getAttribute('data-api');
    var canvas = document.createElement('canvas');
    var stream = null;
    var timer = null;
    var busy = false;

    video.style.width = '100%';
    video.style.maxWidth = '32rem';
    video.style.display = 'block';
    startBox.hidden = false;

    var say = function (text, alert) {
      status.textContent = text;
      status.className = alert ? 'alert' : 'hint';
      status.hidden = !text;
    };

    var close = function () {
      if (timer) { clearInterval(timer); timer = null; }
      if (stream) {
        stream.getTracks().forEach(function (track) { track.stop(); });
        stream = null;
      }
      video.srcObject = null;
      view.hidden = true;
      start.disabled = false;
    };

    var found = function (text) {
      close();
      serial.value = text;
      say(fill(cameraText('read'), [text]), false);
      var first = firstMark();
      if (first) { first.focus(); }
    };

    var grab = function () {
      if (busy || !stream || video.readyState < 2 || !video.videoWidth) { return; }
      // At most 1280 pixels wide: a QR code filling a quarter of the frame
      // reads well at that size, and the picture stays small.
      var scale = Math.min(1, 1280 / video.videoWidth);
      canvas.width = Math.round(video.videoWidth * scale);
      canvas.height = Math.round(video.videoHeight * scale);
      canvas.getContext('2d').drawImage(video, 0, 0, canvas.width, canvas.height);
      busy = true;
      canvas.toBlob(function (blob) {
        if (!blob || !stream) { busy = false; return; }
        fetch(readUrl, {
          method: 'POST',
          credentials: 'same-origin',
          headers: { 'content-type': 'image/png' },
          body: blob
        }).then(function (response) {
          return response.json().catch(function () { return null; }).then(function (body) {
            busy = false;
            if (!stream) { return; }
            if (response.ok && body && body.serial) {
              found(body.serial);
            } else if (response.status !== 422) {
              // Signed out, or not this station's: stop asking.
              close();
              say(message(body, cameraText('unavailable')), true);
            }
          });
        }, function () { busy = false; });
      }, 'image/png');
    };

    start.addEventListener('click', function () {
      var media = navigator.mediaDevices;
      if (!media || !media.getUserMedia) {
        say(cameraText('unavailable'), true);
        return;
      }
      start.disabled = true;
      say(cameraText('hint'), false);
      media.getUserMedia({ video: { facingMode: 'environment' }, audio: false })
        .then(function (s) {
          stream = s;
          video.muted = true;
          video.setAttribute('playsinline', '');
          video.srcObject = s;
          view.hidden = false;
          var playing = video.play();
          if (playing && playing.catch) { playing.catch(function () {}); }
          timer = setInterval(grab, 300);
        }, function () {
          close();
          say(cameraText('unavailable'), true);
        });
    });
    stop.addEventListener('click', function () {
      close();
      say('', false);
    });
  }

  // --- 3. the upload -----------------------------------------------------
  var upload = document.getElementById('upload');
  if (!upload || !window.fetch) { return; }
  var uploadText = function (key) { return upload.getAttribute('data-t-' + key) || ''; };
  var uploadForm = document.getElementById('upload-form');
  var files = document.getElementById('upload-files');
  var paper = document.getElementById('upload-paper');
  var submit = document.getElementById('upload-submit');
  var box = document.getElementById('upload-status');
  var bar = document.getElementById('upload-progress');
  var count = document.getElementById('upload-count');
  var reading = document.getElementById('upload-reading');
  var results = document.getElementById('upload-results');
  var scanned = document.getElementById('station-scanned');
  document.getElementById('upload-needs-js').hidden = true;
  document.getElementById('upload-box').hidden = false;

  function label(position) {
    var set = document.getElementById('contest-' + position);
    return (set && set.getAttribute('data-label')) || position;
  }

  function candidate(position, row) {
    var name = document.querySelector('#cand-' + position + '-' + row + ' .cand-name');
    return name ? name.textContent : '';
  }

  // Why a ballot waits, in words (as the review queue says it).
  function reason(r) {
    switch (r.kind) {
      case 'unreadable': return uploadText('reason-unreadable');
      case 'ambiguous':
        return fill(uploadText('reason-ambiguous'), [label(r.position), r.row,
          candidate(r.position, r.row), uploadText('choice-' + r.choice) || r.choice]);
      case 'row_overvote':
        return fill(uploadText('reason-overvote'), [label(r.position), r.row,
          candidate(r.position, r.row)]);
      case 'write_in': return fill(uploadText('reason-write-in'), [label(r.position), r.index + 1]);
      case 'placement': return uploadText('reason-placement');
      default: return r.kind;
    }
  }

  function show(name, page) {
    var item = el('li', 'upload-page');
    var head = el('p', null);
    head.appendChild(el('strong', 'upload-where', fill(uploadText('page'), [name, page.page])));
    if (page.serial) {
      head.appendChild(document.createTextNode(' · '));
      head.appendChild(el('code', 'upload-serial', fill(uploadText('serial'), [page.serial])));
    }
    item.appendChild(head);
    var r = page.receipt;
    if (page.error || !r) {
      item.setAttribute('data-state', 'error');
      item.appendChild(el('p', 'alert upload-outcome', message({ error: page.error }, uploadText('failed'))));
    } else {
      item.setAttribute('data-receipt', r.number);
      if (!r.replayed && scanned) {
        scanned.textContent = String((parseInt(scanned.textContent, 10) || 0) + 1);
      }
      var waits = page.reasons && page.reasons.length;
      var text = fill(uploadText(r.replayed ? 'replayed' : waits ? 'stored' : 'counted'), [r.number]);
      if (!waits) {
        item.setAttribute('data-state', r.replayed ? 'replayed' : 'counted');
        item.appendChild(el('p', 'notice upload-outcome', text));
      } else {
        // Stored, counted as cast; its marks count once a person decides.
        item.setAttribute('data-state', 'review');
        var review = el('div', 'alert upload-review');
        var line = el('p', 'upload-outcome');
        line.appendChild(el('strong', null, uploadText('review')));
        line.appendChild(document.createTextNode(' · ' + text));
        review.appendChild(line);
        var why = el('ul', 'upload-reasons');
        page.reasons.forEach(function (x) { why.appendChild(el('li', null, reason(x))); });
        review.appendChild(why);
        var link = el('a', 'upload-review-link', uploadText('review-link'));
        link.href = upload.getAttribute('data-reviews');
        review.appendChild(el('p', null)).appendChild(link);
        item.appendChild(review);
      }
    }
    results.appendChild(item);
  }

  function failed(name, text) {
    var item = el('li', 'upload-page');
    item.setAttribute('data-state', 'error');
    item.appendChild(el('p', null)).appendChild(el('strong', 'upload-where', name));
    item.appendChild(el('p', 'alert upload-outcome', text));
    results.appendChild(item);
  }

  uploadForm.addEventListener('submit', function (event) {
    event.preventDefault();
    var list = Array.prototype.slice.call(files.files || []);
    if (!list.length) { return; }
    var url = upload.getAttribute('data-api') + (paper.value === 'a3' ? '?paper=a3' : '');
    var done = 0;
    var pages = 0;
    submit.disabled = true;
    files.disabled = true;
    box.hidden = false;
    results.textContent = '';
    bar.max = list.length;

    function progress() {
      bar.value = done;
      count.textContent = fill(uploadText('progress'), [done, list.length, pages]);
    }

    function next() {
      progress();
      if (done >= list.length) {
        reading.textContent = '';
        submit.disabled = false;
        files.disabled = false;
        files.value = '';
        upload.setAttribute('data-done', 'true');
        return;
      }
      var file = list[done];
      reading.textContent = fill(uploadText('reading'), [file.name]);
      fetch(url, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'content-type': file.type || 'application/octet-stream' },
        body: file
      }).then(function (response) {
        return response.json().catch(function () { return null; }).then(function (body) {
          if (response.ok && body && body.pages) {
            body.pages.forEach(function (page) { show(file.name, page); });
            pages += body.pages.length;
          } else {
            failed(file.name, message(body, uploadText('failed')));
          }
        });
      }, function () {
        failed(file.name, uploadText('failed'));
      }).then(function () {
        done += 1;
        next();
      });
    }

    upload.removeAttribute('data-done');
    next();
  });
})();
