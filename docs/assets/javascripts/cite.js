// "Copy citation" buttons: copy the citation text and announce it to screen readers.
document.addEventListener("click", (event) => {
  const button = event.target.closest("button.bsla-copy");
  if (!button) return;
  const source = document.getElementById(button.dataset.copy);
  const status = button.closest(".bsla-cite")?.querySelector(".bsla-copy-status");
  if (!source) return;
  const text = source.textContent.trim();
  const done = () => { if (status) status.textContent = status.dataset.copied; };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(text).then(done, () => selectText(source));
  } else {
    selectText(source);
  }
});

function selectText(element) {
  // Without clipboard access (e.g. a file:// copy), select the text for Ctrl+C.
  const range = document.createRange();
  range.selectNodeContents(element);
  const selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
}
