/* The store assistant's page: scan a card's barcode or QR code with the phone's camera (the browser's own
   BarcodeDetector, where it exists; elsewhere the button stays hidden and the number is typed), and switch stores. */
(function () {
  "use strict";
  var store = document.querySelector("[data-autosubmit]");
  if (store) {
    store.addEventListener("change", function () { store.form.submit(); });
  }
  var button = document.getElementById("scan");
  var form = document.getElementById("search");
  var input = document.getElementById("q");
  var panel = document.getElementById("scanner");
  var video = document.getElementById("camera");
  var stop = document.getElementById("scan-stop");
  var status = document.getElementById("scan-status");
  if (!button || !("BarcodeDetector" in window) || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    return;
  }
  var stream = null;
  var timer = null;

  function finish() {
    if (timer) { clearTimeout(timer); timer = null; }
    if (stream) { stream.getTracks().forEach(function (track) { track.stop(); }); stream = null; }
    panel.hidden = true;
    button.hidden = false;
  }

  function look(detector) {
    detector.detect(video).then(function (codes) {
      var code = codes.length ? String(codes[0].rawValue || "").trim() : "";
      if (code) {
        finish();
        input.value = code;
        form.submit();
        return;
      }
      timer = setTimeout(function () { look(detector); }, 250);
    }).catch(function () {
      timer = setTimeout(function () { look(detector); }, 500);
    });
  }

  window.BarcodeDetector.getSupportedFormats().then(function (formats) {
    var wanted = ["code_128", "qr_code", "ean_13"].filter(function (name) { return formats.indexOf(name) >= 0; });
    if (!wanted.length) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false }).then(function (media) {
        stream = media;
        video.srcObject = media;
        panel.hidden = false;
        button.hidden = true;
        status.textContent = button.dataset.looking;
        return video.play().then(function () { look(new window.BarcodeDetector({ formats: wanted })); });
      }).catch(function () {
        finish();
        status.textContent = button.dataset.unavailable;
        input.focus();
      });
    });
    stop.addEventListener("click", function () { finish(); status.textContent = ""; input.focus(); });
  });
})();
