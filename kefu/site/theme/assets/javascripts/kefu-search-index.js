/*
 * kefu site search, its first half: how text is cut into words, how the pages are indexed, and
 * how matched words are marked. Loaded by the search worker (kefu-search.js, beside this file)
 * with importScripts, which puts these functions on the worker's scope as kefuSearchIndex.
 *
 * Query and index are cut by the same function (eachKey): Chinese text into single characters
 * and overlapping pairs of characters, other text into words. Function characters (的, 了, 吗,
 * 怎 ...) are dropped as single characters but kept inside pairs; question pairs (怎么, 多久 ...)
 * are fillers that weigh little. The index holds two scopes, the handbook's pages and the
 * lookup pages (tickets, dealers), each with its own statistics.
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
   * documents after it with the same path are its sections. kefu/site/search_index.py leaves the
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
      // a training page's self-tests, kept out of its sections by kefu/site/search_index.py
      text: [
        article.description || "", ...page.docs.map((i) => plain(docs[i].text)), article.self_test || "",
      ].join(" "),
      // pages that restate others (training) or list records count their text less (the hook)
      textWeight: article.text_weight ?? 1,
    };
  }

  /**
   * The site's index: the handbook's pages and the lookup pages (tickets, dealers: pages whose
   * front matter says `search: {scope: lookup}`, marked by kefu/site/search_index.py), each indexed
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

  scope.kefuSearchIndex = {
    STOP, FILLER_WEIGHT, isFiller, normalize, eachKey, wordOf, tokens, eachPhrase, plain, escapeHtml,
    highlight, buildIndex,
  };
})(self);
