// A worker on the dev chain: it registers and stakes by itself, serves the DHT with the chain's
// permissions (store only registered, paid pointers; serve only readers `can_read` allows),
// exports Prometheus metrics, and comes back from a restart with its registration and records.
// Then seed 004's flow as a user runs it, with the `enigma` CLI against that worker; and the
// worker follows the chain across a restart of its node.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Keyring } from '@polkadot/keyring';
import { u8aConcat, u8aToHex, stringToU8a } from '@polkadot/util';
import { base58Decode, blake2AsU8a, cryptoWaitReady } from '@polkadot/util-crypto';
import { Node, freePort, tempDir, waitUntil } from '../lib/node.js';
import { submit, findEvent } from '../lib/tx.js';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { Daemon, run, WORKER_BIN, DHT_NODE_BIN, CLIENT_BIN } from '../lib/process.js';

let node, api, worker, keyDir, dataDir, metricsPort;
const UNIT = 10n ** 12n;

const startWorker = () =>
  new Daemon(WORKER_BIN, [
    'run', '--key-dir', keyDir, '--data-dir', dataDir, '--rpc', node.wsUrl,
    '--stake', '1500', '--prometheus-port', String(metricsPort),
  ], join(dataDir, 'worker.log')).start();

before(async () => {
  assert.ok(WORKER_BIN && DHT_NODE_BIN && CLIENT_BIN, 'ENIGMA_WORKER, DHT_NODE and ENIGMA_CLIENT must be set (scripts/test.sh sets them)');
  await cryptoWaitReady();
  node = await new Node('worker', ['--dev', '--dev-block-time', '1000']).start();
  api = await node.api();
  keyDir = join(tempDir('worker-keys'), 'keys');
  dataDir = tempDir('worker-data');
  metricsPort = await freePort();
  const generated = await run(WORKER_BIN, ['key', 'generate', '--key-dir', keyDir, '--account', '//Charlie']);
  assert.equal(generated.code, 0, generated.stderr);
  worker = await startWorker();
});

after(async () => {
  await worker?.stop();
  await api?.disconnect();
  await node?.destroy();
});

test('the worker registers its peer id, encryption key and stake on first start', async () => {
  const charlie = new Keyring({ type: 'sr25519' }).addFromUri('//Charlie');
  const entry = (await api.query.workers.workers(charlie.address)).unwrap();
  const peerId = worker.address.split('/p2p/')[1];
  assert.equal(entry.peerId.toHex(), u8aToHex(base58Decode(peerId)));
  assert.equal(entry.stake.toBigInt(), 1500n * UNIT);
  assert.ok(entry.status.isActive);
  const shown = (await run(WORKER_BIN, ['key', 'show', '--key-dir', keyDir])).stdout.toString();
  assert.match(shown, new RegExp(`encryption key: ${entry.encryptionKey.toHex()}`));

  const metric = async () => {
    const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    return Number(text.match(/^enigma_worker_finalized_blocks (\d+)/m)?.[1] ?? 0);
  };
  await waitUntil('the worker counts finalized blocks', async () => (await metric()) >= 2);
});

test('the DHT stores only paid pointers and serves only readers the chain allows', async () => {
  const keyring = new Keyring({ type: 'sr25519' });
  const alice = keyring.addFromUri('//Alice');
  const [userSeed, strangerSeed] = [randomBytes(32), randomBytes(32)];
  const user = keyring.addFromSeed(userSeed);
  const funded = await submit(api, api.tx.balances.transferKeepAlive(user.address, 100n * UNIT), alice);
  assert.equal(funded.error, null);

  const everything = { permissions: ['Read', 'Store', 'Compute', 'Declassify', 'Admin'], predicate: ['Always'] };
  const created = await submit(api, api.tx.sharedIdentity.create([[user.address, [everything]]]), user);
  const identity = findEvent(created.events, 'sharedIdentity', 'Created').data.identity.toU8a();
  const ciphertext = stringToU8a('sealed: the user\'s location history');
  const pointer = u8aToHex(blake2AsU8a(u8aConcat(identity, ciphertext), 256));
  const stored = await submit(api, api.tx.dataRegistry.store(identity, pointer, ciphertext.length, ['Member'], 5, false), user);
  assert.equal(stored.error, null);

  const via = ['--bootstrap', worker.address];
  const put = await run(DHT_NODE_BIN, ['put', ...via, '--seed', userSeed.toString('hex'), '--owner', u8aToHex(identity)], ciphertext);
  assert.equal(put.code, 0, put.stderr);
  assert.equal(put.stdout.toString().trim(), pointer.slice(2));

  const got = await run(DHT_NODE_BIN, ['get', pointer, ...via, '--seed', userSeed.toString('hex')]);
  assert.equal(got.code, 0, got.stderr);
  assert.deepEqual(new Uint8Array(got.stdout), ciphertext);

  const refused = await run(DHT_NODE_BIN, ['get', pointer, ...via, '--seed', strangerSeed.toString('hex')]);
  assert.notEqual(refused.code, 0);
  assert.match(refused.stderr, /may not read/);

  // Bytes whose pointer nobody registered (and paid for) on chain are not stored.
  const unpaid = await run(DHT_NODE_BIN, ['put', ...via, '--seed', userSeed.toString('hex'), '--owner', u8aToHex(identity)], stringToU8a('not paid for'));
  assert.notEqual(unpaid.code, 0);
  assert.match(unpaid.stderr, /permission/);

  // Restart: same registration (no second Registered event), same peer id, the record kept.
  const before = worker.address;
  await worker.stop();
  worker = await startWorker();
  assert.equal(worker.address.split('/p2p/')[1], before.split('/p2p/')[1]);
  const again = await run(DHT_NODE_BIN, ['get', pointer, '--bootstrap', worker.address, '--seed', userSeed.toString('hex')]);
  assert.equal(again.code, 0, again.stderr);
  assert.deepEqual(new Uint8Array(again.stdout), ciphertext);
});

/** Every file under `dir`, recursively. */
const filesUnder = (dir) => readdirSync(dir).flatMap((name) => {
  const path = join(dir, name);
  return statSync(path).isDirectory() ? filesUnder(path) : [path];
});

test('seed 004 with the enigma CLI: share an identity, store, load, revoke, refused', async () => {
  const keyring = new Keyring({ type: 'sr25519' });
  const service = keyring.addFromUri('//Eve');
  const enigma = (args, input) => run(CLIENT_BIN, ['--rpc', node.wsUrl, ...args], input);
  const dht = ['--bootstrap', worker.address];

  // T_access: the user proposes a shared identity with the service, which consents.
  const created = await enigma(['identity', 'create', '--suri', '//Dave', '--member', `${service.address}=read`]);
  assert.equal(created.code, 0, created.stderr);
  const identity = created.stdout.toString().trim();
  assert.match(created.stderr, /proposed/);
  const approved = await enigma(['identity', 'approve', identity, '--suri', '//Eve']);
  assert.equal(approved.code, 0, approved.stderr);
  const shown = JSON.parse((await enigma(['identity', 'show', identity])).stdout.toString());
  assert.equal(shown.active, true);
  assert.equal(shown.members.length, 2);

  // T_data: encrypted on the user's machine; rent and pointer on chain; ciphertext in the DHT.
  const location = '40.7128,-74.0060 at 2026-11-21T09:00Z';
  const put = await enigma(['data', 'put', '--suri', '//Dave', '--identity', identity, ...dht], Buffer.from(location));
  assert.equal(put.code, 0, put.stderr);
  const { pointer, key, holders } = JSON.parse(put.stdout.toString());
  // Placed by the registry's weights, as the workers do: the one worker holds it.
  assert.match(put.stderr.toString(), /placement over 1 active workers/);
  assert.deepEqual(holders, [worker.address.split('/p2p/')[1]]);
  assert.ok((await api.call.dataRegistryApi.dataInfo(pointer)).isSome);

  // Load: the service reads and decrypts.
  const loaded = await enigma(['data', 'get', pointer, '--key', key, '--suri', '//Eve', ...dht]);
  assert.equal(loaded.code, 0, loaded.stderr);
  assert.equal(loaded.stdout.toString(), location);

  // No worker file holds the location in the clear.
  for (const file of filesUnder(dataDir)) {
    assert.ok(!readFileSync(file).includes(Buffer.from('40.7128')), `${file} holds the plaintext`);
  }

  // The user revokes the service; its next load is refused by the holder; the user still reads.
  const revoked = await enigma(['data', 'revoke', pointer, '--reader', service.address, '--suri', '//Dave']);
  assert.equal(revoked.code, 0, revoked.stderr);
  const refused = await enigma(['data', 'get', pointer, '--key', key, '--suri', '//Eve', ...dht]);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /may not read/);
  const own = await enigma(['data', 'get', pointer, '--key', key, '--suri', '//Dave', ...dht]);
  assert.equal(own.stdout.toString(), location);

  // Bad input gets a named error and exit code 1.
  const wrongKey = await enigma(['data', 'get', pointer, '--key', '0x' + '11'.repeat(32), '--suri', '//Dave', ...dht]);
  assert.equal(wrongKey.code, 1);
  assert.match(wrongKey.stderr, /decryption failed/);
  const notMember = await enigma(['identity', 'approve', identity, '--suri', '//Ferdie']);
  assert.equal(notMember.code, 1);
  assert.match(notMember.stderr, /SharedIdentity::(NotMember|AlreadyActive)/);

  // The user deletes the pointer: the worker drops the record with it (a record lives as long
  // as its pointer), and even its owner can no longer load it.
  const held = async () => Number((await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text())
    .match(/^enigma_worker_dht_records (\d+)/m)[1]);
  const heldBefore = await held();
  assert.ok(heldBefore >= 1);
  const removed = await submit(api, api.tx.dataRegistry.remove(pointer), keyring.addFromUri('//Dave'));
  assert.equal(removed.error, null);
  await waitUntil('the worker drops the removed pointer\'s record', async () => (await held()) === heldBefore - 1, { timeoutMs: 30_000 });
  const gone = await enigma(['data', 'get', pointer, '--key', key, '--suri', '//Dave', ...dht]);
  assert.equal(gone.code, 1);
});

test('the worker follows the chain across a restart of its node', async () => {
  const finalized = async () => Number((await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text())
    .match(/^enigma_worker_finalized_number (\d+)/m)[1]);
  await api.disconnect();
  await node.stop();
  const before = await finalized();
  // The worker notices the lost connection and retries with backoff while the node is away.
  await new Promise((resolve) => setTimeout(resolve, 3000));
  assert.equal(worker.proc.exitCode, null, 'the worker is still running');
  await node.start();
  api = await node.api();
  await waitUntil('the worker follows finalized blocks again', async () => (await finalized()) > before + 2, { timeoutMs: 90_000 });
  assert.equal(worker.proc.exitCode, null);
});
