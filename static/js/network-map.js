// The network map: Leaflet (static/vendor/leaflet) with tiles from the configured tile server
// (settings.MAP_TILE_URL), one marker per place of the list below it. The list stays the
// content: without JavaScript (or without tiles) visitors read the same places there.
(function () {
    "use strict";
    if (typeof window.L === "undefined") { return; }
    var L = window.L;
    var css = document.querySelector("link[href*='vendor/leaflet/leaflet.css']");
    L.Icon.Default.imagePath = css ? css.href.replace(/leaflet\.css.*$/, "images/") : "";
    Array.prototype.forEach.call(document.querySelectorAll("[data-network-map]"), function (element) {
        var list = document.getElementById(element.getAttribute("data-list"));
        if (!list) { return; }
        var items = list.querySelectorAll("[data-place]");
        if (!items.length) { return; }
        element.hidden = false;
        element.classList.add("network-map--active");
        var map = L.map(element, { scrollWheelZoom: false, zoomControl: false });
        L.control.zoom({
            zoomInTitle: element.getAttribute("data-zoom-in") || "+",
            zoomOutTitle: element.getAttribute("data-zoom-out") || "-"
        }).addTo(map);
        L.tileLayer(element.getAttribute("data-tiles"), {
            maxZoom: 19,
            attribution: element.getAttribute("data-attribution") || ""
        }).addTo(map);
        map.attributionControl.setPrefix("Leaflet");
        var bounds = [];
        Array.prototype.forEach.call(items, function (item) {
            var lat = parseFloat(item.getAttribute("data-lat"));
            var lon = parseFloat(item.getAttribute("data-lon"));
            if (isNaN(lat) || isNaN(lon)) { return; }
            var popup = document.createElement("div");
            var link = document.createElement("a");
            link.href = item.getAttribute("data-url");
            link.textContent = item.getAttribute("data-name");
            var status = document.createElement("p");
            status.textContent = item.getAttribute("data-status");
            popup.appendChild(link);
            popup.appendChild(status);
            L.marker([lat, lon], { alt: item.getAttribute("data-name") || "" }).bindPopup(popup).addTo(map);
            bounds.push([lat, lon]);
        });
        map.fitBounds(bounds, { padding: [20, 20], maxZoom: 15 });
    });
})();
