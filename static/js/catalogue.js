// Catalogue search: suggestions as an ARIA 1.2 combobox (aria-activedescendant). Facets and
// sorting apply with their buttons (no change of context on input, WCAG 3.2.2). Without
// JavaScript the form works as a plain GET form.
(function () {
  "use strict";

  function combobox(root) {
    var input = root.querySelector("input[role='combobox']");
    var list = root.querySelector("[role='listbox']");
    var status = root.querySelector("[data-catalogue-status]");
    var url = root.getAttribute("data-suggest-url");
    if (!input || !list || !url) return;
    var active = -1;
    var timer = null;
    var controller = null;

    function options() {
      return list.querySelectorAll("[role='option']");
    }

    function close() {
      list.hidden = true;
      list.innerHTML = "";
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      var items = options();
      if (!items.length) return;
      active = (index + items.length) % items.length;
      for (var i = 0; i < items.length; i++) {
        items[i].setAttribute("aria-selected", i === active ? "true" : "false");
      }
      input.setAttribute("aria-activedescendant", items[active].id);
      items[active].scrollIntoView({ block: "nearest" });
    }

    function choose(item) {
      input.value = item.getAttribute("data-value");
      close();
      input.form.submit();
    }

    function render(suggestions) {
      list.innerHTML = "";
      active = -1;
      input.removeAttribute("aria-activedescendant");
      suggestions.forEach(function (suggestion, index) {
        var item = document.createElement("li");
        item.id = input.id + "-option-" + index;
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", "false");
        item.setAttribute("data-value", suggestion.label);
        item.textContent = suggestion.label;
        var kind = document.createElement("span");
        kind.className = "catalogue-combobox__kind";
        kind.textContent = " (" + suggestion.kind + ")";
        item.appendChild(kind);
        item.addEventListener("mousedown", function (event) {
          event.preventDefault();
          choose(item);
        });
        list.appendChild(item);
      });
      var open = suggestions.length > 0;
      list.hidden = !open;
      input.setAttribute("aria-expanded", open ? "true" : "false");
      if (status) {
        status.textContent = open
          ? suggestions.length + (suggestions.length === 1 ? " suggestie" : " suggesties")
          : "";
      }
    }

    function fetchSuggestions() {
      var value = input.value.trim();
      if (value.length < 2) {
        close();
        return;
      }
      if (controller) controller.abort();
      controller = new AbortController();
      fetch(url + "?q=" + encodeURIComponent(value), {
        signal: controller.signal,
        headers: { Accept: "application/json" },
      })
        .then(function (response) {
          return response.ok ? response.json() : { suggestions: [] };
        })
        .then(function (data) {
          render(data.suggestions || []);
        })
        .catch(function () {});
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(fetchSuggestions, 200);
    });
    input.addEventListener("keydown", function (event) {
      var open = !list.hidden;
      if (event.key === "ArrowDown") {
        if (!open) fetchSuggestions();
        else highlight(active + 1);
        event.preventDefault();
      } else if (event.key === "ArrowUp" && open) {
        highlight(active - 1);
        event.preventDefault();
      } else if (event.key === "Enter" && open && active >= 0) {
        event.preventDefault();
        choose(options()[active]);
      } else if (event.key === "Escape" && open) {
        event.preventDefault();
        close();
      }
    });
    input.addEventListener("blur", function () {
      setTimeout(close, 150);
    });
  }

  document.querySelectorAll("[data-catalogue-combobox]").forEach(combobox);
})();
