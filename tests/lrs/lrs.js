#!/usr/bin/env node
// Starts Learning Locker's statement service (npm xapi-statements) in memory,
// listening on 127.0.0.1 only. Its own entry point listens on every interface,
// so this mounts the same routers on our own express app.
// Usage: node lrs.js PORT   (prints "lrs ready PORT" when it accepts connections)
'use strict';
const os = require('os');
const path = require('path');

const port = Number(process.argv[2] || process.env.EXPRESS_PORT || 0);
process.env.MODELS_REPO = 'memory';
process.env.STORAGE_REPO = 'memory';
process.env.AUTH_REPO = 'test';
process.env.EVENTS_REPO = 'test';
process.env.EXPRESS_PORT = String(port);
process.env.WINSTON_CONSOLE_LEVEL = process.env.WINSTON_CONSOLE_LEVEL || 'error';
// Even in memory mode the service makes its attachments folder at start: keep it out
// of the working directory.
process.env.FS_LOCAL_STORAGE_DIR =
  process.env.FS_LOCAL_STORAGE_DIR || path.join(os.tmpdir(), `lobkiosk-lrs-${process.pid}`, 'storage');
process.env.EXPRESS_MORGAN_DIRECTORY =
  process.env.EXPRESS_MORGAN_DIRECTORY || path.join(os.tmpdir(), `lobkiosk-lrs-${process.pid}`);
// Identical re-posts must answer 200 and changed content 409: keep checks on.
process.env.SERVICE_CHECK_CONFLICTS = 'true';

const dist = path.join(__dirname, 'node_modules', 'xapi-statements', 'dist');
const express = require(path.join(__dirname, 'node_modules', 'express'));
const translator = require(path.join(dist, 'translatorFactory')).default();
const service = require(path.join(dist, 'serviceFactory')).default();
const presenter = require(path.join(dist, 'expressPresenter')).default;
const config = require(path.join(dist, 'config')).default;
const constants = require(path.join(dist, 'utils', 'constants'));
const logger = require(path.join(dist, 'logger')).default;
const tracker = require(path.join(dist, 'tracker')).default;

const routes = presenter({
  llClientInfoEndpoint: config.llClientInfoEndpoint,
  customRoute: config.express.customRoute,
  customRouteText: config.express.customRouteText,
  morganDirectory: config.express.morganDirectory,
  bodyParserLimit: config.express.bodyParserLimit,
  service,
  tracker,
  translator,
  logger,
});

const app = express();
app.use(constants.aboutRoute, routes.aboutRouter);
app.use(constants.fullActivitiesRoute, routes.fullActivitiesRouter);
app.use(constants.statementsRoute, routes.statementsRouter);
const server = app.listen(port, '127.0.0.1', () => {
  console.log(`lrs ready ${server.address().port}`);
});
process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
