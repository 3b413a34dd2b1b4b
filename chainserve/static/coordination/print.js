// <button data-print> prints the page (the Content-Security-Policy forbids an inline onclick).
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) window.print();
});
