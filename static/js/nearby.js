// "In de buurt": with the visitor's consent, the browser's position goes into the page's
// address as lat/lon, rounded to two decimals (about a kilometre). Nothing is stored.
(function () {
    "use strict";
    var button = document.querySelector("[data-nearby-locate]");
    if (!button || !("geolocation" in navigator)) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
        button.disabled = true;
        navigator.geolocation.getCurrentPosition(function (position) {
            var params = new URLSearchParams();
            params.set("lat", position.coords.latitude.toFixed(2));
            params.set("lon", position.coords.longitude.toFixed(2));
            var open = document.querySelector(".nearby-form input[name='nu-open']");
            if (open && open.checked) { params.set("nu-open", "1"); }
            window.location.search = params.toString();
        }, function () {
            button.disabled = false;
        }, { enableHighAccuracy: false, maximumAge: 600000, timeout: 10000 });
    });
})();
