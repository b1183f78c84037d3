// Email view: tabs, widths, light/authored-dark, previous/next, keyboard shortcuts.
// State lives in the URL query so a live reload (or a shared link) shows the same view.
(() => {
  "use strict";

  const page = document.getElementById("email-page");
  const frame = document.getElementById("email-frame");
  if (!page || !frame) return;

  const DEFAULTS = { view: "preview", width: "desktop", scheme: "light" };
  const KEYS = ["view", "width", "scheme"];
  const position = page.dataset.position;

  function query(overrides) {
    const params = new URLSearchParams();
    for (const key of KEYS) {
      const value = (overrides && overrides[key]) || page.dataset[key];
      if (value !== DEFAULTS[key]) params.set(key, value);
    }
    const text = params.toString();
    return text ? "?" + text : "";
  }

  function refreshLinks() {
    for (const id of ["prev-email", "next-email"]) {
      const link = document.getElementById(id);
      if (link) link.href = link.pathname + query();
    }
    for (const control of document.querySelectorAll("[data-set]")) {
      control.href = location.pathname + query({ [control.dataset.set]: control.dataset.value });
    }
    history.replaceState(null, "", location.pathname + query() + location.hash);
  }

  // The frame is as tall as the email, so the page scrolls as one and the email's width is
  // never narrowed by a scrollbar of its own.
  function fitFrame(canShrink = true) {
    const doc = frame.contentDocument;
    if (!doc || !doc.documentElement) return;
    const before = frame.style.height;
    // scrollHeight never reports less than the frame's current height, so shrink first.
    if (canShrink) frame.style.height = "120px";
    const height = Math.max(doc.documentElement.scrollHeight, doc.body ? doc.body.scrollHeight : 0);
    if (canShrink || height + "px" !== before) frame.style.height = height + "px";
  }

  let observer = null;
  function onFrameLoad() {
    const doc = frame.contentDocument;
    if (!doc || doc.URL === "about:blank") return;
    fitFrame();
    if (observer) observer.disconnect();
    if (doc.body && "ResizeObserver" in window) {
      // Images arriving late change the email's height. Only grow here: shrinking would
      // resize an email whose body is 100% tall, and loop.
      observer = new ResizeObserver(() => requestAnimationFrame(() => fitFrame(false)));
      observer.observe(doc.body);
    }
    // Keys pressed after clicking into the email reach the frame's document, not this one.
    doc.addEventListener("keydown", onKey);
  }
  frame.addEventListener("load", onFrameLoad);

  function set(key, value) {
    if (!KEYS.includes(key) || page.dataset[key] === value) return;
    if (!document.querySelector(`[data-set="${key}"][data-value="${value}"]`)) return;
    page.dataset[key] = value;
    for (const control of document.querySelectorAll(`[data-set="${key}"]`)) {
      const on = String(control.dataset.value === value);
      control.setAttribute(key === "view" ? "aria-selected" : "aria-pressed", on);
    }
    if (key === "scheme") {
      frame.src = "/frame/" + position + "?scheme=" + encodeURIComponent(value);
    } else if (key === "width" || (key === "view" && value === "preview")) {
      requestAnimationFrame(() => fitFrame());
    }
    refreshLinks();
  }

  document.addEventListener("click", (event) => {
    const control = event.target.closest("[data-set]");
    if (!control || event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    set(control.dataset.set, control.dataset.value);
  });

  function follow(id) {
    const link = document.getElementById(id);
    if (link) location.href = link.href;
  }

  const SHORTCUTS = {
    ArrowLeft: () => follow("prev-email"),
    k: () => follow("prev-email"),
    ArrowRight: () => follow("next-email"),
    j: () => follow("next-email"),
    v: () => set("view", "preview"),
    t: () => set("view", "text"),
    s: () => set("view", "source"),
    c: () => set("view", "checks"),
    1: () => set("width", "phone"),
    2: () => set("width", "desktop"),
    3: () => set("width", "full"),
    d: () => set("scheme", page.dataset.scheme === "dark" ? "light" : "dark"),
    i: () => { location.href = "/"; },
    u: () => { location.href = "/"; },
  };

  function onKey(event) {
    if (event.defaultPrevented || event.metaKey || event.ctrlKey || event.altKey) return;
    const target = event.target;
    if (target && target.closest && target.closest("input, textarea, select, [contenteditable]")) return;
    const action = SHORTCUTS[event.key];
    if (!action) return;
    event.preventDefault();
    action();
  }

  document.addEventListener("keydown", onKey);
  refreshLinks();
  // The email may have loaded before this deferred script ran.
  if (frame.contentDocument && frame.contentDocument.readyState === "complete") onFrameLoad();
})();
