/* Keeps a workshop page up to date by polling its state endpoint.

   Stateless HTTP: every second, GET the state URL with the ETag last seen;
   an unchanged workshop answers 304 at almost no cost. A changed one sends
   server-rendered HTML for each region of the page ([data-live-region]).
   - A region holding the focused element is left alone until the next change,
     so nobody loses their place.
   - When the facilitator moves the step, the page follows; but if a form on
     the page has unsaved typing (form[data-dirty]) it stays put and says so,
     so half-typed evidence is never thrown away.
   - Polling pauses while the tab is hidden.
   - When the server is briefly away (503, or no answer at all) the page says so and asks
     less often (doubling up to 15 s, or what Retry-After says), then carries on as before
     once it answers again. */
(function () {
  "use strict";

  var holder = document.querySelector("[data-live-state-url]");
  if (!holder || !window.fetch) return;

  var INTERVAL = 1000;
  var MAX_INTERVAL = 15000;
  var wait = INTERVAL;
  var failures = 0;
  var url = holder.getAttribute("data-live-state-url");
  var step = holder.getAttribute("data-step");
  var revision = holder.getAttribute("data-revision");
  var follow = holder.getAttribute("data-follow") !== "none";
  var etag = null;
  var timer = null;
  var busy = false;
  var pending = {};

  function regionsOnPage() {
    var names = [];
    document.querySelectorAll("[data-live-region]").forEach(function (el) {
      names.push(el.getAttribute("data-live-region"));
    });
    return names;
  }

  function pollUrl() {
    if (url.indexOf("?r=") !== -1) return url;
    var names = regionsOnPage();
    return names.length ? url + (url.indexOf("?") === -1 ? "?" : "&") + "r=" + names.join(",") : url;
  }

  function swap(name, html) {
    var el = document.querySelector('[data-live-region="' + name + '"]');
    if (!el) return;
    if (el.contains(document.activeElement) && document.activeElement !== document.body) {
      pending[name] = html;  // try again after focus leaves
      return;
    }
    delete pending[name];
    if (el.innerHTML === html) return;
    el.innerHTML = html;
    el.dispatchEvent(new CustomEvent("live:swapped", { bubbles: true }));
  }

  function notice(state) {
    var box = document.querySelector("[data-live-notice]");
    if (!box) return;
    box.innerHTML = "";
    var p = document.createElement("p");
    p.className = "alert alert-info";
    p.appendChild(document.createTextNode(
      "The facilitator has moved the workshop to step " + state.step + ": " + state.step_label +
      ". What you typed here is kept. "));
    var a = document.createElement("a");
    a.href = state.step_url;
    a.textContent = "Go to " + state.step_label;
    p.appendChild(a);
    box.appendChild(p);
  }

  function apply(state) {
    // The page was rendered at some revision; the first poll only learns the ETag.
    if (String(state.revision) !== String(revision)) {
      Object.keys(state.regions || {}).forEach(function (name) { swap(name, state.regions[name]); });
      revision = String(state.revision);
      holder.setAttribute("data-revision", revision);
    }
    if (String(state.step) !== String(step)) {
      if (follow && !document.querySelector("form[data-dirty]")) {
        window.location.assign(state.step_url);
        return;
      }
      step = String(state.step);
      if (follow) notice(state);
    }
  }

  function away(response) {
    // The server answered 503 (its database restarting) or not at all: ask less often.
    failures += 1;
    var retryAfter = response ? parseInt(response.headers.get("Retry-After"), 10) * 1000 : 0;
    wait = Math.min(MAX_INTERVAL, Math.max(wait * 2, retryAfter || 0));
    // One lost answer is a blip; say so from the second, or at once for a 503.
    if (response || failures > 1) unavailable(true);
  }

  function back() {
    failures = 0;
    wait = INTERVAL;
    unavailable(false);
  }

  function unavailable(shown) {
    var box = document.querySelector("[data-live-unavailable]");
    if (!shown) { if (box) box.remove(); return; }
    if (box) return;
    box = document.createElement("p");
    box.className = "alert alert-warning live-unavailable";
    box.setAttribute("role", "status");
    box.setAttribute("data-live-unavailable", "");
    box.textContent = "The server is briefly unavailable. This page keeps trying and " +
      "updates by itself when it is back." +
      (document.querySelector("form[data-autosave-url]")
        ? " What you type here is kept in this browser meanwhile." : "");
    holder.parentNode.insertBefore(box, holder.nextSibling);
  }

  function poll() {
    timer = null;
    if (document.hidden) return;
    busy = true;
    var headers = { "Accept": "application/json" };
    if (etag) headers["If-None-Match"] = etag;
    fetch(pollUrl(), { headers: headers, cache: "no-store", credentials: "same-origin" })
      .then(function (response) {
        if (response.status === 503) { away(response); return null; }
        if (response.status === 304) { back(); return null; }
        if (!response.ok || response.redirected) throw new Error("state " + response.status);
        back();
        etag = response.headers.get("ETag");
        return response.json();
      })
      .then(function (state) { if (state) apply(state); })
      .catch(function () { away(null); })
      .then(function () { busy = false; schedule(); });
  }

  function schedule() {
    if (timer === null && !document.hidden) timer = window.setTimeout(poll, wait);
  }

  function start() {
    if (timer === null && !busy) poll();
  }
  function stop() {
    if (timer !== null) { window.clearTimeout(timer); timer = null; }
  }

  document.addEventListener("visibilitychange", function () {
    if (document.hidden) stop(); else start();
  });
  document.addEventListener("focusout", function () {
    window.setTimeout(function () {
      Object.keys(pending).forEach(function (name) { swap(name, pending[name]); });
    }, 0);
  });
  // The first poll learns the ETag; the page itself is the current state.
  start();
})();
