'use strict';
/*
 * One node of the CouchDB row: PouchDB's CouchDB-compatible server
 * (express-pouchdb over pouchdb, LevelDB on disk), listening on the node's
 * own address. Its outgoing replication connections leave from that address
 * too, through the source-address preload the cluster starts it with.
 *
 * node server.cjs <host> <port> <data dir>
 */
const path = require('node:path');
const express = require('express');
const PouchDB = require('pouchdb');

const [host, port, dir] = process.argv.slice(2);
if (!host || !port || !dir) {
  console.error('usage: node server.cjs <host> <port> <data dir>');
  process.exit(2);
}

const app = express();
app.use(
  '/',
  require('express-pouchdb')(PouchDB.defaults({ prefix: `${dir}${path.sep}` }), {
    mode: 'fullCouchDB',
    configPath: path.join(dir, 'config.json'),
    logPath: path.join(dir, 'log.txt'),
  }),
);
const server = app.listen(Number(port), host, () => console.log(`ready ${host}:${port}`));
server.on('error', (error) => {
  console.error(`cannot listen on ${host}:${port}: ${error.message}`);
  process.exit(1);
});
// Continuous replication holds connections open: close them, or close() waits forever.
process.on('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
  setTimeout(() => process.exit(0), 1000).unref();
});
