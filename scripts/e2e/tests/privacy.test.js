// Issue #12 end to end: the network reveals no secret a contract, an input, a permission or a
// committee choice should not let out.
// - A committee of two (t = 0: each member would hold values in the clear) is refused.
// - A grantee allowed to compute on a salary through the salary contract deploys a contract that
//   publishes its input: the chain refuses the task.
// - A bidder shares a "u32" bid of 2^40 (as a dishonest client would, past the CLI's own check):
//   the committee's range check stops the auction before any comparison opens anything, the
//   bid is rejected on chain naming the bidder's identity, the requester is refunded, and no
//   worker loses stake.
// - Shares dealt for a secret the chain never registers are dropped by the members.
// - Such shares, dealt by anyone to fill the room a member keeps for an identity's unregistered
//   shares, do not stop its owner sharing: the owner registers first, then delivers.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFileSync, writeFileSync } from 'node:fs';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { Node, tempDir, waitUntil } from '../lib/node.js';
import { submit, findEvent, heldFor } from '../lib/tx.js';
import { Daemon, run, WORKER_BIN, CLIENT_BIN } from '../lib/process.js';

const EXAMPLES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'examples', 'contracts');
const WORKER_ACCOUNTS = ['//Bob', '//Charlie', '//Dave', '//Eve'];
const BIDDERS = ['//Ferdie', '//Alice//stash', '//Bob//stash', '//Charlie//stash'];

let node, api, alice, workers = [], committee;

const enigma = async (args, input) => {
  const r = await run(CLIENT_BIN, ['--rpc', node.wsUrl, ...args], input);
  assert.equal(r.code, 0, `enigma ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.toString().trim();
};
/** Runs enigma expecting it to fail (1: refused; 2: a usage error); returns its stderr. */
const fails = async (args, code = 1) => {
  const r = await run(CLIENT_BIN, ['--rpc', node.wsUrl, ...args]);
  assert.equal(r.code, code, `expected enigma ${args.join(' ')} to fail with ${code}: ${r.stderr}`);
  return r.stderr;
};
const bootstrap = () => ['--bootstrap', workers[0].address];

before(async () => {
  await cryptoWaitReady();
  alice = new Keyring({ type: 'sr25519' }).addFromUri('//Alice');
  node = await new Node('privacy', ['--dev', '--dev-block-time', '1000']).start();
  api = await node.api();
  for (const [i, account] of WORKER_ACCOUNTS.entries()) {
    const dir = tempDir(`privacy-worker${i}`);
    const keys = join(dir, 'keys');
    assert.equal((await run(WORKER_BIN, ['key', 'generate', '--key-dir', keys, '--account', account])).code, 0);
    const peers = workers.length ? ['--bootstrap', workers[0].address] : [];
    // Shares whose secret is not registered within 20 s are dropped (30 min by default), and
    // at most 8 of one identity wait (16,384 by default).
    workers.push(await new Daemon(WORKER_BIN, ['run', '--key-dir', keys, '--data-dir', dir, '--rpc', node.wsUrl,
      '--unregistered-share-ttl', '20', '--unregistered-shares-per-identity', '8', ...peers], join(dir, 'worker.log')).start());
  }
});

after(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  await api?.disconnect();
  await node?.destroy();
});

test('a committee too small to keep a secret is refused', async () => {
  assert.match(await fails(['committee', 'request', '--size', '1', '--suri', '//Alice']), /Workers::CommitteeTooSmall/);
  // (A committee of two holds only values shared for a dishonest majority: spdz.test.js.)
  committee = await enigma(['committee', 'request', '--size', '4', '--suri', '//Alice']);
});

test('permission to compute through one contract is not permission to publish the input', async () => {
  const owner = '//Dave//stash';
  const salary = await enigma(['contract', 'deploy', join(EXAMPLES, 'salary.enigma'), '--suri', '//Alice']);
  const identity = await enigma(['identity', 'create', '--suri', owner, '--member', `${alice.address}=compute`]);
  await enigma(['identity', 'approve', identity, '--suri', '//Alice']);
  const [secret] = (await enigma(['secret', 'share', '--suri', owner, '--identity', identity, '--committee', committee,
    '--type', 'u32', '--contract', salary, '--value-file', '-', ...bootstrap()], '73125\n')).split('\n');
  // Alice, the grantee, writes a contract that reveals its input.
  const file = join(tempDir('reveal'), 'reveal.enigma');
  writeFileSync(file, 'contract Reveal { pub fn leak(x: private u32 @ 0) { output(reveal(x)); } }\n');
  const reveal = await enigma(['contract', 'deploy', file, '--suri', '//Alice']);
  const refused = await fails(['task', 'submit', '--contract', reveal, '--entry', 'leak', '--input', secret, '--suri', '//Alice']);
  assert.match(refused, /SecretCompute::NoPermission/);
  // A value that does not fit the type it is shared as never leaves the client.
  assert.match(await fails(['secret', 'share', '--suri', owner, '--identity', identity, '--committee', committee,
    '--type', 'u8', '--contract', salary, '--value', '256', ...bootstrap()]), /256 is not a/);
  // An owner that shares a value apart from its bits (Pedersen VSS): every member refuses its
  // share, naming the check, and nothing is registered on chain.
  const before = (await api.query.secretCompute.secrets.keys()).length;
  const refusedShare = await fails(['secret', 'share', '--suri', owner, '--identity', identity, '--committee', committee,
    '--type', 'u32', '--contract', salary, '--lie-about-bits', '--value', String(2 ** 40 + 6), ...bootstrap()]);
  assert.match(refusedShare, /not its bits' weighted sum/);
  assert.equal((refusedShare.match(/refusing the share/g) || []).length, WORKER_ACCOUNTS.length);
  assert.equal((await api.query.secretCompute.secrets.keys()).length, before);
  // An owner sharing for a dishonest majority whose MAC is not its key times the value: every
  // share lies on the commitments, so without the proof of the MAC the members would hold it
  // and every task reading it would abort with nobody named. Every member refuses it instead.
  const refusedMac = await fails(['secret', 'share', '--suri', owner, '--identity', identity, '--committee', committee,
    '--type', 'u32', '--contract', salary, '--security', 'dishonest-majority', '--lie-about-mac', '--value', '6', ...bootstrap()]);
  assert.equal((refusedMac.match(/refusing the share: the owner's MAC is not proven/g) || []).length, WORKER_ACCOUNTS.length, refusedMac);
  assert.equal((await api.query.secretCompute.secrets.keys()).length, before);
  // Sharing for any contract must be asked for by name.
  assert.match(await fails(['secret', 'share', '--suri', owner, '--identity', identity, '--committee', committee,
    '--value', '1', ...bootstrap()], 2), /--contract/);
});

test('shares dealt for a secret nobody registers are dropped by every member', async () => {
  // Anyone can deal to the members' published keys. Dave's stash may not store under Eve's
  // stash's identity: the members take the shares, the chain refuses the registration, and the
  // shares, which nobody pays a deposit for, are dropped once their time is up.
  const identity = await enigma(['identity', 'create', '--suri', '//Eve//stash']);
  const refused = await fails(['secret', 'share', '--suri', '//Dave//stash', '--identity', identity, '--committee', committee,
    '--type', 'u32', '--any-contract', '--value', '7', ...bootstrap()]);
  assert.match(refused, /SecretCompute::NoPermission/);
  await waitUntil('every member dropped the unregistered share', () =>
    workers.every((w) => readFileSync(w.logFile, 'utf8').includes('dropped 1 share(s) whose secret was not registered within 20 s')),
  { timeoutMs: 60_000 });
});

test('shares nobody registers cannot stop an owner sharing', async () => {
  // Deliveries are not signed: Dave's stash, with no permission on Ferdie's stash's identity,
  // deals 8 values to it, as many as each member keeps waiting for registration. The chain
  // refuses the registration; the shares wait for it until they expire (20 s here).
  const identity = await enigma(['identity', 'create', '--suri', '//Ferdie//stash']);
  const flood = await run(CLIENT_BIN, ['--rpc', node.wsUrl, 'secret', 'share', '--suri', '//Dave//stash', '--identity', identity,
    '--committee', committee, '--type', 'u32', '--any-contract', '--value-file', '-', ...bootstrap()], '1\n2\n3\n4\n5\n6\n7\n8\n');
  assert.equal(flood.code, 1);
  assert.match(flood.stderr.toString(), /SecretCompute::NoPermission/);
  // The owner's next value: every member refuses it as unregistered, so the CLI registers it
  // first and delivers it again; every member takes it (the CLI waits for the acknowledgements)
  // and it declassifies to its value.
  const shared = await run(CLIENT_BIN, ['--rpc', node.wsUrl, 'secret', 'share', '--suri', '//Ferdie//stash', '--identity', identity,
    '--committee', committee, '--type', 'u32', '--any-contract', '--value', '4242', ...bootstrap()]);
  assert.equal(shared.code, 0, shared.stderr.toString());
  assert.match(shared.stderr.toString(), /4 member\(s\) hold as many unregistered shares of this identity as they keep: registering the batch before delivering it/);
  const secret = shared.stdout.toString().trim();
  assert.ok((await api.call.secretComputeApi.secret(secret)).unwrap().ready.isTrue);
  assert.equal(await enigma(['secret', 'declassify', secret, '--suri', '//Ferdie//stash', ...bootstrap()]), '4242');
});

test('an out-of-range bid is refused by the committee, its owner named, and nobody else pays', async () => {
  const auction = await enigma(['contract', 'deploy', join(EXAMPLES, 'auction.enigma'), '--suri', '//Alice']);
  const bids = [410, 2 ** 40, 975, 120];
  const identities = [];
  const secrets = [];
  for (const [i, bidder] of BIDDERS.entries()) {
    const identity = await enigma(['identity', 'create', '--suri', bidder, '--member', `${alice.address}=compute`]);
    await enigma(['identity', 'approve', identity, '--suri', '//Alice']);
    identities.push(identity);
    const lie = i === 1 ? ['--lie-about-range'] : [];
    secrets.push(await enigma(['secret', 'share', '--suri', bidder, '--identity', identity, '--committee', committee,
      '--type', 'u32', '--contract', auction, ...lie, '--value', String(bids[i]), ...bootstrap()]));
  }
  const stakes = await Promise.all(WORKER_ACCOUNTS.map(async (a) =>
    (await api.query.workers.workers(new Keyring({ type: 'sr25519' }).addFromUri(a).address)).unwrap().stake.toBigInt()));
  const submitted = await submit(api, api.tx.secretCompute.submitTask(auction, 'sealed_bid', secrets, '0x', 10n ** 12n), alice);
  assert.equal(submitted.error, null);
  const { task } = findEvent(submitted.events, 'secretCompute', 'TaskCreated').data;
  const wait = await run(CLIENT_BIN, ['--rpc', node.wsUrl, 'task', 'wait', task.toHex(), '--timeout', '120']);
  assert.equal(wait.code, 1);
  assert.match(wait.stderr, /BadInput\(1\)/);
  // The bid is rejected on chain, naming the second bidder's identity; the others stand.
  assert.ok((await api.query.secretCompute.secrets(secrets[1])).isNone);
  for (const i of [0, 2, 3]) assert.ok((await api.query.secretCompute.secrets(secrets[i])).isSome);
  const head = await api.rpc.chain.getHeader();
  let rejected;
  for (let n = head.number.toNumber(); n > 0 && !rejected; n--) {
    const events = await (await api.at(await api.rpc.chain.getBlockHash(n))).query.system.events();
    rejected = events.map((r) => r.event).find((e) => e.section === 'secretCompute' && e.method === 'SecretRejected');
  }
  assert.equal(rejected.data.secret.toHex(), secrets[1]);
  assert.equal(rejected.data.owner.toHex(), identities[1]);
  // No public output was produced, Alice's gas hold came back, and no worker lost stake.
  assert.equal((await api.query.secretCompute.tasks(task)).unwrap().status.type, 'Failed');
  assert.equal(await heldFor(api, alice.address, { SecretCompute: 'TaskGas' }), 0n);
  for (const [i, a] of WORKER_ACCOUNTS.entries()) {
    const now = (await api.query.workers.workers(new Keyring({ type: 'sr25519' }).addFromUri(a).address)).unwrap();
    assert.equal(now.stake.toBigInt(), stakes[i]);
    assert.equal(now.status.type, 'Active');
  }
});
