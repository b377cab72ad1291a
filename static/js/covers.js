// Catalogue covers: an image from the cover service lies over a generated cover (title,
// author, material colour). When the image fails, or is a placeholder of a few pixels (what
// some cover services answer for an unknown ISBN), it is hidden and the generated cover shows.
// The browser loads the images lazily; the server never waits for the cover service.
(function () {
  "use strict";

  // Every "Nieuw in de bib" block includes this script: set up the listeners once.
  if (window.bibnetCovers) return;
  window.bibnetCovers = true;

  var MIN_WIDTH = 20;

  function hide(img) {
    img.hidden = true;
    img.setAttribute("data-cover-failed", "");
  }

  function check(img) {
    if (img.complete && img.naturalWidth < MIN_WIDTH) hide(img);
  }

  // Load and error events do not bubble: listen in the capture phase, for every cover on the
  // page (also covers added later).
  document.addEventListener(
    "error",
    function (event) {
      var target = event.target;
      if (target && target.matches && target.matches("img[data-cover]")) hide(target);
    },
    true
  );
  document.addEventListener(
    "load",
    function (event) {
      var target = event.target;
      if (target && target.matches && target.matches("img[data-cover]")) check(target);
    },
    true
  );

  // Images that finished before this script ran.
  function sweep() {
    var images = document.querySelectorAll("img[data-cover]");
    for (var i = 0; i < images.length; i++) {
      if (images[i].complete && images[i].getAttribute("src")) check(images[i]);
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", sweep);
  } else {
    sweep();
  }
})();
