// The committed local-testnet chain spec: it must match the node's preset, and the check that
// says so must catch a changed genesis.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, rmSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NODE_BIN, tempDir } from '../lib/node.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const committed = join(root, 'chain-specs', 'local-testnet.raw.json');
const compare = join(root, 'scripts', 'compare-genesis.mjs');

function exportFresh(dir) {
  const out = join(dir, 'fresh.json');
  execFileSync(NODE_BIN, ['export-chain-spec', '--chain', 'local', '--raw', '--output', out], { stdio: 'ignore' });
  return out;
}

test('the committed spec matches the local_testnet preset', () => {
  const dir = tempDir('spec');
  try {
    const run = spawnSync('node', [compare, committed, exportFresh(dir)], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /genesis storage entries match/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a changed genesis balance makes the check fail, and a changed runtime code does not', () => {
  const dir = tempDir('spec');
  try {
    const fresh = exportFresh(dir);
    const spec = JSON.parse(readFileSync(committed, 'utf8'));
    // The runtime code may move on: only genesis state matters.
    spec.genesis.raw.top['0x3a636f6465'] = '0x00';
    const codeOnly = join(dir, 'code-only.json');
    writeFileSync(codeOnly, JSON.stringify(spec));
    assert.equal(spawnSync('node', [compare, codeOnly, fresh]).status, 0);

    // System.Account entries start with twox128("System") ++ twox128("Account").
    const accountPrefix = '0x26aa394eea5630e07c48ae0c9558cef7b99d880ec681799c0cf30e8886371da9';
    const key = Object.keys(spec.genesis.raw.top).find((k) => k.startsWith(accountPrefix));
    assert.ok(key, 'an endowed account in the genesis');
    const value = spec.genesis.raw.top[key];
    spec.genesis.raw.top[key] = value.slice(0, -2) + (value.endsWith('00') ? '01' : '00');
    const tampered = join(dir, 'tampered.json');
    writeFileSync(tampered, JSON.stringify(spec));
    const run = spawnSync('node', [compare, tampered, fresh], { encoding: 'utf8' });
    assert.equal(run.status, 1);
    assert.match(run.stderr, /no longer matches/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
