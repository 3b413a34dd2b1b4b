// The benefits editor on the rule form: a version's benefit items as fields (a fixed sum, a sum by tier, a share of
// a declared base), amounts typed in 万元 or 元 and written to the JSON textarea (#id_benefits) in 万元, exact to
// the fen (decimal text shifted, never a float). The JSON stays what is saved and checked; after each change the
// server computes what a sample enterprise would get (POST to data-preview), and an error it names is shown at its
// field, as is one the form returned. Tier and product conditions are drawn by the rule builder's tree.
(() => {
  const box = document.getElementById("benefits-editor");
  const area = document.getElementById("id_benefits");
  const data = document.getElementById("benefits-editor-catalogue");
  const ruleData = document.getElementById("rule-builder-catalogue");
  if (!box || !area || !data || !ruleData || !window.chainserveRuleTree) return;
  const cat = JSON.parse(data.textContent);
  const T = cat.texts;
  const tree = window.chainserveRuleTree(JSON.parse(ruleData.textContent), () => write(), () => render());
  area.closest(".mb-3").before(box);
  box.hidden = false;
  const { el, select, button } = tree;
  const capField = document.getElementById("id_benefit_cap");
  const expressionArea = document.getElementById("id_expression");
  const csrf = () => (document.querySelector("input[name=csrfmiddlewaretoken]") || {}).value || "";
  const units = new WeakMap(); // item or tier → {key: "wan" | "yuan"}, as the person last chose
  const inputs = {}; // what the sample firm declares: {base: 万元 as text, or persons}
  let items = null;
  let sample = null;
  let timer = null;
  let serial = 0;
  let serverErrors = []; // the fields showing the last preview's error

  // ---- exact decimal text: "12.5" shifted by n places (n > 0: × 10^n), no float on the way
  function shift(text, places) {
    let [whole, frac = ""] = text.split(".");
    let digits = whole + frac;
    let point = whole.length + places;
    if (point <= 0) { digits = "0".repeat(1 - point) + digits; point = 1; }
    if (point > digits.length) digits += "0".repeat(point - digits.length);
    whole = digits.slice(0, point).replace(/^0+(?=\d)/, "");
    frac = digits.slice(point).replace(/0+$/, "");
    return frac ? `${whole}.${frac}` : whole;
  }
  // What a person types: full-width digits, thousands separators, 万 / 万元 / 元 after the number.
  function parseAmount(typed, unit) {
    let text = (typed || "").replace(/[０-９．]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
      .replace(/[\s,，]/g, "");
    if (/万元?$/.test(text)) { unit = "wan"; text = text.replace(/万元?$/, ""); } else if (/元$/.test(text)) {
      unit = "yuan"; text = text.replace(/元$/, "");
    }
    const places = unit === "yuan" ? 2 : 6;
    if (!new RegExp(`^\\d+(\\.\\d{1,${places}})?$`).test(text)) return { unit, error: true };
    return { unit, wan: unit === "yuan" ? shift(text, -4) : shift(text, 0) };
  }
  const shown = (wan, unit) => (wan === undefined || wan === "" ? "" : unit === "yuan" ? shift(String(wan), 4) : String(wan));
  const id = () => `benefits-editor-${++serial}`;

  // A field with its label and a place for its error, found by its path in the JSON (benefits[0].cap).
  function field(path, label, control, hint, width = "") {
    const wrap = el("div", { class: `mb-2 benefits-field ${width}`, "data-path": path });
    const target = control.matches("input, select") ? control : control.querySelector("input, select");
    if (target && !target.id) target.id = id();
    wrap.append(el("label", { class: "form-label small mb-1", for: target ? target.id : "", text: label }), control);
    if (hint) wrap.append(el("div", { class: "form-text", text: hint }));
    wrap.append(el("div", { class: "invalid-feedback d-block benefits-error", hidden: "hidden" }));
    return wrap;
  }

  // An amount in 万元 kept in node[key], typed in 万元 or 元; optional: empty removes the key.
  function money(node, key, path, label, optional) {
    const chosen = units.get(node) || {};
    units.set(node, chosen);
    const unit = chosen[key] || "wan";
    const input = el("input", { class: "form-control", inputmode: "decimal", value: shown(node[key], unit),
      placeholder: optional ? T.no_cap : "", "data-key": key });
    const pick = select(Object.entries(cat.units), unit, (s) => {
      chosen[key] = s.value;
      input.value = shown(node[key], s.value);
    }, { class: "form-select flex-grow-0 w-auto", "aria-label": label });
    const group = el("div", { class: "input-group input-group-sm benefits-money" }, input, pick);
    const wrap = field(path, label, group, "", "col-md-6");
    input.addEventListener("change", () => {
      clearError(wrap);
      if (optional && !input.value.trim()) { delete node[key]; write(); return; }
      const parsed = parseAmount(input.value, pick.value);
      chosen[key] = parsed.unit;
      pick.value = parsed.unit;
      if (parsed.error) {
        node[key] = input.value.trim(); // the JSON says what was typed; the server refuses it at this field too
        showError(wrap, T.number);
      } else {
        node[key] = parsed.wan;
        input.value = shown(parsed.wan, parsed.unit);
      }
      write();
    });
    return wrap;
  }

  // A rate "20%" / "2.5‰" as a number and its sign.
  function rate(item, path) {
    const found = /^(.*?)(%|‰)?$/.exec(item.rate || "");
    const input = el("input", { class: "form-control", inputmode: "decimal", value: found[1] });
    const sign = select([["%", "%"], ["‰", "‰"]], found[2] || "%", () => save(), { class: "form-select flex-grow-0 w-auto", "aria-label": T.rate });
    const wrap = field(`${path}.rate`, T.rate, el("div", { class: "input-group input-group-sm benefits-rate" }, input, sign), T.percent);
    function save() {
      clearError(wrap);
      const number = input.value.replace(/[０-９．]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/[\s%‰]/g, "");
      if (!/^\d{1,4}(\.\d{1,4})?$/.test(number)) showError(wrap, T.percent);
      item.rate = number + sign.value;
      write();
    }
    input.addEventListener("change", save);
    return wrap;
  }

  function condition(holder, key, context) {
    if ("field" in holder[key]) holder[key] = { all: [holder[key]] };
    return tree.draw(holder[key], context, (next) => { holder[key] = next; }, null);
  }

  function tiers(item, path) {
    const list = el("div", { class: "benefits-tiers" });
    item.tiers.forEach((tier, i) => {
      const where = `${path}.tiers[${i}]`;
      const last = i === item.tiers.length - 1;
      const row = el("div", { class: "border rounded p-2 mb-2 benefits-tier", "data-path": where });
      const head = el("div", { class: "d-flex flex-wrap gap-2 align-items-center mb-1" },
        el("span", { class: "small fw-bold", text: T.tier.replace("%(n)s", i + 1) }));
      if (last) {
        const otherwise = el("input", { type: "checkbox", class: "form-check-input", id: id() });
        otherwise.checked = !("when" in tier);
        otherwise.addEventListener("change", () => {
          if (otherwise.checked) delete tier.when; else tier.when = { all: [tree.newCondition("")] };
          render();
        });
        head.append(el("span", { class: "form-check mb-0" }, otherwise,
          el("label", { class: "form-check-label small", for: otherwise.id, text: T.otherwise })));
      }
      if (item.tiers.length > 1) head.append(button("✕", () => { item.tiers.splice(i, 1); render(); }, T.remove_item));
      row.append(head);
      if ("when" in tier) {
        const when = el("div", { class: "mb-1 benefits-field", "data-path": `${where}.when` },
          el("div", { class: "small text-muted", text: T.when }), condition(tier, "when", ""),
          el("div", { class: "invalid-feedback d-block benefits-error", hidden: "hidden" }));
        row.append(when);
      }
      row.append(money(tier, "amount", `${where}.amount`, T.amount));
      list.append(row);
    });
    if (item.tiers.length < cat.max_tiers) {
      list.append(button(T.add_tier, () => {
        const at = "when" in item.tiers[item.tiers.length - 1] ? item.tiers.length : item.tiers.length - 1;
        item.tiers.splice(at, 0, { when: { all: [tree.newCondition("")] }, amount: "10" });
        render();
      }));
    }
    return field(`${path}.tiers`, cat.kinds.tiers, list);
  }

  const kindOf = (item) => ["amount", "tiers", "base"].find((k) => k in item) || "amount";
  function setKind(item, kind) {
    ["amount", "tiers", "base", "rate", "per_head"].forEach((k) => delete item[k]);
    if (kind === "amount") item.amount = "50";
    if (kind === "tiers") item.tiers = [{ when: { all: [tree.newCondition("")] }, amount: "50" }, { amount: "20" }];
    if (kind === "base") { item.base = cat.bases[0][0]; item.rate = "20%"; }
  }
  function setBase(item, base) {
    item.base = base;
    if (base === cat.headcount) { delete item.rate; item.per_head = item.per_head || "0.5"; }
    else { delete item.per_head; item.rate = item.rate || "20%"; }
  }

  function itemCard(item, i) {
    const path = `benefits[${i}]`;
    const card = el("fieldset", { class: "border rounded p-2 mb-2 benefits-item", "data-path": path });
    card.append(el("legend", { class: "fs-6 fw-bold mb-1 float-none w-auto px-1", text: T.item.replace("%(n)s", i + 1) }));
    const label = el("input", { class: "form-control form-control-sm", value: item.label || "", maxlength: "100" });
    label.addEventListener("change", () => { item.label = label.value; write(); });
    const top = el("div", { class: "row g-2" });
    top.append(el("div", { class: "col-md-7" }, field(`${path}.label`, T.label, label)));
    top.append(el("div", { class: "col-md-5" }, field(path, T.kind, select(Object.entries(cat.kinds), kindOf(item),
      (s) => { setKind(item, s.value); render(); }, { class: "form-select form-select-sm" }))));
    card.append(top);
    const kind = kindOf(item);
    if (kind === "amount") card.append(money(item, "amount", `${path}.amount`, T.amount));
    if (kind === "tiers") card.append(tiers(item, path));
    if (kind === "base") {
      const row = el("div", { class: "row g-2" });
      row.append(el("div", { class: "col-md-6" }, field(`${path}.base`, T.base, select(cat.bases, item.base,
        (s) => { setBase(item, s.value); render(); }, { class: "form-select form-select-sm" }))));
      row.append(el("div", { class: "col-md-6" }, item.base === cat.headcount
        ? money(item, "per_head", `${path}.per_head`, T.per_head) : rate(item, path)));
      card.append(row);
    }
    card.append(money(item, "cap", `${path}.cap`, T.cap, true));
    const perProduct = el("input", { type: "checkbox", class: "form-check-input", id: id() });
    perProduct.checked = "product" in item;
    perProduct.addEventListener("change", () => {
      if (perProduct.checked) item.product = { all: [tree.newCondition("product")] };
      else { delete item.product; delete item.product_cap; }
      render();
    });
    card.append(el("div", { class: "form-check mb-1" }, perProduct,
      el("label", { class: "form-check-label small", for: perProduct.id, text: T.per_product })));
    if ("product" in item) {
      card.append(el("div", { class: "benefits-field mb-1", "data-path": `${path}.product` }, condition(item, "product", "product"),
        el("div", { class: "invalid-feedback d-block benefits-error", hidden: "hidden" })));
      card.append(money(item, "product_cap", `${path}.product_cap`, T.product_cap, true));
    }
    card.append(button(T.remove_item, () => { items.splice(i, 1); render(); }));
    return card;
  }

  // ---- errors at their field: the field whose path is the longest start of the error's
  function clearError(wrap) {
    const place = wrap.querySelector(":scope > .benefits-error");
    if (place) { place.hidden = true; place.textContent = ""; }
    wrap.querySelectorAll(":scope > .input-group > .form-control, :scope > .form-control").forEach((c) => c.classList.remove("is-invalid"));
  }
  function showError(wrap, message) {
    const place = wrap.querySelector(":scope > .benefits-error");
    if (!place) return null;
    place.textContent = message;
    place.hidden = false;
    wrap.querySelectorAll(":scope > .input-group > .form-control, :scope > .form-control").forEach((c) => c.classList.add("is-invalid"));
    return wrap;
  }
  function showAt(path, message) {
    const fields = [...box.querySelectorAll("[data-path]")].filter((f) => path === f.dataset.path ||
      path.startsWith(`${f.dataset.path}.`) || path.startsWith(`${f.dataset.path}[`));
    const best = fields.sort((a, b) => b.dataset.path.length - a.dataset.path.length)
      .find((f) => f.querySelector(":scope > .benefits-error"));
    return showError(best || editor, message);
  }

  const editor = el("div", { class: "benefits-field", "data-path": "benefits" });
  const list = el("div", { id: "benefits-editor-items" });
  const fresh = new WeakSet();  // items added here whose name has not been typed yet: no "name required" at once
  const add = button(T.add_item, () => {
    items.push({ label: "" });
    fresh.add(items[items.length - 1]);
    setKind(items[items.length - 1], "base");
    render();
  });
  const result = el("div", { class: "small", id: "benefits-editor-result", "aria-live": "polite" });
  const declared = el("div", { class: "row g-2 mb-1", id: "benefits-editor-inputs" });
  const chooser = el("div", { class: "mb-1" });
  const panel = el("div", { class: "border rounded bg-light p-2 mt-2", id: "benefits-editor-preview" },
    el("div", { class: "fw-bold small mb-1", text: T.preview }), chooser, declared, result);
  editor.append(list, add, el("div", { class: "invalid-feedback d-block benefits-error", hidden: "hidden" }), panel);
  box.append(el("div", { class: "fw-bold small mb-1", text: T.editor }), editor);

  function load() {
    try {
      const parsed = JSON.parse(area.value.trim() || "[]");
      const isObject = (x) => x && typeof x === "object" && !Array.isArray(x);
      const readable = Array.isArray(parsed) && parsed.every((item) => isObject(item) &&
        (!("product" in item) || isObject(item.product)) &&
        (!("tiers" in item) || (Array.isArray(item.tiers) && item.tiers.length &&
          item.tiers.every((t) => isObject(t) && (!("when" in t) || isObject(t.when))))));
      items = readable ? parsed : null;
    } catch (e) {
      items = null;
    }
    render(true);
  }

  // Draw the items as they stand; after a change of shape, write them (not when they were just read).
  function render(read = false) {
    list.replaceChildren();
    if (!items) {
      list.append(el("div", { class: "small text-warning", text: T.unreadable }));
      add.hidden = true;
      panel.hidden = true;
      return;
    }
    add.hidden = items.length >= cat.max_items;
    panel.hidden = false;
    if (!items.length) list.append(el("div", { class: "small text-muted mb-1", text: T.empty }));
    items.forEach((item, i) => list.append(itemCard(item, i)));
    drawInputs();
    if (read) schedule(); else write();
  }

  function write() {
    if (!items) return;
    area.value = items.length ? JSON.stringify(items, null, 2) : "";
    schedule();
  }

  // The bases the items need, each with what the sample firm declares.
  function drawInputs() {
    declared.replaceChildren();
    const needed = [...new Set(items.filter((item) => item.base).map((item) => item.base))];
    cat.bases.filter(([code]) => needed.includes(code)).forEach(([code, label]) => {
      const headcount = code === cat.headcount;
      if (!(code in inputs)) inputs[code] = headcount ? cat.sample.headcount : cat.sample.amount;
      const input = el("input", { class: "form-control form-control-sm", inputmode: headcount ? "numeric" : "decimal",
        value: inputs[code], id: id() });
      input.addEventListener("change", () => {
        inputs[code] = headcount ? Number(input.value) : (parseAmount(input.value, "wan").wan ?? input.value);
        schedule();
      });
      const unit = headcount ? T.persons : cat.units.wan;
      declared.append(el("div", { class: "col-6 col-md-4 benefits-field", "data-path": `inputs.${code}` },
        el("label", { class: "form-label small mb-0", for: input.id, text: `${label}（${unit}）` }), input,
        el("div", { class: "invalid-feedback d-block benefits-error", hidden: "hidden" })));
    });
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(preview, 400);
  }

  function expression() {
    try { return JSON.parse(expressionArea ? expressionArea.value : ""); } catch (e) { return null; }
  }

  async function preview() {
    if (!items) return;
    let answer;
    let response;
    try {
      response = await fetch(box.dataset.preview, {
        method: "POST", headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() }, credentials: "same-origin",
        body: JSON.stringify({ benefits: items, benefit_cap: capField ? capField.value.trim() : "", inputs,
          expression: expression(), enterprise: sample }),
      });
      answer = await response.json();
    } catch (e) {
      return;
    }
    serverErrors.forEach(clearError);
    serverErrors = [];
    if (!response.ok) {
      result.replaceChildren();
      const unnamed = /^benefits\[(\d+)\]\.label$/.exec(answer.path || "");
      if (unnamed && fresh.has(items[Number(unnamed[1])]) && !items[Number(unnamed[1])].label) return;
      if (answer.path === "benefit_cap" && capField) capField.classList.add("is-invalid");
      const wrap = showAt(answer.path === "benefit_cap" ? "benefits" : answer.path || "benefits", answer.error || "");
      if (wrap) serverErrors.push(wrap);
      return;
    }
    if (capField) capField.classList.remove("is-invalid");
    drawAnswer(answer);
  }

  function drawAnswer(answer) {
    chooser.replaceChildren();
    const options = [["", T.no_sample], ...answer.enterprises.map(([pk, name]) => [String(pk), name])];
    sample = answer.enterprise ? answer.enterprise[0] : null;
    chooser.append(field("sample", T.sample, select(options, sample === null ? "" : String(sample), (s) => {
      sample = s.value ? Number(s.value) : null;
      schedule();
    }, { class: "form-select form-select-sm" })));
    const amount = answer.amount;
    const lines = el("ul", { class: "mb-1 ps-3" });
    amount.items.forEach((item) => lines.append(el("li", { text: `${item.label}${cat.colon}${item.text}` })));
    amount.steps.forEach((step) => lines.append(el("li", { text: step })));
    result.replaceChildren(lines, el("div", { class: "fw-bold", id: "benefits-editor-total",
      text: `${T.total}${cat.colon}${amount.total_shown}（${amount.total_yuan}${cat.units.yuan}）` }));
    if (!amount.complete) result.append(el("div", { class: "text-muted", text: T.pending }));
  }

  // An error the form returned for the JSON ("benefits[1].rate: …") is shown at its field as well.
  function formError() {
    const shownError = document.getElementById("id_benefits-error");
    const found = shownError && /^(benefits[^\s:]*): (.*)$/s.exec(shownError.textContent.trim());
    if (found) showAt(found[1], found[2]);
  }

  area.addEventListener("change", load);
  if (capField) capField.addEventListener("change", schedule);
  if (expressionArea) expressionArea.closest("form").addEventListener("change", (e) => { if (!box.contains(e.target)) schedule(); });
  load();
  formError();
})();
