/* dropspace: small progressive enhancements. Every page works without this file. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  var CLOSE_ICON =
    '<svg class="icon" width="16" height="16" viewBox="0 0 24 24" fill="none" stroke="currentColor" ' +
    'stroke-width="2" stroke-linecap="round" aria-hidden="true"><path d="M6 6l12 12M18 6 6 18"/></svg>';

  // Copy buttons: <button data-copy="text"> or <button data-copy-target="#id">.
  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    // http:// on a LAN address has no async clipboard API: fall back to a hidden textarea.
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    var ok = document.execCommand("copy");
    document.body.removeChild(area);
    return ok ? Promise.resolve() : Promise.reject(new Error("copy failed"));
  }

  function copySource(button) {
    if (button.dataset.copy) return button.dataset.copy;
    var target = document.querySelector(button.dataset.copyTarget);
    return target ? (target.value || target.textContent).trim() : "";
  }

  function flashLabel(button, text) {
    var label = button.querySelector("[data-copy-label]") || button;
    var original = label.dataset.original || label.textContent;
    label.dataset.original = original;
    label.textContent = text;
    window.setTimeout(function () { label.textContent = original; }, 2000);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy], [data-copy-target]");
    if (!button) return;
    event.preventDefault();
    copyText(copySource(button)).then(
      function () { flashLabel(button, "Copied"); },
      function () { flashLabel(button, "Press Ctrl+C"); }
    );
  });

  // Dismissible alerts: add a close button to every [data-dismissible].
  function enhanceAlerts(root) {
    root.querySelectorAll("[data-dismissible]:not([data-enhanced])").forEach(function (alert) {
      alert.dataset.enhanced = "";
      var close = document.createElement("button");
      close.type = "button";
      close.className = "alert-dismiss";
      close.setAttribute("aria-label", "Dismiss");
      close.innerHTML = CLOSE_ICON;
      close.addEventListener("click", function () { alert.remove(); });
      alert.appendChild(close);
    });
  }

  // Copy buttons are useless without JS, so templates render them [hidden] and we reveal them.
  function revealJsOnly(root) {
    root.querySelectorAll("[data-js-only]").forEach(function (el) { el.hidden = false; });
  }

  // Mobile navigation toggle (the nav is a scrollable strip when this script does not run).
  function enhanceNav() {
    var toggle = document.querySelector(".nav-toggle");
    var nav = document.getElementById("primary-nav");
    if (!toggle || !nav) return;
    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      var open = nav.classList.toggle("is-open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }

  // Close an open user menu on Escape or on a click elsewhere.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    document.querySelectorAll("details.user-menu[open]").forEach(function (d) {
      d.removeAttribute("open");
      var summary = d.querySelector("summary");
      if (summary) summary.focus();
    });
  });
  document.addEventListener("click", function (event) {
    document.querySelectorAll("details.user-menu[open]").forEach(function (d) {
      if (!d.contains(event.target)) d.removeAttribute("open");
    });
  });

  function enhance(root) {
    enhanceAlerts(root);
    revealJsOnly(root);
  }

  document.addEventListener("DOMContentLoaded", function () {
    enhanceNav();
    enhance(document);
  });
  // htmx swaps in new fragments: enhance them too. An innerHTML swap loads each new child
  // itself, so enhance from its parent to include the element.
  document.addEventListener("htmx:load", function (event) {
    enhance(event.target.parentElement || event.target);
  });
})();
