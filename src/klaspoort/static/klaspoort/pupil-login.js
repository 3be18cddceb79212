/* Pupil login: PIN keypad, picture password taps, waiting after mistakes. Self-served, no dependencies. */
(function () {
  "use strict";
  var form = document.getElementById("code-form");
  if (!form) { return; }

  function lock(seconds) {
    var controls = form.querySelectorAll("button, input");
    var notice = document.getElementById("code-message");
    var countdown = notice ? notice.querySelector(".countdown") : null;
    controls.forEach(function (el) { el.disabled = true; });
    var left = seconds;
    function tick() {
      if (countdown) { countdown.textContent = left > 0 ? "(" + left + ")" : ""; }
      if (left <= 0) {
        controls.forEach(function (el) { el.disabled = false; });
        var first = form.querySelector("input:not([type=hidden]), .picture-choice");
        if (first) { first.focus(); }
        return;
      }
      left -= 1;
      window.setTimeout(tick, 1000);
    }
    tick();
  }

  var wait = parseInt(form.getAttribute("data-wait") || "0", 10);
  if (wait > 0) { lock(wait); }

  var submitted = false;
  function submit() {
    if (submitted) { return; }
    submitted = true;
    form.submit();
  }

  var pin = document.getElementById("pin");
  if (pin) {
    form.querySelectorAll("[data-digit]").forEach(function (key) {
      key.addEventListener("click", function () {
        if (pin.value.length < 4) { pin.value += key.getAttribute("data-digit"); }
        if (pin.value.length === 4) { submit(); }
      });
    });
    var erase = form.querySelector("[data-action=erase]");
    if (erase) { erase.addEventListener("click", function () { pin.value = pin.value.slice(0, -1); pin.focus(); }); }
    pin.addEventListener("input", function () {
      pin.value = pin.value.replace(/[^0-9]/g, "").slice(0, 4);
      if (pin.value.length === 4) { submit(); }
    });
  }

  var code = document.getElementById("picture-code");
  if (code) {
    var chosen = [];
    var slots = form.querySelectorAll(".slot");
    function show() {
      slots.forEach(function (slot, i) {
        slot.innerHTML = "";
        if (chosen[i]) {
          var copy = chosen[i].querySelector("svg").cloneNode(true);
          slot.appendChild(copy);
          slot.setAttribute("aria-label", chosen[i].getAttribute("aria-label"));
        } else {
          slot.removeAttribute("aria-label");
        }
      });
    }
    form.querySelectorAll(".picture-choice").forEach(function (button) {
      button.addEventListener("click", function () {
        if (chosen.length >= 2) { return; }
        chosen.push(button);
        button.classList.add("picked");
        show();
        if (chosen.length === 2) {
          code.value = chosen.map(function (b) { return b.getAttribute("data-key"); }).join(",");
          submit();
        }
      });
    });
    var clear = form.querySelector("[data-action=clear]");
    if (clear) {
      clear.addEventListener("click", function () {
        chosen.forEach(function (b) { b.classList.remove("picked"); });
        chosen = [];
        code.value = "";
        show();
      });
    }
  }

})();
