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
        var map = L.map(element, { scrollWheelZoom: false, keyboard: false, zoomControl: false }).setView([lat, lon], 16);
        L.control.zoom({
            zoomInTitle: element.getAttribute("data-zoom-in") || "+",
            zoomOutTitle: element.getAttribute("data-zoom-out") || "-"
        }).addTo(map);
        L.tileLayer(element.getAttribute("data-tiles"), {
            maxZoom: 19,
            attribution: element.getAttribute("data-attribution") || ""
        }).addTo(map);
        map.attributionControl.setPrefix("Leaflet");
        L.marker([lat, lon], { keyboard: false, interactive: false, alt: element.getAttribute("data-label") || "" }).addTo(map);
    });
})();
