// The rule builder on the rule form: the conditions as lists of fields, operators and values (labels in the
// reader's language), nested all / any / not and conditions over one product, placement or agreement. It reads
// and writes the JSON textarea (#id_expression), which stays the rule that is saved and checked; after each
// change it asks how many enterprises qualify now (POST to data-preview) and shows a few of them.

// The tree of conditions, drawn from the builder's catalogue (builder.catalogue); also used by the benefits editor
// for a tier's condition and a product condition. write(): a value changed; render(): the shape changed, draw again.
window.chainserveRuleTree = (cat, write, render) => {
  const T = cat.texts;
  const PARTS = ["product", "placement", "agreement"];
  const LIST_OPS = ["in", "not_in", "has_any", "has_all", "has_none"];
  const VALUELESS = ["is_null", "not_null", "in_policy_year"];
  const el = (tag, attrs = {}, ...kids) => {
    const node = document.createElement(tag);
    Object.entries(attrs).forEach(([k, v]) => (k === "text" ? (node.textContent = v) : node.setAttribute(k, v)));
    kids.forEach((kid) => kid && node.append(kid));
    return node;
  };
  const select = (options, value, onChange, attrs = {}) => {
    const s = el("select", { class: "form-select form-select-sm w-auto", ...attrs });
    options.forEach(([v, label]) => s.append(el("option", { value: v, text: label })));
    if (attrs.multiple) [...s.options].forEach((o) => (o.selected = (value || []).includes(o.value)));
    else s.value = value;
    s.addEventListener("change", () => onChange(s));
    return s;
  };
  const fieldsOf = (context) => cat.fields[context || ""];
  const spec = (context, name) => fieldsOf(context).find((f) => f.name === name);
  const groupKey = (node) => ["all", "any", "not", ...PARTS].find((k) => k in node);

  function defaultValue(f, op) {
    if (VALUELESS.includes(op)) return undefined;
    const first = f.choices.length ? f.choices[0][0] : "";
    if (LIST_OPS.includes(op)) return first ? [first] : [""];
    if (op === "between") return ["2026-01-01", "2026-12-31"];
    if (op.startsWith("age_years")) return 3;
    if (f.kind === "number") return 0;
    if (f.kind === "date") return new Date().toISOString().slice(0, 10);
    return first;
  }
  const newCondition = (context) => {
    const f = fieldsOf(context)[0];
    const node = { field: f.name, op: f.ops[0] };
    const value = defaultValue(f, f.ops[0]);
    if (value !== undefined) node.value = value;
    return node;
  };

  function valueEditor(node, f, changed) {
    const op = node.op;
    if (VALUELESS.includes(op)) return null;
    if (LIST_OPS.includes(op) && f.choices.length) {
      return select(f.choices, node.value, (s) => {
        node.value = [...s.selectedOptions].map((o) => o.value);
        changed();
      }, { multiple: "multiple", size: Math.min(4, f.choices.length) });
    }
    if (LIST_OPS.includes(op)) {
      const input = el("input", { class: "form-control form-control-sm w-auto", value: (node.value || []).join("、") });
      input.addEventListener("change", () => {
        node.value = input.value.split(/[、,，]/).map((v) => v.trim()).filter(Boolean);
        if (f.kind === "number") node.value = node.value.map(Number);
        changed();
      });
      return input;
    }
    if (op === "between") {
      const span = el("span", { class: "d-inline-flex gap-1" });
      [0, 1].forEach((i) => {
        const input = el("input", { type: "date", class: "form-control form-control-sm w-auto", value: node.value[i] });
        input.addEventListener("change", () => { node.value[i] = input.value; changed(); });
        span.append(input);
      });
      return span;
    }
    if (f.choices.length && !op.startsWith("age_years")) {
      return select(f.choices, node.value, (s) => { node.value = s.value; changed(); });
    }
    const numeric = f.kind === "number" || op.startsWith("age_years");
    const input = el("input", { class: "form-control form-control-sm w-auto", value: node.value ?? "",
      type: numeric ? "number" : f.kind === "date" ? "date" : "text", "aria-label": T.value });
    input.addEventListener("change", () => { node.value = numeric ? Number(input.value) : input.value; changed(); });
    return input;
  }

  function condition(node, context, remove) {
    const row = el("div", { class: "d-flex flex-wrap gap-1 align-items-center mb-1 builder-condition" });
    const draw = () => {
      row.replaceChildren();
      const f = spec(context, node.field) || fieldsOf(context)[0];
      row.append(select(fieldsOf(context).map((x) => [x.name, x.label]), f.name, (s) => {
        const g = spec(context, s.value);
        node.field = g.name;
        node.op = g.ops[0];
        delete node.value;
        const value = defaultValue(g, node.op);
        if (value !== undefined) node.value = value;
        draw(); write();
      }));
      row.append(select(f.ops.map((op) => [op, cat.ops[op] || op]), node.op, (s) => {
        node.op = s.value;
        delete node.value;
        const value = defaultValue(f, node.op);
        if (value !== undefined) node.value = value;
        draw(); write();
      }));
      const editor = valueEditor(node, f, write);
      if (editor) row.append(editor);
      if (remove) row.append(button("✕", remove, T.remove));
    };
    draw();
    return row;
  }

  function button(text, onClick, title) {
    const b = el("button", { type: "button", class: "btn btn-outline-secondary btn-sm", text, title: title || text });
    b.addEventListener("click", onClick);
    return b;
  }

  // A group: {all: […]}, {any: […]}, {not: node} or {product|placement|agreement: node}; its children are drawn
  // in the group's context (the enterprise's fields, or one product's …).
  function group(node, context, replace, remove) {
    const key = groupKey(node);
    const inner = ["all", "any"].includes(key) ? node[key] : null;
    const childContext = PARTS.includes(key) ? key : context;
    const box = el("div", { class: "border-start border-2 ps-2 mb-2 builder-group" });
    const kinds = ["all", "any", "not", ...(context ? [] : PARTS)].map((k) => [k, cat.groups[k]]);
    const head = el("div", { class: "d-flex flex-wrap gap-1 align-items-center mb-1" });
    head.append(select(kinds, key, (s) => {
      const children = inner || [node[key]];
      let next;
      if (s.value === "all" || s.value === "any") next = { [s.value]: children };
      else if (PARTS.includes(s.value)) next = { [s.value]: newCondition(s.value) };
      else next = { not: children.length === 1 ? children[0] : { all: children } };
      replace(next); render();
    }));
    head.append(button(T.condition, () => {
      add(newCondition(childContext));
    }));
    head.append(button(T.group, () => {
      add({ all: [newCondition(childContext)] });
    }));
    if (remove) head.append(button("✕", remove, T.remove));
    box.append(head);
    function add(child) {
      if (inner) inner.push(child);
      else node[key] = { all: [node[key], child] };
      render();
    }
    const children = inner || [node[key]];
    children.forEach((child, i) => {
      const put = (next) => { if (inner) inner[i] = next; else node[key] = next; };
      const drop = children.length > 1 ? () => {
        if (inner) inner.splice(i, 1);
        render();
      } : null;
      box.append(draw(child, childContext, put, drop));
    });
    return box;
  }

  function draw(node, context, replace, remove) {
    return "field" in node ? condition(node, context, remove) : group(node, context, replace, remove);
  }
  return { draw, el, select, button, newCondition, groupKey };

};

(() => {
  const box = document.getElementById("rule-builder");
  const data = document.getElementById("rule-builder-catalogue");
  const area = document.getElementById("id_expression");
  if (!box || !data || !area) return;
  const cat = JSON.parse(data.textContent);
  const T = cat.texts;
  const { draw, el, newCondition, groupKey } = window.chainserveRuleTree(cat, () => write(), () => render());
  const csrf = () => (document.querySelector("input[name=csrfmiddlewaretoken]") || {}).value || "";
  let root = null;
  let timer = null;

  const tree = el("div", { id: "rule-builder-tree" });
  const status = el("div", { class: "small text-muted", id: "rule-builder-count", "aria-live": "polite" });
  box.append(el("div", { class: "fw-bold small mb-1", text: T.builder }), tree, status);

  // Read the textarea into the tree (on load, and when someone edits the JSON itself).
  function load() {
    try {
      const parsed = JSON.parse(area.value || "{}");
      if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) throw new Error("not a rule");
      root = "field" in parsed || groupKey(parsed) ? parsed : { all: [newCondition("")] };
      if ("field" in root) root = { all: [root] };
    } catch (e) {
      root = null;
    }
    render();
  }

  // Draw the tree as it stands and write it to the textarea.
  function render() {
    tree.replaceChildren();
    if (!root) {
      tree.append(el("div", { class: "small text-warning", text: T.unreadable }));
      return;
    }
    tree.append(draw(root, "", (next) => { root = next; }, null));
    write();
  }

  function write() {
    if (!root) return;
    area.value = JSON.stringify(root, null, 2);
    clearTimeout(timer);
    timer = setTimeout(preview, 400);
  }

  async function preview() {
    try {
      const response = await fetch(box.dataset.preview, {
        method: "POST", headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
        body: JSON.stringify({ expression: root }), credentials: "same-origin",
      });
      const answer = await response.json();
      if (!response.ok) { status.textContent = answer.error || ""; status.className = "small text-danger"; return; }
      status.className = "small text-muted";
      status.textContent = T.count.replace("%(n)s", answer.count) +
        (answer.examples.length ? ` · ${T.examples}${cat.colon}${answer.examples.join("、")}` : "");
    } catch (e) {
      status.textContent = "";
    }
  }

  area.addEventListener("change", load);
  load();
})();
