// Create a key: show only the fields of the chosen option (Generate or Manual).
// Without JavaScript both fieldsets stay visible, each titled with its option.
(function () {
  var select = document.querySelector("select[data-option-select]");
  if (!select) { return; }
  function show() {
    document.querySelectorAll("fieldset[data-option]").forEach(function (fieldset) {
      fieldset.hidden = fieldset.dataset.option !== select.value;
    });
  }
  select.addEventListener("change", show);
  show();
})();
