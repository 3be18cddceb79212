/* Group overview: show a pupil's code in place (POST, audited on the server). */
(function () {
  "use strict";
  document.querySelectorAll("form.reveal-form").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var cell = form.closest(".code-cell") || form.parentNode;
      fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        headers: { "X-Klaspoort-Fetch": "1" }
      }).then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.text();
      }).then(function (html) {
        var holder = document.createElement("div");
        holder.innerHTML = html;
        form.replaceWith(holder.firstElementChild || holder);
      }).catch(function () {
        form.submit();
      });
    });
  });
})();

/* Login cards: the sheet's "Afdrukken" button opens the browser's print dialogue. */
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
})();
