/**
 * One table per kind of data, so every workload maps to plain SQL: registers
 * and YCSB records (JSON text), sets (one row per element), counters, bank
 * accounts, and Elle's lists (comma-separated, appended with CONCAT, as
 * Jepsen's Galera and MySQL tests do).
 */
export const DATABASE = 'faultline';

export const SCHEMA = [
  `CREATE DATABASE IF NOT EXISTS ${DATABASE}`,
  `CREATE TABLE IF NOT EXISTS ${DATABASE}.kv (k VARCHAR(191) PRIMARY KEY, v TEXT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS ${DATABASE}.sets (k VARCHAR(191), e BIGINT, PRIMARY KEY (k, e))`,
  `CREATE TABLE IF NOT EXISTS ${DATABASE}.counters (k VARCHAR(191) PRIMARY KEY, n BIGINT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS ${DATABASE}.accounts (k VARCHAR(191) PRIMARY KEY, balance BIGINT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS ${DATABASE}.lists (k VARCHAR(191) PRIMARY KEY, v MEDIUMTEXT NOT NULL)`,
];

/** The workers' account: no password (every node listens on loopback only), no SUPER, so `read_only` binds it. */
export const CLIENT_USER = 'faultline';

export const USERS = [
  `CREATE USER IF NOT EXISTS '${CLIENT_USER}'@'%'`,
  `GRANT ALL ON ${DATABASE}.* TO '${CLIENT_USER}'@'%'`,
  // The async pair's replication account.
  `CREATE USER IF NOT EXISTS 'repl'@'%'`,
  `GRANT REPLICATION SLAVE ON *.* TO 'repl'@'%'`,
];
