/* Keeps a workshop page up to date by polling its state endpoint.

   Stateless HTTP: every second, GET the state URL with the ETag last seen;
   an unchanged workshop answers 304 at almost no cost. A changed one sends
   server-rendered HTML for each region of the page ([data-live-region]).
   - A region holding the focused element is left alone until the next change,
     so nobody loses their place.
   - A region marked data-live-morph (step 3's evidence and consensus, per barrier) is
     updated in place instead: only what changed is touched, and a form someone is in
     (holding the focus, or with anything typed in it: form[data-dirty]) is left exactly as
     it is, with its text, caret and focus; open or closed disclosures stay so. What
     changed is said once to a screen reader (data-live-says, [data-live-announce]).
   - When the facilitator moves the step, the page follows; but if a form on
     the page has unsaved typing (form[data-dirty]) it stays put and says so,
     at the top and beside each form of the step it left (form[data-step-form]), whose
     send buttons are disabled with the reason; the typing stays in the form.
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
  var pageStep = step;  // the step the page was drawn at
  var revision = holder.getAttribute("data-revision");
  var follow = holder.getAttribute("data-follow") !== "none";
  var etag = null;
  var timer = null;
  var busy = false;
  var pending = {};

  function regionsOnPage() {
    var names = [];
    document.querySelectorAll("[data-live-region]").forEach(function (el) {
      // "outcome/leadership/evidence" is asked for as "outcome": the server answers each
      // of its parts by its own name.
      var name = el.getAttribute("data-live-region").split("/")[0];
      if (names.indexOf(name) === -1) names.push(name);
    });
    return names;
  }

  function pollUrl() {
    if (url.indexOf("?r=") !== -1) return url;
    var names = regionsOnPage();
    return names.length ? url + (url.indexOf("?") === -1 ? "?" : "&") + "r=" + names.join(",") : url;
  }

  function regionNamed(name) {
    var found = null;
    document.querySelectorAll("[data-live-region]").forEach(function (el) {
      if (el.getAttribute("data-live-region") === name) found = el;
    });
    return found;
  }

  // ---------------------------------------------------------------- what someone is in

  function focused() {
    var el = document.activeElement;
    return el && el !== document.body && el !== document.documentElement ? el : null;
  }

  // Typing marks its form: live.js then neither replaces it nor takes the page away.
  // (autosave.js marks the rating forms the same way.)
  function markDirty(event) {
    var form = event.target && event.target.form;
    if (form && event.target.type !== "hidden") form.setAttribute("data-dirty", "");
  }
  document.addEventListener("input", markDirty);
  document.addEventListener("change", markDirty);

  function inUse(form) {
    var el = focused();
    return form.hasAttribute("data-dirty") || (el !== null && form.contains(el));
  }

  function holdsWhatIsInUse(node) {
    if (node.nodeType !== 1) return false;
    var el = focused();
    if (el !== null && node.contains(el)) return true;
    if (node.tagName === "FORM") return inUse(node);
    return node.querySelector("form[data-dirty]") !== null;
  }

  // ---------------------------------------------------------------- updating in place

  function keyOf(node) {
    if (node.nodeType !== 1) return null;
    return node.getAttribute("data-live-key") || node.id || null;
  }

  function sameKind(a, b) {
    return a.nodeType === b.nodeType && (a.nodeType !== 1 || a.tagName === b.tagName);
  }

  function syncAttributes(old, neu) {
    // A disclosure stays as the person left it, open or closed.
    var keep = old.tagName === "DETAILS" ? "open" : null;
    var i;
    for (i = old.attributes.length - 1; i >= 0; i--) {
      var name = old.attributes[i].name;
      if (name !== keep && !neu.hasAttribute(name)) old.removeAttribute(name);
    }
    for (i = 0; i < neu.attributes.length; i++) {
      var a = neu.attributes[i];
      if (a.name !== keep && old.getAttribute(a.name) !== a.value) old.setAttribute(a.name, a.value);
    }
  }

  function morphNode(old, neu) {
    if (old.nodeType !== 1) {
      if (old.nodeValue !== neu.nodeValue) old.nodeValue = neu.nodeValue;
      return;
    }
    if (old.tagName === "FORM" && inUse(old)) return;  // left exactly as it is
    syncAttributes(old, neu);
    morphChildren(old, neu);
  }

  function removeUnlessInUse(node) {
    if (!holdsWhatIsInUse(node)) node.parentNode.removeChild(node);
  }

  // Make old's children look like neu's, touching only what differs: a node is kept when
  // it matches (same key, or same kind in the same place), so the focused field is never
  // taken out of the page and put back (which would lose the focus).
  function morphChildren(old, neu) {
    var cursor = old.firstChild;
    var next;
    for (var child = neu.firstChild; child; child = next) {
      next = child.nextSibling;
      var key = keyOf(child);
      var match = null;
      var c;
      if (key !== null) {
        for (c = cursor; c; c = c.nextSibling) {
          if (keyOf(c) === key && sameKind(c, child)) { match = c; break; }
        }
      } else if (cursor && keyOf(cursor) === null && sameKind(cursor, child)) {
        match = cursor;
      }
      if (match) {
        while (cursor !== match) {  // what was before it is gone
          c = cursor;
          cursor = cursor.nextSibling;
          removeUnlessInUse(c);
        }
        morphNode(match, child);
        cursor = match.nextSibling;
      } else {
        old.insertBefore(child, cursor);  // new: moved over from the parsed HTML
      }
    }
    while (cursor) {
      c = cursor;
      cursor = cursor.nextSibling;
      removeUnlessInUse(c);
    }
  }

  function morph(el, html) {
    var parsed = document.createElement("template");
    parsed.innerHTML = html;
    morphChildren(el, parsed.content);
  }

  function swap(name, html) {
    var el = regionNamed(name);
    if (!el) return;
    if (el.hasAttribute("data-live-morph")) {
      morph(el, html);
      el.dispatchEvent(new CustomEvent("live:swapped", { bubbles: true }));
      return;
    }
    if (el.contains(document.activeElement) && document.activeElement !== document.body) {
      pending[name] = html;  // try again after focus leaves
      return;
    }
    delete pending[name];
    if (el.innerHTML === html) return;
    el.innerHTML = html;
    el.dispatchEvent(new CustomEvent("live:swapped", { bubbles: true }));
  }

  // ---------------------------------------------------------------- telling people

  var announceTimer = null;

  function announce(lines) {
    var box = document.querySelector("[data-live-announce]");
    if (!box || !lines.length) return;
    box.textContent = "";
    if (announceTimer !== null) window.clearTimeout(announceTimer);
    // Emptied, then filled a moment later: the same sentence twice is said twice.
    announceTimer = window.setTimeout(function () {
      announceTimer = null;
      box.textContent = lines.join(" ");
    }, 150);
  }

  function notice(state) {
    var box = document.querySelector("[data-live-notice]");
    if (!box) return;
    box.innerHTML = "";
    if (String(state.step) === pageStep) return;  // back where the page is
    var p = document.createElement("p");
    p.className = "alert alert-info";
    p.appendChild(document.createTextNode(
      "The facilitator has moved the workshop to step " + state.step + ": " + state.step_label +
      ". What you typed here is kept. "));
    p.appendChild(goTo(state));
    box.appendChild(p);
  }

  function goTo(state) {
    var a = document.createElement("a");
    a.className = "alert-link";  // the alert's own colour: a plain link fails contrast on its tint
    a.href = state.step_url;
    a.textContent = "Go to " + state.step_label;
    return a;
  }

  function sendButtons(form) {
    return form.querySelectorAll('button:not([type]), button[type="submit"], input[type="submit"]');
  }

  var noteCount = 0;

  // Each form of a step the workshop has left cannot be sent: its buttons are disabled,
  // with the reason beside them; what was typed stays in the form. The form someone is in
  // is told so through a status message, once. Back at the form's step, all is undone.
  function stepForms(state) {
    var moved = [];
    document.querySelectorAll("form[data-step-form]").forEach(function (form) {
      var note = form.querySelector("[data-step-moved-note]");
      if (form.getAttribute("data-step-form") === String(state.step)) {
        clearNotes(form);
        form.querySelectorAll("[data-step-disabled]").forEach(function (button) {
          button.disabled = false;
          button.removeAttribute("data-step-disabled");
          button.removeAttribute("aria-describedby");
        });
        return;
      }
      if (!note || note.getAttribute("data-step-moved-note") !== String(state.step)) {
        moved.push(form);
      }
    });
    var active = focused();
    var speaker = null;
    moved.forEach(function (form) {
      if (speaker === null && active !== null && form.contains(active)) speaker = form;
    });
    moved.forEach(function (form) {
      if (speaker === null && form.hasAttribute("data-dirty")) speaker = form;
    });
    moved.forEach(function (form) { noteBeside(form, state, form === speaker); });
  }

  function clearNotes(form) {
    form.querySelectorAll("[data-step-moved-note]").forEach(function (el) { el.remove(); });
  }

  function noteBeside(form, state, speaks) {
    clearNotes(form);
    var buttons = sendButtons(form);
    var moved = "The facilitator has moved the workshop to step " + state.step + ": " +
      state.step_label;
    var note = document.createElement("p");
    noteCount += 1;
    note.id = "step-moved-note-" + noteCount;
    note.className = "step-moved-note alert alert-warning py-2 px-3 small";
    note.setAttribute("data-step-moved-note", String(state.step));
    var text = moved + ", so this can no longer be sent." +
      (form.hasAttribute("data-dirty")
        ? (form.hasAttribute("data-autosave-url")
          ? " What you typed stays here and is kept as a draft. "
          : " What you typed stays here. ")
        : " ");
    // Where the person is: just below the part of a long form they are typing in (a key
    // action's row), else just above the button it disables.
    var active = focused();
    var group = active !== null && form.contains(active) ? active.closest("fieldset") : null;
    if (group !== null && form.contains(group)) {
      group.parentNode.insertBefore(note, group.nextSibling);
    } else if (buttons.length) {
      buttons[0].parentNode.insertBefore(note, buttons[0]);
    } else {
      form.appendChild(note);
    }
    if (buttons.length && note.nextElementSibling !== buttons[0]) {
      // The button further down says why it is disabled as well.
      var reason = document.createElement("p");
      reason.className = "step-moved-reason small mb-1";
      reason.setAttribute("data-step-moved-note", String(state.step));
      reason.textContent = "Not sent: " + moved.charAt(0).toLowerCase() + moved.slice(1) + ".";
      buttons[0].parentNode.insertBefore(reason, buttons[0]);
    }
    buttons.forEach(function (button) {
      if (button.disabled && !button.hasAttribute("data-step-disabled")) return;
      button.disabled = true;
      button.setAttribute("data-step-disabled", "");
      button.setAttribute("aria-describedby", note.id);
    });
    function fill() {
      note.appendChild(document.createTextNode(text));
      note.appendChild(goTo(state));
    }
    if (speaks) {
      // A status message of its own, beside the form: in the page first, then filled,
      // so that screen readers say it.
      note.setAttribute("role", "status");
      window.setTimeout(fill, 150);
    } else {
      fill();
    }
  }

  // A form whose step is over is not sent, even by Enter in a field.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.hasAttribute && form.hasAttribute("data-step-form") &&
        form.getAttribute("data-step-form") !== step) {
      event.preventDefault();
    }
  }, true);

  function apply(state) {
    // The page was rendered at some revision; the first poll only learns the ETag.
    if (String(state.revision) !== String(revision)) {
      var said = [];
      var says = state.says || {};
      Object.keys(state.regions || {}).forEach(function (name) {
        var el = regionNamed(name);
        if (el && name in says && el.hasAttribute("data-live-says") &&
            el.getAttribute("data-live-says") !== says[name]) {
          said.push(says[name]);
          el.setAttribute("data-live-says", says[name]);
        }
        swap(name, state.regions[name]);
      });
      announce(said);
      revision = String(state.revision);
      holder.setAttribute("data-revision", revision);
    }
    if (String(state.step) !== String(step)) {
      if (follow && !document.querySelector("form[data-dirty]")) {
        window.location.assign(state.step_url);
        return;
      }
      step = String(state.step);
      if (follow) {
        notice(state);
        stepForms(state);
      }
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
