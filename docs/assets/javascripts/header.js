// The header's search field (docs/overrides/partials/header.html) is a plain
// form that works without this script. This adds the "/" shortcut readers know
// from other sites: it moves focus to the search field (the search page's own
// field on the search page), unless the reader is typing somewhere already.

const headerField = document.querySelector("[data-bsla-header-search]");

function typingIn(element) {
  if (!element) return false;
  const tag = element.tagName;
  return element.isContentEditable || tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT";
}

if (headerField) {
  // Listened for first (window, capture phase): Material reads "/" as "open
  // its search dialog", which this site does not have (no search plugin), and
  // would then treat its other keys as typed into that dialog.
  window.addEventListener("keydown", (event) => {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
    if (typingIn(document.activeElement)) return;
    const field = document.querySelector("[data-search-form] input[name=q]") || headerField;
    event.preventDefault();
    event.stopPropagation();
    field.focus();
    field.select();
  }, true);
}

// Material's drawer and search toggles are hidden checkboxes; a browser that
// restores form state on "back" could reopen the drawer. Its templates asked
// for autocomplete="off", which HTML does not allow on checkboxes, so they are
// closed here instead.
window.addEventListener("pageshow", () => {
  for (const toggle of document.querySelectorAll("input.md-toggle[data-md-toggle]")) {
    toggle.checked = false;
  }
});
