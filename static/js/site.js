// Progressive enhancement only: every page works without JavaScript.
(function () {
    "use strict";
    document.documentElement.classList.add("js");
    var toggle = document.querySelector(".main-nav__toggle");
    var list = document.getElementById("main-nav-list");
    if (!toggle || !list) { return; }
    var narrow = window.matchMedia("(max-width: 40rem)");
    function sync() {
        if (narrow.matches) {
            toggle.hidden = false;
            var open = toggle.getAttribute("aria-expanded") === "true";
            list.setAttribute("data-collapsed", open ? "false" : "true");
        } else {
            toggle.hidden = true;
            list.removeAttribute("data-collapsed");
        }
    }
    toggle.addEventListener("click", function () {
        var open = toggle.getAttribute("aria-expanded") === "true";
        toggle.setAttribute("aria-expanded", open ? "false" : "true");
        sync();
    });
    narrow.addEventListener("change", sync);
    sync();
})();

// Campaign banners: a dismissed banner stays hidden on this device. localStorage, not a cookie:
// nothing is sent to the server and the cookie statement stays true.
(function () {
    "use strict";
    var KEY = "bibnet.dismissedCampaigns";
    function load() {
        try { return JSON.parse(window.localStorage.getItem(KEY) || "[]"); } catch (e) { return []; }
    }
    function save(ids) {
        try { window.localStorage.setItem(KEY, JSON.stringify(ids.slice(-50))); } catch (e) { /* private mode */ }
    }
    var dismissed = load();
    var banners = document.querySelectorAll("[data-campaign]");
    Array.prototype.forEach.call(banners, function (banner) {
        var id = banner.getAttribute("data-campaign");
        if (dismissed.indexOf(id) !== -1) { banner.hidden = true; return; }
        var button = banner.querySelector("[data-campaign-dismiss]");
        if (!button) { return; }
        button.hidden = false;
        button.addEventListener("click", function () {
            banner.hidden = true;
            var ids = load();
            if (ids.indexOf(id) === -1) { ids.push(id); save(ids); }
            var main = document.getElementById("main");
            if (main) { main.focus(); }
        });
    });
})();

// Filters (agenda, catalogue): folded behind a "Filters" button on a phone so that results come
// first, open on a wide screen. Without JavaScript the <details> element works on its own.
(function () {
    "use strict";
    var wide = window.matchMedia("(min-width: 48rem)");
    var panels = document.querySelectorAll("details[data-filters]");
    function sync() {
        Array.prototype.forEach.call(panels, function (panel) {
            if (wide.matches) { panel.open = true; }
        });
    }
    wide.addEventListener("change", sync);
    sync();
})();
