/* The calendar: keyboard navigation between days, drag a scheduled launch to move it (htmx),
   pick an empty day or hour to plan a launch there. Without this file the calendar still
   shows everything, its links work, and the list view is one click away. */
(function () {
  "use strict";

  function calendar() { return document.getElementById("calendar"); }
  function slots() { return Array.prototype.slice.call(calendar().querySelectorAll(".cal-slot")); }
  var keyboardPaging = false;
  var COLUMNS = 7; // a week per row (month), a day per column (week)

  // Roving tabindex: one day is in the tab order (today, else the first day of the month).
  function setUp() {
    var root = calendar();
    if (!root || root.dataset.ready) return;
    root.dataset.ready = "1";
    var all = slots();
    var start = root.querySelector(".cal-today:not(.cal-outside)") ||
      root.querySelector(".cal-slot:not(.cal-outside)") || all[0];
    if (calendar().dataset.view === "week") {
      var today = root.querySelector('.cal-today[data-hour="9"]') || root.querySelector('.cal-slot[data-hour="9"]');
      start = today || start;
    }
    if (start) start.tabIndex = 0;
    if (start && keyboardPaging) start.focus(); // Page Up / Down keep the keyboard in the grid
    keyboardPaging = false;
  }

  function focusSlot(from, to) {
    if (!to) return;
    from.tabIndex = -1;
    to.tabIndex = 0;
    to.focus();
  }

  document.addEventListener("keydown", function (event) {
    var slot = event.target.closest && event.target.closest(".cal-slot");
    if (!slot || !calendar()) return;
    var all = slots();
    var index = all.indexOf(slot);
    var step = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -COLUMNS, ArrowDown: COLUMNS }[event.key];
    if (step && event.target === slot) {
      event.preventDefault();
      focusSlot(slot, all[index + step]);
    } else if (event.key === "Home" && event.target === slot) {
      event.preventDefault();
      focusSlot(slot, all[index - (index % 7)]);
    } else if (event.key === "End" && event.target === slot) {
      event.preventDefault();
      focusSlot(slot, all[index - (index % 7) + 6]);
    } else if (event.key === "PageUp" || event.key === "PageDown") {
      event.preventDefault();
      var nav = calendar().querySelector(event.key === "PageUp" ? "[data-nav=previous]" : "[data-nav=next]");
      keyboardPaging = Boolean(nav);
      if (nav) nav.click();
    } else if (event.key === "Enter" && event.target === slot) {
      event.preventDefault();
      var entry = slot.querySelector(".cal-entry");
      var url = entry ? entry.href : slot.dataset.createUrl;
      if (url) window.location.href = url;
    }
  });

  // A click on the empty part of a day plans a launch there; a click on an entry opens it.
  document.addEventListener("click", function (event) {
    var slot = event.target.closest && event.target.closest(".cal-slot");
    if (!slot || event.target.closest(".cal-entry") || !slot.dataset.createUrl) return;
    window.location.href = slot.dataset.createUrl;
  });

  var dragged = null;
  document.addEventListener("dragstart", function (event) {
    var entry = event.target.closest && event.target.closest(".cal-entry[draggable=true]");
    if (!entry) return;
    dragged = entry;
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", entry.dataset.launch);
    entry.classList.add("cal-dragging");
  });
  document.addEventListener("dragend", function () {
    if (dragged) dragged.classList.remove("cal-dragging");
    dragged = null;
  });
  document.addEventListener("dragover", function (event) {
    var slot = dragged && event.target.closest && event.target.closest(".cal-slot");
    if (!slot) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
  });
  document.addEventListener("drop", function (event) {
    var slot = dragged && event.target.closest && event.target.closest(".cal-slot");
    if (!slot) return;
    event.preventDefault();
    var root = calendar();
    var form = root.querySelector("form");
    var values = {
      day: slot.dataset.day,
      view: root.dataset.view,
      date: root.dataset.date,
      status: form ? form.elements.status.value : "",
      platform: form ? form.elements.platform.value : ""
    };
    if (slot.dataset.hour !== undefined) values.hour = slot.dataset.hour;
    window.htmx.ajax("POST", dragged.dataset.moveUrl, { target: "#calendar", swap: "outerHTML", values: values });
  });

  document.addEventListener("DOMContentLoaded", setUp);
  document.addEventListener("htmx:afterSettle", setUp);
})();
