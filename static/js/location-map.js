// The map of a location page: Leaflet (static/vendor/leaflet) with tiles from the configured
// tile server (settings.MAP_TILE_URL). Without JavaScript the address and its map link remain.
(function () {
    "use strict";
    if (typeof window.L === "undefined") { return; }
    var L = window.L;
    L.Icon.Default.imagePath = (document.querySelector("link[href*='vendor/leaflet/leaflet.css']") || {}).href
        ? document.querySelector("link[href*='vendor/leaflet/leaflet.css']").href.replace(/leaflet\.css.*$/, "images/")
        : "";
    Array.prototype.forEach.call(document.querySelectorAll("[data-location-map]"), function (element) {
        var lat = parseFloat(element.getAttribute("data-lat"));
        var lon = parseFloat(element.getAttribute("data-lon"));
        if (isNaN(lat) || isNaN(lon)) { element.hidden = true; return; }
        element.classList.add("location-map--active");
        var map = L.map(element, { scrollWheelZoom: false, keyboard: false }).setView([lat, lon], 16);
        L.tileLayer(element.getAttribute("data-tiles"), {
            maxZoom: 19,
            attribution: element.getAttribute("data-attribution") || ""
        }).addTo(map);
        map.attributionControl.setPrefix("Leaflet");
        L.marker([lat, lon], { keyboard: false, alt: element.getAttribute("data-label") || "" }).addTo(map);
        // The map is a picture for sighted users; the address above says the same in words.
        Array.prototype.forEach.call(element.querySelectorAll("a, [tabindex]"), function (node) {
            if (!node.closest(".leaflet-control-attribution")) { node.setAttribute("tabindex", "-1"); }
        });
    });
})();
