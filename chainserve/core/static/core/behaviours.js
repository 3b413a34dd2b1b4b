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

// <div data-org-picker data-suggest-url="…">: the organisation picker (registry OrganizationPicker).
// Typing asks the server for matches (name, pinyin, initials, credit code); ↓/↑ move through them, Enter or
// a click chooses one (its id goes to the hidden input, its name stays in the box), Escape closes the list.
// Typing again clears the choice, so what is sent is either a chosen record or the typed text.
// With data-org-picker-multiple (registry OrganizationsPicker) a choice becomes a chip with its own hidden
// input and a button that takes it off again, and the box is emptied for the next one.
(() => {
  const timers = new WeakMap();
  const parts = (box) => {
    const picker = box.closest("[data-org-picker]");
    return { picker, hidden: picker.querySelector("[data-org-picker-value]"),
             list: picker.querySelector("[role=listbox]") };
  };
  const options = (list) => [...list.querySelectorAll("[role=option]")];
  const close = (box, list) => { list.hidden = true; box.setAttribute("aria-expanded", "false");
                                 box.removeAttribute("aria-activedescendant"); };
  const activate = (box, list, option) => {
    options(list).forEach((o) => { o.classList.toggle("active", o === option);
                                   o.setAttribute("aria-selected", String(o === option)); });
    if (option) { box.setAttribute("aria-activedescendant", option.id); option.scrollIntoView({ block: "nearest" }); }
  };
  const chip = (picker, option) => {
    const chosen = picker.querySelector("[data-org-picker-chosen]");
    const taken = [...chosen.querySelectorAll("input")].some((i) => i.value === option.dataset.value);
    if (taken) return;
    const span = document.createElement("span");
    span.className = "badge text-bg-light border org-chip";
    const input = Object.assign(document.createElement("input"),
                                { type: "hidden", name: picker.dataset.name, value: option.dataset.value });
    const remove = Object.assign(document.createElement("button"), { type: "button", className: "btn-close ms-1" });
    remove.setAttribute("aria-label", `${picker.dataset.removeLabel} ${option.dataset.label}`);
    remove.dataset.orgPickerRemove = "";
    span.append(option.dataset.label, input, remove);
    chosen.append(span);
  };
  const choose = (box, option) => {
    const { picker, hidden, list } = parts(box);
    if (picker.hasAttribute("data-org-picker-multiple")) {
      chip(picker, option);
      box.value = "";
    } else {
      hidden.value = option.dataset.value;
      box.value = option.dataset.label;
    }
    close(box, list);
  };
  const suggest = async (box) => {
    const { picker, list } = parts(box);
    const q = box.value.trim();
    if (!q) { close(box, list); list.replaceChildren(); return; }
    const url = new URL(picker.dataset.suggestUrl, window.location.href);
    url.searchParams.set("q", q);
    const response = await fetch(url, { headers: { Accept: "text/html" }, credentials: "same-origin" });
    if (!response.ok || box.value.trim() !== q) return;
    list.innerHTML = await response.text();
    list.hidden = false;
    box.setAttribute("aria-expanded", "true");
  };
  document.addEventListener("input", (event) => {
    const box = event.target.closest("[data-org-picker] [role=combobox]");
    if (!box) return;
    const { hidden } = parts(box);
    if (hidden) hidden.value = "";
    clearTimeout(timers.get(box));
    timers.set(box, setTimeout(() => suggest(box), 200));
  });
  document.addEventListener("keydown", (event) => {
    const box = event.target.closest("[data-org-picker] [role=combobox]");
    if (!box) return;
    const { list } = parts(box);
    const all = options(list);
    const current = all.findIndex((o) => o.classList.contains("active"));
    if ((event.key === "ArrowDown" || event.key === "ArrowUp") && !list.hidden && all.length) {
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      activate(box, list, all[(current + step + all.length) % all.length]);
    } else if (event.key === "Enter" && !list.hidden && current >= 0) {
      event.preventDefault();
      choose(box, all[current]);
    } else if (event.key === "Escape" && !list.hidden) {
      event.preventDefault();
      close(box, list);
    }
  });
  document.addEventListener("mousedown", (event) => {
    const option = event.target.closest("[data-org-picker] [role=option]");
    if (option) {
      event.preventDefault();  // keep the focus in the box
      choose(option.closest("[data-org-picker]").querySelector("[role=combobox]"), option);
    }
  });
  document.addEventListener("click", (event) => {
    const remove = event.target.closest("[data-org-picker] [data-org-picker-remove]");
    if (remove) remove.closest(".org-chip").remove();
  });
  document.addEventListener("focusout", (event) => {
    const box = event.target.closest("[data-org-picker] [role=combobox]");
    if (box) close(box, parts(box).list);
  });
})();

// <select data-fill="ID"> whose options carry data-text (a standard reply): choosing one puts its text in the
// field ID (the note), to adapt before sending; "write my own" leaves what is there.
document.addEventListener("change", (event) => {
  const select = event.target.closest("select[data-fill]");
  const text = select && select.selectedOptions[0] && select.selectedOptions[0].dataset.text;
  const target = select && document.getElementById(select.dataset.fill);
  if (text !== undefined && target) target.value = text;
});
