/* Staff pages: a form with data-confirm="question" asks before it is sent (destructive actions).
   Without JavaScript the form is sent at once; actions that must be confirmed on the server
   (withdrawing consent) show their own confirmation page. */
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form && form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) { event.preventDefault(); event.stopImmediatePropagation(); }
  }, true);
})();
