/*
 * kefu site search: the search worker that the handbook site ships instead of Material's.
 *
 * It speaks Material's worker protocol, so Material's search box, result list and keyboard
 * handling stay as they are: {type: 0, data: {config, docs}} sets the index up and is answered
 * with {type: 1}; {type: 2, data: query} is answered with {type: 3, data: {items}}, where each
 * item is one page: its documents (the page and its sections) with score, terms and the
 * matched words marked in title and text.
 *
 * Query and index are cut by the same function (tokens): Chinese text into single characters
 * and overlapping pairs of characters, other text into words. The query is first turned into
 * Simplified script with OpenCC (opencc-js, t -> cn); the handbook is written in Simplified
 * script, and the test suite checks that OpenCC leaves its index unchanged. Pages are ranked
 * by BM25F over weighted fields (title and tags weigh most, and three characters of the query
 * found together in a title or tag add a little more, a whole tag found in the query more).
 * Training pages and pages listing records count their text less (hooks/search_index.py
 * says which). A colloquial word from docs/assets/search_synonyms.yml (compiled into the
 * index by hooks/search_index.py) also searches the handbook's word for it. Function
 * characters (的, 了, 吗, 怎 ...) are dropped as single characters but kept inside pairs;
 * question pairs (怎么, 多久 ...) weigh little. A result holds a pair or word of the query, so
 * Material's count is the number of pages that do. Lookup pages (tickets, dealers) are a scope
 * of their own, listed after the handbook's results unless the query names one of them.
 *
 * Runs as a Web Worker (http), inside iframe-worker's shim (file://, where Chromium blocks
 * workers) and in Node for the tests (tests/site/site_search.js), unchanged.
 */
"use strict";

(function (scope) {
  /* Characters that carry no topic on their own: dropped as single characters. */
  const STOP = new Set(Array.from(
    "的了吗呢吧啊呀嘛么怎什几多少要是在有和与或就都也还能会可以把被给让请我你您他她它们这那哪谁个一该得着过哦呗"
  ));

  /*
   * Field weights (BM25F). The short fields count as they are; the body text is normalized by
   * its length, so a long page (the tracker, the fines table) is not drowned by its own text
   * and a word in a title or tag counts three times a word in a paragraph of average length.
   * Headings count like text: every process page has the same ones (谁做什么, 时限, 使用的表单),
   * and weighing them x2 or x3 lost queries on tests/data/site/search_queries.yml.
   */
  const WEIGHT = { title: 3, tags: 3, headings: 1 };
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

  /*
   * Pairs that only make a question of the words around them (怎么, 多久, 什么时候 ...), and
   * any pair of two function characters (了怎 in 坏了怎么办): they still match, at a fifth of
   * their weight, so that 迟到扣多少钱 is about 迟到 and 扣钱, not about every page that asks 多少.
   */
  const FILLER = new Set([
    "怎么", "么办", "么样", "什么", "么时", "时候", "多少", "多久", "多长", "长时", "几天", "几点",
    "几次", "几个", "可以", "能不", "不能", "是不", "不是", "有没", "没有", "为什", "么要",
    "哪里", "哪些", "哪个", "要不", "需要", "应该", "请问", "一下", "是否", "如何", "吗",
  ]);
  const FILLER_WEIGHT = 0.2;

  function isFiller(word) {
    const chars = Array.from(word);
    return FILLER.has(word) || (chars.length === 2 && STOP.has(chars[0]) && STOP.has(chars[1]));
  }

  const TOKEN = /\p{Script=Han}+|(?:(?!\p{Script=Han})[\p{L}\p{N}])+/gu;
  const HAN = /^\p{Script=Han}/u;
  const STOP_CODES = new Set(Array.from(STOP, (c) => c.codePointAt(0)));

  /** NFKC and lower case: full-width letters and digits become the ASCII ones. */
  function normalize(text) {
    return text.normalize("NFKC").toLowerCase();
  }

  /*
   * Words are keyed by numbers where they can be: the index holds millions of them on a large
   * site, and numbers are cheaper than strings to hash and to keep. A character of the two
   * common Han blocks has a number below N, a pair of them N + first * N + second (below
   * 2^30, so V8 keeps it a small integer); any other word is its own string.
   */
  const N = 0x9fff - 0x3400 + 1 + 0x200;

  function hanNumber(code) {
    if (code >= 0x3400 && code <= 0x9fff) return code - 0x3400;
    if (code >= 0xf900 && code <= 0xfaff) return 0x9fff - 0x3400 + 1 + (code - 0xf900);
    return -1;
  }

  function hanCode(number) {
    return number < 0x9fff - 0x3400 + 1 ? number + 0x3400 : number - (0x9fff - 0x3400 + 1) + 0xf900;
  }

  /**
   * Calls emit(key) for each word of normalized text: Chinese as single characters (function
   * characters left out) and overlapping pairs, other letters and digits as words. This is
   * the one cut of both the index and the query.
   */
  function eachKey(text, emit) {
    for (const match of text.matchAll(TOKEN)) {
      const run = match[0];
      if (!HAN.test(run)) {
        emit(run);
        continue;
      }
      let previous = -2; // the number of the character before, -1 if it has none
      let previousChar = "";
      for (let i = 0; i < run.length; ) {
        const code = run.codePointAt(i);
        const char = code > 0xffff ? run.slice(i, i + 2) : run[i];
        i += char.length;
        const number = hanNumber(code);
        if (!STOP_CODES.has(code)) emit(number >= 0 ? number : char);
        if (previous !== -2) {
          emit(previous >= 0 && number >= 0 ? N + previous * N + number : previousChar + char);
        }
        previous = number;
        previousChar = char;
      }
    }
  }

  /** The word a key stands for. */
  function wordOf(key) {
    if (typeof key === "string") return key;
    if (key < N) return String.fromCodePoint(hanCode(key));
    const pair = key - N;
    return String.fromCodePoint(hanCode(Math.floor(pair / N)), hanCode(pair % N));
  }

  /** The words of normalized text, in order. */
  function tokens(text) {
    const out = [];
    eachKey(text, (key) => out.push(wordOf(key)));
    return out;
  }

  /** Calls emit(phrase) for every three consecutive Chinese characters of normalized text. */
  function eachPhrase(text, emit) {
    for (const match of text.matchAll(TOKEN)) {
      if (!HAN.test(match[0])) continue;
      const chars = Array.from(match[0]);
      for (let i = 0; i + 3 <= chars.length; i++) emit(chars[i] + chars[i + 1] + chars[i + 2]);
    }
  }

  const ENTITIES = { amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'", nbsp: " " };

  /** Text of an HTML fragment from Material's index, tags removed and entities decoded. */
  function plain(html) {
    return html
      .replace(/<[^>]*>/g, " ")
      .replace(/&(amp|lt|gt|quot|#39|nbsp);/g, (_, name) => ENTITIES[name]);
  }

  function escapeHtml(text) {
    return text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
  }

  /* ----------------------------------------------------------------------------------------
   * Index
   * -------------------------------------------------------------------------------------- */

  /**
   * Pages from Material's documents: a document without "#" in its location is a page, the
   * documents after it with the same path are its sections. hooks/search_index.py leaves the
   * page's tags and description on the page document only.
   */
  function collectPages(docs) {
    const pages = [];
    const byPath = new Map();
    docs.forEach((doc, index) => {
      const path = doc.location.split("#")[0];
      let page = byPath.get(path);
      if (!page) {
        page = { path, article: null, docs: [] };
        byPath.set(path, page);
        pages.push(page);
      }
      if (!doc.location.includes("#")) page.article = index;
      page.docs.push(index);
    });
    return pages.filter((page) => page.article !== null);
  }

  function pageFields(page, docs) {
    const article = docs[page.article];
    const sections = page.docs.filter((i) => i !== page.article).map((i) => docs[i]);
    return {
      title: plain(article.title),
      tags: (article.tags || []).join(" "),
      headings: sections.map((doc) => plain(doc.title)).join(" "),
      // a training page's self-tests, kept out of its sections by hooks/search_index.py
      text: [
        article.description || "", ...page.docs.map((i) => plain(docs[i].text)), article.self_test || "",
      ].join(" "),
      // pages that restate others (training) or list records count their text less (the hook)
      textWeight: article.text_weight ?? 1,
    };
  }

  /**
   * The site's index: the handbook's pages and the lookup pages (tickets, dealers: pages whose
   * front matter says `search: {scope: lookup}`, marked by hooks/search_index.py), each indexed
   * and ranked on its own, so that no lookup page changes how a handbook page ranks. The tag
   * index page is left out: it lists every tag and title, and is offered only when nothing
   * matches.
   */
  function buildIndex(docs, config) {
    const skip = config.kefu && config.kefu.tags;
    const pages = collectPages(docs).filter((page) => page.path !== skip);
    const isLookup = (page) => docs[page.article].scope === "lookup";
    // [colloquial word, handbook word, whether the handbook also writes the colloquial word]
    const synonyms = ((config.kefu && config.kefu.synonyms) || []).map(([word, handbook, written]) => [
      normalize(word), normalize(handbook), written,
    ]);
    return {
      docs,
      config,
      synonyms,
      texts: new Map(),
      handbook: indexPages(docs, pages.filter((page) => !isLookup(page))),
      lookup: indexPages(docs, pages.filter(isLookup)),
    };
  }

  /**
   * One scope's inverted index: word key -> [page, count in the short fields (weighted),
   * count in the text (weighted), page, ...], with its three-character phrases and whole tags.
   */
  function indexPages(docs, pages) {
    const ids = new Map(); // word key -> term number
    const postings = []; // term number -> [page, short, text, page, short, text, ...]
    const lengths = new Float64Array(pages.length);
    // Per page, reused: a term's counts on the page being read, and which terms it has.
    let seen = new Int32Array(1 << 16).fill(-1);
    let short = new Int32Array(1 << 16);
    let text = new Float64Array(1 << 16);
    const touched = [];
    // weight: of a short field (title, tags, headings); textWeight: of a word of the text
    const count = (p, key, weight, textWeight) => {
      let id = ids.get(key);
      if (id === undefined) {
        id = postings.length;
        ids.set(key, id);
        postings.push([]);
        if (id >= seen.length) {
          const grow = (array, fill) => {
            const bigger = new array.constructor(array.length * 2).fill(fill);
            bigger.set(array);
            return bigger;
          };
          seen = grow(seen, -1);
          short = grow(short, 0);
          text = grow(text, 0);
        }
      }
      if (seen[id] !== p) {
        seen[id] = p;
        short[id] = 0;
        text[id] = 0;
        touched.push(id);
      }
      short[id] += weight;
      text[id] += textWeight;
    };
    const phrases = new Map(); // three characters of a title or tag -> [page, ...]
    const tagged = new Map(); // a whole tag of two characters or more -> [page, ...]
    const add = (map, key, p) => {
      const list = map.get(key);
      if (!list) map.set(key, [p]);
      else if (list[list.length - 1] !== p) list.push(p);
    };
    pages.forEach((page, p) => {
      const fields = pageFields(page, docs);
      for (const tag of docs[page.article].tags || []) {
        const key = normalize(tag).replace(/[^\p{L}\p{N}]/gu, "");
        if (Array.from(key).length >= 2) add(tagged, key, p);
      }
      eachPhrase(normalize(fields.title + " " + fields.tags), (phrase) => add(phrases, phrase, p));
      for (const name in WEIGHT) {
        const weight = WEIGHT[name];
        eachKey(normalize(fields[name]), (key) => count(p, key, weight, 0));
      }
      let length = 0;
      eachKey(normalize(fields.text), (key) => {
        count(p, key, 0, fields.textWeight);
        length++;
      });
      lengths[p] = length;
      for (const id of touched) postings[id].push(p, short[id], text[id]);
      touched.length = 0;
    });
    let total = 0;
    for (const length of lengths) total += length;
    const average = total / Math.max(1, pages.length);
    return { pages, ids, postings, phrases, tagged, lengths, average };
  }

  /* ----------------------------------------------------------------------------------------
   * Query
   * -------------------------------------------------------------------------------------- */

  let toSimplified = (text) => text;

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

  /**
   * Marks `words` in HTML, and `fillers` where they touch a marked word; only text between
   * tags is marked, never inside a tag or an entity.
   */
  function highlight(html, words, fillers) {
    if (words.length === 0) return html;
    return html
      .split(/(<[^>]*>|&[#a-z0-9]+;)/i)
      .map((part, i) => {
        if (i % 2 === 1 || part === "") return part;
        const lower = normalize(part);
        if (lower.length !== part.length) return part; // NFKC changed the length: leave it be
        const mask = new Uint8Array(part.length);
        for (const word of words) {
          for (let at = lower.indexOf(word); at !== -1; at = lower.indexOf(word, at + 1)) {
            mask.fill(1, at, at + word.length);
          }
        }
        for (const word of fillers) {
          for (let at = lower.indexOf(word); at !== -1; at = lower.indexOf(word, at + 1)) {
            const end = at + word.length;
            if (mask[at - 1] || mask[end] || mask.subarray(at, end).some(Boolean)) {
              mask.fill(1, at, end);
            }
          }
        }
        let out = "";
        for (let at = 0; at < part.length; ) {
          let end = at;
          while (end < part.length && mask[end] === mask[at]) end++;
          const text = part.slice(at, end);
          out += mask[at] ? `<mark data-md-highlight>${text}</mark>` : text;
          at = end;
        }
        return out;
      })
      .join("");
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

  /**
   * OpenCC comes from the site itself. A real worker's importScripts loads it at once; the
   * iframe-worker shim (file://) returns a promise instead; the Node test runner loads it at once.
   */
  function loadOpenCC() {
    const here =
      typeof document !== "undefined" && document.currentScript
        ? document.currentScript.src
        : scope.location.href;
    const url = new URL("../../generated/assets/opencc/t2cn.js", here).href;
    return Promise.resolve()
      .then(() => scope.importScripts(url))
      .then(() => {
        toSimplified = scope.OpenCC.Converter({ from: "t", to: "cn" });
      })
      .catch((error) => {
        // Search in Simplified script still works; say why Traditional script does not.
        console.error(`kefu search: OpenCC not loaded from ${url}:`, error);
      });
  }

  let index = null;
  const ready = loadOpenCC();

  scope.addEventListener("message", (event) => {
    const message = event.data;
    ready.then(() => {
      if (message.type === 0) {
        index = buildIndex(message.data.docs, message.data.config);
        scope.postMessage({ type: 1 });
      } else if (message.type === 2 && index) {
        scope.postMessage({ type: 3, data: search(index, message.data) });
      }
    });
  });

  /* For the tests: the same functions the worker uses, on the worker's own scope. */
  scope.kefuSearch = { normalize, tokens, buildIndex, queryTerms, search, toSimplified: (t) => toSimplified(t) };
})(self);
