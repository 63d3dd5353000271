// The survey page (templates/surveys/page.html): before sending, every question must have an answer (a multiple
// choice at least one option, which HTML cannot require); the first unanswered one gets the focus and a message read
// out by screen readers. The server checks everything again. A second tap on "Send" while sending does nothing.
(function () {
  "use strict";
  var form = document.getElementById("survey-form");
  if (!form) {
    return;
  }
  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
  }
  function answered(fieldset) {
    if (fieldset.dataset.kind === "text") {
      var area = fieldset.querySelector("textarea");
      return area.value.trim() !== "";
    }
    return fieldset.querySelector("input:checked") !== null;
  }
  function mark(fieldset, message) {
    var error = fieldset.querySelector(".error");
    error.textContent = message;
    fieldset.classList.toggle("has-error", message !== "");
    if (message) {
      fieldset.setAttribute("aria-invalid", "true");
    } else {
      fieldset.removeAttribute("aria-invalid");
    }
  }
  form.addEventListener("change", function (event) {
    var fieldset = event.target.closest("fieldset");
    if (fieldset && answered(fieldset)) {
      mark(fieldset, "");
    }
  });
  form.addEventListener("submit", function (event) {
    var first = null;
    form.querySelectorAll("fieldset.question").forEach(function (fieldset) {
      if (answered(fieldset)) {
        mark(fieldset, "");
      } else {
        mark(fieldset, form.dataset.required);
        first = first || fieldset;
      }
    });
    if (first) {
      event.preventDefault();
      var input = first.querySelector("input, textarea");
      first.scrollIntoView({ block: "center" });
      if (input) {
        input.focus();
      }
      return;
    }
    var button = form.querySelector("button[type=submit]");
    if (button.disabled) {
      event.preventDefault();
    }
    button.disabled = true;
  });
})();
