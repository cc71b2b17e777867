#!/usr/bin/env node
// Counts the statements an LRS holds through the xAPI API itself (GET
// /xAPI/statements in one page, following "more" links if any). Prints "total N
// distinct N".
// Usage: node count.js PORT [ID_LIST_FILE]  (with a file, also prints how many of
// those ids are missing: "missing N")
'use strict';
const http = require('http');
const fs = require('fs');

const port = Number(process.argv[2]);
function get(path) {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path, auth: 'test:test',
               headers: { 'X-Experience-API-Version': '1.0.3' } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        if (res.statusCode !== 200) reject(new Error(`GET ${path}: ${res.statusCode}`));
        else resolve(JSON.parse(Buffer.concat(chunks).toString()));
      });
    }).on('error', reject);
  });
}
(async () => {
  const ids = [];
  // One page of everything: this LRS's "more" cursor compares version 1 UUIDs as
  // strings, which are not in time order, so paging through it leaves statements out
  // and lists others twice (it has no upper limit of its own).
  let path = '/xAPI/statements?limit=100000000';
  while (path) {
    const page = await get(path);
    for (const s of page.statements) ids.push(s.id);
    path = page.more || '';
  }
  const distinct = new Set(ids);
  let line = `total ${ids.length} distinct ${distinct.size}`;
  if (process.argv[3]) {
    const want = fs.readFileSync(process.argv[3], 'utf8').split('\n').filter((l) => l);
    line += ` missing ${want.filter((id) => !distinct.has(id)).length}`;
  }
  console.log(line);
})().catch((e) => { console.error(e.message); process.exit(1); });
