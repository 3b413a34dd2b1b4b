// Page behaviours that templates ask for with data- attributes: the Content-Security-Policy allows
// no inline handlers (onchange=, javascript: links), so they live here.
//   <select data-submit-on-change>   submits its form when the choice changes (the language menu)
//   <a data-history-back href="…">    goes back one page; the href is where it leads without history
document.addEventListener("change", (event) => {
  const select = event.target.closest("select[data-submit-on-change]");
  if (select && select.form) select.form.submit();
});

document.addEventListener("click", (event) => {
  const link = event.target.closest("a[data-history-back]");
  if (link && window.history.length > 1) {
    event.preventDefault();
    window.history.back();
  }
});
