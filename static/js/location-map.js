// The map of a location page: Leaflet (static/vendor/leaflet) with tiles from the configured
// tile server (settings.MAP_TILE_URL). Without JavaScript the address and its map link remain.
// Leaflet (150 kB) loads after the page has loaded, when a map comes near the screen.
(function () {
    "use strict";
    var elements = document.querySelectorAll("[data-location-map]");
    if (!elements.length) { return; }
    var loading = null;

    function leaflet(element) {
        if (loading) { return loading; }
        loading = new Promise(function (resolve, reject) {
            var css = document.createElement("link");
            css.rel = "stylesheet";
            css.href = element.getAttribute("data-leaflet-css");
            document.head.appendChild(css);
            var script = document.createElement("script");
            script.src = element.getAttribute("data-leaflet-js");
            script.onload = function () { resolve(window.L); };
            script.onerror = reject;
            document.head.appendChild(script);
        });
        return loading;
    }

    function draw(element, L) {
        var lat = parseFloat(element.getAttribute("data-lat"));
        var lon = parseFloat(element.getAttribute("data-lon"));
        // The stylesheet's name is hashed in production (leaflet.<hash>.css); the icons keep theirs.
        L.Icon.Default.imagePath = element.getAttribute("data-leaflet-css").replace(/leaflet(\.[0-9a-f]{12})?\.css.*$/, "images/");
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
    }

    function show(element) {
        leaflet(element).then(function (L) { draw(element, L); }, function () { element.hidden = true; });
    }

    var observer = "IntersectionObserver" in window ? new IntersectionObserver(function (entries) {
        entries.forEach(function (entry) {
            if (entry.isIntersecting) {
                observer.unobserve(entry.target);
                show(entry.target);
            }
        });
    }, { rootMargin: "200px" }) : null;

    function start() {
        Array.prototype.forEach.call(elements, function (element) {
            var lat = parseFloat(element.getAttribute("data-lat"));
            var lon = parseFloat(element.getAttribute("data-lon"));
            if (isNaN(lat) || isNaN(lon)) { element.hidden = true; return; }
            if (observer) { observer.observe(element); } else { show(element); }
        });
    }

    // After the page and its pictures have loaded: the map never delays the page itself.
    if (document.readyState === "complete") { start(); } else { window.addEventListener("load", start); }
})();
