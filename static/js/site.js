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
