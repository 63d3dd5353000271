/*
 * The campaign page (and the product segment page) of the admin:
 *  - the mechanic editor: a type and its values as inputs, written into the mechanic's JSON field (which stays
 *    editable by hand, and is what the server reads);
 *  - the product segment's live preview: how many of the brand's products the fields match, and a sample;
 *  - the "test this campaign" panel (beside the form on a wide screen, by the page's CSS): products found by name or SKU (the campaign's
 *    brand's, from <admin>/campaigns/campaign/{id}/products/?q=) fill a line's SKU and list price; the basket is
 *    sent to POST /api/v1/campaigns/{id}/simulate (a blank price is the list price there too), the answer shown.
 * Its texts and settings come from the page (#campaign-ui, translated by Django). Without this script the page
 * still works: the mechanic is plain JSON and the segment's fields are plain fields.
 */
(function () {
  "use strict";

  const POLL_MS = 600;
  const DEBOUNCE_MS = 300;

  function h(tag, attrs, ...children) {
    const element = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name === "text") element.textContent = value;
      else element.setAttribute(name, value === true ? "" : String(value));
    }
    for (const child of children) {
      if (child === null || child === undefined) continue;
      element.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return element;
  }

  function fill(template, values) {
    return String(template).replace(/%\((\w+)\)s/g, (match, key) => (key in values ? values[key] : match));
  }

  function readConfig() {
    const script = document.getElementById("campaign-ui");
    if (!script) return null;
    try {
      return JSON.parse(script.textContent);
    } catch (error) {
      return null;
    }
  }

  // Numbers in the page's language (<html lang>): "2 782,43" in Russian, "2,782.43" in English. The API's amounts
  // are two-place strings; a value that is not a number is shown as it came.
  const LANGUAGE = document.documentElement.lang || undefined;
  const AMOUNT = new Intl.NumberFormat(LANGUAGE, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  const QUANTITY = new Intl.NumberFormat(LANGUAGE, { maximumFractionDigits: 3 });

  function formatted(value, format) {
    if (value === null || value === undefined || value === "") return "—";
    const number = Number(value);
    return Number.isFinite(number) ? format.format(number) : String(value);
  }

  const amountText = (value) => formatted(value, AMOUNT);
  const quantityText = (value) => formatted(value, QUANTITY);
  // An amount to edit in an input: the language's decimal mark, no grouping ("599,99"); read back by `typedNumber`.
  const DECIMAL_MARK = (AMOUNT.formatToParts(1.5).find((part) => part.type === "decimal") || { value: "." }).value;
  const editable = (value) => (value === null || value === undefined ? "" : String(value).replace(".", DECIMAL_MARK));
  const typedNumber = (text) => String(text).trim().replace(/[\s\u00a0\u202f]/g, "").replace(",", ".");

  // A select as unfold draws its own (unfold/widgets/select.html): the select has no arrow of its own
  // (appearance-none), so the chevron is a span over its right end, in a wrapper of the select's height.
  function selectBox(select) {
    return h(
      "div",
      { class: "cmp-select relative" },
      select,
      h("span", {
        class: "material-symbols-outlined absolute pointer-events-none mr-[12px] right-0 top-1/2 -translate-y-1/2 text-base-400 dark:text-base-500",
        "aria-hidden": "true",
        text: "expand_more",
      }),
    );
  }

  function debounce(fn, wait) {
    let timer = null;
    return function (...args) {
      clearTimeout(timer);
      timer = setTimeout(() => fn.apply(this, args), wait);
    };
  }

  // --- The mechanic editor ----------------------------------------------------------------------------------

  function mechanicEditor(textarea, config) {
    const strings = config.strings;
    const specs = config.mechanics || [];
    const byType = Object.fromEntries(specs.map((spec) => [spec.type, spec]));

    const typeSelect = h("select", { id: "mechanic-type", class: config.classes.select });
    typeSelect.append(h("option", { value: "", text: strings.chooseType }));
    for (const kind of ["discount", "points"]) {
      const group = h("optgroup", { label: strings.kinds[kind] });
      for (const spec of specs.filter((item) => item.kind === kind)) {
        group.append(h("option", { value: spec.type, text: spec.label }));
      }
      typeSelect.append(group);
    }
    const params = h("div", { class: "cmp-mechanic-params" });
    const note = h("p", { class: "cmp-note", role: "status" });
    const editor = h(
      "div",
      { id: "mechanic-editor", class: "cmp-mechanic" },
      h("label", { class: "cmp-field" }, h("span", { text: strings.mechanicType }), selectBox(typeSelect)),
      params,
      note,
    );
    const raw = h("details", { class: "cmp-raw" }, h("summary", { text: strings.rawJson }));
    textarea.parentNode.insertBefore(editor, textarea);
    textarea.parentNode.insertBefore(raw, textarea);
    raw.append(textarea);

    function parse() {
      try {
        const value = JSON.parse(textarea.value || "{}");
        return value && typeof value === "object" && !Array.isArray(value) ? value : null;
      } catch (error) {
        return null;
      }
    }

    function inputmode(kind) {
      return kind === "integer" ? "numeric" : "decimal";
    }

    // A step's inputs are the step's declared fields (`param.fields`), e.g. from and percent.
    function stepRow(fields, step) {
      const cells = fields.map((field) => {
        const input = h("input", {
          type: "text",
          inputmode: inputmode(field.kind),
          class: config.classes.input,
          "data-step": field.name,
          "data-kind": field.kind,
        });
        input.value = step && step[field.name] !== undefined && step[field.name] !== null ? step[field.name] : "";
        return h("label", { class: "cmp-field" }, h("span", { text: field.label }), input);
      });
      const remove = h("button", { type: "button", class: "cmp-link", text: strings.remove });
      const row = h("div", { class: "cmp-step" }, ...cells, remove);
      remove.addEventListener("click", () => {
        row.remove();
        write();
      });
      return row;
    }

    function paramInput(param, value) {
      const id = "mechanic-" + param.name;
      if (param.kind === "steps") {
        const rows = h("div", { class: "cmp-steps", "data-param": param.name, "data-kind": "steps", id: id });
        const steps = Array.isArray(value) && value.length ? value : [{}];
        for (const step of steps) rows.append(stepRow(param.fields, step));
        const add = h("button", { type: "button", class: "cmp-link", text: strings.addStep });
        add.addEventListener("click", () => {
          rows.append(stepRow(param.fields, {}));
        });
        return h("div", { class: "cmp-field cmp-wide" }, h("span", { text: param.label }), rows, add);
      }
      let input;
      if (param.kind === "choice") {
        input = h("select", { id: id, class: config.classes.select });
        for (const [choice, label] of param.choices) input.append(h("option", { value: choice, text: label }));
        if (value !== undefined && value !== null) input.value = value;
        else if (param.default !== undefined && param.default !== null) input.value = param.default;
      } else {
        input = h("input", {
          id: id,
          type: "text",
          inputmode: inputmode(param.kind),
          class: config.classes.input,
          placeholder: param.default === undefined || param.default === null ? null : param.default,
        });
        input.value = value === undefined || value === null ? "" : value;
      }
      input.setAttribute("data-param", param.name);
      input.setAttribute("data-kind", param.kind);
      const help = param.help ? h("small", { class: "cmp-note", text: param.help }) : null;
      const box = param.kind === "choice" ? selectBox(input) : input;
      return h("label", { class: "cmp-field", for: id }, h("span", { text: param.label }), box, help);
    }

    function render(value) {
      params.replaceChildren();
      const spec = byType[value.type];
      typeSelect.value = spec ? value.type : "";
      if (!spec) return;
      for (const param of spec.params) params.append(paramInput(param, value[param.name]));
    }

    function number(text, kind) {
      const value = String(text).trim().replace(",", ".");
      if (kind === "integer" && /^-?\d+$/.test(value)) return parseInt(value, 10);
      return value; // a decimal stays a string; anything else goes as typed and the server says what is wrong
    }

    function collect() {
      const type = typeSelect.value;
      if (!type) return null;
      const result = { type: type };
      for (const input of params.querySelectorAll("[data-param]")) {
        const name = input.getAttribute("data-param");
        const kind = input.getAttribute("data-kind");
        if (kind === "steps") {
          result[name] = Array.from(input.querySelectorAll(".cmp-step"))
            .map((row) =>
              Object.fromEntries(
                Array.from(row.querySelectorAll("[data-step]")).map((cell) => [
                  cell.getAttribute("data-step"),
                  number(cell.value, cell.getAttribute("data-kind")),
                ]),
              ),
            )
            .filter((step) => Object.values(step).some((value) => value !== ""));
        } else if (kind === "choice") {
          result[name] = input.value;
        } else if (String(input.value).trim() !== "") {
          result[name] = number(input.value, kind);
        }
      }
      return result;
    }

    function write() {
      const value = collect();
      if (value) {
        textarea.value = JSON.stringify(value);
        note.textContent = "";
      }
    }

    typeSelect.addEventListener("change", () => {
      const previous = collect() || {};
      render(Object.assign({}, previous, { type: typeSelect.value }));
      write();
    });
    params.addEventListener("input", write);
    params.addEventListener("change", write);
    textarea.addEventListener("input", () => {
      const value = parse();
      if (value) {
        note.textContent = "";
        render(value);
      } else {
        note.textContent = strings.invalidJson;
      }
    });

    const initial = parse();
    if (initial) {
      render(initial);
    } else {
      note.textContent = strings.invalidJson;
      raw.open = true;
    }
    if (textarea.closest(".errors") || textarea.getAttribute("aria-invalid") === "true") raw.open = true;
  }

  // --- The product segment preview ---------------------------------------------------------------------------

  function selectedValues(select) {
    if (!select) return [];
    return Array.from(select.options)
      .filter((option) => option.selected && option.value)
      .map((option) => option.value);
  }

  function segmentPreview(config) {
    const box = document.getElementById("segment-preview");
    const fields = config.segmentFields;
    if (!box || !fields || !config.previewUrl) return;
    const strings = config.strings;
    const get = (id) => (id ? document.getElementById(id) : null);
    const brand = get(fields.brand);
    const skus = get(fields.skus);
    const categories = get(fields.categories);
    const exclude = get(fields.exclude);
    const chosen = get(fields.chosen);
    const initialChosen = fields.initialChosen === null || fields.initialChosen === undefined ? "" : String(fields.initialChosen);
    const editorRows = [skus, categories, exclude, get("id_segment_name")]
      .filter(Boolean)
      .map((element) => element.closest(".form-row, .field-row, [class*=field-]") || element.parentNode);
    let lastKey = null;
    let request = 0;

    function state() {
      return {
        brand: brand ? brand.value : "",
        skus: skus ? skus.value : "",
        categories: selectedValues(categories),
        exclude: exclude ? exclude.value : "",
        chosen: chosen ? chosen.value : initialChosen,
      };
    }

    function show(summary, sample, total) {
      const list = h("ul", { class: "cmp-preview-sample" });
      for (const item of sample || []) list.append(h("li", {}, h("code", { text: item.sku }), " " + item.name));
      if (sample && total > sample.length) list.append(h("li", { text: fill(strings.andMore, { count: quantityText(total - sample.length) }) }));
      box.replaceChildren(h("div", { class: "cmp-preview-summary" }, summary), list);
    }

    function showCount(data) {
      show(
        h("strong", { "data-preview-count": data.count, text: fill(strings.products, { count: quantityText(data.count) }) }),
        data.sample,
        data.count,
      );
    }

    function markEditor(inUse) {
      for (const row of editorRows) row.classList.toggle("cmp-dimmed", !inUse);
    }

    async function refresh() {
      const current = state();
      const key = JSON.stringify(current);
      if (key === lastKey) return;
      lastKey = key;
      const other = chosen && current.chosen !== initialChosen && current.chosen !== "";
      markEditor(!other);
      const query = new URLSearchParams();
      if (other) {
        query.set("segment", current.chosen);
      } else {
        if (!current.skus.trim() && !current.categories.length) {
          show(h("span", { text: strings.everyProduct }), [], 0);
          return;
        }
        if (!current.brand) {
          show(h("span", { text: strings.chooseBrand }), [], 0);
          return;
        }
        query.set("brand", current.brand);
        query.set("skus", current.skus);
        query.set("exclude_skus", current.exclude);
        if (current.categories.length) query.set("categories", current.categories.join(","));
      }
      const mine = ++request;
      box.classList.add("cmp-loading");
      try {
        const response = await fetch(config.previewUrl + "?" + query.toString(), {
          credentials: "same-origin",
          headers: { Accept: "application/json" },
        });
        const data = await response.json().catch(() => ({}));
        if (mine !== request) return;
        if (!response.ok) {
          const message = (data.error && data.error.message) || response.status + " " + response.statusText;
          show(h("span", { class: "cmp-error", text: fill(strings.previewFailed, { error: message }) }), [], 0);
          return;
        }
        showCount(data);
        if (other) box.append(h("p", { class: "cmp-note", text: strings.chosenSegment }));
      } catch (error) {
        if (mine === request) show(h("span", { class: "cmp-error", text: fill(strings.previewFailed, { error: error }) }), [], 0);
      } finally {
        if (mine === request) box.classList.remove("cmp-loading");
      }
    }

    const later = debounce(refresh, DEBOUNCE_MS);
    for (const element of [brand, skus, categories, exclude, chosen]) {
      if (!element) continue;
      element.addEventListener("input", later);
      element.addEventListener("change", later);
    }
    // Select2 (the categories' autocomplete) changes the select without a native event: look now and then.
    setInterval(() => {
      if (JSON.stringify(state()) !== lastKey) later();
    }, POLL_MS);
    // The server rendered the saved segment's preview; the fields may hold more (a form sent back with errors).
    refresh();
  }

  // --- The test panel ----------------------------------------------------------------------------------------

  function flattenErrors(value, path, out) {
    if (Array.isArray(value) && value.every((item) => typeof item !== "object" || item === null)) {
      out.push([path, value.join(" ")]);
    } else if (value && typeof value === "object") {
      for (const [key, item] of Object.entries(value)) flattenErrors(item, path ? path + "." + key : key, out);
    } else if (value !== undefined && value !== null) {
      out.push([path, String(value)]);
    }
    return out;
  }

  function testPanel(config) {
    const panel = document.getElementById("campaign-test");
    const basket = document.getElementById("test-basket");
    const result = document.getElementById("test-result");
    if (!panel || !basket || !result || !config.simulateUrl) return;
    const strings = config.strings;
    const input = (attrs) => h("input", Object.assign({ type: "text", class: config.classes.input }, attrs));

    function addLine(sku, quantity, price) {
      const row = h(
        "tr",
        { class: "cmp-line" },
        h("td", {}, input({ "data-line": "sku", "aria-label": strings.sku, title: strings.sku, value: sku || "" })),
        h("td", {}, input({ "data-line": "quantity", inputmode: "decimal", "aria-label": strings.quantity, value: quantity || "1" })),
        h(
          "td",
          {},
          input({
            "data-line": "price",
            inputmode: "decimal",
            "aria-label": strings.price,
            placeholder: strings.pricePlaceholder,
            title: strings.pricePlaceholder,
            value: price || "",
          }),
        ),
      );
      // a cross, named for screen readers and on hover: the panel is narrow
      const remove = h(
        "button",
        { type: "button", class: "cmp-remove", "aria-label": strings.remove, title: strings.remove },
        h("span", { class: "material-symbols-outlined", "aria-hidden": "true", text: "close" }),
      );
      remove.addEventListener("click", () => row.remove());
      row.append(h("td", {}, remove));
      basket.append(row);
      return row;
    }

    function body() {
      const kind = document.getElementById("test-customer-kind").value;
      const value = document.getElementById("test-customer").value.trim();
      let customer = null;
      if (kind && value) customer = { [kind]: kind === "contact_id" && /^\d+$/.test(value) ? parseInt(value, 10) : value };
      const lines = Array.from(basket.querySelectorAll("tr"))
        .map((row) => {
          const field = (name) => row.querySelector(`[data-line=${name}]`).value;
          // A blank price goes as null: the server prices the line at the product's list price, or says it has none.
          return { sku: field("sku").trim(), quantity: typedNumber(field("quantity")) || "1", price: typedNumber(field("price")) || null };
        })
        .filter((line) => line.sku);
      const payload = { customer: customer, lines: lines };
      const store = document.getElementById("test-store");
      if (store && store.value) payload.store = parseInt(store.value, 10);
      return payload;
    }

    // One line of the answer as a card (the panel is too narrow for eight columns): the SKU, quantity × price, its
    // figures under their labels, then the campaigns applied to it, this one in bold.
    function lineCard(line, mine) {
      const figure = (key, label, value) =>
        h("div", { class: "cmp-figure" }, h("div", { class: "cmp-figure-label", text: label }), h("div", { "data-field": key, text: value }));
      const applied = (line.applied || []).map((item) => {
        const discount = parseFloat(item.discount) || 0;
        const points = parseFloat(item.points) || 0;
        if (item.campaign_id === config.campaignId) {
          mine.discount += discount;
          mine.points += points;
        }
        const gave = [
          discount ? `${strings.discount} ${amountText(item.discount)}` : null,
          points ? `${strings.points} ${amountText(item.points)}` : null,
        ].filter(Boolean);
        return h(
          "li",
          { class: item.campaign_id === config.campaignId ? "cmp-this" : "", "data-campaign": item.campaign_id },
          item.name + (gave.length ? ": " + gave.join(" · ") : ""),
        );
      });
      return h(
        "div",
        { class: "cmp-line-card", "data-line-index": line.index },
        h(
          "div",
          { class: "cmp-line-head" },
          h("code", { "data-field": "sku", text: line.sku }),
          h(
            "span",
            {},
            h("span", { "data-field": "quantity", text: quantityText(line.quantity) }),
            " × ",
            h("span", { "data-field": "price", text: amountText(line.price) }),
          ),
        ),
        h(
          "div",
          { class: "cmp-figures" },
          figure("base", strings.base, amountText(line.base)),
          figure("discount", strings.discount, amountText(line.discount)),
          figure("total", strings.total, amountText(line.total)),
          figure("points", strings.points, amountText(line.points)),
        ),
        applied.length
          ? h("div", { class: "cmp-line-applied" }, h("div", { class: "cmp-figure-label", text: strings.applied }), h("ul", { "data-field": "applied" }, ...applied))
          : null,
      );
    }

    function renderAnswer(data) {
      const parts = [];
      const customer = data.customer;
      const who = customer
        ? [
            "#" + customer.contact_id,
            customer.tier ? strings.tier + ": " + customer.tier : null,
            customer.balance ? strings.balance + ": " + amountText(customer.balance.active) : null,
          ]
            .filter(Boolean)
            .join(" · ")
        : strings.anonymous;
      parts.push(h("p", { id: "test-customer-found", class: "mb-2" }, h("strong", { text: strings.customer + ": " }), who));
      const mine = { discount: 0, points: 0 };
      parts.push(h("div", { id: "test-lines", class: "cmp-lines" }, ...(data.lines || []).map((line) => lineCard(line, mine))));
      const totals = data.totals || {};
      const figure = (key, label) =>
        h(
          "div",
          {},
          h("div", { class: "text-xs cmp-subtle", text: label }),
          h("div", { id: "test-total-" + key, class: "text-lg font-semibold", text: amountText(totals[key]) }),
        );
      parts.push(
        h("h3", { class: "font-semibold mt-4 mb-2", text: strings.totals }),
        h(
          "div",
          { class: "cmp-totals" },
          figure("base", strings.base),
          figure("discount", strings.discount),
          figure("total", strings.total),
          figure("payable", strings.payable),
          figure("points", strings.points),
        ),
      );
      const given = mine.discount || mine.points;
      parts.push(
        h("p", {
          id: "test-verdict",
          class: "mt-4 " + (given ? "cmp-ok" : "cmp-warn"),
          text: given ? fill(strings.applies, { discount: amountText(mine.discount), points: amountText(mine.points) }) : strings.notApplied,
        }),
      );
      if (data.messages && data.messages.length) {
        parts.push(
          h("h3", { class: "font-semibold mt-4 mb-2", text: strings.messages }),
          h("ul", { id: "test-messages", class: "cmp-messages" }, ...data.messages.map((text) => h("li", { text: text }))),
        );
      }
      result.replaceChildren(...parts);
    }

    function renderError(error, status) {
      const fields = flattenErrors(error.fields || {}, "", []);
      result.replaceChildren(
        h(
          "div",
          { id: "test-error", class: "cmp-error-box", role: "alert" },
          // "Error 400 · invalid_input: …", or "Error: …" when there is neither a status nor a code
          h("strong", { text: [[strings.error, status].filter(Boolean).join(" "), error.code].filter(Boolean).join(" · ") + ": " }),
          error.message || "",
          fields.length ? h("ul", {}, ...fields.map(([path, text]) => h("li", {}, h("code", { text: path }), " " + text))) : null,
        ),
      );
    }

    async function calculate() {
      const payload = body();
      if (!payload.lines.length) {
        renderError({ message: strings.emptyBasket }, "");
        return;
      }
      const token = document.querySelector("input[name=csrfmiddlewaretoken]");
      result.replaceChildren(h("p", { class: "cmp-subtle", text: strings.calculating }));
      try {
        const response = await fetch(config.simulateUrl, {
          method: "POST",
          credentials: "same-origin",
          headers: {
            "Content-Type": "application/json",
            Accept: "application/json",
            "X-CSRFToken": token ? token.value : "",
          },
          body: JSON.stringify(payload),
        });
        const data = await response.json().catch(() => ({}));
        if (response.ok) renderAnswer(data);
        else renderError(data.error || { message: response.statusText }, response.status);
      } catch (error) {
        renderError({ message: fill(strings.requestFailed, { error: error }) }, "");
      }
    }

    // A product chosen in the search fills the first line without a SKU (or a new one): its SKU and list price.
    function choose(product) {
      const empty = Array.from(basket.querySelectorAll("tr")).find((row) => !row.querySelector("[data-line=sku]").value.trim());
      const row = empty || addLine();
      row.querySelector("[data-line=sku]").value = product.sku;
      row.querySelector("[data-line=price]").value = editable(product.price);
      row.querySelector("[data-line=quantity]").focus();
    }

    addLine();
    const search = productSearch(config, choose);
    document.getElementById("test-add-line").addEventListener("click", () => {
      addLine().querySelector("input").focus();
    });
    document.getElementById("test-calculate").addEventListener("click", calculate);
    panel.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && event.target.tagName === "INPUT" && event.target !== search) {
        event.preventDefault();
        calculate();
      }
    });
  }

  // The test panel's product search: the campaign's brand's products by name or SKU, as a list under the box.
  function productSearch(config, choose) {
    const box = document.getElementById("test-product-search");
    const list = document.getElementById("test-product-results");
    if (!box || !list || !config.productsUrl) return null;
    const strings = config.strings;
    let results = [];
    let active = -1;
    let request = 0;

    function close() {
      list.hidden = true;
      list.replaceChildren();
      box.setAttribute("aria-expanded", "false");
      box.removeAttribute("aria-activedescendant");
      results = [];
      active = -1;
    }

    function pick(index) {
      const product = results[index];
      if (!product) return;
      close();
      box.value = "";
      choose(product);
    }

    function highlight(index) {
      active = index;
      list.querySelectorAll("[role=option]").forEach((item, position) => {
        item.setAttribute("aria-selected", position === index ? "true" : "false");
        if (position === index) box.setAttribute("aria-activedescendant", item.id);
      });
    }

    function show(items, message) {
      results = items;
      active = -1;
      list.replaceChildren(
        ...items.map((product, index) => {
          const item = h(
            "li",
            { id: "test-product-" + index, role: "option", "aria-selected": "false", "data-sku": product.sku },
            h("code", { text: product.sku }),
            " " + product.name + " · ",
            h("span", {
              class: product.price ? "" : "cmp-warn",
              text: product.price ? fill(strings.listPrice, { price: amountText(product.price) }) : strings.noListPrice,
            }),
          );
          // mousedown, not click: the box keeps its focus, and the list is not closed before the choice lands
          item.addEventListener("mousedown", (event) => {
            event.preventDefault();
            pick(index);
          });
          return item;
        }),
      );
      if (message) list.append(h("li", { class: "cmp-subtle", text: message }));
      list.hidden = false;
      box.setAttribute("aria-expanded", "true");
    }

    async function lookup() {
      const query = box.value.trim();
      if (!query) {
        close();
        return;
      }
      const mine = ++request;
      try {
        const response = await fetch(config.productsUrl + "?" + new URLSearchParams({ q: query }).toString(), {
          credentials: "same-origin",
          headers: { Accept: "application/json" },
        });
        const data = await response.json().catch(() => ({}));
        if (mine !== request) return;
        if (!response.ok) {
          show([], fill(strings.searchFailed, { error: response.status + " " + response.statusText }));
          return;
        }
        const items = data.results || [];
        show(items, items.length ? null : strings.noProducts);
      } catch (error) {
        if (mine === request) show([], fill(strings.searchFailed, { error: error }));
      }
    }

    box.addEventListener("input", debounce(lookup, DEBOUNCE_MS));
    box.addEventListener("keydown", (event) => {
      if (event.key === "ArrowDown" && results.length) {
        event.preventDefault();
        highlight((active + 1) % results.length);
      } else if (event.key === "ArrowUp" && results.length) {
        event.preventDefault();
        highlight((active - 1 + results.length) % results.length);
      } else if (event.key === "Enter") {
        event.preventDefault(); // never the form's submit
        if (results.length) pick(active >= 0 ? active : 0);
      } else if (event.key === "Escape") {
        close();
      }
    });
    box.addEventListener("blur", () => setTimeout(close, 150));
    return box;
  }

  function start() {
    const config = readConfig();
    if (!config) return;
    const mechanic = document.getElementById("id_mechanic");
    if (mechanic && config.mechanics) mechanicEditor(mechanic, config);
    segmentPreview(config);
    testPanel(config);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
