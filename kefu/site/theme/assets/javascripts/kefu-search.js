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
 * found together in a title or tag add a little more). A colloquial word from
 * docs/assets/search_synonyms.yml (compiled into the index by hooks/search_index.py) also
 * searches the handbook's word for it. Function characters (的, 了, 吗, 怎 ...) are dropped
 * as single characters but kept inside pairs; question pairs (怎么, 多久 ...) weigh little.
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
  const MAX_PAGES = 30;
  /*
   * Three characters of the query standing together in a page's title or tags add their IDF
   * once: 第一天培训内容 finds 第一天：… before the pages that only share 培训 and 内容.
   */
  const PHRASE = 1;

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
      text: [article.description || "", ...page.docs.map((i) => plain(docs[i].text))].join(" "),
    };
  }

  /**
   * Inverted index: word key -> [page, count in the short fields (weighted), count in the text,
   * page, ...].
   * The tag index page is left out: it lists every tag and title, and is offered only when
   * nothing matches.
   */
  function buildIndex(docs, config) {
    const skip = config.kefu && config.kefu.tags;
    const pages = collectPages(docs).filter((page) => page.path !== skip);
    const ids = new Map(); // word key -> term number
    const postings = []; // term number -> [page, short, text, page, short, text, ...]
    const lengths = new Float64Array(pages.length);
    // Per page, reused: a term's counts on the page being read, and which terms it has.
    let seen = new Int32Array(1 << 16).fill(-1);
    let short = new Int32Array(1 << 16);
    let text = new Int32Array(1 << 16);
    const touched = [];
    const count = (p, key, weight) => {
      let id = ids.get(key);
      if (id === undefined) {
        id = postings.length;
        ids.set(key, id);
        postings.push([]);
        if (id >= seen.length) {
          const grow = (array, fill) => {
            const bigger = new Int32Array(array.length * 2).fill(fill);
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
      if (weight) short[id] += weight;
      else text[id] += 1;
    };
    const phrases = new Map(); // three characters of a title or tag -> [page, ...]
    pages.forEach((page, p) => {
      const fields = pageFields(page, docs);
      eachPhrase(normalize(fields.title + " " + fields.tags), (phrase) => {
        const list = phrases.get(phrase);
        if (!list) phrases.set(phrase, [p]);
        else if (list[list.length - 1] !== p) list.push(p);
      });
      for (const name in WEIGHT) {
        const weight = WEIGHT[name];
        eachKey(normalize(fields[name]), (key) => count(p, key, weight));
      }
      let length = 0;
      eachKey(normalize(fields.text), (key) => {
        count(p, key, 0);
        length++;
      });
      lengths[p] = length;
      for (const id of touched) postings[id].push(p, short[id], text[id]);
      touched.length = 0;
    });
    let total = 0;
    for (const length of lengths) total += length;
    // [colloquial word, handbook word, whether the handbook also writes the colloquial word]
    const synonyms = ((config.kefu && config.kefu.synonyms) || []).map(([word, handbook, written]) => [
      normalize(word), normalize(handbook), written,
    ]);
    const average = total / Math.max(1, pages.length);
    const texts = new Map();
    return { docs, pages, ids, postings, phrases, lengths, texts, config, synonyms, average };
  }

  /* ----------------------------------------------------------------------------------------
   * Query
   * -------------------------------------------------------------------------------------- */

  let toSimplified = (text) => text;

  /**
   * The query's distinct words with their IDF, after conversion to Simplified script. A
   * colloquial word of the synonym dictionary stands for the handbook's word (吃饭 -> 用餐),
   * which then counts wherever the handbook writes it, title or text; a colloquial word that
   * the handbook itself also uses is searched as well.
   */
  function queryTerms(index, query) {
    const n = index.pages.length;
    let text = normalize(toSimplified(query));
    const extra = [];
    for (const [word, handbook, written] of index.synonyms) {
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
      const id = index.ids.get(key);
      const list = id === undefined ? undefined : index.postings[id];
      // a pair of characters or a word, not a single character
      const strong = Array.from(word).length > 1;
      const weight = idf(list ? list.length / 3 : 0) * (isFiller(word) ? FILLER_WEIGHT : 1);
      terms.push({ word, strong, idf: weight, list });
    }
    const phrases = [];
    const seen = new Set();
    eachPhrase(all, (phrase) => {
      const pages = index.phrases.get(phrase);
      // 怎么算, 是什么: two function characters make no phrase
      const function_ = Array.from(phrase).filter((c) => STOP.has(c)).length;
      if (pages && !seen.has(phrase) && function_ < 2) phrases.push({ idf: idf(pages.length), pages });
      seen.add(phrase);
    });
    return { terms, phrases };
  }

  /** Pages ranked by BM25F, best first. */
  function rank(index, { terms, phrases }) {
    const scores = new Float64Array(index.pages.length);
    // Three characters of the query found together in a title or tag: 第一天 in 第一天：…
    for (const { idf, pages } of phrases) for (const p of pages) scores[p] += PHRASE * idf;
    for (const { idf, list } of terms) {
      if (!list) continue;
      for (let i = 0; i < list.length; i += 3) {
        const p = list[i];
        const tf = list[i + 1] + list[i + 2] / (1 - B + (B * index.lengths[p]) / index.average);
        scores[p] += (idf * tf * (K1 + 1)) / (tf + K1);
      }
    }
    const ranked = [];
    scores.forEach((score, page) => score > 0 && ranked.push({ page, score }));
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

  /** Material's result item for one page: its documents, the best-matching one first. */
  function resultItem(index, hit, terms) {
    const page = index.pages[hit.page];
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
        const item = {
          location: doc.location,
          title: highlight(doc.title, words, fillers),
          text: highlight(doc.text, words, fillers),
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

  function search(index, query) {
    if (!query.trim()) return { items: [] };
    const parsed = queryTerms(index, query);
    const terms = parsed.terms;
    // When the query has pairs or words and the handbook holds none of them, single characters
    // would only match by accident: say so, and suggest where to look instead.
    const strong = terms.filter((term) => term.strong);
    const hits = strong.length && !strong.some((term) => term.list) ? [] : rank(index, parsed);
    if (hits.length === 0) return { items: suggestions(index, query) };
    return { items: hits.slice(0, MAX_PAGES).map((hit) => resultItem(index, hit, terms)) };
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
