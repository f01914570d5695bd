/* The preparing page of a PDF not drawn yet: follows the render through its status
   endpoint (a second or so between asks, longer while the server is away), moves the
   bar, then fetches the file itself. The page stays: a download does not replace it.
   Without JavaScript the page refreshes instead (its noscript meta refresh). */
(function () {
  "use strict";

  var box = document.querySelector("[data-pdf-status-url]");
  if (!box || !window.fetch) return;

  var statusUrl = box.getAttribute("data-pdf-status-url");
  var pdfUrl = box.getAttribute("data-pdf-url");
  var expected = parseInt(box.getAttribute("data-expected-ms"), 10) || 4000;
  var bar = box.querySelector("[data-pdf-progress]");
  var fill = bar ? bar.querySelector(".progress-bar") : null;
  var said = box.querySelector("[data-pdf-state]");
  var heading = box.querySelector("[data-pdf-heading]");
  var INTERVAL = 700;
  var MAX_WAIT = 15000;
  var wait = INTERVAL;

  function progress(percent) {
    if (!bar) return;
    percent = Math.max(0, Math.min(100, Math.round(percent)));
    bar.setAttribute("aria-valuenow", String(percent));
    if (fill) fill.style.width = percent + "%";
  }

  function say(text) { if (said) said.textContent = text; }

  function ready() {
    progress(100);
    if (fill) fill.classList.remove("progress-bar-animated");
    if (heading) heading.textContent = heading.textContent.replace("Preparing", "Ready:").replace("…", "");
    say("Ready: the download is starting. If it does not, use the link below.");
    window.location.assign(pdfUrl);
  }

  function show(state) {
    if (state.state === "ready") { ready(); return true; }
    if (state.state === "failed") {
      say("It could not be prepared; the error has been logged. Try again later.");
      return true;
    }
    if (state.state === "rendering") {
      // An estimate from how long the last renders took: it never claims to be done.
      progress(10 + 85 * Math.min(1, state.elapsed_ms / Math.max(expected, 1)));
      say("Being drawn now.");
    } else {
      progress(5);
      say(state.ahead ? "Waiting for " + state.ahead + " other document" + (state.ahead === 1 ? "" : "s") + " ahead of it." : "About to be drawn.");
    }
    return false;
  }

  function ask() {
    fetch(statusUrl, { headers: { "Accept": "application/json" }, cache: "no-store", credentials: "same-origin" })
      .then(function (response) {
        if (response.status === 503) {
          wait = Math.min(MAX_WAIT, wait * 2);
          say("The server is briefly unavailable; asking again in " + Math.round(wait / 1000) + " s.");
          return null;
        }
        if (!response.ok || response.redirected) throw new Error("status " + response.status);
        wait = INTERVAL;
        return response.json();
      })
      .then(function (state) {
        if (state && show(state)) return;
        window.setTimeout(ask, wait);
      })
      .catch(function () {
        wait = Math.min(MAX_WAIT, wait * 2);
        window.setTimeout(ask, wait);
      });
  }

  window.setTimeout(ask, INTERVAL);
})();
