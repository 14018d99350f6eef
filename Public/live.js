// The projector view: the page refreshes itself every 5 s without JavaScript (Refresh header).
// With JavaScript, a WebSocket says when something changed, and only the results are fetched again.
// While the WebSocket is not open (refused, closed, not yet connected), the results are fetched
// every 5 s instead; while it is open, at least every 30 s (a socket held by another instance of
// the server hears nothing of the votes sent to this one).
(function () {
  var root = document.querySelector('[data-live-socket]');
  if (!root || !window.fetch) return;
  var results = document.getElementById('resultats');
  var page = window.location.pathname + '?js=1';
  // The header reload only matters without JS: load the JS version of the page once, then stay.
  if (window.location.search.indexOf('js=1') === -1) { window.location.replace(page); return; }
  // One fetch in flight at most, and at most one every 250 ms: the first vote of a burst shows
  // at once, the following ones within a quarter of a second of the previous fetch.
  var busy = false, again = false, pending = null, last = 0;
  function refresh() {
    busy = true;
    last = Date.now();
    fetch(page, { credentials: 'same-origin' }).then(function (r) { return r.text(); }).then(function (html) {
      var doc = new DOMParser().parseFromString(html, 'text/html');
      var fresh = doc.getElementById('resultats');
      if (fresh && results) results.innerHTML = fresh.innerHTML;
    }).catch(function () {}).then(function () {
      busy = false;
      if (again) { again = false; soon(); }
    });
  }
  function soon() {
    if (busy) { again = true; return; }
    if (pending) return;
    pending = setTimeout(function () { pending = null; refresh(); }, Math.max(0, last + 250 - Date.now()));
  }
  // The fallback: every 5 s, fetch unless the socket is open and a fetch happened within 30 s.
  var open = false;
  setInterval(function () {
    if (!open || Date.now() - last >= 30000) soon();
  }, 5000);
  function connect() {
    if (!window.WebSocket) return;
    var scheme = window.location.protocol === 'https:' ? 'wss://' : 'ws://';
    var ws;
    try {
      ws = new WebSocket(scheme + window.location.host + root.getAttribute('data-live-socket'));
    } catch (e) {
      setTimeout(connect, 3000);
      return;
    }
    // Once open, fetch at once: what changed while it was closed shows without waiting.
    ws.onopen = function () { open = true; soon(); };
    ws.onmessage = soon;
    ws.onclose = function () { open = false; setTimeout(connect, 3000); };
  }
  var hint = root.querySelector('.no-js-refresh');
  if (hint) hint.hidden = true;
  connect();
})();
