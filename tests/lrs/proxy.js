#!/usr/bin/env node
// A fault-injecting HTTP proxy on 127.0.0.1 in front of the test LRS, so the
// kiosk's sync can meet every failure while the LRS itself keeps its data.
// Usage: node proxy.js LISTEN_PORT LRS_PORT   (prints "proxy ready PORT")
// Control (never forwarded):
//   POST /__fault {"mode":..., "count":N, "status":S, "delay_ms":D, "retry_after":R,
//                  "max_batch":M, "message":M, "match":RE}
//     mode "pass"               forward everything (the default)
//     mode "status"             answer S (with Retry-After R when given) without forwarding
//     mode "drop_after_forward" forward, let the LRS store it, then cut the connection
//     mode "delay"              forward, hold the answer back for D ms
//     mode "refuse"             cut the connection before forwarding
//     mode "reject_all"         answer 400 to every statement POST, as a misconfigured LRS
//                               would ("message" M sets its reason), without forwarding
//     mode "reject_match"       answer 400 to a POST whose body matches the regular
//                               expression "match" (a whole batch, as an LRS refuses
//                               a batch with one bad statement); forward the others
//     mode "body"               answer S (default 200) with the text "body" B and
//                               Content-Type "type" T (default text/html), without
//                               forwarding: a captive portal, a login page, a wrong URL
//     mode "rewrite"            forward (the LRS stores the statements), then answer
//                               with "rewrite": "fewer" (the id list without its last
//                               id), "wrong" (as many ids, none of them sent) or
//                               "status299" (the LRS's own answer with status 299)
//     max_batch M               answer 413 to any POST with more than M statements
//     count N                   the fault applies to the next N requests, then "pass";
//                               without count (or 0) it stays until the next POST /__fault
//   GET /__stats -> {"requests":..., "posts":..., "statements_posted":..., "by_status":{...},
//                    "largest_batch":...}
'use strict';
const http = require('http');

const listenPort = Number(process.argv[2]);
const lrsPort = Number(process.argv[3]);
let fault = { mode: 'pass', count: 0 };
let maxBatch = 0;
const stats = { requests: 0, posts: 0, statements_posted: 0, by_status: {}, largest_batch: 0 };

function count(status) {
  stats.by_status[status] = (stats.by_status[status] || 0) + 1;
}

function takeFault() {
  if (fault.mode === 'pass') return fault;
  const f = fault;
  if (f.count > 0 && --f.count === 0) fault = { mode: 'pass', count: 0 };
  return f;
}

function forward(req, body, done) {
  const up = http.request(
    { host: '127.0.0.1', port: lrsPort, method: req.method, path: req.url, headers: req.headers },
    (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => done(null, res, Buffer.concat(chunks)));
    });
  up.on('error', (e) => done(e));
  up.end(body);
}

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    if (req.url === '/__fault') {
      const f = JSON.parse(body.toString() || '{}');
      if (f.max_batch !== undefined) maxBatch = f.max_batch;
      if (f.mode) fault = { ...f, count: f.count || 0 };
      res.end('ok\n');
      return;
    }
    if (req.url === '/__stats') {
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify(stats));
      return;
    }
    stats.requests++;
    let n = 0;
    if (req.method === 'POST') {
      stats.posts++;
      try {
        const parsed = JSON.parse(body.toString());
        n = Array.isArray(parsed) ? parsed.length : 1;
      } catch (e) {
        n = 0;
      }
      stats.statements_posted += n;
      stats.largest_batch = Math.max(stats.largest_batch, n);
      if (maxBatch > 0 && n > maxBatch) {
        count(413);
        res.statusCode = 413;
        res.end(JSON.stringify({ message: `more than ${maxBatch} statements` }));
        return;
      }
    }
    const f = req.method === 'POST' ? takeFault() : { mode: 'pass' };
    if (f.mode === 'refuse') {
      count('refused');
      req.socket.destroy();
      return;
    }
    if (f.mode === 'reject_all' || (f.mode === 'reject_match' && new RegExp(f.match).test(body.toString()))) {
      count(400);
      res.statusCode = 400;
      res.setHeader('Content-Type', 'application/json');
      const message = f.mode === 'reject_all'
        ? (f.message || 'injected 400: this server refuses every statement')
        : `injected 400: a statement matches ${f.match}`;
      res.end(JSON.stringify({ message }));
      return;
    }
    if (f.mode === 'status') {
      count(f.status);
      res.statusCode = f.status;
      if (f.retry_after !== undefined) res.setHeader('Retry-After', String(f.retry_after));
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify({ message: `injected ${f.status}` }));
      return;
    }
    if (f.mode === 'body') {
      const status = f.status || 200;
      count(status);
      res.statusCode = status;
      res.setHeader('Content-Type', f.type || 'text/html');
      res.end(f.body || '');
      return;
    }
    forward(req, body, (err, up, upBody) => {
      if (err) {
        count('lrs_down');
        res.statusCode = 502;
        res.end(JSON.stringify({ message: 'LRS unreachable' }));
        return;
      }
      if (f.mode === 'drop_after_forward') {
        count('dropped');
        req.socket.destroy();
        return;
      }
      if (f.mode === 'rewrite' && up.statusCode === 200) {
        let ids = [];
        try { ids = JSON.parse(upBody.toString()); } catch (e) { ids = []; }
        let status = 200;
        if (f.rewrite === 'fewer') ids = ids.slice(0, -1);
        else if (f.rewrite === 'wrong') ids = ids.map(() => require('crypto').randomUUID());
        else if (f.rewrite === 'status299') status = 299;
        count(`rewrite_${f.rewrite}`);
        res.statusCode = status;
        res.setHeader('Content-Type', 'application/json');
        res.end(JSON.stringify(ids));
        return;
      }
      const reply = () => {
        count(up.statusCode);
        res.writeHead(up.statusCode, up.headers);
        res.end(upBody);
      };
      if (f.mode === 'delay') setTimeout(reply, f.delay_ms || 0);
      else reply();
    });
  });
});
server.keepAliveTimeout = 30000;
server.listen(listenPort, '127.0.0.1', () => console.log(`proxy ready ${server.address().port}`));
process.on('SIGTERM', () => process.exit(0));
