// @enigma/sdk against a dev chain and four workers that answer over HTTP (--http-gateway), as a
// web page would use them: identities, a committee, secrets shared in the page, tasks with
// public and private outputs, declassification; and the Rust CLI on the same secrets, both ways.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { hexToU8a, u8aToHex } from '@polkadot/util';
import { Node, tempDir } from '../lib/node.js';
import { submit } from '../lib/tx.js';
import { run, startWorkers, gatewayOf, CLIENT_BIN } from '../lib/process.js';
import { Enigma, TransactionError } from '../../../sdk/dist/index.js';

const EXAMPLES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'examples', 'contracts');
const SDK = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'sdk');
const UNIT = 10n ** 12n;
const WORKERS = ['//Bob', '//Charlie', '//Dave', '//Ferdie'];

let node, api, sdk, alice, eve, committee, workers = [], users = [], gateways = {};

const enigma = async (args, input) => {
  const r = await run(CLIENT_BIN, ['--rpc', node.wsUrl, ...args], input);
  assert.equal(r.code, 0, `enigma ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.toString().trim();
};
const bootstrap = () => ['--bootstrap', workers[0].address];

before(async () => {
  assert.ok(CLIENT_BIN, 'ENIGMA_CLIENT must be set (scripts/test.sh sets it)');
  await cryptoWaitReady();
  const keyring = new Keyring({ type: 'sr25519' });
  alice = keyring.addFromUri('//Alice');
  eve = keyring.addFromUri('//Eve');
  node = await new Node('sdk', ['--dev', '--dev-block-time', '1000']).start();
  api = await node.api();
  // At most 8 shares of one identity wait for registration at a member (16,384 by default).
  workers = await startWorkers(node, WORKERS, 'sdk', () => ['--http-gateway', '127.0.0.1:0', '--unregistered-shares-per-identity', '8']);
  for (const [i, uri] of WORKERS.entries()) gateways[keyring.addFromUri(uri).address] = await gatewayOf(workers[i]);
  sdk = await Enigma.create({ api, gateways });
  // Two people with accounts of their own, funded by Alice.
  for (let i = 0; i < 2; i++) {
    const seed = '0x' + randomBytes(32).toString('hex');
    users.push({ seed, pair: keyring.addFromSeed(Buffer.from(seed.slice(2), 'hex')) });
    assert.equal((await submit(api, api.tx.balances.transferKeepAlive(users[i].pair.address, 1000n * UNIT), alice)).error, null);
  }
});

after(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  await api?.disconnect();
  await node?.destroy();
});

test('the SDK and the CLI share, compute and declassify on the same secrets, both ways', async () => {
  committee = await sdk.requestCommittee(alice, 4);
  assert.equal((await sdk.members(committee)).length, 4);
  const source = readFileSync(join(EXAMPLES, 'millionaires.enigma'), 'utf8');
  const contract = await sdk.deployContract(alice, source);
  assert.equal(await enigma(['contract', 'deploy', join(EXAMPLES, 'millionaires.enigma'), '--suri', '//Alice']), contract, 'one hash for both clients');

  // Each person's identity lets Alice compute on their value; Alice approves.
  for (const user of users) {
    const { identity, active } = await sdk.createIdentity(user.pair, [{ address: alice.address, permissions: ['Compute'] }]);
    assert.equal(active, false);
    assert.equal(await sdk.approveIdentity(alice, identity), true);
    user.identity = identity;
  }
  // One shares in the page, the other with the CLI.
  const stages = [];
  const [a] = await sdk.shareSecrets(users[0].pair, {
    identity: users[0].identity, committee, values: [7_000_123n], kind: 'u64', contracts: [contract],
    onProgress: (stage, done, total) => stages.push(`${stage} ${done}/${total}`),
  });
  assert.deepEqual(stages.slice(-1), ['acknowledged 1/1']);
  const b = await enigma(['secret', 'share', '--suri', users[1].seed, '--identity', users[1].identity, '--committee', String(committee),
    '--type', 'u64', '--contract', contract, '--value-file', '-', ...bootstrap()], '6500000\n');

  const quote = await sdk.quote(source, 'richer', { committeeSize: 4, account: alice });
  const task = await sdk.submitTask(alice, { contract, entry: 'richer', inputs: [a, b] });
  const outcome = await sdk.waitTask(task, { account: alice });
  assert.deepEqual(outcome.public, { out0: 1n });
  assert.equal(outcome.gasUsed, quote, 'the page quotes what the members charge');
  const cli = JSON.parse(await enigma(['task', 'wait', task]));
  assert.deepEqual(cli.public, { out0: '1' });

  // CLI-dealt, declassified in the page; page-dealt, declassified by the CLI.
  assert.equal(await sdk.declassify(users[1].pair, b), 6_500_000n);
  assert.equal(await enigma(['secret', 'declassify', a, '--suri', users[0].seed, ...bootstrap()]), '7000123');
  // Alice may compute on it, not read it.
  await assert.rejects(sdk.declassify(alice, a), (e) => e instanceof TransactionError && e.message === 'SecretCompute::NoPermission');
});

test('private outputs reach their owner only, sealed to the key of the request', async () => {
  assert.ok(committee !== undefined && users[0].identity, 'the first test formed the committee and the identities');
  const source = readFileSync(join(EXAMPLES, 'salary.enigma'), 'utf8');
  const contract = await sdk.deployContract(alice, source);
  const owner = users[0];
  const salaries = [52_000, 61_000, 48_500, 75_250, 61_500];
  const inputs = await sdk.shareSecrets(owner.pair, { identity: owner.identity, committee, values: salaries, kind: 'u32', contracts: [contract] });
  assert.equal(inputs.length, 5);
  const task = await sdk.submitTask(alice, { contract, entry: 'survey', inputs });

  const outcome = await sdk.waitTask(task, { account: owner.pair });
  assert.deepEqual(outcome.public, { out0: BigInt(Math.floor(salaries.reduce((x, y) => x + y) / 5)) });
  const ranks = Object.fromEntries(salaries.map((s, i) => [`out${i + 1}`, BigInt(1 + salaries.filter((o) => o > s).length)]));
  assert.deepEqual(outcome.private, ranks, 'the owner of every input reads every rank');
  assert.deepEqual(outcome.errors, {});
  const stranger = await sdk.waitTask(task, { account: eve });
  assert.deepEqual([stranger.private, stranger.errors], [{}, {}], 'members refuse a stranger, who is told nothing is wrong');
  // The CLI reads the same ranks.
  const cli = JSON.parse(await enigma(['task', 'wait', task, '--suri', owner.seed, ...bootstrap()]));
  assert.deepEqual(cli.private, Object.fromEntries(Object.entries(ranks).map(([k, v]) => [k, String(v)])));

  // What travels over HTTP is sealed: the owner's signed request, seen by someone on the way and
  // replayed, gets an answer only the owner's reply key opens.
  const reply = sdk.wasm.call('replyKey');
  const who = '0x' + Buffer.from(owner.pair.publicKey).toString('hex');
  const arg = { task, output: 1, who, replyTo: reply.public };
  const { message } = sdk.wasm.call('outputRequest', arg);
  const text = Buffer.from(message.slice(2), 'hex');
  assert.match(text.toString(), /^Enigma: release output 1 of task 0x[0-9a-f]{64}, sealed to my key 0x[0-9a-f]{64}$/, 'what a wallet shows');
  const signature = '0x' + Buffer.from(owner.pair.sign(text)).toString('hex');
  const { request } = sdk.wasm.call('outputRequest', { ...arg, signature });
  // In committee order: member i's share is the sharing polynomial at i + 1.
  const members = await sdk.members(committee);
  const answers = await Promise.all(members.map(async ({ gateway }) => {
    const response = await fetch(`${gateway}/app`, { method: 'POST', body: Buffer.from(request.slice(2), 'hex') });
    assert.equal(response.headers.get('access-control-allow-origin'), '*');
    return '0x' + Buffer.from(await response.arrayBuffer()).toString('hex');
  }));
  assert.ok(answers.every((a) => a.startsWith('0x06')), 'every answer is WorkerResponse::Sealed');
  const eavesdropper = sdk.wasm.call('replyKey');
  const keys = members.map((m) => m.encryptionKey);
  assert.throws(() => sdk.wasm.call('reconstruct', { answers, keys, replySecret: eavesdropper.secret, message, shared: 'computed' }), /not sealed by this member/);
  const opened = sdk.wasm.call('reconstruct', { answers, keys, replySecret: reply.secret, message, shared: 'computed' });
  assert.equal(BigInt(opened.value), ranks.out1, "output 1 is person 0's rank");
  // A signature over another reply key is refused.
  const forged = sdk.wasm.call('outputRequest', { ...arg, replyTo: eavesdropper.public, signature });
  const refused = await fetch(`${Object.values(gateways)[0]}/app`, { method: 'POST', body: Buffer.from(forged.request.slice(2), 'hex') });
  assert.match(Buffer.from(await refused.arrayBuffer()).toString('latin1'), /bad signature/);
});

test('data: the page and the CLI read each other\'s records; revocation holds', async () => {
  assert.ok(users[0].identity, 'the first test created the identities');
  const owner = users[0];
  const enc = (text) => new TextEncoder().encode(text);
  const dec = (bytes) => new TextDecoder().decode(bytes);
  // Stored from the page: encrypted here, rent on chain, ciphertext in the DHT through a gateway.
  const fromPage = '40.7128,-74.0060 at 2026-12-05T09:00Z';
  const stored = await sdk.storeData(owner.pair, { identity: owner.identity, data: enc(fromPage) });
  assert.ok(stored.holders >= 1);
  assert.ok((await api.call.dataRegistryApi.dataInfo(stored.pointer)).isSome);
  const cliRead = await run(CLIENT_BIN, ['--rpc', node.wsUrl, 'data', 'get', stored.pointer, '--key', stored.key, '--suri', owner.seed, ...bootstrap()]);
  assert.equal(cliRead.code, 0, cliRead.stderr);
  assert.equal(cliRead.stdout.toString(), fromPage, 'the CLI opens what the page sealed');
  // Stored by the CLI, read in the page.
  const fromCli = 'blood type 0+, allergies: none';
  const put = JSON.parse(await enigma(['data', 'put', '--suri', owner.seed, '--identity', owner.identity, ...bootstrap()], Buffer.from(fromCli)));
  assert.equal(dec(await sdk.fetchData(owner.pair, put.pointer, put.key)), fromCli, 'the page opens what the CLI sealed');
  // Alice is a member who may compute, not read: the holders refuse her.
  await assert.rejects(sdk.fetchData(alice, put.pointer, put.key), /not permitted|may not read/);
  // A wrong key opens nothing.
  await assert.rejects(sdk.fetchData(owner.pair, put.pointer, '0x' + '11'.repeat(32)), /decryption failed/);
  // Revoked for everyone: not even the owner is served.
  await sdk.revokeData(owner.pair, stored.pointer);
  await assert.rejects(sdk.fetchData(owner.pair, stored.pointer, stored.key), /not permitted|may not read/);

  // Revoking one reader keeps the earlier revocations: three readers, revoked one after the
  // other, from the page, with the CLI, from the page again.
  const readers = [users[1].pair, eve, alice];
  const { identity } = await sdk.createIdentity(owner.pair, readers.map((r) => ({ address: r.address, permissions: ['Read'] })));
  for (const reader of readers) await sdk.approveIdentity(reader, identity);
  const shared = await sdk.storeData(owner.pair, { identity, data: enc(fromPage) });
  const reads = async (reader) => sdk.fetchData(reader, shared.pointer, shared.key).then((d) => dec(d) === fromPage, () => false);
  const revokers = [
    (r) => sdk.revokeData(owner.pair, shared.pointer, r.address),
    (r) => enigma(['data', 'revoke', shared.pointer, '--reader', r.address, '--suri', owner.seed]),
    (r) => sdk.revokeData(owner.pair, shared.pointer, r.address),
  ];
  assert.deepEqual(await Promise.all([owner.pair, ...readers].map(reads)), [true, true, true, true]);
  for (const [i, revoke] of revokers.entries()) {
    await revoke(readers[i]);
    const expected = [true, ...readers.map((_, k) => k > i)];
    assert.deepEqual(await Promise.all([owner.pair, ...readers].map(reads)), expected, `after revoking reader ${i}`);
  }

  // A get replayed by someone who saw it (the request travels over plain HTTP) brings back only
  // what the reader's reply key opens.
  const worker = (await sdk.members(committee))[0];
  const peer = u8aToHex((await api.query.workers.workers(worker.address)).unwrap().peerId);
  const reply = sdk.wasm.call('replyKey');
  const arg = { pointer: put.pointer, reader: u8aToHex(owner.pair.publicKey), peer, signedAt: Math.floor(Date.now() / 1000), replyTo: reply.public };
  const { message } = sdk.wasm.call('dataGetRequest', arg);
  const { request } = sdk.wasm.call('dataGetRequest', { ...arg, signature: u8aToHex(owner.pair.sign(hexToU8a(message))) });
  const replayed = Buffer.from(await (await fetch(`${worker.gateway}/app`, { method: 'POST', body: hexToU8a(request) })).arrayBuffer());
  assert.equal(replayed[0], 0x06, 'WorkerResponse::Sealed');
  const thief = sdk.wasm.call('replyKey');
  assert.throws(() => sdk.wasm.call('dataAnswer', { answer: u8aToHex(replayed), pointer: put.pointer, key: put.key, replySecret: thief.secret, member: worker.encryptionKey, message }),
    /not sealed by this member to the reply key/);
  const opened = sdk.wasm.call('dataAnswer', { answer: u8aToHex(replayed), pointer: put.pointer, key: put.key, replySecret: reply.secret, member: worker.encryptionKey, message });
  assert.equal(dec(hexToU8a(opened.plaintext)), fromCli);
});

test('shares nobody registers cannot stop a page sharing: it registers first', async () => {
  // Eve, with no permission on the identity, deals 8 values to it with the CLI: as many as each
  // member keeps waiting for registration. The chain refuses her registration.
  const owner = users[1];
  const { identity, active } = await sdk.createIdentity(owner.pair);
  assert.equal(active, true);
  const flood = await run(CLIENT_BIN, ['--rpc', node.wsUrl, 'secret', 'share', '--suri', '//Eve', '--identity', identity,
    '--committee', String(committee), '--type', 'u32', '--any-contract', '--value-file', '-', ...bootstrap()], '1\n2\n3\n4\n5\n6\n7\n8\n');
  assert.equal(flood.code, 1);
  assert.match(flood.stderr.toString(), /SecretCompute::NoPermission/);
  // Every member refuses the owner's values as unregistered; the SDK registers them, delivers
  // them again (its progress says so, in that order), and every member takes and acknowledges
  // them.
  const stages = [];
  const ids = await sdk.shareSecrets(owner.pair, { identity, committee, values: [11n, 12n], kind: 'u32',
    onProgress: (stage, done, total) => stages.push(`${stage} ${done}/${total}`) });
  assert.equal(ids.length, 2);
  assert.deepEqual(stages.filter((s) => !s.startsWith('acknowledged')), ['registered 2/2', 'delivered 2/2']);
  assert.equal(await sdk.declassify(owner.pair, ids[1]), 12n);
});

test('the SDK README\'s ten lines run as written', async () => {
  const readme = readFileSync(join(SDK, 'README.md'), 'utf8');
  const code = readme.split('## In ten lines')[1].match(/```js\n([\s\S]*?)```/)[1];
  const file = join(tempDir('sdk-readme'), 'gateways.json');
  writeFileSync(file, JSON.stringify(gateways));
  const r = await run(process.execPath, ['--input-type=module', '--eval', code], undefined, { RPC: node.wsUrl, GATEWAYS: file }, SDK);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.toString().trim().split('\n').pop(), '7000123n');
});
