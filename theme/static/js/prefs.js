/* The reader's display preferences: 大字 (large text, 150 %) and 高对比
   (high contrast), remembered on this device. Loaded in <head> without
   defer so a saved preference applies before the first paint (no flash);
   the two buttons are in the page, hidden, and shown only by this script:
   without JavaScript the site is fully usable as it is. No overlay, no
   third-party code, nothing leaves the device. */
(function () {
  "use strict";
  var KEY = "portal-prefs";
  var CLASSES = { large: "large-text", contrast: "high-contrast" };
  var root = document.documentElement;

  function load() {
    try { return JSON.parse(window.localStorage.getItem(KEY)) || {}; } catch (e) { return {}; }
  }
  function save(prefs) {
    try { window.localStorage.setItem(KEY, JSON.stringify(prefs)); } catch (e) { /* private mode: this page only */ }
  }
  function apply(prefs) {
    for (var name in CLASSES) {
      if (!CLASSES.hasOwnProperty(name)) continue;
      var on = prefs[name] === true;
      if (root.classList) root.classList.toggle(CLASSES[name], on);
    }
  }

  var prefs = load();
  apply(prefs);

  function wire() {
    var bar = document.querySelector("[data-prefs]");
    if (!bar || !root.classList) return;
    var buttons = bar.querySelectorAll("button[data-pref]");
    Array.prototype.forEach.call(buttons, function (button) {
      var name = button.getAttribute("data-pref");
      if (!CLASSES.hasOwnProperty(name)) return;
      button.setAttribute("aria-pressed", prefs[name] === true ? "true" : "false");
      button.addEventListener("click", function () {
        prefs = load();  // another tab may have changed the other preference
        prefs[name] = button.getAttribute("aria-pressed") !== "true";
        save(prefs);
        apply(prefs);
        button.setAttribute("aria-pressed", prefs[name] ? "true" : "false");
      });
    });
    bar.hidden = false;
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", wire);
  else wire();
})();
