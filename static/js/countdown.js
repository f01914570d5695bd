/* Shows the time left in the facilitator's timebox: mm:ss, updated every second. */
(function () {
  "use strict";
  function tick() {
    document.querySelectorAll("[data-timebox-ends]").forEach(function (el) {
      var left = Math.max(0, Math.round((Date.parse(el.getAttribute("data-timebox-ends")) - Date.now()) / 1000));
      var text = Math.floor(left / 60) + ":" + String(left % 60).padStart(2, "0");
      if (left === 0) text = "time is up";
      // Only the visible text changes every second; screen readers are not flooded.
      el.textContent = text;
    });
  }
  tick();
  window.setInterval(tick, 1000);
})();
