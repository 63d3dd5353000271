/*
 * The customer segment page's visual rule builder.
 *
 * Rows of field / operator / value (the input each field's kind wants, its window in days, the program's tiers,
 * stores and segments, the category tree) inside groups of "all", "any" or "none of these", nestable. Every change
 * is written into the segment's `rules` field as the JSON the server reads (behind "Show JSON", still editable by
 * hand: the builder follows), and the rules are counted as they change (POST /api/v1/segments/preview with the
 * session and its CSRF token, debounced): the number of matching contacts, a sample, and the server's complaint next
 * to the row it concerns. The fields, their operators and keys come from campaigns/segments/fields.py and every text
 * from Django's translations (#segment-builder-config). Without this script the rules are a plain JSON field.
 */
(function () {
  "use strict";

  const DEBOUNCE_MS = 350;
  const MAX_DEPTH = 6;
  // Where a server error is: `all[0].not.any[1]: message`.
  const ERROR_PATH = /^((?:all|any|not)(?:\[\d+\])?(?:\.(?:all|any|not)(?:\[\d+\])?)*): ([\s\S]*)$/;
  const NUMBER = /^-?\d{1,15}(\.\d{1,6})?$/;

  let uid = 0;
  const nextId = (prefix) => `sb-${prefix}-${++uid}`;

  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (key === "text") node.textContent = value;
      else if (key === "className") node.className = value;
      else node.setAttribute(key, value === true ? "" : String(value));
    }
    for (const child of children.flat()) {
      if (child !== null && child !== undefined && child !== false) node.append(child);
    }
    return node;
  }

  function format(template, values) {
    return String(template).replace(/%\((\w+)\)s/g, (match, key) => (key in values ? values[key] : match));
  }

  // --- Rules <-> the builder's tree ----------------------------------------------------------------------------
  // A group: {kind: "group", mode: "all" | "any" | "not", children: [...]}; "not" is "none of these" and is written
  // as {"not": child} with one child, {"not": {"any": [...]}} with several. A leaf: {kind: "leaf", field, op, value,
  // keys}; `value` is what the JSON holds (undefined while the row is not filled in).

  function isObject(value) {
    return value !== null && typeof value === "object" && !Array.isArray(value);
  }

  function fromRules(node, fields) {
    if (!isObject(node)) throw new Error("a condition or a group is an object");
    const keys = Object.keys(node);
    for (const mode of ["all", "any"]) {
      if (mode in node) {
        if (keys.length !== 1 || !Array.isArray(node[mode])) throw new Error(`"${mode}" takes a list`);
        return { kind: "group", mode: mode, children: node[mode].map((child) => fromRules(child, fields)) };
      }
    }
    if ("not" in node) {
      if (keys.length !== 1) throw new Error('"not" stands alone');
      const inner = node.not;
      if (isObject(inner) && Object.keys(inner).length === 1 && Array.isArray(inner.any)) {
        return { kind: "group", mode: "not", children: inner.any.map((child) => fromRules(child, fields)) };
      }
      return { kind: "group", mode: "not", children: [fromRules(inner, fields)] };
    }
    const spec = fields[node.field];
    if (!spec) throw new Error(`unknown field ${JSON.stringify(node.field)}`);
    const extra = keys.filter((key) => !["field", "op", "value"].includes(key) && !(key in spec.keys));
    if (extra.length) throw new Error(`unknown keys ${extra.join(", ")}`);
    if (node.op !== undefined && !spec.ops.includes(node.op)) throw new Error(`unknown operator ${JSON.stringify(node.op)}`);
    const leaf = { kind: "leaf", field: node.field, op: node.op || spec.ops[0], value: node.value, keys: {} };
    for (const [key, fallback] of Object.entries(spec.keys)) {
      leaf.keys[key] = key in node ? node[key] : fallback;
    }
    return leaf;
  }

  function join(path, part) {
    return path ? `${path}.${part}` : part;
  }

  // The rules' JSON of a node; `paths` maps each JSON path (as the server names it) to its node.
  function toRules(node, path, paths) {
    paths.set(path, node);
    if (node.kind === "leaf") {
      const leaf = { field: node.field, op: node.op };
      if (node.value !== undefined) leaf.value = node.value;
      for (const [key, value] of Object.entries(node.keys)) {
        if (value !== undefined && value !== null && value !== "") leaf[key] = value;
      }
      return leaf;
    }
    if (node.mode === "not") {
      const inner = join(path, "not");
      if (node.children.length === 1) return { not: toRules(node.children[0], inner, paths) };
      paths.set(inner, node);
      return { not: { any: node.children.map((child, index) => toRules(child, `${join(inner, "any")}[${index}]`, paths)) } };
    }
    return { [node.mode]: node.children.map((child, index) => toRules(child, `${join(path, node.mode)}[${index}]`, paths)) };
  }

  function leavesOf(node) {
    return node.kind === "leaf" ? [node] : node.children.flatMap(leavesOf);
  }

  function complete(leaf) {
    if (!leaf.field) return false;
    if (leaf.value === undefined || leaf.value === "") return false;
    return !(Array.isArray(leaf.value) && !leaf.value.length);
  }

  // Typed text to a rule's value: whole and decimal numbers as numbers, anything else as typed (the server says
  // what is wrong with it, next to the row).
  function parseNumber(text) {
    const value = String(text).trim().replace(",", ".");
    if (value === "") return undefined;
    return NUMBER.test(value) ? Number(value) : value;
  }

  function splitList(text, numbers) {
    const separator = numbers && text.includes(";") ? ";" : ",";
    const items = text.split(separator).map((item) => item.trim()).filter((item) => item !== "");
    return items.length ? items.map((item) => (numbers ? parseNumber(item) : item)) : undefined;
  }

  function parseDays(text) {
    const value = String(text).trim();
    if (value === "") return undefined;
    return /^\d{1,9}$/.test(value) ? parseInt(value, 10) : value;
  }

  // --- The builder ---------------------------------------------------------------------------------------------

  function builder(config) {
    const strings = config.strings;
    const classes = config.classes;
    const textarea = document.getElementById(config.fields.rules);
    const program = document.getElementById(config.fields.program);
    if (!textarea) return;
    const fields = {};
    for (const section of config.sections) for (const spec of section.fields) fields[spec.name] = spec;
    let options = config.options || { tiers: [], stores: [], segments: [], categories: [] };
    let root = { kind: "group", mode: "all", children: [] };
    let paths = new Map();
    const views = new Map(); // node -> {element, error}

    // The page: the builder, the count and sample, the JSON behind "Show JSON".
    const datalists = el("div", { hidden: true });
    const tree = el("div", { className: "sb-tree" });
    const note = el("p", { className: "sb-note", role: "status" });
    const box = el("fieldset", { id: "segment-builder", className: "sb-builder" }, note, tree, datalists);
    const count = el("div", { className: "sb-count" });
    const sample = el("ul", { className: "sb-sample" });
    const previewBox = el(
      "section",
      { id: "segment-builder-preview", className: "sb-preview", "aria-live": "polite", "aria-label": strings.liveCount },
      count,
      sample,
    );
    const raw = el("details", { className: "sb-json" }, el("summary", { text: strings.showJson }));
    textarea.parentNode.insertBefore(box, textarea);
    textarea.parentNode.insertBefore(previewBox, textarea);
    textarea.parentNode.insertBefore(raw, textarea);
    raw.append(textarea);

    for (const spec of Object.values(fields)) {
      if (!spec.suggestions.length) continue;
      datalists.append(
        el("datalist", { id: `sb-list-${spec.name}` }, spec.suggestions.map(([value, label]) => el("option", { value: value, label: label }))),
      );
    }

    function control(tag, props) {
      const base = tag === "select" ? classes.select : classes.input;
      return el(tag, Object.assign({}, props, { className: `${base} sb-control ${props.className || ""}` }));
    }

    function button(text, props) {
      return el("button", Object.assign({ type: "button", className: "sb-button", text: text }, props));
    }

    // Options of a select, each value JSON-encoded so that "" (a gender left unknown) is a value like any other.
    function choiceOptions(select, choices, chosen, multiple) {
      const wanted = new Set((multiple ? chosen || [] : chosen === undefined ? [] : [chosen]).map((item) => JSON.stringify(item)));
      if (!multiple) select.append(el("option", { value: "", text: strings.choose }));
      const known = new Set();
      for (const choice of choices) {
        const value = JSON.stringify(choice.value);
        known.add(value);
        select.append(el("option", { value: value, text: choice.label, selected: wanted.has(value) }));
      }
      for (const value of wanted) {
        if (!known.has(value)) {
          select.append(el("option", { value: value, text: format(strings.unknown, { value: JSON.parse(value) }), selected: true }));
        }
      }
    }

    function referenceChoices(spec, value) {
      const list = options[spec.refersTo] || [];
      const choices = list.map((item) => ({
        value: item.id,
        label: spec.refersTo === "categories" ? "\u00a0\u00a0".repeat(item.depth) + item.name : item.name,
      }));
      // A tier named in the JSON rather than by id shows as that tier (the name stays until the row is changed).
      const shown = (item) => {
        if (typeof item === "string" && /^\d{1,15}$/.test(item.trim())) return Number(item);
        if (spec.kind !== "id_or_name" || typeof item !== "string") return item;
        const found = list.find((tier) => tier.name.toLowerCase() === item.trim().toLowerCase());
        return found ? found.id : item;
      };
      return { choices: choices, shown: Array.isArray(value) ? value.map(shown) : value === undefined ? undefined : shown(value) };
    }

    function valueInput(leaf, spec, label) {
      const multiple = leaf.op === "in";
      const id = nextId("value");
      let input;
      let read;
      if (spec.kind === "flag") {
        input = control("select", { id: id, "aria-label": label });
        choiceOptions(input, [{ value: true, label: strings.yes }, { value: false, label: strings.no }], leaf.value, false);
        input.firstChild.remove(); // a flag is always yes or no
        read = () => JSON.parse(input.value);
        if (leaf.value === undefined) leaf.value = read();
      } else if (spec.kind === "choice" || spec.refersTo) {
        const { choices, shown } = spec.refersTo
          ? referenceChoices(spec, leaf.value)
          : { choices: spec.choices.map(([value, text]) => ({ value: value, label: text })), shown: leaf.value };
        input = control("select", { id: id, "aria-label": label, multiple: multiple, size: multiple ? Math.min(Math.max(choices.length, 2), 6) : null });
        choiceOptions(input, choices, shown, multiple);
        read = () => {
          const chosen = Array.from(input.selectedOptions).filter((option) => option.value !== "").map((option) => JSON.parse(option.value));
          return multiple ? (chosen.length ? chosen : undefined) : chosen[0];
        };
      } else {
        const numbers = spec.kind === "number";
        const shown = Array.isArray(leaf.value) ? leaf.value.join(numbers ? "; " : ", ") : leaf.value === undefined ? "" : String(leaf.value);
        input = control("input", {
          id: id,
          type: "text",
          "aria-label": label,
          inputmode: numbers && !multiple ? "decimal" : null,
          list: spec.suggestions.length && !multiple ? `sb-list-${spec.name}` : null,
          maxlength: multiple ? null : spec.maxLength,
          placeholder: multiple ? strings.severalValues : null,
          autocomplete: "off",
        });
        input.value = shown;
        read = () => (multiple ? splitList(input.value, numbers) : numbers ? parseNumber(input.value) : input.value.trim() || undefined);
      }
      const update = () => {
        leaf.value = read();
        changed();
      };
      input.addEventListener("input", update);
      input.addEventListener("change", update);
      return input;
    }

    function keyInputs(leaf, spec) {
      const parts = [];
      for (const key of Object.keys(spec.keys)) {
        const id = nextId(key);
        const input = control("input", {
          id: id,
          type: "text",
          className: key === "sku" ? "sb-sku" : "sb-days",
          inputmode: key === "sku" ? null : "numeric",
          maxlength: key === "sku" ? 64 : 5,
          autocomplete: "off",
          "data-key": key,
        });
        input.value = leaf.keys[key] === undefined || leaf.keys[key] === null ? "" : leaf.keys[key];
        input.addEventListener("input", () => {
          leaf.keys[key] = key === "sku" ? input.value.trim() || null : parseDays(input.value);
          changed();
        });
        if (key === "sku") {
          parts.push(el("label", { className: "sb-key", for: id }, el("span", { text: strings.sku }), input));
        } else {
          const before = key === "window_days" ? strings.inTheLast : strings.within;
          parts.push(el("label", { className: "sb-key", for: id }, el("span", { text: before }), input, el("span", { text: strings.days })));
        }
      }
      return parts;
    }

    function fieldSelect(leaf, label) {
      const select = control("select", { className: "sb-field", "aria-label": label });
      select.append(el("option", { value: "", text: strings.chooseField }));
      for (const section of config.sections) {
        select.append(
          el("optgroup", { label: section.label }, section.fields.map((spec) => el("option", { value: spec.name, text: spec.label, selected: spec.name === leaf.field }))),
        );
      }
      select.addEventListener("change", () => {
        const spec = fields[select.value];
        leaf.field = select.value;
        leaf.op = spec ? spec.ops[0] : "";
        leaf.value = spec && spec.kind === "flag" ? true : undefined;
        leaf.keys = spec ? Object.assign({}, spec.keys) : {};
        redraw(leaf, ".sb-field");
      });
      return select;
    }

    function opSelect(leaf, spec, label) {
      const words = spec.kind === "number" ? config.ops.number : spec.kind === "flag" ? config.ops.flag : config.ops.set;
      const select = control("select", { className: "sb-op", "aria-label": label });
      for (const op of spec.ops) select.append(el("option", { value: op, text: words[op], selected: op === leaf.op }));
      select.addEventListener("change", () => {
        const wasList = leaf.op === "in";
        leaf.op = select.value;
        if (leaf.op === "in" && !wasList && leaf.value !== undefined) leaf.value = [leaf.value];
        if (leaf.op !== "in" && wasList) leaf.value = Array.isArray(leaf.value) ? leaf.value[0] : leaf.value;
        redraw(leaf, ".sb-op");
      });
      return select;
    }

    function leafView(leaf, parent, position) {
      const spec = fields[leaf.field];
      const name = format(strings.condition, { number: position });
      const error = el("p", { className: "sb-error", id: nextId("error") });
      const row = el("div", { className: "sb-row", role: "group", "aria-label": name, "aria-describedby": error.id });
      const remove = button("×", { className: "sb-remove", "aria-label": `${strings.removeCondition} (${name})`, title: strings.removeCondition });
      remove.addEventListener("click", () => {
        parent.children.splice(parent.children.indexOf(leaf), 1);
        rebuild(parent);
      });
      const parts = [fieldSelect(leaf, `${strings.field} (${name})`)];
      if (spec) {
        parts.push(opSelect(leaf, spec, `${strings.operator} (${name})`), valueInput(leaf, spec, `${strings.value} (${name})`), ...keyInputs(leaf, spec));
      }
      row.append(el("div", { className: "sb-cells" }, parts, remove), error);
      views.set(leaf, { element: row, error: error });
      return row;
    }

    function groupView(group, parent, depth) {
      const error = el("p", { className: "sb-error", id: nextId("error") });
      const mode = control("select", { className: "sb-mode", "aria-label": strings.groupMode });
      for (const key of ["all", "any", "not"]) mode.append(el("option", { value: key, text: strings.modes[key], selected: key === group.mode }));
      mode.addEventListener("change", () => {
        group.mode = mode.value;
        changed();
      });
      const legend = el("legend", { className: "sb-legend" }, parent ? null : el("span", { text: strings.matchLabel }), mode);
      const list = el("ol", { className: "sb-children" });
      group.children.forEach((child, index) => {
        list.append(el("li", {}, child.kind === "leaf" ? leafView(child, group, index + 1) : groupView(child, group, depth + 1)));
      });
      const addCondition = button(`+ ${strings.addCondition}`, { className: "sb-add", "data-add": "condition" });
      addCondition.addEventListener("click", () => {
        group.children.push({ kind: "leaf", field: "", op: "", value: undefined, keys: {} });
        rebuild(group, ".sb-field", -1);
      });
      const addGroup = button(`+ ${strings.addGroup}`, { className: "sb-add", "data-add": "group", disabled: depth >= MAX_DEPTH - 1 });
      addGroup.addEventListener("click", () => {
        group.children.push({ kind: "group", mode: "any", children: [{ kind: "leaf", field: "", op: "", value: undefined, keys: {} }] });
        rebuild(group, ".sb-field", -1);
      });
      const actions = el("div", { className: "sb-actions" }, addCondition, addGroup);
      if (parent) {
        const remove = button(strings.removeGroup, { className: "sb-remove-group" });
        remove.addEventListener("click", () => {
          parent.children.splice(parent.children.indexOf(group), 1);
          rebuild(parent);
        });
        actions.append(remove);
      }
      const element = el(
        "fieldset",
        { className: `sb-group${parent ? " sb-subgroup" : " sb-root"}`, "data-mode": group.mode, "aria-describedby": error.id },
        legend,
        list,
        actions,
        error,
      );
      if (!parent) element.setAttribute("aria-label", strings.matchLabel);
      views.set(group, { element: element, error: error, add: addCondition });
      return element;
    }

    function render() {
      views.clear();
      tree.replaceChildren(groupView(root, null, 1));
    }

    function parentOf(node, group) {
      for (const child of group.children) {
        if (child === node) return group;
        if (child.kind === "group") {
          const found = parentOf(node, child);
          if (found) return found;
        }
      }
      return null;
    }

    function depthOf(group) {
      let depth = 1;
      for (let parent = parentOf(group, root); parent; parent = parentOf(parent, root)) depth += 1;
      return depth;
    }

    // A row drawn again (its field or operator changed), the focus kept on the control that changed.
    function redraw(leaf, focus) {
      const view = views.get(leaf);
      const parent = parentOf(leaf, root);
      const fresh = leafView(leaf, parent, parent.children.indexOf(leaf) + 1);
      view.element.replaceWith(fresh);
      const target = fresh.querySelector(focus);
      if (target) target.focus();
      changed();
    }

    // A group drawn again (a row or group added or removed); `focus` in its child at `index` (-1: the last), or
    // its "add a condition" button.
    function rebuild(group, focus, index) {
      const view = views.get(group);
      const parent = group === root ? null : parentOf(group, root);
      const fresh = groupView(group, parent, group === root ? 1 : depthOf(group));
      view.element.replaceWith(fresh);
      const items = fresh.querySelector(".sb-children").children;
      const item = focus && items.length ? items[index < 0 ? items.length - 1 : index] : null;
      const target = (item && item.querySelector(focus)) || views.get(group).add;
      target.focus();
      changed();
    }

    // --- Writing the JSON, counting ---------------------------------------------------------------------------

    function write() {
      paths = new Map();
      textarea.value = JSON.stringify(toRules(root, "", paths), null, 2);
    }

    function changed() {
      for (const [node, view] of views) if (node.kind === "group") view.element.dataset.mode = node.mode;
      write();
      later();
    }

    function clearErrors() {
      for (const view of views.values()) {
        view.error.textContent = "";
        view.element.classList.remove("sb-invalid");
      }
    }

    // The node at a path the server named, or the nearest one above it.
    function nodeAt(path) {
      for (let at = path; ; ) {
        if (paths.has(at)) return paths.get(at);
        if (at === "") return null;
        const cut = at.search(/(\[\d+\]|\.[a-z]+)$/);
        at = cut > 0 ? at.slice(0, cut) : "";
      }
    }

    function showError(path, message) {
      const node = nodeAt(path);
      const view = node && views.get(node);
      if (!view) return false;
      view.error.textContent = message;
      view.element.classList.add("sb-invalid");
      return true;
    }

    // Texts "path: message" (the server's rules errors) shown at their row; the rest returned.
    function placeErrors(texts) {
      return texts.filter((text) => {
        const match = ERROR_PATH.exec(String(text));
        return !(match && showError(match[1], match[2]));
      });
    }

    function status(text, className) {
      count.replaceChildren(el("p", { className: className || "sb-note", text: text }));
      sample.replaceChildren();
    }

    function showAnswer(data) {
      count.replaceChildren(
        el("p", {}, el("strong", { "data-builder-count": data.count, text: format(strings.contacts, { count: data.count }) })),
      );
      const items = (data.sample || []).map((contact) => {
        const name = [contact.first_name, contact.last_name].filter(Boolean).join(" ") || `#${contact.id}`;
        const link = el("a", { href: config.contactUrl.replace("/0/", `/${contact.id}/`), text: name });
        return el("li", {}, link, [contact.phone, contact.email].filter(Boolean).map((text) => ` · ${text}`).join(""));
      });
      if (!data.count) items.push(el("li", { className: "sb-note", text: strings.nobody }));
      else if (data.count > items.length) items.push(el("li", { className: "sb-note", text: format(strings.andMore, { count: data.count - items.length }) }));
      sample.replaceChildren(...items);
    }

    let asked = null;
    let request = 0;

    async function preview() {
      clearErrors();
      if (!program || !program.value) {
        asked = null;
        status(strings.chooseProgram);
        return;
      }
      const unfinished = leavesOf(root).filter((leaf) => !complete(leaf));
      if (unfinished.length) {
        asked = null;
        for (const leaf of unfinished) {
          views.get(leaf).element.classList.add("sb-invalid");
          views.get(leaf).error.textContent = strings.fillIn;
        }
        status(strings.incomplete);
        return;
      }
      const key = program.value + " " + textarea.value;
      if (key === asked) return;
      asked = key;
      const mine = ++request;
      previewBox.classList.add("sb-loading");
      count.replaceChildren(el("p", { className: "sb-note", text: strings.counting }));
      try {
        const token = document.querySelector("input[name=csrfmiddlewaretoken]");
        const response = await fetch(config.previewUrl, {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": token ? token.value : "" },
          body: JSON.stringify({ program: parseInt(program.value, 10), rules: JSON.parse(textarea.value) }),
        });
        const data = await response.json().catch(() => ({}));
        if (mine !== request) return;
        if (response.ok) {
          showAnswer(data);
          return;
        }
        const error = data.error || {};
        const fieldErrors = error.fields || {};
        const texts = placeErrors([].concat(fieldErrors.rules || [])).concat(
          Object.entries(fieldErrors).flatMap(([name, found]) => (name === "rules" ? [] : [].concat(found))),
        );
        if (!texts.length && !fieldErrors.rules) texts.push(error.message || `${response.status} ${response.statusText}`);
        if (texts.length) status(format(strings.previewFailed, { error: texts.join(" ") }), "sb-failed");
        else status(strings.correct, "sb-failed");
      } catch (error) {
        if (mine === request) {
          asked = null;
          status(format(strings.previewFailed, { error: error.message || error }), "sb-failed");
        }
      } finally {
        if (mine === request) previewBox.classList.remove("sb-loading");
      }
    }

    let timer = null;
    function later() {
      clearTimeout(timer);
      timer = setTimeout(preview, DEBOUNCE_MS);
    }

    // --- The program, the JSON typed by hand, the page as it came ---------------------------------------------

    function setEnabled() {
      const chosen = Boolean(program && program.value);
      box.disabled = !chosen;
      note.textContent = chosen ? "" : strings.chooseProgram;
    }

    async function loadOptions() {
      setEnabled();
      if (!program || !program.value) {
        later();
        return;
      }
      const query = new URLSearchParams({ program: program.value });
      if (config.segmentId) query.set("segment", config.segmentId);
      try {
        const response = await fetch(`${config.optionsUrl}?${query}`, { credentials: "same-origin", headers: { Accept: "application/json" } });
        if (!response.ok) throw new Error(`${response.status} ${response.statusText}`);
        options = await response.json();
        render();
      } catch (error) {
        note.textContent = format(strings.optionsFailed, { error: error.message || error });
      }
      asked = null;
      later();
    }

    function load(text, quiet) {
      let rules;
      try {
        rules = JSON.parse(text || "{}");
        if (isObject(rules) && !Object.keys(rules).length) rules = { all: [] };
        const parsed = fromRules(rules, fields);
        if (parsed.kind !== "group") throw new Error('the rules are a group: {"all": [...]}');
        root = parsed;
      } catch (error) {
        note.textContent = format(strings.invalidJson, { error: error.message || error });
        raw.open = true;
        return false;
      }
      note.textContent = "";
      render();
      if (!quiet) write();
      return true;
    }

    textarea.addEventListener("input", () => {
      if (load(textarea.value, true)) {
        paths = new Map();
        toRules(root, "", paths);
        setEnabled();
        later();
      }
    });
    box.addEventListener("keydown", (event) => {
      // Enter in a row counts at once rather than sending the whole form.
      if (event.key === "Enter" && event.target.tagName === "INPUT") {
        event.preventDefault();
        clearTimeout(timer);
        preview();
      }
    });
    if (program) program.addEventListener("change", loadOptions);

    // The page as it came: the rules as saved (or as sent back with errors), the server's errors at their rows.
    const loaded = load(textarea.value, true);
    if (loaded) {
      paths = new Map();
      toRules(root, "", paths);
    }
    setEnabled();
    const row = textarea.closest(".form-row, .field-row, [class*=field-rules]") || textarea.parentNode.parentNode;
    const formErrors = Array.from(row.querySelectorAll(".errorlist li, .errors li, ul li.text-red-600, .text-red-600 li"))
      .map((item) => item.textContent.trim())
      .filter(Boolean);
    if (loaded && formErrors.length && placeErrors(formErrors).length) raw.open = true;
    if (program && program.value && !config.options) loadOptions();
    else if (loaded) later();
  }

  function start() {
    const script = document.getElementById("segment-builder-config");
    if (!script) return;
    let config;
    try {
      config = JSON.parse(script.textContent);
    } catch (error) {
      return;
    }
    builder(config);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
