#!/usr/bin/env node
// A minimal statement endpoint for the sync benchmark only: it answers each
// POST .../statements at once, as an LRS answers a batch it stored: 200 and a
// JSON array of exactly the ids in the batch, in order. It keeps nothing, checks
// nothing but the JSON, and so never sets the pace: the sender does. Correctness
// is tested against the real LRS (tests/lrs/harness.sh), never against this.
// Listens on 127.0.0.1 only, keep-alive (node's http module).
// Usage: node fast-lrs.js PORT   (prints "fast-lrs ready PORT"; SIGTERM ends it
// after printing "fast-lrs requests N statements N")
'use strict';
const http = require('http');

const port = Number(process.argv[2] || 0);
let requests = 0;
let statements = 0;

function answer(res, status, body) {
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(body),
    'X-Experience-API-Version': '1.0.3',
  });
  res.end(body);
}

const server = http.createServer((req, res) => {
  if (req.method !== 'POST' || !/\/statements$/.test(req.url.split('?')[0])) {
    answer(res, 404, '{"message":"only POST statements here"}');
    return;
  }
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    let batch;
    try {
      batch = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch (e) {
      answer(res, 400, '{"message":"not JSON"}');
      return;
    }
    if (!Array.isArray(batch)) batch = [batch];
    const ids = [];
    for (const s of batch) {
      if (!s || typeof s.id !== 'string') {
        answer(res, 400, '{"message":"a statement without an id"}');
        return;
      }
      ids.push(s.id);
    }
    requests++;
    statements += ids.length;
    answer(res, 200, JSON.stringify(ids));
  });
});
server.keepAliveTimeout = 60000;
server.listen(port, '127.0.0.1', () => {
  console.log(`fast-lrs ready ${server.address().port}`);
});
process.on('SIGTERM', () => {
  console.log(`fast-lrs requests ${requests} statements ${statements}`);
  process.exit(0);
});
