// Printing keeps the evidence and reasons: every collapsed section is opened before printing.
window.addEventListener("beforeprint", function () {
  document.querySelectorAll("details").forEach(function (d) { d.open = true; });
});
