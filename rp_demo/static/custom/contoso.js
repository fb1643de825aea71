// Runs only when the user flow's "Enable JavaScript enforcing page layout" property is on:
// otherwise B2C (and B2C Lab) remove the page's <script> elements.
document.addEventListener("DOMContentLoaded", function () {
  var status = document.getElementById("js-status");
  if (status) {
    status.textContent = "JavaScript is on for this page.";
    status.classList.add("on");
  }
});
