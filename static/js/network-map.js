// The network map: Leaflet (static/vendor/leaflet) with tiles from the configured tile server
// (settings.MAP_TILE_URL), one marker per place of the list below it. The list stays the
// content: without JavaScript (or without tiles) visitors read the same places there.
(function () {
    "use strict";
    var elements = document.querySelectorAll("[data-network-map]");
    // The stylesheet keeps the map's place from the first paint (no layout shift when it is
    // drawn); a map that cannot be drawn gives its place back.
    function off(element) { element.classList.add("network-map--off"); }
    if (typeof window.L === "undefined") { Array.prototype.forEach.call(elements, off); return; }
    var L = window.L;
    // collectstatic gives the stylesheet a hashed name (leaflet.<hash>.css): match both.
    var css = document.querySelector("link[href*='vendor/leaflet/leaflet.'][href$='.css'], link[href*='vendor/leaflet/leaflet.'][href*='.css?']");
    L.Icon.Default.imagePath = css ? css.href.replace(/leaflet(\.[0-9a-f]{12})?\.css.*$/, "images/") : "";
    // Markers: Leaflet's own picture without its shadow (which has no sharp version for
    // high-density screens), not in the tab order: the list under the map carries the same
    // places and links, and a keyboard should not pass hundreds of markers to reach it.
    var base = L.Icon.Default.imagePath;
    var icon = L.icon({
        iconUrl: base + "marker-icon.png",
        iconRetinaUrl: base + "marker-icon-2x.png",
        iconSize: [25, 41],
        iconAnchor: [12, 41],
        popupAnchor: [1, -34]
    });
    Array.prototype.forEach.call(elements, function (element) {
        var list = document.getElementById(element.getAttribute("data-list"));
        if (!list) { off(element); return; }
        var items = list.querySelectorAll("[data-place]");
        if (!items.length) { off(element); return; }
        element.hidden = false;
        element.classList.add("network-map--active");
        var map = L.map(element, { scrollWheelZoom: false, zoomControl: false });
        L.control.zoom({
            zoomInTitle: element.getAttribute("data-zoom-in") || "+",
            zoomOutTitle: element.getAttribute("data-zoom-out") || "-"
        }).addTo(map);
        L.tileLayer(element.getAttribute("data-tiles"), {
            maxZoom: 19,
            detectRetina: true,
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
            L.marker([lat, lon], { icon: icon, keyboard: false, alt: item.getAttribute("data-name") || "" }).bindPopup(popup).addTo(map);
            bounds.push([lat, lon]);
        });
        map.fitBounds(bounds, { padding: [20, 20], maxZoom: 15 });
    });
})();
