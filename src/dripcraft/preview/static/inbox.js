// Inbox: move through the sequence with j/k or the arrow keys; a digit opens that email.
(() => {
  "use strict";

  const rows = Array.from(document.querySelectorAll(".email-row"));
  if (!rows.length) return;

  function move(step) {
    const current = rows.indexOf(document.activeElement);
    const next = current < 0 ? (step > 0 ? 0 : rows.length - 1)
                             : Math.min(rows.length - 1, Math.max(0, current + step));
    rows[next].focus();
  }

  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || event.metaKey || event.ctrlKey || event.altKey) return;
    if (event.target.closest("input, textarea, select, [contenteditable]")) return;
    if (event.key === "j" || event.key === "ArrowDown") {
      event.preventDefault();
      move(1);
    } else if (event.key === "k" || event.key === "ArrowUp") {
      event.preventDefault();
      move(-1);
    } else if (/^[1-9]$/.test(event.key)) {
      const row = rows.find((r) => r.dataset.position === event.key);
      if (row) {
        event.preventDefault();
        location.href = row.href;
      }
    }
  });
})();
