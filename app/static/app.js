// Progressive enhancement only: every page works without it.
document.documentElement.classList.add("js");

// Phone tables: every body cell carries its column's label (data-label), so that on a narrow
// screen a table stacks into labelled cards instead of rows of bare values. Tables without a
// header row (key/value lists) are left as they are.
document.addEventListener("DOMContentLoaded", () => {
  for (const table of document.querySelectorAll("table")) {
    const head = table.tHead && table.tHead.rows[table.tHead.rows.length - 1];
    if (!head) continue;
    const labels = [];
    for (const cell of head.cells) {
      for (let i = 0; i < (cell.colSpan || 1); i += 1) labels.push(cell.textContent.trim());
    }
    for (const body of table.tBodies) {
      for (const row of body.rows) {
        let column = 0;
        for (const cell of row.cells) {
          if (!cell.dataset.label && labels[column]) cell.dataset.label = labels[column];
          column += cell.colSpan || 1;
        }
      }
    }
    table.classList.add("stacks");
  }
});

// Phone menu: the navigation folds behind one button; wide screens always show it.
document.addEventListener("DOMContentLoaded", () => {
  const toggle = document.querySelector(".nav-toggle");
  const bar = document.querySelector(".topbar");
  if (!toggle || !bar) return;
  toggle.addEventListener("click", () => {
    const open = bar.classList.toggle("nav-open");
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
  });
});
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

// Imports: refresh a committing import's progress from the API until it ends, then reload.
document.addEventListener("DOMContentLoaded", () => {
  const card = document.querySelector("[data-import-id]");
  if (!card || card.dataset.importStatus !== "committing") return;
  const bar = card.querySelector("progress");
  const text = card.querySelector(".progress-text");
  const poll = async () => {
    try {
      const response = await fetch(`/api/v1/imports/${card.dataset.importId}`, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
      if (response.ok) {
        const batch = await response.json();
        if (bar) bar.value = batch.progress;
        if (text) text.textContent = `${batch.progress}%`;
        if (batch.status !== "committing") {
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

// Occupation coding: suggest the top 5 CSCO 2022 occupations for the title (demands) or the
// position (talents) as the user types; a click fills the occupation code field.
document.addEventListener("DOMContentLoaded", () => {
  const code = document.getElementById("f-occupation_code");
  const source = document.getElementById("f-title") || document.getElementById("f-position");
  if (!code || !source) return;
  const box = document.createElement("div");
  box.className = "occupation-suggestions";
  box.setAttribute("aria-live", "polite");
  code.insertAdjacentElement("afterend", box);
  const english = document.documentElement.lang === "en";
  let timer = null;
  const suggest = async () => {
    const text = source.value.trim();
    box.textContent = "";
    if (text.length < 2) return;
    try {
      const response = await fetch(`/api/v1/occupations/suggest?q=${encodeURIComponent(text)}&k=5`, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
      if (!response.ok) return;
      const hits = await response.json();
      if (!hits.length) return;
      const label = document.createElement("span");
      label.className = "muted";
      label.textContent = english ? "Suggested occupations: " : "推荐职业编码：";
      box.appendChild(label);
      for (const hit of hits) {
        const button = document.createElement("button");
        button.type = "button";
        button.className = "tag";
        button.textContent = `${hit.code} ${hit.name}`;
        button.addEventListener("click", () => {
          code.value = hit.code;
          code.focus();
        });
        box.appendChild(button);
      }
    } catch (error) {
      // suggestions are a convenience: the field still works without them
    }
  };
  source.addEventListener("input", () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(suggest, 300);
  });
  if (source.value) suggest();
});

// --- review queue keyboard: j/k move, x selects, a approves, r rejects ---------------
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("review-form");
  if (!form) return;
  const rows = Array.from(form.querySelectorAll("tr.review-row"));
  let current = -1;
  const focusRow = (i) => {
    if (!rows.length) return;
    if (current >= 0) rows[current].classList.remove("current");
    current = Math.max(0, Math.min(rows.length - 1, i));
    rows[current].classList.add("current");
    const box = rows[current].querySelector("input[type=checkbox]");
    (box || rows[current]).focus();
    rows[current].scrollIntoView({ block: "nearest" });
  };
  const submit = (action) => {
    const radio = form.querySelector(`input[name=action][value=${action}]`);
    if (radio) radio.checked = true;
    if (action === "reject" && !form.elements.reason.value) {
      form.elements.reason.focus();
      return;
    }
    form.requestSubmit();
  };
  document.addEventListener("keydown", (event) => {
    const tag = (event.target.tagName || "").toLowerCase();
    if (["input", "select", "textarea"].includes(tag) && event.target.type !== "checkbox") return;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === "j") focusRow(current + 1);
    else if (event.key === "k") focusRow(current - 1);
    else if (event.key === "x" && current >= 0) {
      const box = rows[current].querySelector("input[type=checkbox]");
      if (box) box.checked = !box.checked;
    } else if (event.key === "a") submit("approve");
    else if (event.key === "r") submit("reject");
    else return;
    event.preventDefault();
  });
});
