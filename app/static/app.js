// Progressive enhancement only: every page works without it.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form.matches("form.confirm") && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
  }
});
document.addEventListener("DOMContentLoaded", () => {
  const summary = document.getElementById("error-summary");
  if (summary) summary.focus();
});

// Match runs: refresh a running run's progress from the API until it ends, then reload.
document.addEventListener("DOMContentLoaded", () => {
  const card = document.querySelector("[data-run-id]");
  if (!card || !["queued", "running"].includes(card.dataset.runStatus)) return;
  const bar = card.querySelector("progress");
  const text = card.querySelector(".progress-text");
  const poll = async () => {
    try {
      const response = await fetch(`/api/v1/match-runs/${card.dataset.runId}`, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
      if (response.ok) {
        const run = await response.json();
        if (bar) bar.value = run.progress;
        if (text) text.textContent = `${run.progress}%`;
        if (!["queued", "running"].includes(run.status)) {
          window.location.reload();
          return;
        }
      }
    } catch (error) {
      // network hiccup: try again on the next tick
    }
    window.setTimeout(poll, 1000);
  };
  window.setTimeout(poll, 1000);
});
