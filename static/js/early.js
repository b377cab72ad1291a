// Loaded in <head> before the page is drawn: marks that scripts run, so the stylesheet can fold
// the menu and show the close buttons from the first paint (no layout shift when site.js runs).
document.documentElement.classList.add("js");
