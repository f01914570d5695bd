/* Shows the time left in the facilitator's timebox: mm:ss, updated every second. */
(function () {
  "use strict";
  var before = {};  // seconds left at the last tick, per end time

  // Screen readers hear the two moments that matter, once each, not every second.
  function announce(text) {
    var box = document.querySelector("[data-timebox-announce]");
    if (box) box.textContent = text;
  }

  function tick() {
    document.querySelectorAll("[data-timebox-ends]").forEach(function (el) {
      var ends = el.getAttribute("data-timebox-ends");
      var left = Math.max(0, Math.round((Date.parse(ends) - Date.now()) / 1000));
      var text = Math.floor(left / 60) + ":" + String(left % 60).padStart(2, "0");
      if (left === 0) text = "time is up";
      // Only the visible text changes every second; screen readers are not flooded.
      el.textContent = text;
      var was = before[ends];
      if (was !== undefined && was > 0 && left === 0) announce("Time is up for this step.");
      else if (was !== undefined && was > 60 && left <= 60) announce("One minute left for this step.");
      before[ends] = left;
    });
  }
  tick();
  window.setInterval(tick, 1000);
})();
