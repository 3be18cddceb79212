/* Copy buttons (schooladmin/links.html): data-copy names the element whose text is copied. */
(function () {
  "use strict";
  var script = document.currentScript;
  var done = (script && script.getAttribute("data-copied")) || "";
  document.querySelectorAll("button.copy[data-copy]").forEach(function (button) {
    button.addEventListener("click", function () {
      var source = document.getElementById(button.getAttribute("data-copy"));
      var status = document.getElementById("copied");
      if (!source || !navigator.clipboard) { return; }
      navigator.clipboard.writeText(source.textContent.trim()).then(function () {
        if (status) { status.textContent = done; }
      });
    });
  });
})();
