// The case desk: one page, no build step. Every request goes to the service's own /v1 API;
// answers and problems are shown with textContent (never as markup), the explanation in a
// sandboxed frame.
"use strict";
const $ = (id) => document.getElementById(id);
let catalog = null;

function headers(kind) {
  const h = { "Content-Type": kind };
  const token = $("token").value.trim() || sessionStorage.getItem("frist-token") || "";
  if (token) { h["Authorization"] = "Bearer " + token; sessionStorage.setItem("frist-token", token); }
  return h;
}

function el(tag, text, cls) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (cls) node.className = cls;
  return node;
}

function query(extra) {
  const q = new URLSearchParams();
  const policy = $("policy").value, version = $("version").value;
  if (policy) q.set("policy", version ? policy + "@" + version : policy);
  if ($("as-of").value) q.set("as_of", $("as-of").value);
  for (const [k, v] of Object.entries(extra || {})) q.set(k, v);
  return q.toString();
}

function caseKind(text) {
  return text.trim().startsWith("{") ? "application/json" : "application/yaml";
}

function clear() {
  for (const id of ["problem", "decision", "explanation", "timeline-table"]) $(id).hidden = true;
}

function showProblem(doc) {
  const box = $("problem");
  box.replaceChildren(el("strong", doc.title || "Problem"), el("p", doc.detail || ""));
  if (doc.errors && doc.errors.length) {
    const list = el("ul");
    for (const e of doc.errors) {
      const li = el("li");
      li.append(el("code", (e.field || "(case)") + (e.line ? ` (line ${e.line}, column ${e.column})` : "")),
                document.createTextNode(": " + e.message + (e.hint ? " — " + e.hint : "")));
      list.append(li);
    }
    box.append(list);
  }
  box.hidden = false;
}

async function post(path, extra) {
  const text = $("case").value;
  const response = await fetch(path + "?" + query(extra), { method: "POST", headers: headers(caseKind(text)), body: text });
  if (!response.ok) {
    const type = response.headers.get("content-type") || "";
    showProblem(type.includes("json") ? await response.json() : { title: response.status + " " + response.statusText });
    return null;
  }
  return response;
}

function fillActions(name) {
  const chosen = (catalog ? catalog.policies : []).find((p) => p.name === name);
  const action = $("action");
  action.replaceChildren(...((chosen && chosen.actions) || []).map((a) => new Option(a, a)));
}

function showDecision(d, logId, versions) {
  if (!$("action").options.length) fillActions(d.policy.name);   // the case's own policy: its actions
  const box = $("decision");
  box.replaceChildren(el("div", d.action, "action"), el("div", "rule: " + d.rule));
  const figures = el("ul");
  for (const key of ["fee", "payment_deadline", "next_review", "not_before"]) {
    if (d[key] !== null && d[key] !== undefined) figures.append(el("li", key + ": " + d[key]));
  }
  for (const [k, v] of Object.entries(d.amounts || {})) figures.append(el("li", k + ": " + v));
  box.append(figures);
  for (const w of d.warnings || []) box.append(el("p", "⚠ " + w));
  box.append(el("p", "decided by " + versions, "versions"));
  if (logId) box.append(el("p", "log record " + logId, "versions"));
  box.hidden = false;
}

async function decide() {
  clear();
  const r = await post("v1/decide");
  if (r) showDecision(await r.json(), r.headers.get("Frist-Log-Id"), r.headers.get("Frist-Versions"));
}

async function explain() {
  clear();
  const r = await post("v1/explain", { format: "html", lang: $("lang").value });
  if (!r) return;
  $("explanation").srcdoc = await r.text();
  $("explanation").hidden = false;
}

async function whyNot() {
  clear();
  const action = $("action").value;
  const r = await post("v1/why-not", { format: "html", lang: $("lang").value, action: action });
  if (!r) return;
  $("explanation").srcdoc = await r.text();
  $("explanation").hidden = false;
}

async function timeline() {
  clear();
  const r = await post("v1/timeline");
  if (!r) return;
  const data = await r.json();
  const table = el("table");
  const head = el("tr");
  for (const h of ["date", "version", "action", "fee", "deadline", "total"]) head.append(el("th", h));
  table.append(head);
  for (const row of data.rows) {
    const tr = el("tr");
    tr.append(el("td", row.date), el("td", row.policy), el("td", row.action + " (" + row.rule + ")"),
              el("td", row.fee || "", "num"), el("td", row.payment_deadline || row.not_before || ""),
              el("td", (row.amounts || {}).total || "", "num"));
    table.append(tr);
  }
  const box = $("timeline-table");
  box.replaceChildren(el("h2", "Timeline from " + data.start), table, el("p", "end: " + data.end.replace(/`/g, "")));
  box.hidden = false;
}

function fillVersions() {
  const chosen = (catalog ? catalog.policies : []).find((p) => p.name === $("policy").value);
  const version = $("version");
  version.replaceChildren(new Option("(in force on the date)", ""));
  fillActions($("policy").value);
  if (!chosen) return;
  for (const v of chosen.versions) version.append(new Option(`${v.version} (${v.status}, sha256 ${v.sha256.slice(0, 12)})`, v.version));
  const lang = $("lang");
  lang.replaceChildren(...chosen.languages.map((l) => new Option(l, l)));
  if (chosen.languages.includes("nb")) lang.value = "nb";
}

function caseFromForm() {
  const amount = $("f-amount").value.trim();
  const doc = {
    case_id: $("f-case-id").value.trim(),
    creditor: { vat_registered: $("f-vat").checked },
    debtor: { kind: $("f-debtor").value },
    claims: [{ invoice: $("f-invoice").value.trim(), amount: amount, issued: $("f-issued").value, due: $("f-due").value }],
  };
  if ($("policy").value) doc.policy = $("policy").value;
  $("case").value = JSON.stringify(doc, null, 2);
}

async function loadCatalog() {
  const r = await fetch("v1/policies", { headers: headers("application/json") });
  if (!r.ok) { $("catalog").textContent = "The catalog could not be read (" + r.status + "): is a token needed?"; return; }
  catalog = await r.json();
  const select = $("policy");
  for (const p of catalog.policies.filter((p) => p.decides)) select.append(new Option(p.name, p.name));
  $("catalog").textContent = `${catalog.policies.length} policies from ${catalog.folder}, lock ${catalog.lock.file}: ` +
    `${catalog.lock.state}; loaded ${catalog.loaded_at} (generation ${catalog.generation})`;
}

document.addEventListener("DOMContentLoaded", () => {
  $("decide").addEventListener("click", decide);
  $("explain").addEventListener("click", explain);
  $("why-not").addEventListener("click", whyNot);
  $("timeline").addEventListener("click", timeline);
  $("policy").addEventListener("change", fillVersions);
  $("f-make").addEventListener("click", caseFromForm);
  $("upload").addEventListener("change", async (event) => {
    const file = event.target.files[0];
    if (file) $("case").value = await file.text();
  });
  $("token").addEventListener("change", loadCatalog);
  loadCatalog();
});
