// A token arriving in the URL fragment (#id_token=...) never reaches the server: post it.
(function () {
  var params = new URLSearchParams(window.location.hash.slice(1));
  var token = params.get("id_token") || params.get("access_token");
  var form = document.getElementById("paste-form");
  if (token && form) {
    history.replaceState(null, "", window.location.pathname);
    form.querySelector("textarea").value = token;
    form.submit();
  }
})();
