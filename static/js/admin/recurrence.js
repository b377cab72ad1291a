/*
 * The "Wanneer" rows of an event: only the fields of the chosen kind are shown.
 * - the row's "Soort" (one date / weekly hours / repeat) shows the weekdays, the recurrence
 *   editor or neither;
 * - the recurrence editor's own kind (every day / week / month / own rule) shows its parts.
 * Without this script every field shows, labelled, and the server composes the rule the same.
 */
(() => {
  const REPEAT_SUFFIX = "repeat";

  // The panel wrapper holds the field's label next to its field wrapper: hiding only the
  // field wrapper left a stray label ("dagen") above the recurrence editor.
  const wrapperOf = (element) =>
    element
      ? element.closest(".w-panel__wrapper") ||
        element.closest("[data-field-wrapper]") ||
        element.closest(".w-field__wrapper")
      : null;

  const rowField = (prefix, name) => document.querySelector(`[name="${prefix}${name}"]`);

  const applyRepeat = (select) => {
    const prefix = select.name.slice(0, -REPEAT_SUFFIX.length);
    const visible = {
      weekdays: select.value === "wekelijks",
      rule: select.value === "regel",
      excluded_dates: select.value !== "eenmalig",
    };
    Object.entries(visible).forEach(([name, shown]) => {
      const wrapper = wrapperOf(rowField(prefix, name));
      if (wrapper) wrapper.hidden = !shown;
    });
  };

  const applyKind = (select) => {
    const editor = select.closest("[data-recurrence]");
    if (!editor) return;
    editor.querySelectorAll("[data-recurrence-kinds]").forEach((part) => {
      part.hidden = !part.dataset.recurrenceKinds.split(" ").includes(select.value);
    });
  };

  const isRepeat = (element) =>
    element.matches && element.matches(`select[name$="-${REPEAT_SUFFIX}"]`) &&
    rowField(element.name.slice(0, -REPEAT_SUFFIX.length), "start_date");

  const isKind = (element) =>
    element.matches && element.matches('[data-recurrence-part="soort"] select');

  const init = (root) => {
    if (!root.querySelectorAll) return;
    root.querySelectorAll(`select[name$="-${REPEAT_SUFFIX}"]`).forEach((select) => {
      if (isRepeat(select)) applyRepeat(select);
    });
    root.querySelectorAll('[data-recurrence-part="soort"] select').forEach(applyKind);
  };

  document.addEventListener("change", (event) => {
    if (isRepeat(event.target)) applyRepeat(event.target);
    if (isKind(event.target)) applyKind(event.target);
  });

  const start = () => {
    init(document);
    // Rows added with "Datum toevoegen" arrive later.
    new MutationObserver((mutations) => {
      mutations.forEach((mutation) => mutation.addedNodes.forEach(init));
    }).observe(document.body, { childList: true, subtree: true });
  };

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
