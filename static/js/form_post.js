// Form Post Response Mode: submit the response to the application as soon as the page loads.
document.addEventListener("DOMContentLoaded", function () {
  document.getElementById("form_post").submit();
});
