/* Nothing typed is lost. Each rating form (form[data-autosave-url]) is saved as a draft as
   the participant types (debounced), and:
   - a copy is kept in this browser (localStorage, keyed per user, workshop and barrier:
     data-autosave-key) from the first keystroke until the server has it;
   - a save that fails (the server briefly away, the connection down, signed out) is tried
     again on a timer, waiting longer each time (2 s doubling to 30 s, or Retry-After),
     until it succeeds;
   - a copy the server never got (the tab closed, the browser crashed) is offered back when
     the page opens again;
   - closing the tab while anything is unsaved asks first (beforeunload), and sends what it
     can on the way out.
   Marks the form data-dirty on the first keystroke: live.js then leaves the page alone. */
(function () {
  "use strict";
  var DELAY = 800;
  var FIRST_RETRY = 2000;
  var MAX_RETRY = 30000;

  var storage = (function () {
    try {
      var probe = "breakthrough:probe";
      window.localStorage.setItem(probe, probe);
      window.localStorage.removeItem(probe);
      return window.localStorage;
    } catch (e) {
      return null;  // private mode, or storage refused: the retries still hold the text
    }
  })();
  var savers = [];
  var submitting = false;

  function counter(textarea) {
    var out = document.querySelector('[data-count-for="' + textarea.id + '"]');
    if (!out) return;
    var max = parseInt(textarea.getAttribute("maxlength"), 10) || 2000;
    out.textContent = textarea.value.length + " of " + max + " characters";
  }

  function valuesOf(form) {
    var checked = form.querySelector('input[name="stage"]:checked');
    var evidence = form.querySelector('textarea[name="evidence"]');
    var ticked = [];
    form.querySelectorAll('input[name="descriptors"]:checked').forEach(function (box) {
      ticked.push(box.value);
    });
    return {
      stage: checked ? checked.value : "",
      evidence: evidence ? evidence.value : "",
      descriptors: ticked.sort()
    };
  }

  function sameValues(a, b) {
    return a.stage === b.stage && a.evidence === b.evidence &&
      a.descriptors.join(",") === b.descriptors.join(",");
  }

  function fill(form, values) {
    form.querySelectorAll('input[name="stage"]').forEach(function (radio) {
      radio.checked = radio.value === values.stage;
    });
    var evidence = form.querySelector('textarea[name="evidence"]');
    if (evidence) { evidence.value = values.evidence; counter(evidence); }
    form.querySelectorAll('input[name="descriptors"]').forEach(function (box) {
      box.checked = values.descriptors.indexOf(box.value) !== -1;
    });
  }

  function clock(date) {
    return date.toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit" });
  }

  function Saver(form) {
    var self = this;
    var url = form.getAttribute("data-autosave-url");
    var key = form.getAttribute("data-autosave-key");
    var status = form.querySelector(".autosave-status");
    var timer = null;
    var inFlight = false;
    var changes = 0;     // how many edits so far
    var savedUpTo = 0;   // the edits the server has
    var retryIn = FIRST_RETRY;

    function say(text) { if (status) status.textContent = text; }

    function keep() {
      if (!storage || !key) return;
      try {
        storage.setItem(key, JSON.stringify({ values: valuesOf(form), at: Date.now() }));
      } catch (e) { /* storage full: the retries still hold the text */ }
    }

    function forget() { if (storage && key) storage.removeItem(key); }

    function later(ms) {
      if (timer) window.clearTimeout(timer);
      timer = window.setTimeout(save, ms);
    }

    function save() {
      timer = null;
      if (inFlight) return;  // it saves again when this one answers
      inFlight = true;
      var sending = changes;
      fetch(url, {
        method: "POST", body: new FormData(form), credentials: "same-origin",
        headers: { "Accept": "application/json" }
      })
        .then(function (r) {
          // Sent to the sign-in page: the session has ended. Keep trying, slowly: signing
          // in again in another tab brings it back.
          if (r.redirected && r.url.indexOf("/accounts/login/") !== -1) {
            throw { retry: true, signedOut: true };
          }
          if (r.status === 400 || r.status === 403 || r.status === 404) {
            // A refusal that says why (a NUL character pasted in, breakthrough/middleware.py).
            return r.json().then(
              function (data) { throw { retry: false, message: data && data.error }; },
              function () { throw { retry: false }; });
          }
          if (!r.ok) {
            throw { retry: true, after: parseInt(r.headers.get("Retry-After"), 10) * 1000 };
          }
          return r.json();
        })
        .then(function (data) {
          inFlight = false;
          retryIn = FIRST_RETRY;
          if (sending > savedUpTo) savedUpTo = sending;
          if (changes > savedUpTo) { later(DELAY); return; }  // typed on meanwhile
          forget();
          say("Draft saved at " + data.at + ".");
        })
        .catch(function (why) {
          inFlight = false;
          why = why || {};
          if (why.retry === false) {
            say(why.message
              ? "Not saved: " + why.message
              : "Not saved: this draft can no longer be changed here. Your text stays on this page.");
            return;
          }
          var wait = Math.max(retryIn, why.after || 0);
          if (why.signedOut) wait = MAX_RETRY;
          retryIn = Math.min(MAX_RETRY, retryIn * 2);
          say(why.signedOut
            ? "Not saved: you have been signed out. Sign in again in a new tab; we keep trying, and your text is kept in this browser."
            : "Not saved yet: the server cannot be reached. Trying again in " + Math.round(wait / 1000) +
              " s; your text is kept in this browser.");
          later(wait);
        });
    }

    function changed() {
      form.setAttribute("data-dirty", "");
      changes += 1;
      keep();
      if (!inFlight) later(DELAY);
      say("");
    }

    function offer(saved) {
      var box = document.createElement("div");
      box.className = "alert alert-warning autosave-offer";
      box.setAttribute("role", "alert");
      var p = document.createElement("p");
      p.className = "mb-2";
      p.textContent = "You typed something here at " + clock(new Date(saved.at)) +
        " that may not have reached the server. Put it back?";
      var restore = document.createElement("button");
      restore.type = "button";
      restore.className = "btn btn-sm btn-primary me-2";
      restore.textContent = "Put back what I typed";
      var discard = document.createElement("button");
      discard.type = "button";
      discard.className = "btn btn-sm btn-outline-dark";  // secondary fails contrast on the warning
      discard.textContent = "Keep what is shown";
      box.appendChild(p);
      box.appendChild(restore);
      box.appendChild(discard);
      form.insertBefore(box, form.firstChild);
      restore.addEventListener("click", function () {
        fill(form, saved.values);
        box.remove();
        changed();
        var evidence = form.querySelector("textarea");
        if (evidence) evidence.focus();
      });
      discard.addEventListener("click", function () {
        forget();
        box.remove();
      });
    }

    // A copy from last time: offered back if it is not what the page shows already.
    if (storage && key) {
      var saved = null;
      try { saved = JSON.parse(storage.getItem(key)); } catch (e) { saved = null; }
      if (saved && saved.values) {
        if (sameValues(saved.values, valuesOf(form))) forget(); else offer(saved);
      }
    }

    form.addEventListener("input", function (event) {
      if (event.target.tagName === "TEXTAREA") counter(event.target);
      changed();
    });
    form.addEventListener("change", changed);
    var submitted = false;
    form.addEventListener("submit", function () {
      // The submit carries this form's text (a draft saved after it would read as changes
      // not yet submitted); the other forms' go by beacon.
      submitting = submitted = true;
      if (timer) window.clearTimeout(timer);
      timer = null;
    });
    form.querySelectorAll("textarea").forEach(counter);

    self.unsaved = function () { return changes > savedUpTo; };
    self.beacon = function () {
      // The page is going: hand the server what it has not got, without waiting for an
      // answer. The copy in this browser stays until a later page sees the server has it.
      if (!submitted && self.unsaved() && navigator.sendBeacon) {
        navigator.sendBeacon(url, new FormData(form));
      }
    };
  }

  document.querySelectorAll("form[data-autosave-url]").forEach(function (form) {
    savers.push(new Saver(form));
  });
  if (!savers.length) return;

  function anyUnsaved() {
    return savers.some(function (s) { return s.unsaved(); });
  }

  window.addEventListener("beforeunload", function (event) {
    if (submitting || !anyUnsaved()) return;
    event.preventDefault();
    event.returnValue = "";  // the browser's own "Leave site? Changes may not be saved"
  });
  window.addEventListener("pagehide", function () {
    savers.forEach(function (s) { s.beacon(); });
  });
})();
