/* Saves what a participant types as a draft, as they type (debounced), so that
   nothing is lost on a reload, a lost connection or the facilitator moving on.
   Marks the form data-dirty on the first keystroke: live.js then leaves the page alone. */
(function () {
  "use strict";
  var DELAY = 800;

  function counter(textarea) {
    var out = document.querySelector('[data-count-for="' + textarea.id + '"]');
    if (!out) return;
    var max = parseInt(textarea.getAttribute("maxlength"), 10) || 2000;
    out.textContent = textarea.value.length + " of " + max + " characters";
  }

  document.querySelectorAll("form[data-autosave-url]").forEach(function (form) {
    var timer = null;
    var status = form.querySelector(".autosave-status");
    var url = form.getAttribute("data-autosave-url");

    function save() {
      timer = null;
      var body = new FormData(form);
      fetch(url, { method: "POST", body: body, credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (r) {
          // Sent to the sign-in page: the session has ended, and trying again will not help.
          if (r.redirected && r.url.indexOf("/accounts/login/") !== -1) return Promise.reject("signed out");
          if (r.ok) return r.json();
          // A refusal that says why (a NUL character pasted in, breakthrough/middleware.py).
          return r.json().then(
            function (data) { return Promise.reject(data && data.error ? { message: data.error } : r.status); },
            function () { return Promise.reject(r.status); });
        })
        .then(function (data) { if (status) status.textContent = "Draft saved at " + data.at + "."; })
        .catch(function (why) {
          if (!status) return;
          status.textContent = why === "signed out"
            ? "Not saved: you have been signed out. Sign in again in a new tab, then come back here: your text stays on this page."
            : why && why.message
              ? "Not saved: " + why.message
              : "Not saved yet: the connection seems down. Keep typing; we will try again.";
        });
    }

    function changed() {
      form.setAttribute("data-dirty", "");
      if (timer) window.clearTimeout(timer);
      timer = window.setTimeout(save, DELAY);
    }

    form.addEventListener("input", function (event) {
      if (event.target.tagName === "TEXTAREA") counter(event.target);
      changed();
    });
    form.addEventListener("change", changed);
    form.addEventListener("submit", function () { if (timer) window.clearTimeout(timer); });
    form.querySelectorAll("textarea").forEach(counter);
    window.addEventListener("beforeunload", function () { if (timer) save(); });
  });
})();
