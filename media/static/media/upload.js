// Uploads with a progress bar, and drag-and-drop onto a drop zone.
// A form with data-upload-progress is sent with XMLHttpRequest so the bar can follow the bytes;
// the server answers as for a normal post (a redirect), which the page then follows.
(function () {
  "use strict";

  function send(form, submitter) {
    var bar = form.querySelector("progress");
    var status = form.querySelector("[data-upload-status]");
    var request = new XMLHttpRequest();
    request.open("POST", form.action);
    request.upload.addEventListener("progress", function (event) {
      if (!bar || !event.lengthComputable) return;
      bar.max = event.total;
      bar.value = event.loaded;
      if (status) status.textContent = Math.round((100 * event.loaded) / event.total) + "% uploaded";
    });
    request.upload.addEventListener("load", function () {
      if (status) status.textContent = "Checking the files…";
      if (bar) bar.removeAttribute("value"); // indeterminate while the server checks them
    });
    request.addEventListener("load", function () {
      // The request followed the redirect and holds the next page (with its one-time
      // messages): show that page rather than load it again.
      var url = request.responseURL || window.location.href;
      // XMLHttpRequest drops the redirect's #fragment: the form names the one to return to.
      var hash = form.getAttribute("data-upload-progress");
      if (hash && hash.charAt(0) === "#" && url.indexOf("#") === -1) url += hash;
      if (url.split("#")[0] === window.location.href.split("#")[0] || !request.responseText) {
        history.replaceState(null, "", url);
      } else {
        history.pushState(null, "", url);
      }
      document.open();
      document.write(request.responseText);
      document.close();
    });
    request.addEventListener("error", function () {
      if (status) status.textContent = "The upload failed: check your connection and try again.";
    });
    if (bar) bar.hidden = false;
    // The button pressed is part of the form's data (↑ / ↓ / Remove carry their action).
    var data = new FormData(form);
    if (submitter && submitter.name) data.append(submitter.name, submitter.value);
    form.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
    request.send(data);
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("[data-upload-progress]") || !window.FormData) return;
    event.preventDefault();
    send(form, event.submitter);
  });

  document.querySelectorAll("[data-dropzone]").forEach(function (zone) {
    var form = zone.closest("form");
    var input = form.querySelector('input[type="file"]');
    ["dragenter", "dragover"].forEach(function (name) {
      zone.addEventListener(name, function (event) {
        event.preventDefault();
        zone.classList.add("is-dragging");
      });
    });
    ["dragleave", "drop"].forEach(function (name) {
      zone.addEventListener(name, function () { zone.classList.remove("is-dragging"); });
    });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      if (!event.dataTransfer || !event.dataTransfer.files.length) return;
      input.files = event.dataTransfer.files;
      if (form.matches("[data-upload-progress]")) send(form); else form.requestSubmit();
    });
  });
})();
