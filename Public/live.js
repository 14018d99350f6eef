// The projector view: the page refreshes itself every 5 s without JavaScript (Refresh header).
// With JavaScript, a WebSocket says when something changed, and only the results are fetched again.
(function () {
  var root = document.querySelector('[data-live-socket]');
  if (!root || !window.WebSocket || !window.fetch) return;
  var results = document.getElementById('resultats');
  var page = window.location.pathname + '?js=1';
  // The header reload only matters without JS: load the JS version of the page once, then stay.
  if (window.location.search.indexOf('js=1') === -1) { window.location.replace(page); return; }
  function refresh() {
    fetch(page, { credentials: 'same-origin' }).then(function (r) { return r.text(); }).then(function (html) {
      var doc = new DOMParser().parseFromString(html, 'text/html');
      var fresh = doc.getElementById('resultats');
      if (fresh && results) results.innerHTML = fresh.innerHTML;
    });
  }
  // A burst of votes sends many messages: fetch at most once a second.
  var pending = null;
  function soon() {
    if (pending) return;
    pending = setTimeout(function () { pending = null; refresh(); }, 1000);
  }
  function connect() {
    var scheme = window.location.protocol === 'https:' ? 'wss://' : 'ws://';
    var ws = new WebSocket(scheme + window.location.host + root.getAttribute('data-live-socket'));
    ws.onmessage = soon;
    ws.onclose = function () { setTimeout(connect, 3000); };
  }
  var hint = root.querySelector('.no-js-refresh');
  if (hint) hint.hidden = true;
  connect();
})();
