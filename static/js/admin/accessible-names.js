/*
 * Wagtail's rich-text editor (Draftail) renders its editable area as role="textbox" with a
 * placeholder description only; the field's visible label or panel heading names a hidden
 * input. Give each such textbox that label or heading as accessible name (axe rule
 * aria-input-field-name), also for editors added later (StreamField blocks, inline rows).
 */
(() => {
  const SELECTOR = '[role="textbox"][contenteditable="true"]';

  const name = (textbox) => {
    if (textbox.hasAttribute("aria-label") || textbox.hasAttribute("aria-labelledby")) return;
    const wrapper = textbox.closest("[data-field-wrapper]");
    if (!wrapper) return;
    // A field of its own panel is named by the panel's heading ("…-wrapper" -> "…-heading");
    // a field inside a StreamField block or a row by its label.
    const headingId = wrapper.id ? wrapper.id.replace(/-wrapper$/, "-heading") : "";
    const heading = headingId && document.getElementById(headingId);
    const label = heading || wrapper.querySelector(".w-field__label[id]");
    if (label) textbox.setAttribute("aria-labelledby", label.id);
  };

  const scan = (root) => {
    if (!root.querySelectorAll) return;
    if (root.matches && root.matches(SELECTOR)) name(root);
    root.querySelectorAll(SELECTOR).forEach(name);
  };

  const start = () => {
    scan(document);
    new MutationObserver((mutations) => {
      mutations.forEach((mutation) => mutation.addedNodes.forEach(scan));
    }).observe(document.body, { childList: true, subtree: true });
  };

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
