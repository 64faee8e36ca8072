// Runs queries through the search worker that a built Material site ships, in Node.
//
// Usage: node material_search.js SITE_DIR < queries.json > results.json
// queries.json: ["返修多久", ...]; results.json: [{query, pages: [page paths, best first]}, ...]
//
// The worker is loaded unchanged inside a vm context that stands in for a Web Worker
// (self, addEventListener, postMessage, importScripts); it receives the same messages
// Material's client posts: {type: 0 (setup), data: {config, docs, options}} with the
// contents of search/search_index.json, then {type: 2 (query), data: <raw input>}.
"use strict";
const fs = require("fs");
const path = require("path");
const vm = require("vm");

const siteDir = process.argv[2];
const workerDir = path.join(siteDir, "assets", "javascripts", "workers");
const workerFile = fs.readdirSync(workerDir).find((f) => /^search\.[0-9a-f]+\.min\.js$/.test(f));
if (!workerFile) throw new Error(`no search worker in ${workerDir}`);

let handler = null;
let pending = null;
const context = {
  console,
  setTimeout,
  clearTimeout,
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
      const file = path.resolve(workerDir, url);
      vm.runInContext(fs.readFileSync(file, "utf8"), context, { filename: file });
    }
  },
};
context.self = context;
vm.createContext(context);
vm.runInContext(fs.readFileSync(path.join(workerDir, workerFile), "utf8"), context, {
  filename: workerFile,
});

function send(data) {
  return new Promise((resolve) => {
    pending = resolve;
    handler({ data });
  });
}

async function main() {
  const index = JSON.parse(fs.readFileSync(path.join(siteDir, "search", "search_index.json"), "utf8"));
  const queries = JSON.parse(fs.readFileSync(0, "utf8"));
  const ready = await send({ type: 0, data: { config: index.config, docs: index.docs, options: { suggest: false } } });
  if (ready.type !== 1) throw new Error(`search worker did not get ready: ${JSON.stringify(ready)}`);
  const results = [];
  for (const query of queries) {
    const reply = await send({ type: 2, data: query });
    if (reply.type !== 3) throw new Error(`unexpected reply ${JSON.stringify(reply)}`);
    // Each item is one result page: its sections, the page itself among them.
    const pages = reply.data.items.map((group) => group[0].location.split("#")[0]);
    results.push({ query, pages });
  }
  process.stdout.write(JSON.stringify(results));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
