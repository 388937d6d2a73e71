// The findings list of opslint's HTML report: filters, file sections, finding cards.
// Every text from the report's data is written with textContent, never as markup.
"use strict";
(() => {
  const SEVERITIES = ["error", "warning", "info"];
  const FILE_PAGE = 100;
  const FINDING_PAGE = 50;
  const byId = (id) => document.getElementById(id);

  /** An element with attributes (`on*` keys: listeners) and children (strings as text). */
  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attributes || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else if (key === "text") node.textContent = value;
      else node.setAttribute(key, value === true ? "" : String(value));
    }
    for (const child of children) {
      if (child === undefined || child === null || child === false) continue;
      node.append(typeof child === "string" ? document.createTextNode(child) : child);
    }
    return node;
  }

  const plural = (count, word) => `${count.toLocaleString("en")} ${word}${count === 1 ? "" : "s"}`;

  async function loadData() {
    const text = byId("report-data").textContent.trim();
    const bytes = Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Response(stream).json();
  }

  let data;
  let groups = [];
  let fileLimit = FILE_PAGE;
  const state = {
    sev: new Set(SEVERITIES),
    kind: "",
    rule: "",
    text: "",
    sup: false,
    all: false,
    open: new Set(),
  };

  function readFragment() {
    const params = new URLSearchParams(location.hash.slice(1));
    state.sev = params.has("sev")
      ? new Set(
          params
            .get("sev")
            .split(",")
            .filter((s) => SEVERITIES.includes(s)),
        )
      : new Set(SEVERITIES);
    state.kind = params.get("kind") || "";
    state.rule = params.get("rule") || "";
    state.text = params.get("q") || "";
    state.sup = params.has("sup") ? params.get("sup") === "1" : data.suppressedShown;
    const open = params.getAll("open");
    state.all = open.includes("*");
    state.open = new Set(open.filter((path) => path !== "*"));
  }

  function writeFragment() {
    const params = new URLSearchParams();
    if (state.sev.size !== SEVERITIES.length) {
      params.set("sev", SEVERITIES.filter((s) => state.sev.has(s)).join(","));
    }
    if (state.kind) params.set("kind", state.kind);
    if (state.rule) params.set("rule", state.rule);
    if (state.text) params.set("q", state.text);
    if (state.sup !== data.suppressedShown) params.set("sup", state.sup ? "1" : "0");
    if (state.all) params.append("open", "*");
    for (const path of state.open) params.append("open", path);
    const fragment = params.toString();
    history.replaceState(null, "", fragment ? `#${fragment}` : location.pathname + location.search);
  }

  function haystack(finding) {
    if (finding.hay === undefined) {
      const rule = data.rules[finding.r] || {};
      finding.hay = [data.files[finding.f], finding.r, rule.name, finding.m, finding.h, finding.o]
        .filter(Boolean)
        .join("\n")
        .toLowerCase();
    }
    return finding.hay;
  }

  function matches(finding) {
    if (finding.sup && !state.sup) return false;
    if (!state.sev.has(finding.s)) return false;
    if (state.kind && data.kinds[finding.f] !== state.kind) return false;
    if (state.rule && finding.r !== state.rule) return false;
    return !state.text || haystack(finding).includes(state.text.toLowerCase());
  }

  const isOpen = (path) => state.all || state.open.has(path);

  // --- controls ------------------------------------------------------------------------

  function fillSelect(select, counts, label) {
    const chosen = select.value;
    select.replaceChildren(el("option", { value: "" }, "all"));
    const keys = Object.keys(counts).sort();
    for (const key of keys) {
      select.append(
        el("option", { value: key }, `${label(key)} (${counts[key].toLocaleString("en")})`),
      );
    }
    select.value = chosen;
  }

  function setUpControls() {
    const kinds = {};
    const rules = {};
    for (const finding of data.findings) {
      if (finding.sup) continue;
      const kind = data.kinds[finding.f];
      kinds[kind] = (kinds[kind] || 0) + 1;
      rules[finding.r] = (rules[finding.r] || 0) + 1;
    }
    for (const finding of data.findings) {
      if (!finding.sup) continue;
      kinds[data.kinds[finding.f]] = kinds[data.kinds[finding.f]] || 0;
      rules[finding.r] = rules[finding.r] || 0;
    }
    fillSelect(byId("filter-kind"), kinds, (kind) => kind);
    fillSelect(byId("filter-rule"), rules, (code) =>
      `${code} ${(data.rules[code] || {}).name || ""}`.trim(),
    );
    for (const button of document.querySelectorAll("[data-severity]")) {
      button.addEventListener("click", () => {
        const level = button.dataset.severity;
        if (state.sev.has(level)) state.sev.delete(level);
        else state.sev.add(level);
        changed();
      });
    }
    byId("filter-kind").addEventListener("change", (event) => {
      state.kind = event.target.value;
      changed();
    });
    byId("filter-rule").addEventListener("change", (event) => {
      state.rule = event.target.value;
      changed();
    });
    let typing;
    byId("filter-text").addEventListener("input", (event) => {
      clearTimeout(typing);
      typing = setTimeout(() => {
        state.text = event.target.value.trim();
        changed();
      }, 150);
    });
    byId("filter-suppressed").addEventListener("change", (event) => {
      state.sup = event.target.checked;
      changed();
    });
    byId("expand-all").addEventListener("click", () => {
      state.all = true;
      state.open.clear();
      changed();
    });
    byId("collapse-all").addEventListener("click", () => {
      state.all = false;
      state.open.clear();
      changed();
    });
    byId("reset").addEventListener("click", () => {
      Object.assign(state, {
        sev: new Set(SEVERITIES),
        kind: "",
        rule: "",
        text: "",
        sup: data.suppressedShown,
      });
      changed();
    });
  }

  /** Make a select show `value`, adding it (with no findings) when the report has none. */
  function choose(select, value) {
    if (value && ![...select.options].some((option) => option.value === value)) {
      select.append(el("option", { value }, `${value} (0)`));
    }
    select.value = value;
  }

  function showState() {
    for (const button of document.querySelectorAll("[data-severity]")) {
      button.setAttribute("aria-pressed", String(state.sev.has(button.dataset.severity)));
    }
    choose(byId("filter-kind"), state.kind);
    choose(byId("filter-rule"), state.rule);
    const input = byId("filter-text");
    if (input.value.trim() !== state.text) input.value = state.text;
    byId("filter-suppressed").checked = state.sup;
  }

  function changed() {
    fileLimit = FILE_PAGE;
    writeFragment();
    render();
  }

  // --- the list ------------------------------------------------------------------------

  function group(findings) {
    const byFile = new Map();
    for (const finding of findings) {
      if (!byFile.has(finding.f)) byFile.set(finding.f, []);
      byFile.get(finding.f).push(finding);
    }
    const result = [...byFile].map(([file, items]) => ({
      file,
      path: data.files[file],
      items: items.sort((a, b) => a.l - b.l || a.c - b.c || (a.r < b.r ? -1 : a.r > b.r ? 1 : 0)),
    }));
    return result.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  function render() {
    showState();
    const shown = data.findings.filter(matches);
    groups = group(shown);
    const total = data.findings.filter((finding) => state.sup || !finding.sup).length;
    const summary = byId("shown");
    summary.dataset.shown = String(shown.length);
    summary.textContent =
      `Showing ${shown.length.toLocaleString("en")} of ${plural(total, "finding")} ` +
      `in ${plural(groups.length, "file")}.`;
    const list = byId("files");
    list.replaceChildren();
    if (!shown.length) {
      list.append(
        el(
          "p",
          { class: "empty" },
          data.findings.length ? "No finding matches the filters." : "No findings.",
        ),
      );
      return;
    }
    groups.slice(0, fileLimit).forEach((entry) => list.append(fileSection(entry)));
    if (groups.length > fileLimit) {
      const hidden = groups.length - fileLimit;
      const label =
        `Show ${plural(Math.min(FILE_PAGE, hidden), "more file")} ` +
        `(${hidden.toLocaleString("en")} not shown)`;
      list.append(
        el(
          "button",
          {
            type: "button",
            class: "more",
            onclick: () => {
              fileLimit += FILE_PAGE;
              render();
            },
          },
          label,
        ),
      );
    }
  }

  function badges(items) {
    const counts = {};
    for (const finding of items) counts[finding.s] = (counts[finding.s] || 0) + 1;
    return el(
      "span",
      { class: "badges" },
      ...SEVERITIES.filter((level) => counts[level]).map((level) =>
        el(
          "span",
          { class: `badge sev-${level}`, title: plural(counts[level], level) },
          `${counts[level]} ${level}`,
        ),
      ),
    );
  }

  function fileSection(entry) {
    const bodyId = `file-${entry.file}`;
    const open = isOpen(entry.path);
    const body = el("div", { class: "file-body", id: bodyId, hidden: !open });
    const button = el(
      "button",
      {
        type: "button",
        class: "file-toggle",
        "aria-expanded": String(open),
        "aria-controls": bodyId,
      },
      el("span", { class: "chevron", "aria-hidden": "true" }),
      el("span", { class: "path" }, entry.path),
      el("span", { class: "kind" }, data.kinds[entry.file]),
      badges(entry.items),
    );
    button.addEventListener("click", () => {
      if (state.all) {
        state.all = false;
        state.open = new Set(groups.map((item) => item.path));
      }
      const opening = !state.open.has(entry.path);
      if (opening) state.open.add(entry.path);
      else state.open.delete(entry.path);
      writeFragment();
      button.setAttribute("aria-expanded", String(opening));
      body.hidden = !opening;
      if (opening) fillBody(body, entry);
      else body.replaceChildren();
    });
    if (open) fillBody(body, entry);
    return el("section", { class: "file", "data-path": entry.path }, el("h3", {}, button), body);
  }

  function fillBody(body, entry, limit = FINDING_PAGE) {
    body.replaceChildren(...entry.items.slice(0, limit).map(card));
    if (entry.items.length > limit) {
      const more = Math.min(FINDING_PAGE, entry.items.length - limit);
      body.append(
        el(
          "button",
          {
            type: "button",
            class: "more",
            onclick: () => fillBody(body, entry, limit + FINDING_PAGE),
          },
          `Show ${plural(more, "more finding")} in this file`,
        ),
      );
    }
  }

  // --- one finding ---------------------------------------------------------------------

  function ruleLink(code) {
    const url = (data.rules[code] || {}).url;
    return url && url.startsWith("https://")
      ? el("a", { class: "code", href: url, target: "_blank", rel: "noopener noreferrer" }, code)
      : el("span", { class: "code" }, code);
  }

  function card(finding) {
    const rule = data.rules[finding.r] || {};
    const classes = `finding sev-${finding.s}${finding.sup ? " suppressed" : ""}`;
    return el(
      "article",
      { class: classes, "aria-label": `${finding.s} ${finding.r} at line ${finding.l}` },
      el(
        "div",
        { class: "head" },
        el("span", { class: `badge sev-${finding.s}` }, finding.s),
        ruleLink(finding.r),
        el("span", { class: "name" }, rule.name || ""),
        el("span", { class: "where" }, `${data.files[finding.f]}:${finding.l}:${finding.c}`),
      ),
      el("p", { class: "message" }, finding.m),
      finding.o && el("p", { class: "object" }, `object: ${finding.o}`),
      finding.h && el("p", { class: "help" }, `help: ${finding.h}`),
      finding.sup &&
        el(
          "p",
          { class: "suppressed-by" },
          `suppressed by ${finding.sup[1] || "a suppression"}: ${finding.sup[0]}`,
        ),
      excerpt(finding),
      related(finding),
      fixDiff(finding),
      ruleDoc(finding.r, rule),
    );
  }

  function excerpt(finding) {
    const lines = data.lines[finding.f];
    if (!lines) return null;
    const [start, end] = finding.x || [finding.c - 1, finding.ec - 1];
    const last = Math.min(finding.el, finding.l + 7);
    const rows = [];
    for (let number = finding.l - 2; number <= last + 2; number += 1) {
      const text = lines[number];
      if (text === undefined) continue;
      const from = number === finding.l ? start : number > finding.l && number <= last ? 0 : -1;
      const to = number === finding.el ? end : text.length;
      rows.push(sourceLine(number, text, from, to, number === finding.l));
    }
    return rows.length ? el("pre", { class: "excerpt" }, ...rows) : null;
  }

  /** One numbered source line (a block: no line break of its own); characters `from` to
   * `to` highlighted (none when from < 0). */
  function sourceLine(number, text, from, to, primary) {
    const line = el(
      "span",
      { class: primary ? "line primary" : "line" },
      el("span", { class: "gutter" }, String(number)),
    );
    if (from < 0) {
      line.append(text);
    } else {
      const stop = Math.max(to, from);
      line.append(text.slice(0, from));
      line.append(el("mark", { class: stop === from ? "point" : null }, text.slice(from, stop)));
      line.append(text.slice(stop));
    }
    return line;
  }

  function related(finding) {
    if (!finding.rel) return null;
    return el(
      "ul",
      { class: "related", "aria-label": "Related locations" },
      ...finding.rel.map(([file, line, column, message]) => {
        const text = (data.lines[file] || {})[line];
        return el(
          "li",
          {},
          el("span", { class: "where" }, `${data.files[file]}:${line}:${column}`),
          ` ${message}`,
          text !== undefined &&
            el("pre", { class: "excerpt" }, sourceLine(line, text, -1, -1, false)),
        );
      }),
    );
  }

  function fixDiff(finding) {
    if (!finding.fix) return null;
    const { t: title, a: applicability, d: diff } = finding.fix;
    const summary = el("summary", {}, `Fix (${applicability}): ${title}`);
    if (!diff) {
      return el(
        "details",
        { class: "fix" },
        summary,
        el("p", {}, "This fix does not apply to the file's current text."),
      );
    }
    const lines = diff
      .replace(/\n$/, "")
      .split("\n")
      .map((text) => {
        const kind =
          text.startsWith("+++ b/") || text.startsWith("--- a/")
            ? "meta"
            : text.startsWith("@@")
              ? "hunk"
              : text.startsWith("+")
                ? "add"
                : text.startsWith("-")
                  ? "del"
                  : "same";
        return el("span", { class: `diff-${kind}` }, text);
      });
    return el(
      "details",
      { class: "fix", open: true },
      summary,
      el("pre", { class: "diff" }, ...lines),
    );
  }

  /** The rule's one-line doc and a link to its page. */
  function ruleDoc(code, rule) {
    const url = rule.url && rule.url.startsWith("https://") ? rule.url : null;
    if (!rule.summary && !url) return null;
    return el(
      "p",
      { class: "doc" },
      rule.summary && `${code}: ${rule.summary} `,
      url &&
        el("a", { href: url, target: "_blank", rel: "noopener noreferrer" }, `${code} rule page`),
    );
  }

  /** The findings as objects, from the lists of their fields (nulls left out). */
  function rows(columns) {
    const keys = Object.keys(columns);
    return columns.f.map((_, index) => {
      const row = {};
      for (const key of keys) {
        const value = columns[key][index];
        if (value !== null) row[key] = value;
      }
      return row;
    });
  }

  // --- start ---------------------------------------------------------------------------

  function followFragment() {
    readFragment();
    const target = [...state.open][0];
    if (target) {
      const position = group(data.findings.filter(matches)).findIndex(
        (entry) => entry.path === target,
      );
      fileLimit = Math.max(FILE_PAGE, Math.ceil((position + 1) / FILE_PAGE) * FILE_PAGE);
    } else {
      fileLimit = FILE_PAGE;
    }
    render();
    if (target) {
      const section = [...document.querySelectorAll("section.file")].find(
        (node) => node.dataset.path === target,
      );
      if (section) {
        section.scrollIntoView({ block: "start" });
        section.querySelector(".file-toggle").focus({ preventScroll: true });
      }
    }
  }

  loadData()
    .then((loaded) => {
      data = loaded;
      data.findings = rows(data.findings);
      setUpControls();
      followFragment();
      window.addEventListener("hashchange", followFragment);
      document.body.dataset.ready = "true";
    })
    .catch((error) => {
      byId("shown").textContent = `The findings could not be read in this browser: ${error}`;
      document.body.dataset.ready = "error";
    });
})();
