// The search index of the search page: Pagefind bundles in shards, merged.
//
// sitegen splits the indexed pages into shards (a stable hash of each page's path), each
// a Pagefind bundle of its own, listed in /pagefind/shards.json. Shard 0 is loaded as
// Pagefind's primary index and the others are merged into it (Pagefind's mergeIndex);
// each carries a synthetic filter SHARD naming it, so one query can be asked per shard.
//
// Why not simply Pagefind's merged search: it ranks each shard with that shard's own
// statistics and then sorts all results by score, and with a sort it sorts by each
// page's position within its own shard.
// - Relevance: Pagefind scores a word as BM25 does, IDF times a term-frequency part, and
//   the IDF of a query word is ln((N - n + 0.5) / (n + 0.5) + 1) over the shard's N pages
//   of which n hold the word (or a longer word it starts). Each shard's score is rescaled
//   by IDF over the whole site / IDF over the shard, word by word: the pages holding a
//   word per shard are the counts of the SHARD filter in a search for that word alone,
//   and a page's score for each word alone says how much each word weighs in its score.
// - Date: every shard's results come sorted by date; they are merged by the date in
//   each result's metadata (iso). Pages without a date (Pagefind leaves them out of a
//   sorted search) come last.
// An index of one shard is Pagefind's own search, unchanged.

const SHARD = "_delindex";
const MANIFEST = "shards.json";
// BM25's length normalisation (Pagefind's pageLength) is off: it divides by the average
// page length of the shard, which differs from shard to shard and cannot be corrected
// afterwards, and the posts are of much the same length anyway.
const RANKING = { pageLength: 0 };

export class SearchIndex {
  constructor(pagefind, pages, updating) {
    this.pagefind = pagefind;
    this.pages = pages; // pages in each shard
    this.total = pages.reduce((a, b) => a + b, 0);
    this.updating = updating; // the preview is indexing anew (see sitegen serve)
  }

  /** Every filter value with its number of pages (loads all filter data). */
  async filters() {
    if (!this.pagefind) return {};
    return withoutShard(await this.pagefind.filters());
  }

  /** A search: {total, filters, next(count) -> [result data]}. `sort` is "" (by relevance
   * when there are words, else newest first), "datum" or "datum-asc". */
  async search(q, filters, sort) {
    if (!this.pagefind) return emptySearch();
    const words = q.trim();
    if (!words || sort) return this.byDate(words || null, filters, sort === "datum-asc" ? "asc" : "desc");
    return this.byRelevance(words, filters);
  }

  shardIds() { // the shards that hold pages (a hash may leave one of a small site empty)
    return this.pages.flatMap((pages, n) => (pages ? [String(n)] : []));
  }

  perShard(q, filters, options = {}) {
    return Promise.all(this.shardIds().map((s) =>
      this.pagefind.search(q, { ...options, filters: { ...filters, [SHARD]: s } })));
  }

  async byRelevance(q, filters) {
    if (this.shardIds().length === 1 || /^\s*".+"\s*$/.test(q)) {
      const found = await this.pagefind.search(q, { filters });
      const scored = found.results.map((result) => ({ score: result.score, result }));
      return listed(ranked(scored), scored.length, found.filters);
    }
    const perShard = await this.perShard(q, filters);
    const words = await this.wordStats(q, perShard[0]);
    const scored = [];
    const ids = this.shardIds();
    perShard.forEach((found, i) => {
      const shard = Number(ids[i]);
      for (const result of found.results) {
        scored.push({ score: result.score * this.rescale(shard, result.id, words), result });
      }
    });
    return listed(ranked(scored), scored.length, sumFilters(perShard));
  }

  /** For each word of `q`: how many pages of each shard hold it, and each page's score for
   * that word alone. `found`: a search for all of `q` (its unfiltered counts serve a query
   * of one word). */
  async wordStats(q, found) {
    const words = q.split(/\s+/).filter(Boolean);
    if (words.length === 1) return [{ counts: found.totalFilters?.[SHARD] || {}, scores: new Map() }];
    return Promise.all(words.map(async (word) => {
      found = await this.pagefind.search(word);
      const scores = new Map(found.results.map((r) => [r.id, r.score]));
      return { counts: found.totalFilters?.[SHARD] || {}, scores };
    }));
  }

  /** IDF over the site / IDF over the shard, for the words of the query, each weighted by
   * its share of the page's score. */
  rescale(shard, id, words) {
    const ratios = words.map(({ counts }) => {
      const inShard = counts[String(shard)] || 0;
      const inAll = Object.values(counts).reduce((a, b) => a + b, 0);
      const local = idf(this.pages[shard], inShard);
      return local > 0 ? idf(this.total, inAll) / local : 1;
    });
    if (ratios.length === 1) return ratios[0];
    const parts = words.map(({ scores }) => scores.get(id) || 0);
    const sum = parts.reduce((a, b) => a + b, 0);
    if (sum <= 0) return ratios.reduce((a, b) => a + b, 0) / ratios.length;
    return parts.reduce((acc, part, i) => acc + (part / sum) * ratios[i], 0);
  }

  async byDate(q, filters, direction) {
    const sorted = await this.perShard(q, filters, { sort: { datum: direction } });
    const counts = sumFilters(sorted);
    const total = Object.values(counts[SHARD] || {}).reduce((a, b) => a + b, 0);
    const dated = sorted.reduce((n, found) => n + found.results.length, 0);
    let undated = [];
    if (dated < total) {
      // Pagefind leaves pages without the sort key out of a sorted search: they come last.
      const seen = new Set(sorted.flatMap((found) => found.results.map((r) => r.id)));
      const all = await this.perShard(q, filters);
      undated = all.flatMap((found) => found.results).filter((r) => !seen.has(r.id));
      if (q) undated.sort((a, b) => b.score - a.score);
    }
    const heads = sorted.map((found) => ({ results: found.results, at: 0, data: null }));
    const later = direction === "asc" ? (a, b) => a < b : (a, b) => a > b;
    async function nextDated() {
      let best = null;
      for (const head of heads) {
        if (head.at >= head.results.length) continue;
        head.data ??= await head.results[head.at].data();
        if (best === null || later(head.data.meta.iso || "", best.data.meta.iso || "")) best = head;
      }
      if (best === null) return null;
      const data = best.data;
      best.at += 1;
      best.data = null;
      return data;
    }
    let rest = 0;
    return {
      total: Math.max(total, dated + undated.length),
      filters: withoutShard(counts),
      async next(count) {
        const out = [];
        while (out.length < count) {
          const data = await nextDated();
          if (data === null) break;
          out.push(data);
        }
        const more = undated.slice(rest, rest + count - out.length);
        rest += more.length;
        out.push(...(await Promise.all(more.map((r) => r.data()))));
        return out;
      },
    };
  }
}

/** Results by score, best first. Pages whose scores agree to six digits are equal (a
 * rescaled score carries float rounding), and equal ones come in the order of their ids,
 * the same in one index as in shards (Pagefind leaves their order to chance). */
function ranked(scored) {
  const key = (s) => Number(s.score.toPrecision(6));
  scored.sort((a, b) => key(b) - key(a) || (a.result.id < b.result.id ? -1 : a.result.id > b.result.id ? 1 : 0));
  return scored.map((s) => s.result);
}

function idf(pages, holding) {
  return Math.log((pages - holding + 0.5) / (holding + 0.5) + 1);
}

function listed(results, total, filters) {
  let at = 0;
  return {
    total,
    filters: withoutShard(filters || {}),
    async next(count) {
      const batch = results.slice(at, at + count);
      at += batch.length;
      return Promise.all(batch.map((r) => r.data()));
    },
  };
}

function emptySearch() {
  return { total: 0, filters: {}, next: async () => [] };
}

function sumFilters(responses) {
  const sum = {};
  for (const found of responses) {
    for (const [key, values] of Object.entries(found.filters || {})) {
      const into = (sum[key] ??= {});
      for (const [value, n] of Object.entries(values)) into[value] = (into[value] || 0) + n;
    }
  }
  return sum;
}

function withoutShard(filters) {
  const { [SHARD]: _, ...rest } = filters;
  return rest;
}

/** Opens the index under `bundle` (e.g. "/pagefind/"). Throws if it cannot be loaded. */
export async function openIndex(bundle) {
  const manifest = await fetchManifest(bundle);
  const shards = manifest.shards || [];
  const pages = shards.map((s) => s.pages);
  const live = shards.map((shard, n) => ({ ...shard, n })).filter((shard) => shard.pages > 0);
  if (!live.length) return new SearchIndex(null, pages, Boolean(manifest.updating));
  const [first, ...rest] = live;
  const pagefind = await import(new URL(`${first.path}pagefind.js`, new URL(bundle, location.href)).pathname);
  await pagefind.destroy(); // a reopened index starts afresh
  await pagefind.options({ excerptLength: 30, ranking: RANKING, mergeFilter: { [SHARD]: String(first.n) } });
  await pagefind.init();
  await Promise.all(rest.map((shard) =>
    pagefind.mergeIndex(bundle + shard.path, { ranking: RANKING, mergeFilter: { [SHARD]: String(shard.n) } })));
  return new SearchIndex(pagefind, pages, Boolean(manifest.updating));
}

export async function fetchManifest(bundle) {
  const response = await fetch(bundle + MANIFEST, { cache: "no-cache" });
  if (!response.ok) throw new Error(`${bundle}${MANIFEST}: ${response.status}`);
  return response.json();
}
