/* The campaign page's "Effect" panel: filled from its URL once the page is shown (the figures run over the
   campaign's whole audience, so the page does not wait for them). */
(function () {
  "use strict";

  async function fill(box) {
    try {
      const response = await fetch(box.dataset.campaignEffect, {
        credentials: "same-origin",
        headers: { "X-Requested-With": "XMLHttpRequest" },
      });
      if (!response.ok || response.redirected) {
        // a redirect is the login page (the session ended): never shown inside the panel
        throw new Error(response.redirected ? response.url : response.status + " " + response.statusText);
      }
      box.innerHTML = await response.text();
    } catch (error) {
      const message = document.createElement("p");
      message.className = "text-sm";
      message.textContent = (box.dataset.failed || "{error}").replace("{error}", error.message);
      box.replaceChildren(message);
    }
  }

  function start() {
    document.querySelectorAll("[data-campaign-effect]").forEach(fill);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
