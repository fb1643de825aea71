// Identity providers: a "Copy to clipboard" button next to the federation reply URL.
// The button is hidden without JavaScript (or without the Clipboard API); the URL stays
// selectable either way.
document.querySelectorAll("button[data-copy]").forEach(function (button) {
  var target = document.getElementById(button.dataset.copy);
  if (!target || !navigator.clipboard) { return; }
  button.hidden = false;
  button.addEventListener("click", function () {
    navigator.clipboard.writeText(target.textContent.trim()).then(function () {
      button.textContent = "Copied";
    });
  });
});
