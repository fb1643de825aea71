// API connector form: show only the credential fields of the chosen authentication type.
// Without JavaScript every fieldset stays visible, each titled with its type.
(function () {
  var select = document.querySelector("select[data-auth-select]");
  if (!select) { return; }
  function show() {
    document.querySelectorAll("fieldset[data-auth]").forEach(function (fieldset) {
      fieldset.hidden = fieldset.dataset.auth !== select.value;
    });
  }
  select.addEventListener("change", show);
  show();
})();
