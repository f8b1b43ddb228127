// Search page (/sok/): Swedish full-text search over the Pagefind index, with filter
// facets, sorting and paging. The query, filters and sort live in the URL
// (/sok/?q=…&kommun=…&tema=…&sort=datum), so a link restores a search and the browser's
// back and forward buttons step through earlier searches.
//
// A plain ES module: no inline script, nothing loaded from elsewhere. Pagefind is
// imported by absolute path, since this file is served from a content-hashed URL.

const FACETS = [
  { key: "kommun", legend: "Kommun" },
  { key: "län", legend: "Län" },
  { key: "tema", legend: "Tema" },
  { key: "år", legend: "År" },
  { key: "typ", legend: "Typ av inlägg" },
];
const SORTS = {
  datum: { datum: "desc" },
  "datum-asc": { datum: "asc" },
};
const PAGE_SIZE = 10;
const NARROW_FROM = 9; // a facet with this many values gets a box that narrows its list
const collator = new Intl.Collator("sv");

const root = document.querySelector("[data-search]");
const form = root.querySelector("[data-search-form]");
const input = form.querySelector("input[name=q]");
const sortBox = root.querySelector("[data-search-sort]");
const sortSelect = sortBox.querySelector("select");
const facetBox = root.querySelector("[data-search-facets]");
const statusLine = root.querySelector("[data-search-status]");
const resultsWrap = root.querySelector("[data-search-results-wrap]");
const resultList = root.querySelector("[data-search-results]");
const moreButton = root.querySelector("[data-search-more]");
const noJs = root.querySelector("[data-search-nojs]");

let pagefind = null;
let generation = 0; // bumps on every search, so a slow earlier search cannot overwrite a newer one
let pending = []; // results of the current search not yet shown
let totalFilters = {};

// ------------------------------------------------------------------ state and URL

function stateFromUrl() {
  const params = new URLSearchParams(window.location.search);
  const filters = {};
  for (const { key } of FACETS) {
    const values = params.getAll(key).filter((v) => v !== "");
    if (values.length) filters[key] = values;
  }
  const sort = params.get("sort") || "";
  return { q: params.get("q") || "", filters, sort: sort in SORTS ? sort : "" };
}

function stateFromForm() {
  const filters = {};
  for (const box of facetBox.querySelectorAll("input[type=checkbox]:checked")) {
    (filters[box.name] ??= []).push(box.value);
  }
  return { q: input.value.trim(), filters, sort: sortSelect.value };
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

function showState(state) {
  input.value = state.q;
  sortSelect.value = state.sort;
  for (const box of facetBox.querySelectorAll("input[type=checkbox]")) {
    box.checked = (state.filters[box.name] || []).includes(box.value);
  }
}

function remember(state, { replace = false } = {}) {
  const url = urlFor(state);
  if (url === window.location.pathname + window.location.search) return;
  if (replace) window.history.replaceState(null, "", url);
  else window.history.pushState(null, "", url);
}

// ------------------------------------------------------------------ facets

function facetId(key, index) {
  return `filter-${FACETS.findIndex((f) => f.key === key)}-${index}`;
}

function sortedValues(key, counts) {
  const values = Object.keys(counts);
  if (key === "år") return values.sort().reverse();
  return values.sort(collator.compare);
}

/** Builds the checkbox groups once, from every filter value in the index. */
function buildFacets(state) {
  for (const { key, legend } of FACETS) {
    const counts = totalFilters[key];
    if (!counts || !Object.keys(counts).length) continue;
    const fieldset = document.createElement("fieldset");
    fieldset.className = "facet";
    const legendEl = document.createElement("legend");
    legendEl.textContent = legend;
    fieldset.append(legendEl);
    const list = document.createElement("ul");
    sortedValues(key, counts).forEach((value, index) => {
      const item = document.createElement("li");
      const box = document.createElement("input");
      box.type = "checkbox";
      box.name = key;
      box.value = value;
      box.id = facetId(key, index);
      box.checked = (state.filters[key] || []).includes(value);
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
  updateCounts(totalFilters);
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
      const shown = !text || check.checked || check.value.toLocaleLowerCase("sv").includes(text);
      item.hidden = !shown;
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
    const count = box.parentElement.querySelector("[data-count]");
    count.textContent = `(${n})`;
    box.parentElement.classList.toggle("facet-empty", n === 0 && !box.checked);
  }
}

// ------------------------------------------------------------------ searching

function hits(n) {
  return n === 1 ? "1 träff" : `${n} träffar`;
}

function describe(state, count) {
  const filtered = Object.keys(state.filters).length > 0;
  const suffix = filtered ? " med valda filter" : "";
  if (state.q) {
    return count === 0
      ? `Inga träffar för ”${state.q}”${suffix}.`
      : `${hits(count)} för ”${state.q}”${suffix}.`;
  }
  return count === 0 ? "Inga inlägg med valda filter." : `${hits(count)} med valda filter.`;
}

async function run(state) {
  const mine = ++generation;
  const filters = {};
  for (const [key, values] of Object.entries(state.filters)) filters[key] = { any: values };
  if (!state.q && !Object.keys(filters).length) {
    pending = [];
    resultList.replaceChildren();
    resultsWrap.hidden = true;
    moreButton.hidden = true;
    statusLine.textContent = "";
    updateCounts(totalFilters);
    return;
  }
  statusLine.setAttribute("aria-busy", "true");
  const options = { filters };
  if (state.sort) options.sort = SORTS[state.sort];
  const search = await pagefind.search(state.q || null, options);
  if (mine !== generation || search === null) return; // a newer search has started
  updateCounts(search.filters || {});
  pending = search.results.slice();
  resultList.replaceChildren();
  resultsWrap.hidden = pending.length === 0;
  await showMore(mine);
  if (mine !== generation) return;
  statusLine.removeAttribute("aria-busy");
  statusLine.textContent = describe(state, search.results.length);
}

async function showMore(mine, { focus = false } = {}) {
  const batch = pending.splice(0, PAGE_SIZE);
  const data = await Promise.all(batch.map((result) => result.data()));
  if (mine !== generation) return;
  const items = data.map(resultItem);
  resultList.append(...items);
  moreButton.hidden = pending.length === 0;
  if (focus && items.length) items[0].querySelector("a").focus();
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

// ------------------------------------------------------------------ wiring

async function start() {
  try {
    pagefind = await import("/pagefind/pagefind.js");
    await pagefind.options({ excerptLength: 30 });
    await pagefind.init();
    totalFilters = await pagefind.filters();
  } catch (error) {
    statusLine.textContent = "Sökningen kunde inte laddas. Försök igen senare, eller bläddra via länkarna nedan.";
    console.warn("Pagefind kunde inte laddas", error);
    return;
  }
  noJs.hidden = true;
  sortBox.hidden = false;
  const state = stateFromUrl();
  buildFacets(state);
  facetBox.hidden = facetBox.querySelector("fieldset") === null;
  showState(state);

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const next = stateFromForm();
    remember(next);
    run(next);
  });
  facetBox.addEventListener("change", () => {
    const next = stateFromForm();
    remember(next);
    run(next);
  });
  sortSelect.addEventListener("change", () => {
    const next = stateFromForm();
    remember(next, { replace: true });
    run(next);
  });
  moreButton.addEventListener("click", () => showMore(generation, { focus: true }));
  window.addEventListener("popstate", () => {
    const next = stateFromUrl();
    showState(next);
    run(next);
  });
  await run(state);
}

start();
