/*
 * kefu site search: the search worker that the handbook site ships instead of Material's.
 *
 * It speaks Material's worker protocol, so Material's search box, result list and keyboard
 * handling stay as they are: {type: 0, data: {config, docs}} sets the index up and is answered
 * with {type: 1}; {type: 2, data: query} is answered with {type: 3, data: {items}}, where each
 * item is one page: its documents (the page and its sections) with score, terms and the
 * matched words marked in title and text.
 *
 * Query and index are cut alike (kefu-search-index.js, beside this file: the cut, the index and
 * the marking of matched words). The query is first turned into Simplified script with OpenCC
 * (opencc-js, t -> cn); the handbook is written in Simplified script, and the test suite checks
 * that OpenCC leaves its index unchanged. Pages are ranked by BM25F over weighted fields (title
 * and tags weigh most, three characters of the query found together in a title or tag add a
 * little more, a whole tag found in the query more). Training pages and pages listing records
 * count their text less (kefu/site/search_index.py says which). A colloquial word from
 * docs/assets/search_synonyms.yml (compiled into the index by kefu/site/search_index.py) also
 * searches the handbook's word for it. A result holds a pair or word of the query, so
 * Material's count is the number of pages that do. Lookup pages (tickets, dealers) are a scope
 * of their own, listed after the handbook's results unless the query names one of them.
 *
 * Runs as a Web Worker (http), inside iframe-worker's shim (file://, where Chromium blocks
 * workers) and in Node for the tests (tests/site/site_search.js), unchanged.
 */
"use strict";

(function (worker) {
  /* BM25's usual parameters; the field weights are kefu-search-index.js's WEIGHT. */
  const K1 = 1.2;
  const B = 0.75;
  /*
   * A result holds a pair or word of the query and scores at least RELEVANT of the best page:
   * every page shares some single character with a query, and Material counts what it gets
   * ("30 个符合条件的结果" for every query, when this was a plain cut at 30 pages). On the
   * query set a result list is 12 pages long in the middle (CONTRIBUTING.md); MAX_PAGES only
   * bounds a very broad query on a large site (Material draws the list 10 pages at a time).
   */
  const RELEVANT = 0.2;
  const MAX_PAGES = 200;

  /*
   * Lookup pages shown after the handbook's results, if they hold more than LOOKUP_HOLD of the
   * query's pairs and words (search() says when they come first instead).
   */
  const LOOKUP_AFTER = 3;
  const LOOKUP_HOLD = 0.5;
  /*
   * Three characters of the query standing together in a page's title or tags add their IDF
   * once: 第一天培训内容 finds 第一天：… before the pages that only share 培训 and 内容.
   */
  const PHRASE = 1;

  /*
   * A whole tag of a page found in the query adds TAG_MATCH times its IDF (by the pages that
   * carry it): tags are the words agents type, so 东西坏了怎么办 finds the reply tagged 坏了怎么办
   * before pages that only share 东西 or mention 坏了 in passing. (The tag field counts in
   * BM25F as well, but saturates with the text: a tag there weighs about two mentions.)
   */
  const TAG_MATCH = 3;

  let toSimplified = (text) => text;
  // from kefu-search-index.js, once it has loaded (ready, below)
  let STOP, FILLER_WEIGHT, isFiller, normalize, eachKey, wordOf, tokens, eachPhrase, plain;
  let escapeHtml, highlight, buildIndex;

  /* ----------------------------------------------------------------------------------------
   * Query
   * -------------------------------------------------------------------------------------- */

  /**
   * The query's distinct words with their IDF in one scope, after conversion to Simplified
   * script. In the handbook, a colloquial word of the synonym dictionary stands for the
   * handbook's word (吃饭 -> 用餐), which then counts wherever the handbook writes it, title or
   * text; a colloquial word that the handbook itself also uses is searched as well. Lookup
   * pages hold records' own words (a ticket titled 硬盘不识别): they are searched as typed.
   */
  function queryTerms(index, scope, query) {
    const n = scope.pages.length;
    let text = normalize(toSimplified(query));
    const extra = [];
    for (const [word, handbook, written] of scope === index.handbook ? index.synonyms : []) {
      if (!text.includes(word)) continue;
      if (written) extra.push(handbook);
      else text = text.split(word).join(handbook); // 吃饭时间 -> 用餐时间, pairs across the seam too
    }
    const all = [text, ...extra].join(" ");
    const keys = new Set();
    eachKey(all, (key) => keys.add(key));
    const idf = (df) => Math.log(1 + (n - df + 0.5) / (df + 0.5));
    const terms = [];
    for (const key of keys) {
      const word = wordOf(key);
      const id = scope.ids.get(key);
      const list = id === undefined ? undefined : scope.postings[id];
      // a pair of characters or a word, not a single character
      const strong = Array.from(word).length > 1;
      const weight = idf(list ? list.length / 3 : 0) * (isFiller(word) ? FILLER_WEIGHT : 1);
      terms.push({ word, strong, idf: weight, list });
    }
    const phrases = [];
    const seen = new Set();
    eachPhrase(all, (phrase) => {
      const pages = scope.phrases.get(phrase);
      // 怎么算, 是什么: two function characters make no phrase
      const function_ = Array.from(phrase).filter((c) => STOP.has(c)).length;
      if (pages && !seen.has(phrase) && function_ < 2) phrases.push({ idf: idf(pages.length), pages });
      seen.add(phrase);
    });
    // whole tags found in the query (spaces and punctuation left out): 坏了怎么办, 故障
    const bare = all.replace(/[^\p{L}\p{N}]/gu, "");
    const tags = [];
    for (const [tag, pages] of scope.tagged) {
      if (bare.includes(tag)) tags.push({ idf: idf(pages.length), pages });
    }
    return { terms, phrases, tags };
  }

  /**
   * A scope's pages ranked by BM25F, best first; `solid` when a page holds a pair or word of
   * the query, `share` the part of the query's pairs and words it holds.
   */
  function rank(scope, { terms, phrases, tags }) {
    const scores = new Float64Array(scope.pages.length);
    for (const { idf, pages } of tags) for (const p of pages) scores[p] += TAG_MATCH * idf;
    // Three characters of the query found together in a title or tag: 第一天 in 第一天：…
    for (const { idf, pages } of phrases) for (const p of pages) scores[p] += PHRASE * idf;
    const held = new Uint16Array(scope.pages.length); // how many pairs and words of the query
    let topics = 0;
    for (const { word, idf, list, strong } of terms) {
      const topical = strong && !isFiller(word);
      if (topical) topics++;
      if (!list) continue;
      for (let i = 0; i < list.length; i += 3) {
        const p = list[i];
        const tf = list[i + 1] + list[i + 2] / (1 - B + (B * scope.lengths[p]) / scope.average);
        scores[p] += (idf * tf * (K1 + 1)) / (tf + K1);
        if (topical) held[p]++;
      }
    }
    const ranked = [];
    scores.forEach((score, page) => {
      if (score > 0) ranked.push({ page, score, solid: held[page] > 0, share: held[page] / (topics || 1) });
    });
    ranked.sort((a, b) => b.score - a.score);
    return ranked;
  }

  /** A document's title and text, normalized, for finding the query's words in it. */
  function docText(index, i) {
    let text = index.texts.get(i);
    if (text === undefined) {
      const doc = index.docs[i];
      text = normalize(plain(doc.title) + " " + plain(doc.text));
      index.texts.set(i, text);
    }
    return text;
  }

  /**
   * Material's result item for one page: its documents, the best-matching one first. A lookup
   * page shows its summary (a ticket's title, state, dealer and product) under its title.
   */
  function resultItem(index, scope, hit, terms) {
    const page = scope.pages[hit.page];
    const found = terms.filter((term) => term.list);
    // Marked in the result and on the page it opens (Material's ?h=): pairs and words, not
    // single characters, unless the query has nothing else. Question pairs are marked only
    // next to another marked word: 返修多久, but not every 多少 on the page.
    const strong = found.filter((term) => term.strong);
    const words = (strong.length ? strong : found)
      .filter((term) => !isFiller(term.word))
      .map((term) => term.word);
    const fillers = strong.filter((term) => isFiller(term.word)).map((term) => term.word);
    const matches = page.docs.map((i) => {
      const text = docText(index, i);
      let weight = 0;
      for (const term of found) if (text.includes(term.word)) weight += term.idf;
      return { i, weight };
    });
    const best = Math.max(...matches.map((m) => m.weight)) || 1;
    const matched = Object.fromEntries(words.map((word) => [word, true]));
    return matches
      .filter((m) => m.i === page.article || m.weight > 0)
      .map((m) => {
        const doc = index.docs[m.i];
        const summary = scope === index.lookup && m.i === page.article && doc.summary;
        const item = {
          location: doc.location,
          title: highlight(doc.title, words, fillers),
          text: highlight(summary ? `<p>${escapeHtml(summary)}</p>` : doc.text, words, fillers),
          score: (hit.score * m.weight) / best,
          terms: matched,
        };
        if (m.i === page.article && doc.tags) item.tags = doc.tags;
        return item;
      })
      .sort((a, b) => b.score - a.score);
  }

  /**
   * What to offer when nothing matches: the tags closest to the query (sharing the most of its
   * characters and pairs) as links to the tag index, then the overview pages.
   */
  function suggestions(index, query) {
    const wanted = new Set(tokens(normalize(toSimplified(query))));
    const scored = new Map();
    for (const doc of index.docs) {
      for (const tag of doc.tags || []) {
        if (scored.has(tag)) continue;
        const own = tokens(normalize(tag));
        const shared = own.filter((word) => wanted.has(word)).length;
        if (shared > 0) scored.set(tag, shared / Math.sqrt(own.length));
      }
    }
    const near = [...scored].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([tag]) => tag);
    const overview = index.config.kefu && index.config.kefu.overview ? index.config.kefu.overview : [];
    const items = [];
    if (index.config.kefu && index.config.kefu.tags) {
      items.push([{
        location: index.config.kefu.tags,
        title: `没有找到与“${escapeHtml(query.trim())}”直接相关的页面`,
        text: near.length
          ? "相近的标签如下，点开标签索引可以看到带这些标签的页面；也可以换个说法再搜。"
          : "换个说法再搜，或者从下面的总览页面找起。",
        tags: near,
        score: 0,
        terms: {},
      }]);
    }
    for (const location of overview) {
      const doc = index.docs.find((d) => d.location === location);
      if (!doc) continue;
      const text = doc.description ? `<p>${escapeHtml(doc.description)}</p>` : doc.text;
      items.push([{ location, title: doc.title, text, score: 0, terms: {} }]);
    }
    return items;
  }

  /**
   * The hits that are results, and so the count Material shows (N 个符合条件的结果): pages
   * holding a pair or word of the query (not only its single characters), scoring at least
   * RELEVANT of the best; at most MAX_PAGES.
   */
  function relevant(hits) {
    const solid = hits.some((hit) => hit.solid) ? hits.filter((hit) => hit.solid) : hits;
    const floor = solid.length ? RELEVANT * solid[0].score : 0;
    return solid.filter((hit) => hit.score >= floor).slice(0, MAX_PAGES);
  }

  /**
   * One scope's results for the query (`hits`, drawn by `items(n)`); `whole` when one of them
   * holds every pair and word of it (a page listing records does not count: it repeats ids and
   * titles), `keyed` when the query is part of a key of one of them (or holds one), `named`
   * when it is a whole key, `share` the largest part of the query one of them holds.
   */
  function searchScope(index, scope, query) {
    const parsed = queryTerms(index, scope, query);
    const terms = parsed.terms;
    // When the query has pairs or words and the scope holds none of them, single characters
    // would only match by accident.
    const strong = terms.filter((term) => term.strong);
    let hits = strong.length && !strong.some((term) => term.list) ? [] : relevant(rank(scope, parsed));
    if (scope === index.lookup) {
      // looking up, the pages that hold most of the query: 远航电子's tickets, not every 电子
      const most = Math.max(0, ...hits.map((hit) => hit.share));
      hits = hits.filter((hit) => hit.share === most);
    }
    const bare = normalize(toSimplified(query)).replace(/[^\p{L}\p{N}]/gu, "");
    const article = (hit) => index.docs[scope.pages[hit.page].article];
    const keys = (hit) => (Array.from(bare).length >= 2 && article(hit).keys) || [];
    return {
      hits,
      items: (n = hits.length) => hits.slice(0, n).map((hit) => resultItem(index, scope, hit, terms)),
      whole: hits.some((hit) => hit.share === 1 && !article(hit).lists_records),
      keyed: hits.some((hit) => keys(hit).some((key) => key.includes(bare) || bare.includes(key))),
      named: hits.some((hit) => keys(hit).includes(bare)),
      share: Math.max(0, ...hits.map((hit) => hit.share)),
    };
  }

  /**
   * The handbook's results, then at most LOOKUP_AFTER lookup pages (tickets, dealers) that
   * hold most of the query. The lookup pages come first when the query is one of their keys
   * (an id, a dealer's name or number, a product: D-0001, which the guide also shows as an
   * example), or part of one (远航电子, fff6, ZF-U8) that no handbook page holds whole (电子
   * alone finds 电子发票 first). A ticket's title is no key: 硬盘有异响 finds the reply first
   * even when a ticket is called that. When neither scope has an answer: the nearest tags and
   * the overview pages.
   */
  function search(index, query) {
    if (!query.trim()) return { items: [] };
    const handbook = searchScope(index, index.handbook, query);
    const lookup = searchScope(index, index.lookup, query);
    if (!handbook.hits.length && !lookup.hits.length) return { items: suggestions(index, query) };
    if (!handbook.hits.length || lookup.named || (lookup.keyed && !handbook.whole)) {
      return { items: [...lookup.items(), ...handbook.items()] };
    }
    // after the handbook: tickets that hold most of the query (硬盘有异响), not just 工单
    const after = lookup.share > LOOKUP_HOLD ? lookup.items(LOOKUP_AFTER) : [];
    return { items: [...handbook.items(), ...after] };
  }
  /* ----------------------------------------------------------------------------------------
   * Worker protocol (Material's SearchMessageType: SETUP 0, READY 1, QUERY 2, RESULT 3)
   * -------------------------------------------------------------------------------------- */

  /*
   * OpenCC and kefu-search-index.js come from the site itself. A real worker's importScripts
   * loads them at once; the iframe-worker shim (file://) returns a promise instead; the Node
   * test runner loads them at once. Scripts are found beside this one (read while it runs).
   */
  const here =
    typeof document !== "undefined" && document.currentScript
      ? document.currentScript.src
      : worker.location.href;

  function load(path) {
    const url = new URL(path, here).href;
    return Promise.resolve().then(() => worker.importScripts(url)).then(() => url);
  }

  let index = null;
  const ready = Promise.all([
    load("kefu-search-index.js").then(() => {
      ({
        STOP, FILLER_WEIGHT, isFiller, normalize, eachKey, wordOf, tokens, eachPhrase, plain,
        escapeHtml, highlight, buildIndex,
      } = worker.kefuSearchIndex);
    }),
    load("../../generated/assets/opencc/t2cn.js")
      .then(() => {
        toSimplified = worker.OpenCC.Converter({ from: "t", to: "cn" });
      })
      .catch((error) => {
        // Search in Simplified script still works; say why Traditional script does not.
        console.error("kefu search: generated/assets/opencc/t2cn.js not loaded:", error);
      }),
  ]);

  worker.addEventListener("message", (event) => {
    const message = event.data;
    ready.then(() => {
      if (message.type === 0) {
        index = buildIndex(message.data.docs, message.data.config);
        worker.postMessage({ type: 1 });
      } else if (message.type === 2 && index) {
        worker.postMessage({ type: 3, data: search(index, message.data) });
      }
    });
  });

  /* For the tests: the same functions the worker uses, on the worker's own scope. */
  worker.kefuSearch = {
    ready,
    buildIndex: (docs, config) => buildIndex(docs, config),
    search: (i, query) => search(i, query),
    toSimplified: (text) => toSimplified(text),
  };
})(self);
