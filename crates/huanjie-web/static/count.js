/* The count board's one script (/assets/count.js). The page is rendered
   from the board as it stood; this keeps it current: an EventSource on the
   API's event stream (same origin, so the session or station cookie goes
   with it), and every `count` event rewrites the numbers in place. Names
   are set with textContent only, never as HTML. The browser reconnects a
   dropped stream by itself; meanwhile the page says "reconnecting". */
(function () {
  'use strict';
  var root = document.getElementById('board');
  if (!root || !window.EventSource) { return; }
  var url = root.getAttribute('data-events');
  var en = document.documentElement.lang === 'en';
  var live = document.getElementById('board-live');
  var updated = document.getElementById('board-updated');
  var hidden = document.getElementById('board-hidden');
  var contests = document.getElementById('board-contests');
  var counted = document.getElementById('board-counted');
  var pending = document.getElementById('board-pending');
  var stationBody = document.querySelector('#board-stations tbody');

  function t(key) { return root.getAttribute('data-t-' + key) || ''; }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }

  function put(e, text) {
    var s = String(text);
    if (e && e.textContent !== s) { e.textContent = s; }
  }

  function status(state) {
    live.setAttribute('data-state', state);
    put(live, t(state));
  }

  function clock() {
    try {
      return new Date().toLocaleTimeString(en ? 'en-GB' : 'zh-CN',
        { hour12: false, timeZone: 'Asia/Shanghai' });
    } catch (e) {
      return new Date().toTimeString().slice(0, 8);
    }
  }

  function station(s) {
    var id = 'board-station-' + s.code;
    var tr = document.getElementById(id);
    if (!tr) {
      tr = el('tr');
      tr.id = id;
      tr.appendChild(el('td', 'station-name'));
      tr.appendChild(el('td', 'station-polls'));
      tr.appendChild(el('td', 'num station-issued'));
      tr.appendChild(el('td', 'num station-counted'));
      tr.appendChild(el('td', 'num station-pending'));
    }
    put(tr.querySelector('.station-name'), s.name);
    var polls = tr.querySelector('.station-polls');
    polls.setAttribute('data-polls', s.polls);
    put(polls, t('polls-' + s.polls) || s.polls);
    put(tr.querySelector('.station-issued'), s.issued);
    put(tr.querySelector('.station-counted'), s.counted);
    put(tr.querySelector('.station-pending'), s.pending);
    return tr;
  }

  function contest(c) {
    var section = el('section', 'board-contest');
    section.id = 'board-contest-' + c.position;
    var h = el('h2');
    h.appendChild(el('span', 'contest-label', t('pos-' + c.position) || c.label));
    h.appendChild(document.createTextNode(' · '));
    h.appendChild(el('span', 'contest-seats', t('seats').replace('{}', String(c.seats))));
    section.appendChild(h);
    var table = el('table', 'board-table');
    var head = el('tr');
    head.appendChild(el('th', null, t('candidate')));
    ['for', 'against', 'abstain'].forEach(function (k) { head.appendChild(el('th', 'num', t(k))); });
    table.appendChild(el('thead')).appendChild(head);
    var body = el('tbody');
    c.rows.forEach(function (r) {
      var tr = el('tr', 'board-row');
      tr.setAttribute('data-person', r.person);
      tr.appendChild(el('td', 'cand-name', r.name));
      tr.appendChild(el('td', 'num votes-for', r['for']));
      tr.appendChild(el('td', 'num votes-against', r.against));
      tr.appendChild(el('td', 'num votes-abstain', r.abstain));
      body.appendChild(tr);
    });
    table.appendChild(body);
    section.appendChild(table);
    var v = el('p', 'board-void', t('void') + ' ');
    v.appendChild(el('span', 'void-count', c.void_ballots));
    section.appendChild(v);
    return section;
  }

  function show(board) {
    put(counted, board.counted);
    put(pending, board.pending);
    board.stations.forEach(function (s) { stationBody.appendChild(station(s)); });
    var because = board.hidden_because;
    put(hidden, because ? (en ? because.en : because.zh) : '');
    hidden.hidden = !board.totals_hidden;
    while (contests.firstChild) { contests.removeChild(contests.firstChild); }
    board.contests.forEach(function (c) { contests.appendChild(contest(c)); });
    if (!board.totals_hidden && board.contests.length === 0) {
      var none = el('p', 'muted', t('no-contests'));
      none.id = 'board-no-contests';
      contests.appendChild(none);
    }
    put(updated, clock());
  }

  function connect() {
    var source = new EventSource(url);
    source.addEventListener('open', function () { status('live'); });
    source.addEventListener('count', function (event) {
      var board;
      try { board = JSON.parse(event.data); } catch (e) { return; }
      if (!board || !board.stations) { return; }
      show(board);
      status('live');
    });
    source.addEventListener('error', function () {
      status('reconnecting');
      // A refused or broken answer closes the stream for good: start again.
      if (source.readyState === EventSource.CLOSED) {
        source.close();
        setTimeout(connect, 5000);
      }
    });
  }

  connect();
})();
