/*
 * Wagtail's rich-text editor (Draftail) renders its editable area as role="textbox" with a
 * placeholder description only; the field's visible label points at a hidden input. Give each
 * such textbox its field's label as accessible name (axe: aria-input-field-name), also for
 * editors added later (StreamField blocks, inline rows).
 */
(() => {
  const SELECTOR = '[role="textbox"][contenteditable="true"]';

  const name = (textbox) => {
    if (textbox.hasAttribute("aria-label") || textbox.hasAttribute("aria-labelledby")) return;
    const wrapper = textbox.closest("[data-field-wrapper]");
    const label = wrapper && wrapper.querySelector(".w-field__label[id]");
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
