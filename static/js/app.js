/* dropspace: small progressive enhancements. Every page works without this file. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // Sign-up and login send the browser's timezone, so dates are not shown in UTC by default.
  try {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    document.querySelectorAll("input[data-browser-timezone]").forEach(function (input) {
      if (zone && !input.value) input.value = zone;
    });
  } catch (error) {
    /* an old browser without Intl time zones: the profile page still lets one choose */
  }

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

  // On phones tables stack into rows (app.css); each cell shows its column name from
  // data-label. Cells a template left unlabelled take the text of their column's header.
  function labelTableCells(root) {
    var tables = root.matches && root.matches("table.table") ? [root] : [];
    var closest = root.closest ? root.closest("table.table") : null;
    if (closest) tables.push(closest);
    root.querySelectorAll("table.table").forEach(function (t) { tables.push(t); });
    tables.forEach(function (table) {
      var headers = table.querySelectorAll(":scope > thead > tr:first-child > th");
      if (!headers.length) return;
      // A total row (<tfoot>) stacks like the others: its cells after the first are labelled.
      table.querySelectorAll(":scope > tbody > tr, :scope > tfoot > tr").forEach(function (row) {
        var column = 0;
        var footer = row.parentNode.tagName === "TFOOT";
        Array.prototype.forEach.call(row.children, function (cell) {
          var header = headers[column];
          var first = column === 0;
          column += cell.colSpan || 1;
          var labelled = cell.tagName === "TD" || (footer && !first);
          if (!labelled || cell.hasAttribute("data-label") || cell.colSpan > 1) return;
          var label = header ? header.textContent.trim() : "";
          if (label && !header.querySelector(".visually-hidden")) cell.setAttribute("data-label", label);
        });
      });
    });
  }

  // The launch page is long on a phone: its secondary sections ([data-phone-collapse]) fold to
  // their heading, a button that opens them. A section with an error, or the one the address
  // points at, stays open; one a person opened stays open when htmx swaps it in again.
  var PHONE = window.matchMedia ? window.matchMedia("(max-width: 640px)") : { matches: false };
  var openedSections = {};

  function collapseOnPhones(root) {
    if (!PHONE.matches) return;
    var sections = Array.prototype.slice.call(root.querySelectorAll("[data-phone-collapse]"));
    if (root.matches && root.matches("[data-phone-collapse]")) sections.push(root);
    sections.forEach(function (section) {
      var heading = section.querySelector("h2");
      if (!heading || section.hasAttribute("data-collapsible")) return;
      section.setAttribute("data-collapsible", "");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "collapse-toggle";
      button.textContent = heading.textContent.trim();
      heading.textContent = "";
      heading.appendChild(button);
      function show(open) {
        section.classList.toggle("is-collapsed", !open);
        button.setAttribute("aria-expanded", open ? "true" : "false");
      }
      var keepOpen = openedSections[section.id] || location.hash === "#" + section.id ||
        section.querySelector(".field-error, [aria-invalid=true], .alert-error");
      show(Boolean(keepOpen));
      button.addEventListener("click", function () {
        var open = section.classList.contains("is-collapsed");
        openedSections[section.id] = open;
        show(open);
      });
    });
  }

  function enhance(root) {
    collapseOnPhones(root);
    enhanceAlerts(root);
    revealJsOnly(root);
    labelTableCells(root);
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
