// Search page (/sok/): Swedish full-text search with filters, sorting and paging, over the
// sharded Pagefind index (assets/search-engine.js). The query, filters and sort live in
// the URL (/sok/?q=…&kommun=…&tema=…&sort=datum), so a link restores a search; how many
// results were shown, the scroll position and whether the filter panel was open live in
// the history entry, so back and forward return to where the reader was.
//
// Phone first: the hit count and the first results come right under the search box; the
// filters sit in a panel behind "Filtrera" (closed until opened), and active filters
// show as removable chips. Filter data is loaded only when the panel opens or a filter is
// in the URL, so a first query downloads little.
//
// A plain ES module: no inline script, nothing loaded from elsewhere.

const FACETS = [
  { key: "kommun", legend: "Kommun" },
  { key: "län", legend: "Län" },
  { key: "tema", legend: "Tema" },
  { key: "år", legend: "År" },
  { key: "typ", legend: "Typ av inlägg" },
];
const SORTS = new Set(["datum", "datum-asc"]);
const PAGE_SIZE = 10;
const NARROW_FROM = 9; // a facet with this many values gets a box that narrows its list
const POLL_MS = 1000; // while the preview's index is being updated
const collator = new Intl.Collator("sv");

const root = document.querySelector("[data-search]");
const form = root.querySelector("[data-search-form]");
const input = form.querySelector("input[name=q]");
const help = root.querySelector("[data-search-help]");
const tools = root.querySelector("[data-search-tools]");
const toggle = root.querySelector("[data-search-toggle]");
const toggleCount = root.querySelector("[data-search-count]");
const sortSelect = root.querySelector("#sok-sortering");
const chips = root.querySelector("[data-search-chips]");
const chipList = root.querySelector("[data-search-chip-list]");
const clearButton = root.querySelector("[data-search-clear]");
const facetBox = root.querySelector("[data-search-facets]");
const facetsLoading = root.querySelector("[data-search-facets-loading]");
const statusLine = root.querySelector("[data-search-status]");
const updatingNote = root.querySelector("[data-search-updating]");
const suggestBox = root.querySelector("[data-search-suggest]");
const resultsWrap = root.querySelector("[data-search-results-wrap]");
const resultList = root.querySelector("[data-search-results]");
const moreButton = root.querySelector("[data-search-more]");
const noJs = root.querySelector("[data-search-nojs]");

let engine = null; // the module of assets/search-engine.js
let index = null; // its SearchIndex
let current = { q: "", filters: {}, sort: "" };
let search = null; // the search whose results are shown
let shown = 0;
let generation = 0; // bumps on every search, so a slow earlier one cannot overwrite a newer one
let facetsBuilt = null; // a promise, once the filter panel's data is asked for
let facetsReady = false; // every filter's data is loaded, so a search's counts are whole

// ------------------------------------------------------------------ state, URL, history

function stateFromUrl() {
  const params = new URLSearchParams(window.location.search);
  const filters = {};
  for (const { key } of FACETS) {
    const values = params.getAll(key).filter((v) => v !== "");
    if (values.length) filters[key] = values;
  }
  const sort = params.get("sort") || "";
  return { q: (params.get("q") || "").trim(), filters, sort: SORTS.has(sort) ? sort : "" };
}

function urlFor(state) {
  const params = new URLSearchParams();
  if (state.q) params.set("q", state.q);
  for (const { key } of FACETS) {
    for (const value of state.filters[key] || []) params.append(key, value);
  }
  if (state.sort) params.set("sort", state.sort);
  const query = params.toString();
  return window.location.pathname + (query ? `?${query}` : "");
}

/** A new history entry for `state` (or the current one replaced). */
function remember(state, { replace = false } = {}) {
  const url = urlFor(state);
  if (url === window.location.pathname + window.location.search) return;
  const entry = { shown: PAGE_SIZE, scroll: 0, panel: !facetBox.hidden };
  if (replace) window.history.replaceState(entry, "", url);
  else window.history.pushState(entry, "", url);
}

/** Keeps what the reader sees in the current history entry. */
function note(changes) {
  window.history.replaceState({ ...(window.history.state || {}), ...changes }, "");
}

function filterCount(state) {
  return Object.values(state.filters).reduce((n, values) => n + values.length, 0);
}

function show(state) {
  input.value = state.q;
  sortSelect.value = state.sort;
  for (const box of facetBox.querySelectorAll("input[type=checkbox]")) {
    box.checked = (state.filters[box.name] || []).includes(box.value);
  }
  const count = filterCount(state);
  toggleCount.textContent = count ? ` (${count})` : ""; // the name says it as shown
  showChips(state);
  help.hidden = Boolean(state.q || count);
}

function change(next, options) {
  current = next;
  remember(next, options);
  show(next);
  run(next);
}

// ------------------------------------------------------------------ chips

function legendOf(key) {
  return FACETS.find((f) => f.key === key).legend;
}

function showChips(state) {
  const items = [];
  for (const { key } of FACETS) {
    for (const value of state.filters[key] || []) {
      const item = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.className = "search-chip";
      button.dataset.key = key;
      button.dataset.value = value;
      button.setAttribute("aria-label", `Ta bort filtret ${legendOf(key)}: ${value}`);
      const text = document.createElement("span");
      text.textContent = `${legendOf(key)}: ${value}`;
      const cross = document.createElement("span");
      cross.setAttribute("aria-hidden", "true");
      cross.className = "search-chip-x";
      cross.textContent = "×";
      button.append(text, cross);
      item.append(button);
      items.push(item);
    }
  }
  chipList.replaceChildren(...items);
  chips.hidden = items.length === 0;
}

function without(state, key, value) {
  const filters = { ...state.filters };
  filters[key] = (filters[key] || []).filter((v) => v !== value);
  if (!filters[key].length) delete filters[key];
  return { ...state, filters };
}

// ------------------------------------------------------------------ filter panel

function facetId(key, index) {
  return `filter-${FACETS.findIndex((f) => f.key === key)}-${index}`;
}

function sortedValues(key, counts) {
  const values = Object.keys(counts);
  if (key === "år") return values.sort().reverse();
  return values.sort(collator.compare);
}

/** Loads every filter value (once) and builds the checkbox groups. */
function buildFacets() {
  facetsBuilt ??= (async () => {
    const all = await index.filters();
    for (const { key, legend } of FACETS) {
      const counts = all[key];
      if (!counts || !Object.keys(counts).length) continue;
      const fieldset = document.createElement("fieldset");
      fieldset.className = "facet";
      const legendEl = document.createElement("legend");
      legendEl.textContent = legend;
      fieldset.append(legendEl);
      const list = document.createElement("ul");
      sortedValues(key, counts).forEach((value, i) => {
        const item = document.createElement("li");
        const box = document.createElement("input");
        box.type = "checkbox";
        box.name = key;
        box.value = value;
        box.id = facetId(key, i);
        const label = document.createElement("label");
        label.htmlFor = box.id;
        const name = document.createElement("span");
        name.textContent = value;
        const count = document.createElement("span");
        count.className = "facet-count";
        count.dataset.count = "";
        label.append(name, " ", count);
        item.append(box, label);
        list.append(item);
      });
      if (list.children.length >= NARROW_FROM) fieldset.append(narrowBox(key, legend, list));
      fieldset.append(list);
      facetBox.append(fieldset);
    }
    facetsLoading.remove();
    show(current);
    facetsReady = true;
    await refreshCounts(all);
  })();
  return facetsBuilt;
}

/** The counts for the search shown, asked anew now that every filter's data is loaded (a
 * search made before counted only the filters whose data it had). */
async function refreshCounts(all) {
  const state = current;
  if (isEmpty(state)) {
    updateCounts(all);
    return;
  }
  const found = await index.search(state.q, anyOf(state.filters), state.sort);
  if (state === current) updateCounts(found.filters);
}

/** A text box that hides the values of a long facet list that do not contain its text
 * (checked values stay). It only narrows the list: it is not part of the search. */
function narrowBox(key, legend, list) {
  const wrap = document.createElement("div");
  wrap.className = "facet-narrow";
  const box = document.createElement("input");
  box.type = "search";
  box.id = `narrow-${FACETS.findIndex((f) => f.key === key)}`;
  box.autocomplete = "off";
  box.spellcheck = false;
  const label = document.createElement("label");
  label.htmlFor = box.id;
  label.textContent = `Hitta ${legend.toLocaleLowerCase("sv")}`;
  box.addEventListener("input", () => {
    const text = box.value.trim().toLocaleLowerCase("sv");
    for (const item of list.children) {
      const check = item.querySelector("input[type=checkbox]");
      item.hidden = !(!text || check.checked || check.value.toLocaleLowerCase("sv").includes(text));
    }
  });
  box.addEventListener("keydown", (event) => {
    if (event.key === "Enter") event.preventDefault(); // narrows as you type; no search
  });
  box.addEventListener("change", (event) => event.stopPropagation());
  wrap.append(label, box);
  return wrap;
}

function updateCounts(counts) {
  for (const box of facetBox.querySelectorAll("input[type=checkbox]")) {
    const n = counts[box.name]?.[box.value] ?? 0;
    box.parentElement.querySelector("[data-count]").textContent = `(${n})`;
    box.parentElement.classList.toggle("facet-empty", n === 0 && !box.checked);
  }
}

async function openPanel(open) {
  facetBox.hidden = !open;
  toggle.setAttribute("aria-expanded", String(open));
  note({ panel: open });
  if (open) await buildFacets();
}

// ------------------------------------------------------------------ searching

function hits(n) {
  return n === 1 ? "1 träff" : `${n} träffar`;
}

function describe(state, count) {
  const suffix = filterCount(state) ? " med valda filter" : "";
  if (state.q) {
    return count === 0 ? `Inga träffar för ”${state.q}”${suffix}.` : `${hits(count)} för ”${state.q}”${suffix}.`;
  }
  return count === 0 ? "Inga inlägg med valda filter." : `${hits(count)} med valda filter.`;
}

function isEmpty(state) {
  return !state.q && !filterCount(state);
}

/** Runs `state`'s search and shows `want` results (keep: the number already shown). */
async function run(state, { want = PAGE_SIZE, keep = false } = {}) {
  const mine = ++generation;
  suggestBox.hidden = true;
  if (isEmpty(state)) {
    search = null;
    resultList.replaceChildren();
    resultsWrap.hidden = true;
    moreButton.hidden = true;
    statusLine.textContent = "";
    return;
  }
  statusLine.setAttribute("aria-busy", "true");
  if (filterCount(state) && !facetsBuilt) buildFacets(); // a filter in the URL: load them
  const whole = facetsReady;
  const found = await index.search(state.q, anyOf(state.filters), state.sort);
  if (mine !== generation) return;
  search = found;
  if (whole) updateCounts(found.filters);
  const target = keep ? Math.max(shown, PAGE_SIZE) : want;
  const data = await found.next(target);
  if (mine !== generation) return;
  shown = data.length;
  resultList.replaceChildren(...data.map(resultItem));
  resultsWrap.hidden = shown === 0;
  moreButton.hidden = shown >= found.total;
  statusLine.removeAttribute("aria-busy");
  statusLine.textContent = describe(state, found.total);
  suggest(state, found.total);
}

function anyOf(filters) {
  const out = {};
  for (const [key, values] of Object.entries(filters)) out[key] = { any: values };
  return out;
}

async function showMore() {
  const mine = generation;
  const data = await search.next(PAGE_SIZE);
  if (mine !== generation) return;
  const items = data.map(resultItem);
  resultList.append(...items);
  shown += items.length;
  moreButton.hidden = shown >= search.total;
  note({ shown });
  if (items.length) items[0].querySelector("a").focus();
}

function resultItem(data) {
  const item = document.createElement("li");
  item.className = "search-result";
  const heading = document.createElement("h3");
  const link = document.createElement("a");
  link.href = data.url;
  link.textContent = data.meta.title || data.url;
  heading.append(link);
  item.append(heading);
  const metaParts = [data.meta.datum, data.meta.kommuner].filter(Boolean);
  if (metaParts.length) {
    const meta = document.createElement("p");
    meta.className = "meta";
    meta.textContent = metaParts.join(" · ");
    item.append(meta);
  }
  if (data.excerpt) {
    const excerpt = document.createElement("p");
    excerpt.className = "excerpt";
    excerpt.append(...excerptNodes(data.excerpt));
    item.append(excerpt);
  }
  return item;
}

/** Pagefind's excerpt as DOM nodes: its text, and its <mark> highlights, nothing else. */
function excerptNodes(html) {
  const template = document.createElement("template");
  template.innerHTML = html; // inert: nothing in a template runs or loads
  return Array.from(template.content.childNodes, (node) => {
    if (node.nodeName === "MARK") {
      const mark = document.createElement("mark");
      mark.textContent = node.textContent;
      return mark;
    }
    return document.createTextNode(node.textContent);
  });
}

// ------------------------------------------------------------------ nothing found

/** Lower case, without diacritics (Hörby and horby are the same name here). */
function fold(text) {
  return text.toLocaleLowerCase("sv").normalize("NFD").replace(/\p{M}/gu, "");
}

/** Edit distance, a swap of two neighbouring letters counting as one edit. */
function distance(a, b) {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.length][b.length];
}

function names() {
  const template = root.querySelector("[data-search-names]");
  const out = [];
  for (const link of template.content.querySelectorAll("a")) {
    const name = link.textContent.trim();
    out.push({ name, href: link.getAttribute("href"), kind: link.dataset.kind, spelled: name });
    for (const synonym of (link.dataset.synonyms || "").split("|").filter(Boolean)) {
      out.push({ name, href: link.getAttribute("href"), kind: link.dataset.kind, spelled: synonym });
    }
  }
  return out;
}

/** The municipality or theme name closest to the query or one of its words, if close and
 * not already written (Pagefind finds a word's longest known start too, so a misspelt
 * name may find a page or two: it is suggested then as well). */
function nearest(q) {
  const tries = [q, ...q.split(/\s+/)].map(fold).filter((t) => t.length >= 3);
  const known = names();
  if (known.some((candidate) => tries.includes(fold(candidate.spelled)))) return null;
  let best = null;
  for (const candidate of known) {
    const spelled = fold(candidate.spelled);
    for (const word of tries) {
      const d = distance(word, spelled);
      const allowed = spelled.length <= 4 ? 1 : spelled.length <= 8 ? 2 : 3;
      if (d <= allowed && (best === null || d < best.d)) best = { ...candidate, d, word };
    }
  }
  return best;
}

function suggest(state, total) {
  const parts = [];
  const close = state.q ? nearest(state.q) : null;
  if (total > 0 && !close) return;
  if (close) {
    const line = document.createElement("p");
    const again = document.createElement("a");
    again.href = urlFor({ ...state, q: close.name });
    again.textContent = close.name;
    again.dataset.suggestion = "";
    const page = document.createElement("a");
    page.href = close.href;
    page.textContent = close.kind === "kommun" ? `alla besök i ${close.name}` : `temat ${close.name}`;
    line.append("Menade du ", again, "? Du kan också se ", page, ".");
    parts.push(line);
  }
  if (total === 0) parts.push(browseLinks());
  suggestBox.replaceChildren(...parts);
  suggestBox.hidden = false;
}

/** "Bläddra bland kommunerna, teman eller i arkivet", from the page's template. */
function browseLinks() {
  return root.querySelector("[data-search-browse]").content.firstElementChild.cloneNode(true);
}

// ------------------------------------------------------------------ the preview's index

/** In `sitegen serve` the index is brought up to date in the background after each
 * save; its manifest says so meanwhile. Wait for it, then search the new index. */
async function whileUpdating() {
  updatingNote.hidden = false;
  for (;;) {
    await new Promise((done) => setTimeout(done, POLL_MS));
    let manifest;
    try {
      manifest = await engine.fetchManifest(root.dataset.bundle);
    } catch {
      continue;
    }
    if (!manifest.updating) break;
  }
  index = await engine.openIndex(root.dataset.bundle);
  facetsBuilt = null;
  facetsReady = false;
  for (const fieldset of facetBox.querySelectorAll("fieldset")) fieldset.remove();
  updatingNote.hidden = true;
  if (!facetBox.hidden) await buildFacets();
  await run(current, { keep: true });
}

// ------------------------------------------------------------------ wiring

async function restore() {
  const entry = window.history.state || {};
  current = stateFromUrl();
  show(current);
  if (entry.panel && facetBox.hidden) await openPanel(true);
  await run(current, { want: entry.shown || PAGE_SIZE });
  window.scrollTo(0, entry.scroll || 0);
}

async function start() {
  try {
    engine = await import(root.dataset.engine);
    index = await engine.openIndex(root.dataset.bundle);
  } catch (error) {
    statusLine.textContent = "Sökningen kunde inte laddas. Försök igen senare, eller bläddra via länkarna nedan.";
    console.warn("Sökindexet kunde inte laddas", error);
    return;
  }
  noJs.hidden = true;
  tools.hidden = false;
  window.history.scrollRestoration = "manual";

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    change({ ...current, q: input.value.trim(), sort: sortSelect.value });
  });
  toggle.addEventListener("click", () => openPanel(facetBox.hidden));
  facetBox.addEventListener("change", () => {
    const filters = {};
    for (const box of facetBox.querySelectorAll("input[type=checkbox]:checked")) {
      (filters[box.name] ??= []).push(box.value);
    }
    change({ ...current, filters });
  });
  sortSelect.addEventListener("change", () => change({ ...current, sort: sortSelect.value }, { replace: true }));
  chipList.addEventListener("click", (event) => {
    const chip = event.target.closest("button[data-key]");
    if (!chip) return;
    const next = chip.closest("li").nextElementSibling?.querySelector("button");
    change(without(current, chip.dataset.key, chip.dataset.value));
    (next ? chipList.querySelector(`[data-key="${next.dataset.key}"][data-value="${CSS.escape(next.dataset.value)}"]`) : input)?.focus();
  });
  clearButton.addEventListener("click", () => {
    change({ ...current, filters: {} });
    input.focus();
  });
  moreButton.addEventListener("click", showMore);
  let scrolled = null;
  window.addEventListener("scroll", () => {
    clearTimeout(scrolled);
    scrolled = setTimeout(() => note({ scroll: Math.round(window.scrollY) }), 150);
  }, { passive: true });
  window.addEventListener("popstate", restore);
  if (index.updating) whileUpdating();
  await restore();
}

start();
