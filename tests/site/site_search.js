// Runs queries through the search worker that the built site ships, in Node.
//
// Usage: node site_search.js SITE_DIR < request.json > reply.json
// request.json: {"queries": ["返修多久", ...], "convert": ["忘記打卡", ...]}
// reply.json: {"results": [{query, pages: [page paths, best first], items}],
//              "converted": {text: its Simplified form}, "timing": {step: milliseconds}}
//
// The worker named in the built pages' __config ("search") is loaded unchanged inside a vm
// context that stands in for a Web Worker (self, location, addEventListener, postMessage,
// importScripts); it receives the messages Material's client posts: {type: 0 (setup), data:
// {config, docs, options}} with the contents of search/search_index.json, then {type: 2
// (query), data: <raw input>} for each query. `converted` comes from the worker's own OpenCC
// converter (self.kefuSearch.toSimplified), so that tests can check the conversion itself.
"use strict";
const fs = require("fs");
const path = require("path");
const vm = require("vm");
const { pathToFileURL, fileURLToPath } = require("url");

const siteDir = path.resolve(process.argv[2]);
const home = fs.readFileSync(path.join(siteDir, "index.html"), "utf8");
const configJson = home.match(/<script id="__config" type="application\/json">(.*?)<\/script>/s);
if (!configJson) throw new Error(`no __config in ${siteDir}/index.html`);
const workerFile = path.resolve(siteDir, JSON.parse(configJson[1]).search);

let handler = null;
let pending = null;
const context = {
  console,
  URL,
  setTimeout,
  clearTimeout,
  location: { href: pathToFileURL(workerFile).href },
  addEventListener(type, listener) {
    if (type !== "message") throw new Error(`unexpected worker event ${type}`);
    handler = listener;
  },
  postMessage(message) {
    const resolve = pending;
    pending = null;
    resolve(message);
  },
  importScripts(...urls) {
    for (const url of urls) {
      const file = fileURLToPath(url);
      vm.runInContext(fs.readFileSync(file, "utf8"), context, { filename: file });
    }
  },
};
context.self = context;
vm.createContext(context);

function send(data) {
  return new Promise((resolve) => {
    pending = resolve;
    handler({ data });
  });
}

async function main() {
  const request = JSON.parse(fs.readFileSync(0, "utf8"));
  let start = process.hrtime.bigint();
  const lap = () => {
    const now = process.hrtime.bigint();
    const elapsed = Number(now - start) / 1e6;
    start = now;
    return Math.round(elapsed * 10) / 10;
  };
  vm.runInContext(fs.readFileSync(workerFile, "utf8"), context, { filename: workerFile });
  const timing = { load_worker: lap() };
  const index = JSON.parse(fs.readFileSync(path.join(siteDir, "search", "search_index.json"), "utf8"));
  timing.parse_index = lap();
  const setup = { config: index.config, docs: index.docs, options: { suggest: false } };
  const ready = await send({ type: 0, data: setup });
  if (ready.type !== 1) throw new Error(`search worker did not get ready: ${JSON.stringify(ready)}`);
  timing.build_index = lap();
  const results = [];
  for (const query of request.queries || []) {
    const reply = await send({ type: 2, data: query });
    if (reply.type !== 3) throw new Error(`unexpected reply ${JSON.stringify(reply)}`);
    if (results.length === 0) timing.first_query = lap();
    // Each item is one result page: its documents, the page itself among them.
    const pages = reply.data.items.map((group) => group[0].location.split("#")[0]);
    results.push({ query, pages, items: reply.data.items });
  }
  if (results.length > 1) timing.other_queries = lap();
  const converted = {};
  for (const text of request.convert || []) converted[text] = context.kefuSearch.toSimplified(text);
  process.stdout.write(JSON.stringify({ results, converted, timing }));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
