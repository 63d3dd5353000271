// The promoter's lead form (templates/promoters/stand.html), with no framework.
//
// A lead gets a client id (a UUID) when it is submitted and is sent to POST /api/v1/leads. Online, the page waits for
// the answer (a refused phone is said at once); without a network, or when the server cannot be reached, the lead is
// kept in IndexedDB and sent when the network is back. A queued lead leaves the queue only once the server has
// answered it, and the server answers one id once (a repeat replays the first answer): each lead is stored exactly
// once however often it is sent. The service worker (/promo/sw.js) keeps the page and these files for offline use.
(function () {
  "use strict";

  const script = document.currentScript;
  if ("serviceWorker" in navigator && script && script.dataset.sw) {
    navigator.serviceWorker.register(script.dataset.sw, { scope: "/promo/" }).catch(function () {});
  }

  const configNode = document.getElementById("promo-config");
  const form = document.getElementById("lead-form");
  if (!configNode || !form) {
    return;
  }
  const config = JSON.parse(configNode.textContent);
  const text = config.text;
  const el = {
    phone: document.getElementById("phone"),
    firstName: document.getElementById("first_name"),
    email: document.getElementById("email"),
    birth: document.getElementById("birth_date"),
    website: document.getElementById("website"),
    terms: document.getElementById("consent_terms"),
    marketing: document.getElementById("consent_marketing"),
    submit: document.getElementById("submit"),
    formError: document.getElementById("form-error"),
    thanks: document.getElementById("thanks"),
    thanksTitle: document.getElementById("thanks-title"),
    thanksText: document.getElementById("thanks-text"),
    thanksCard: document.getElementById("thanks-card"),
    thanksNote: document.getElementById("thanks-note"),
    next: document.getElementById("next-visitor"),
    queue: document.getElementById("queue-status"),
  };
  const today = new Date();
  el.birth.max = isoDate(today);

  function fill(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_m, key) {
      return values[key] === undefined ? "" : String(values[key]);
    });
  }

  function isoDate(date) {
    const pad = function (n) { return String(n).padStart(2, "0"); };
    return date.getFullYear() + "-" + pad(date.getMonth() + 1) + "-" + pad(date.getDate());
  }

  // --- the phone, checked and formatted as it is typed -----------------------------------------------------------
  // Russian numbers by default: 8 or 9 at the start means +7; "+7 (916) 123-45-67". A "+" and another country code
  // is left as digits in groups, 8 to 15 of them.

  function phoneDigits(value) {
    const raw = value.trim();
    let digits = raw.replace(/\D/g, "");
    const international = raw.startsWith("+") && digits !== "" && digits[0] !== "7";
    if (!international) {
      if (digits[0] === "8") {
        digits = "7" + digits.slice(1);
      } else if (digits[0] === "9") {
        digits = "7" + digits;
      }
      digits = digits.slice(0, 11);
    } else {
      digits = digits.slice(0, 15);
    }
    return { digits: digits, russian: !international };
  }

  function formatPhone(value) {
    const parsed = phoneDigits(value);
    const d = parsed.digits;
    if (!d) {
      return "";
    }
    if (!parsed.russian) {
      return "+" + d.replace(/(\d{3})(?=\d)/g, "$1 ").trim();
    }
    let out = "+7";
    if (d.length > 1) { out += " (" + d.slice(1, 4); }
    if (d.length >= 4) { out += ")"; }
    if (d.length > 4) { out += " " + d.slice(4, 7); }
    if (d.length > 7) { out += "-" + d.slice(7, 9); }
    if (d.length > 9) { out += "-" + d.slice(9, 11); }
    return out;
  }

  function phoneValid(value) {
    const parsed = phoneDigits(value);
    if (parsed.russian) {
      return parsed.digits.length === 11 && parsed.digits[1] === "9";
    }
    return parsed.digits.length >= 8 && parsed.digits.length <= 15;
  }

  el.phone.addEventListener("input", function () {
    // Keep the caret after the same digit it was after (counting the "7" that a leading 9 gains); typing at the end
    // stays at the end.
    const raw = el.phone.value;
    const caret = el.phone.selectionStart === null ? raw.length : el.phone.selectionStart;
    const formatted = formatPhone(raw);
    el.phone.value = formatted;
    let position = formatted.length;
    if (caret < raw.length) {
      const added = phoneDigits(raw).digits.length - raw.replace(/\D/g, "").length > 0 ? 1 : 0;
      const digitsBefore = raw.slice(0, caret).replace(/\D/g, "").length + added;
      let seen = 0;
      position = 0;
      for (let i = 0; i < formatted.length && seen < digitsBefore; i += 1) {
        if (/\d/.test(formatted[i])) { seen += 1; }
        position = i + 1;
      }
    }
    el.phone.setSelectionRange(position, position);
    if (el.phone.getAttribute("aria-invalid") === "true" && phoneValid(el.phone.value)) {
      setFieldError("phone", "");
    }
  });

  // --- errors ----------------------------------------------------------------------------------------------------

  const fieldInputs = { phone: el.phone, email: el.email, birth_date: el.birth, consent_terms: el.terms };

  function setFieldError(name, message) {
    const input = fieldInputs[name];
    const node = document.getElementById(name + "-error");
    if (!input || !node) {
      return;
    }
    node.textContent = message;
    node.hidden = !message;
    if (message) {
      input.setAttribute("aria-invalid", "true");
    } else {
      input.removeAttribute("aria-invalid");
    }
  }

  function clearErrors() {
    Object.keys(fieldInputs).forEach(function (name) { setFieldError(name, ""); });
    el.formError.hidden = true;
    el.formError.textContent = "";
  }

  function showFormError(message) {
    el.formError.textContent = message;
    el.formError.hidden = false;
    el.formError.focus();
  }

  function validate() {
    const errors = {};
    if (!el.phone.value.trim()) {
      errors.phone = text.phoneRequired;
    } else if (!phoneValid(el.phone.value)) {
      errors.phone = text.phoneInvalid;
    }
    if (el.email.value.trim() && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(el.email.value.trim())) {
      errors.email = text.emailInvalid;
    }
    if (el.birth.value && (el.birth.value > isoDate(today) || el.birth.value < "1900-01-01")) {
      errors.birth_date = text.birthInvalid;
    }
    if (!el.terms.checked) {
      errors.consent_terms = text.termsRequired;
    }
    return errors;
  }

  function showErrors(errors) {
    let first = null;
    Object.keys(errors).forEach(function (name) {
      const message = Array.isArray(errors[name]) ? errors[name][0] : errors[name];
      setFieldError(name, message);
      if (!first && fieldInputs[name]) { first = fieldInputs[name]; }
    });
    if (first) {
      first.focus();
    }
    return first !== null;
  }

  // --- the queue (IndexedDB) -------------------------------------------------------------------------------------

  const DB_NAME = "promo-leads";
  const STORE = "queue";
  let dbPromise = null;

  function db() {
    if (!dbPromise) {
      dbPromise = new Promise(function (resolve, reject) {
        const request = indexedDB.open(DB_NAME, 1);
        request.onupgradeneeded = function () {
          request.result.createObjectStore(STORE, { keyPath: "id" });
        };
        request.onsuccess = function () { resolve(request.result); };
        request.onerror = function () { reject(request.error); };
      });
    }
    return dbPromise;
  }

  function tx(mode, work) {
    return db().then(function (database) {
      return new Promise(function (resolve, reject) {
        const transaction = database.transaction(STORE, mode);
        const result = work(transaction.objectStore(STORE));
        transaction.oncomplete = function () { resolve(result && "result" in result ? result.result : undefined); };
        transaction.onerror = function () { reject(transaction.error); };
      });
    });
  }

  function enqueue(lead) {
    return tx("readwrite", function (store) { return store.put({ id: lead.id, lead: lead, queuedAt: Date.now() }); });
  }

  function dequeue(id) {
    return tx("readwrite", function (store) { return store.delete(id); });
  }

  function queued() {
    return tx("readonly", function (store) { return store.getAll(); }).then(function (rows) {
      return (rows || []).filter(function (row) { return row.lead.stand === config.stand; })
        .sort(function (a, b) { return a.queuedAt - b.queuedAt; });
    });
  }

  // --- sending ---------------------------------------------------------------------------------------------------

  function csrfToken() {
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : config.csrfToken;
  }

  // One lead to the server: resolves {status, body, retryAfter}, or rejects when the server could not be reached.
  function send(lead) {
    const controller = new AbortController();
    const timer = setTimeout(function () { controller.abort(); }, 15000);
    return fetch(config.api, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify(lead),
      signal: controller.signal,
    }).then(function (response) {
      clearTimeout(timer);
      return response.json().catch(function () { return {}; }).then(function (body) {
        return { status: response.status, body: body, retryAfter: Number(response.headers.get("Retry-After")) || 0 };
      });
    }, function (error) {
      clearTimeout(timer);
      throw error;
    });
  }

  function errorCode(answer) {
    return answer.body && answer.body.error ? answer.body.error.code : "";
  }

  // Answers that the lead will never get otherwise: it leaves the queue (refused). Others (no network, a server
  // error, too many requests, a session to log in again) keep it for the next try.
  function final(answer) {
    if (answer.status === 429 || answer.status >= 500) { return false; }
    if (answer.status === 401 || errorCode(answer) === "not_authenticated") { return false; }
    return true;
  }

  let refused = 0;
  let flushing = false;
  let needsLogin = false;

  function showQueue(count, sending) {
    const parts = [];
    if (!navigator.onLine) { parts.push(text.offline); }
    if (needsLogin && count) { parts.push(text.loginAgain); }
    if (count) { parts.push(sending ? text.sending : fill(text.queued, { count: count })); }
    if (refused) { parts.push(fill(text.refused, { count: refused })); }
    el.queue.textContent = parts.join(" ");
    el.queue.hidden = parts.length === 0;
    el.queue.dataset.count = String(count);
  }

  function refreshQueue() {
    return queued().then(function (rows) { showQueue(rows.length, flushing); return rows; });
  }

  function sleep(ms) { return new Promise(function (resolve) { setTimeout(resolve, ms); }); }

  // Sends the queue, oldest first, one at a time; stops at the first lead that could not be answered.
  function flush() {
    if (flushing || !navigator.onLine) {
      return refreshQueue();
    }
    flushing = true;
    return queued().then(function (rows) {
      showQueue(rows.length, true);
      let chain = Promise.resolve(true);
      rows.forEach(function (row) {
        chain = chain.then(function (go) {
          if (!go) { return false; }
          return send(row.lead).then(function (answer) {
            if (answer.status === 429) {
              return sleep(Math.min(answer.retryAfter || 5, 60) * 1000).then(function () { return false; });
            }
            if (answer.status === 401 || errorCode(answer) === "not_authenticated") {
              needsLogin = true;
              return false;
            }
            needsLogin = false;
            if (!final(answer)) { return false; }
            if (answer.status >= 400) { refused += 1; }
            return dequeue(row.id).then(function () { return true; });
          }, function () { return false; });
        });
      });
      return chain;
    }).catch(function () {}).then(function () {
      flushing = false;
      return refreshQueue();
    }).then(function (rows) {
      document.documentElement.dataset.queue = String(rows.length);
      return rows;
    });
  }

  // --- the form --------------------------------------------------------------------------------------------------

  function uuid() {
    if (window.crypto && crypto.randomUUID) {
      return crypto.randomUUID();
    }
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = Array.from(bytes, function (b) { return b.toString(16).padStart(2, "0"); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }

  function leadFromForm() {
    return {
      id: uuid(),
      stand: config.stand,
      phone: "+" + phoneDigits(el.phone.value).digits,
      first_name: el.firstName.value.trim(),
      email: el.email.value.trim(),
      birth_date: el.birth.value || null,
      consent_terms: el.terms.checked,
      consent_marketing: el.marketing.checked,
      consent_version: config.consentVersion,
      captured_at: new Date().toISOString(),
      website: el.website.value,
    };
  }

  let resetTimer = null;

  function thank(lead, answer, offline) {
    el.thanksTitle.textContent = lead.first_name ? fill(text.thanksName, { name: lead.first_name }) : text.thanks;
    if (offline) {
      el.thanksText.textContent = text.joined;
      el.thanksCard.textContent = "";
      el.thanksNote.textContent = text.savedOffline;
    } else {
      el.thanksText.textContent = answer.body.created ? text.joined : text.matched;
      el.thanksCard.textContent = answer.body.card ? fill(text.card, { card: answer.body.card }) : "";
      el.thanksNote.textContent = "";
    }
    form.hidden = true;
    el.thanks.hidden = false;
    el.thanks.dataset.state = offline ? "queued" : "sent";
    el.thanks.focus();
    clearTimeout(resetTimer);
    resetTimer = setTimeout(reset, (config.resetSeconds || 12) * 1000);
  }

  function reset() {
    clearTimeout(resetTimer);
    form.reset();
    clearErrors();
    el.submit.disabled = false;
    el.thanks.hidden = true;
    delete el.thanks.dataset.state;
    form.hidden = false;
    el.phone.focus();
  }

  el.next.addEventListener("click", reset);

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearErrors();
    if (showErrors(validate())) {
      return;
    }
    const lead = leadFromForm();
    el.submit.disabled = true;
    const keep = function () {
      return enqueue(lead).then(function () {
        thank(lead, null, true);
        return refreshQueue();
      });
    };
    if (!navigator.onLine) {
      keep();
      return;
    }
    send(lead).then(function (answer) {
      if (answer.status === 201 || answer.status === 200) {
        thank(lead, answer, false);
        return;
      }
      el.submit.disabled = false;
      const code = errorCode(answer);
      if (code === "blacklisted") {
        showFormError(text.blacklisted);
      } else if (code === "stand_closed") {
        showFormError(text.closed);
      } else if (answer.status === 401 || code === "not_authenticated") {
        needsLogin = true;
        keep();
      } else if (answer.status === 403) {
        showFormError(text.denied);
      } else if (answer.status === 429 || answer.status >= 500) {
        keep();
      } else {
        const fields = (answer.body.error && answer.body.error.fields) || {};
        if (!showErrors(fields)) {
          showFormError((answer.body.error && answer.body.error.message) || text.error);
        }
      }
    }, keep);
  });

  window.addEventListener("online", function () { flush(); });
  window.addEventListener("offline", function () { refreshQueue(); });
  setInterval(flush, 30000);
  flush();
})();
