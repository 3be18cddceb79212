/* klaspoort: solves the login proof-of-work challenge (ALTCHA v1 format) in this browser.
 *
 * Finds the number n (0 … maxNumber) with SHA-256(salt + n) = challenge, using the browser's own
 * WebCrypto, and puts the answer (base64 JSON) in the hidden field "altcha". Our own code, served
 * with the site: nothing is loaded from anywhere else. A form sent before the answer is ready is
 * held back and sent as soon as it is.
 */
(function () {
  "use strict";
  var box = document.querySelector("[data-kp-challenge]");
  if (!box) {
    return;
  }
  var form = box.closest("form");
  var field = box.querySelector("input[name=altcha]");
  var status = box.querySelector("[data-kp-challenge-status]");
  var data = JSON.parse(document.getElementById("kp-challenge-data").textContent);
  var solved = false;
  var sendWhenSolved = false;

  function say(state) {
    box.setAttribute("data-kp-challenge", state);
    status.textContent = status.getAttribute("data-" + state);
  }

  function hexBytes(hex) {
    var bytes = new Uint8Array(hex.length / 2);
    for (var i = 0; i < bytes.length; i++) {
      bytes[i] = parseInt(hex.substr(i * 2, 2), 16);
    }
    return bytes;
  }

  function same(buffer, target) {
    var bytes = new Uint8Array(buffer);
    for (var i = 0; i < target.length; i++) {
      if (bytes[i] !== target[i]) {
        return false;
      }
    }
    return true;
  }

  async function solve() {
    var target = hexBytes(data.challenge);
    var encoder = new TextEncoder();
    var batch = 2000;
    for (var start = 0; start <= data.maxNumber; start += batch) {
      var end = Math.min(start + batch, data.maxNumber + 1);
      var jobs = [];
      for (var n = start; n < end; n++) {
        jobs.push(crypto.subtle.digest("SHA-256", encoder.encode(data.salt + n)));
      }
      var digests = await Promise.all(jobs);
      for (var i = 0; i < digests.length; i++) {
        if (same(digests[i], target)) {
          return start + i;
        }
      }
    }
    return null;
  }

  form.addEventListener("submit", function (event) {
    if (!solved) {
      event.preventDefault();
      sendWhenSolved = true;
      say("waiting");
    }
  });

  if (!window.crypto || !window.crypto.subtle) {
    say("failed");
    return;
  }
  say("working");
  solve().then(
    function (number) {
      if (number === null) {
        say("failed");
        return;
      }
      field.value = btoa(
        JSON.stringify({
          algorithm: data.algorithm,
          challenge: data.challenge,
          number: number,
          salt: data.salt,
          signature: data.signature,
        })
      );
      solved = true;
      say("done");
      if (sendWhenSolved) {
        form.requestSubmit();
      }
    },
    function () {
      say("failed");
    }
  );
})();
