/* The promo-code pool page: while a generation job is queued or running, the page asks the pool's jobs view
   (promocodes/admin.py, `jobs_view`) every 2 seconds how far the jobs got and moves their bars; once none runs it
   stops, and the figures of the pool are refreshed from the last answer. No library. */
(function () {
  "use strict";

  const INTERVAL_MS = 2000;

  function setText(root, selector, text) {
    const element = root.querySelector(selector);
    if (element !== null) {
      element.textContent = text;
    }
  }

  function show(panel, answer) {
    for (const job of answer.jobs) {
      const row = panel.querySelector(`[data-job="${job.id}"]`);
      if (row === null) {
        continue;
      }
      setText(row, "[data-job-status]", job.status_label);
      setText(row, "[data-job-count]", job.text);
      setText(row, "[data-job-error]", job.error || "");
      const bar = row.querySelector("[data-job-bar]");
      if (bar !== null) {
        bar.style.width = `${job.percent}%`;
      }
    }
    for (const [name, value] of Object.entries(answer.totals || {})) {
      setText(document, `[data-total="${name}"]`, value);
    }
  }

  function follow(panel) {
    let busy = false;
    const timer = window.setInterval(async () => {
      if (busy) {
        return;
      }
      busy = true;
      try {
        const response = await fetch(panel.dataset.url, {
          credentials: "same-origin",
          headers: { Accept: "application/json" },
        });
        if (!response.ok) {
          return; // asked again at the next tick
        }
        const answer = await response.json();
        show(panel, answer);
        if (!answer.running) {
          window.clearInterval(timer);
          panel.dataset.running = "0";
        }
      } catch (error) {
        // The network failed for a moment: asked again at the next tick.
      } finally {
        busy = false;
      }
    }, INTERVAL_MS);
  }

  function start() {
    document.querySelectorAll("[data-promo-jobs][data-running='1']").forEach(follow);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
