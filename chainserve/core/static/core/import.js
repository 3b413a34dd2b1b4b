/* The import page: show the progress bar while the workbook is being checked. */
(function () {
  var form = document.getElementById("import-form");
  if (!form) { return; }
  form.addEventListener("submit", function () {
    document.getElementById("upload-progress").classList.remove("d-none");
  });
})();
