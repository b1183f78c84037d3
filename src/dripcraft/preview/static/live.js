// Live reload for preview pages (never part of a built email).
// Long-polls the server; reloads when a new good build is served, shows the build error
// overlay while the latest rebuild is failing, and keeps the scroll position across reloads.
(() => {
  "use strict";

  const body = document.body;
  const servedBuild = body.dataset.build;
  let epoch = Number(body.dataset.epoch) || 0;
  const scrollKey = "dripcraft-scroll:" + location.pathname + location.search;

  const $ = (id) => document.getElementById(id);

  function saveScroll() {
    try {
      sessionStorage.setItem(scrollKey, JSON.stringify({ x: window.scrollX, y: window.scrollY }));
    } catch (e) { /* private mode: nothing to keep */ }
  }

  function restoreScroll() {
    let saved = null;
    try {
      saved = JSON.parse(sessionStorage.getItem(scrollKey) || "null");
      sessionStorage.removeItem(scrollKey);
    } catch (e) { return; }
    if (saved) window.scrollTo(saved.x, saved.y);
  }

  function setText(id, text) {
    const el = $(id);
    if (!el) return;
    el.textContent = text || "";
    el.hidden = !text;
  }

  // The marketer may hide an error to read the email; a different error shows again.
  let hiddenError = null;
  const signature = (error) => error ? [error.location, error.reason].join("\n") : null;

  function showError(error) {
    const overlay = $("build-error");
    if (!overlay) return;
    if (!error || signature(error) === hiddenError) {
      overlay.hidden = true;
      return;
    }
    setText("build-error-location", error.location);
    setText("build-error-reason", error.reason);
    setText("build-error-hint", error.hint);
    overlay.hidden = false;
  }

  function showStatus(status, offline) {
    const el = $("live-status");
    if (!el) return;
    el.classList.toggle("is-offline", Boolean(offline));
    el.classList.toggle("is-building", !offline && status && status.building);
    el.classList.toggle("is-failed", !offline && status && !status.building && Boolean(status.error));
    if (offline) el.textContent = "Preview server stopped · retrying";
    else if (status.building) el.textContent = "Rebuilding…";
    else if (status.error) el.textContent = "Build failed";
    else el.textContent = "Live";
  }

  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  async function poll() {
    let backoff = 250;
    for (;;) {
      let status;
      try {
        const query = "epoch=" + epoch + "&build=" + encodeURIComponent(servedBuild);
        const response = await fetch("/_preview/poll?" + query, { cache: "no-store" });
        if (!response.ok) throw new Error("HTTP " + response.status);
        status = await response.json();
        backoff = 250;
      } catch (e) {
        showStatus(null, true);
        await sleep(backoff);
        backoff = Math.min(backoff * 2, 2000);
        continue;
      }
      if (status.build !== servedBuild && !status.building) {
        saveScroll();
        location.reload();
        return;
      }
      showStatus(status, false);
      showError(status.error);
      epoch = status.epoch;
    }
  }

  function hideError() {
    const overlay = $("build-error");
    if (!overlay || overlay.hidden) return;
    hiddenError = signature({
      location: ($("build-error-location") || {}).textContent || "",
      reason: ($("build-error-reason") || {}).textContent || "",
    });
    overlay.hidden = true;
  }
  const close = $("build-error-close");
  if (close) close.addEventListener("click", hideError);
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape") hideError();
  });

  // The email frame sizes itself on load; the window's load event comes after it.
  window.addEventListener("load", restoreScroll);
  poll();
})();
