// The editor's preview: render through /wiki/preview/ (the same function as saving) without
// leaving the page. Without JavaScript the Preview button submits the form instead.
(function () {
  "use strict";
  document.querySelectorAll("[data-preview-button]").forEach(function (button) {
    button.addEventListener("click", function (event) {
      var form = button.form;
      var source = form.querySelector("[data-markdown-source]");
      var target = document.querySelector("[data-preview-target]");
      if (!source || !target || !window.fetch) { return; }
      event.preventDefault();
      var data = new FormData();
      data.append("body", source.value);
      data.append("space", button.dataset.space || "");
      data.append("csrfmiddlewaretoken", form.querySelector("[name=csrfmiddlewaretoken]").value);
      fetch(button.dataset.previewUrl, { method: "POST", body: data, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
        .then(function (html) { target.innerHTML = html; })  // sanitized server-side by nh3
        .catch(function () { form.requestSubmit(button); });
    });
  });
})();
