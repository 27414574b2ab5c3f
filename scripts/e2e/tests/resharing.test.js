// Issue #16, proactive resharing end to end: a committee of four hands its secrets to four other
// workers without anyone reconstructing them. Every old member leaves (unbonds): none can get its
// stake back while it holds shares; the owner hands the secrets over (`enigma secret hand-over`),
// each old member re-shares its share to the new committee and posts its dealing's hash, each
// new member checks the dealings against the secret's commitments and combines them, and the
// chain moves the secrets once every new member holds the same new sharing. Two old members lie:
// Dave deals another value than its share (`--misbehave wrong-handovers`), Eve deals its share
// truly but hands every new member a signed share off its dealing (`wrong-handover-shares`).
// Wherever the chain put a liar's dealing among those to combine, a new member proved it false on
// chain (the chain checks the dealing against the secret's commitments, or the signed share
// against the dealing, itself) and the liar was slashed; no lie made it into a sharing. Then the
// old members withdraw their stakes (only the liars were slashed), two of them are
// killed (all of them deleted their shares), one new member is killed too, and every secret
// still declassifies to its value. One new member and one honest old member are down while the
// dealings are named (so the chain names a liar's) and resume their parts from the chain's state
// once restarted.
//
// Then a member of the new committee leaves on its own: its worker rotates the committee (the
// chain draws another for it) and hands the secrets over without their owner, and it gets its
// stake back once they moved; the secrets still declassify. (In the first test the old members
// run with --no-rotation: the owner moves the secrets.)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { Node, waitUntil } from '../lib/node.js';
import { submit, findEvent } from '../lib/tx.js';
import { run, startWorkers, CLIENT_BIN, WORKER_BIN } from '../lib/process.js';
import { dirname, join } from 'node:path';

const OLD = ['//Bob', '//Charlie', '//Dave', '//Eve'];
const NEW = ['//Ferdie', '//Bob//stash', '//Charlie//stash', '//Dave//stash'];
const VALUES = ['73125', '4242', '1'];
/** The old members that deal false handovers (Dave and Eve): with t = 1, the other two suffice.
 * Dave deals another value than its share; Eve deals its share truly but hands every new member
 * a share off its dealing, signed. */
const LIARS = [2, 3];
const LIES = { 2: 'wrong-handovers', 3: 'wrong-handover-shares' };
const FAULTS = { 2: 'NotItsShare', 3: 'ShareOffDealing' };

/** Two more workers for the rotation: with the new committee's members that stay, exactly four. */
const MORE = ['//Eve//stash', '//Ferdie//stash'];

let node, api, keyring, oldWorkers = [], newWorkers = [], moreWorkers = [], secrets = [], to;

const enigma = async (args, input) => {
  const r = await run(CLIENT_BIN, ['--rpc', node.wsUrl, ...args], input);
  assert.equal(r.code, 0, `enigma ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.toString().trim();
};

before(async () => {
  await cryptoWaitReady();
  keyring = new Keyring({ type: 'sr25519' });
  node = await new Node('resharing', ['--dev', '--dev-block-time', '1000']).start();
  api = await node.api();
  // Workers may leave ten blocks after they unbond (100 by default).
  const alice = keyring.addFromUri('//Alice');
  const set = api.tx.sudo.sudo(api.tx.parameters.setParameter({ Workers: { UnbondingPeriod: [null, 10] } }));
  assert.equal((await submit(api, set, alice)).error, null);
  // The old members leave it to the owner to move the secrets (`--no-rotation`; the second test
  // leaves it to the worker).
  oldWorkers = await startWorkers(node, OLD, 'resharing-old', (i) => ['--no-rotation', ...(LIARS.includes(i) ? ['--misbehave', LIES[i]] : [])]);
});

after(async () => {
  await Promise.all([...oldWorkers, ...newWorkers, ...moreWorkers].map((w) => w.stop()));
  await api?.disconnect();
  await node?.destroy();
});

test('a committee hands its secrets to four other workers, leaves, and the secrets live on', async () => {
  const from = await enigma(['committee', 'request', '--size', '4', '--suri', '//Alice']);
  const identity = await enigma(['identity', 'create', '--suri', '//Alice']);
  secrets = (await enigma(['secret', 'share', '--suri', '//Alice', '--identity', identity, '--committee', from,
    '--type', 'u32', '--any-contract', '--value-file', '-', '--bootstrap', oldWorkers[0].address], VALUES.join('\n') + '\n')).split('\n');
  assert.equal(secrets.length, VALUES.length);

  // The new workers join; every old member unbonds, so the next committee is the new four.
  newWorkers = await startWorkers(node, NEW, 'resharing-new', () => ['--bootstrap', oldWorkers[0].address]);
  const olds = OLD.map((uri) => keyring.addFromUri(uri));
  for (const member of olds) {
    assert.equal((await submit(api, api.tx.workers.unbond(), member)).error, null);
  }
  to = await enigma(['committee', 'request', '--size', '4', '--suri', '//Alice']);
  const drawn = (await api.query.workers.committees(to)).unwrap().map((m) => m.toString()).sort();
  assert.deepEqual(drawn, NEW.map((uri) => keyring.addFromUri(uri).address).sort());

  // Unbonded, an old member still cannot leave: it holds shares of live secrets.
  const until = (await api.query.workers.workers(olds[0].address)).unwrap().status.asUnbonding.until.toNumber();
  await waitUntil('the unbonding period', async () => (await api.rpc.chain.getHeader()).number.toNumber() > until);
  assert.deepEqual((await submit(api, api.tx.workers.withdraw(), olds[0])).error, { section: 'workers', name: 'HoldsSecrets' });

  // The handover, watched as a dApp would.
  const seen = [];
  const unsubscribe = await api.query.system.events((records) => records.forEach(({ event }) => {
    if ((event.section === 'secretCompute' && /Handover|HandedOver|ProvenFalse/.test(event.method)) || event.method === 'Slashed') seen.push(event);
  }));
  // A new member is down while the chain names the dealings: the move waits for it, and once
  // restarted it resumes what it missed from the chain's state (every new member must take).
  // An honest old member (Charlie) is down too: the first dealings are Bob's and the liars', so
  // the chain names at least one liar's, which is proven false; Charlie deals once restarted.
  await newWorkers[1].kill();
  await oldWorkers[1].kill();
  const handing = enigma(['secret', 'hand-over', ...secrets, '--to', to, '--suri', '//Alice']);
  await waitUntil('the dealings named for every secret', () => secrets.every((s) => seen.some((e) => e.method === 'HandoverDealt' && e.data.secret.eq(s))), { timeoutMs: 60_000 });
  assert.ok(!seen.some((e) => e.method === 'SecretHandedOver'), 'nothing moves without the member that is down');
  await waitUntil('a liar proven false', () => seen.some((e) => e.method === 'DealingProvenFalse'), { timeoutMs: 60_000 });
  await oldWorkers[1].start();
  // Charlie deals what it missed, and the chain names, for every secret, a set without a liar
  // proven false, before the new member comes back: it then finds in the chain's state the
  // dealings it has to take (were it back first, it would take them as they are named).
  await waitUntil('Charlie dealing what it missed', () => /resuming handovers: [1-9]\d* to deal/.test(readFileSync(oldWorkers[1].logFile, 'utf8')), { timeoutMs: 60_000 });
  const provenIn = (secret) => seen.filter((e) => e.method === 'DealingProvenFalse' && e.data.secret.eq(secret)).map((e) => e.data.dealer.toNumber());
  const lastNamed = (secret) => seen.filter((e) => e.method === 'HandoverDealt' && e.data.secret.eq(secret)).at(-1);
  await waitUntil('a set without a proven liar named for every secret', () => secrets.every((s) => {
    const named = lastNamed(s);
    return named && !named.data.dealers.some((d) => provenIn(s).includes(d.toNumber()));
  }), { timeoutMs: 60_000 });
  await newWorkers[1].start();
  const moved = (await handing).split('\n');
  assert.deepEqual(moved, secrets.map((s) => `${s} ${to}`));
  assert.match(readFileSync(newWorkers[1].logFile, 'utf8'), /resuming handovers: 0 to deal, [1-9]\d* to take/);
  assert.match(readFileSync(oldWorkers[1].logFile, 'utf8'), /resuming handovers: [1-9]\d* to deal, 0 to take/);
  unsubscribe();
  assert.ok(seen.some((e) => e.method === 'HandoverDealt'), 'the chain named the dealings to combine');
  assert.equal(seen.filter((e) => e.method === 'SecretHandedOver').length, secrets.length);
  // The liars' dealings: proven false wherever they were among those named, never in the last
  // set.
  const members = (await api.query.workers.committees(from)).unwrap();
  const liars = LIARS.map((i) => members.findIndex((m) => m.eq(keyring.addFromUri(OLD[i]).address)));
  for (const secret of secrets) {
    const named = seen.filter((e) => e.method === 'HandoverDealt' && e.data.secret.eq(secret)).map((e) => e.data.dealers.map((d) => d.toNumber()));
    const proven = seen.filter((e) => e.method === 'DealingProvenFalse' && e.data.secret.eq(secret));
    for (const e of proven) {
      const liar = LIARS.find((i) => members[e.data.dealer.toNumber()].eq(keyring.addFromUri(OLD[i]).address));
      assert.equal(e.data.fault.toString(), FAULTS[liar], `the fault proven against ${OLD[liar]}`);
    }
    assert.ok(!seen.some((e) => e.method === 'HandoverRefused' && e.data.secret.eq(secret)), 'a false dealing is proven, not merely refused');
    assert.ok(named.length > 0);
    assert.ok(!named.at(-1).some((d) => liars.includes(d)), `no liar (${liars}) among the dealings combined for ${secret}: ${JSON.stringify(named)}`);
    const named_liars = liars.filter((l) => named.some((set) => set.includes(l)));
    assert.deepEqual([...new Set(proven.map((e) => e.data.dealer.toNumber()))].sort(), named_liars.sort(), `the liars named, and only they, are proven false (${secret})`);
    // Slashed once per secret each, by the proof of the new member paid for it.
    const slashed = seen.filter((e) => e.method === 'Slashed' && e.data.task.eq(secret)).map((e) => e.data.worker.toString());
    assert.deepEqual(slashed.sort(), named_liars.map((l) => members[l].toString()).sort());
  }
  const liarAccounts = LIARS.map((i) => keyring.addFromUri(OLD[i]).address);
  assert.ok(seen.filter((e) => e.method === 'Slashed').every((e) => liarAccounts.includes(e.data.worker.toString()) && e.data.offence.toString() === 'Misbehaviour'), 'only liars are slashed');
  for (const secret of secrets) {
    const record = (await api.query.secretCompute.secrets(secret)).unwrap();
    assert.equal(record.committee.toNumber(), Number(to));
    assert.deepEqual(record.acks.map((a) => a.toString()).sort(), drawn);
    assert.ok(record.ready.isTrue);
  }

  // The old members are free of the secrets: each withdraws its whole stake.
  for (const member of olds) {
    assert.equal((await api.query.workers.workers(member.address)).unwrap().secrets.toNumber(), 0);
    const { error, events } = await submit(api, api.tx.workers.withdraw(), member);
    assert.equal(error, null);
    assert.ok(findEvent(events, 'workers', 'Withdrawn'));
  }
  // ... and deleted their shares (old and new shares lie on unrelated polynomials).
  await waitUntil('the old members to drop their shares', () => oldWorkers.every((w) => (readFileSync(w.logFile, 'utf8').match(/dropped this member's old share/g) ?? []).length === secrets.length), { timeoutMs: 30_000 });

  // Two old members die, and one new member: the new committee still has t + 1 = 2 to spare.
  await oldWorkers[0].kill();
  await oldWorkers[1].kill();
  await newWorkers[3].kill();
  for (const [i, secret] of secrets.entries()) {
    const value = await enigma(['secret', 'declassify', secret, '--suri', '//Alice', '--bootstrap', newWorkers[0].address]);
    assert.equal(value, VALUES[i]);
  }
});

test('a member that leaves rotates its committee and gets its stake back once the secrets moved', async () => {
  assert.ok(secrets.length > 0 && to, 'the first test handed the secrets to a committee');
  moreWorkers = await startWorkers(node, MORE, 'resharing-more', () => ['--bootstrap', newWorkers[0].address]);
  // The killed member is taken out of the draws too (its account unbonds); Charlie//stash leaves
  // with its worker running: the worker does the rest.
  const dead = keyring.addFromUri(NEW[3]);
  const leaving = keyring.addFromUri(NEW[2]);
  assert.equal((await submit(api, api.tx.workers.unbond(), dead)).error, null);
  const seen = [];
  const unsubscribe = await api.query.system.events((records) => records.forEach(({ event }) => {
    if (event.section === 'secretCompute' && /Rotating|HandoverRequested|HandedOver/.test(event.method)) seen.push(event);
  }));
  // The operator's commands, with the worker's own keys.
  const worker = async (command) => {
    const r = await run(WORKER_BIN, [command, '--key-dir', join(dirname(newWorkers[2].logFile), 'keys'), '--rpc', node.wsUrl]);
    assert.equal(r.code, 0, `enigma-worker ${command}: ${r.stderr}`);
    return r.stdout.toString();
  };
  assert.match(await worker('unbond'), /unbonding until block #\d+/);
  assert.equal((await api.query.workers.workers(leaving.address)).unwrap().secrets.toNumber(), secrets.length, 'it holds its shares when it unbonds');
  await waitUntil('the secrets to move to the committee drawn for them', () => seen.filter((e) => e.method === 'SecretHandedOver').length === secrets.length, { timeoutMs: 120_000 });
  unsubscribe();
  const rotating = seen.find((e) => e.method === 'CommitteeRotating');
  assert.ok(rotating, 'the committee was rotated');
  assert.equal(rotating.data.from.toNumber(), Number(to));
  assert.ok(rotating.data.requester.eq(leaving.address), 'by the leaving member\'s worker');
  const next = rotating.data.to.toNumber();
  const drawn = (await api.query.workers.committees(next)).unwrap().map((m) => m.toString()).sort();
  assert.deepEqual(drawn, [NEW[0], NEW[1], ...MORE].map((uri) => keyring.addFromUri(uri).address).sort());
  for (const secret of secrets) {
    const record = (await api.query.secretCompute.secrets(secret)).unwrap();
    assert.equal(record.committee.toNumber(), next);
    assert.ok(record.depositor.eq(keyring.addFromUri('//Alice').address), 'the owner\'s deposit still stands for the record');
  }
  // Free of the secrets, it withdraws its whole stake once unbonded.
  assert.equal((await api.query.workers.workers(leaving.address)).unwrap().secrets.toNumber(), 0);
  const until = (await api.query.workers.workers(leaving.address)).unwrap().status.asUnbonding.until.toNumber();
  await waitUntil('the unbonding period', async () => (await api.rpc.chain.getHeader()).number.toNumber() > until);
  const stake = (await api.query.workers.workers(leaving.address)).unwrap().stake.toBigInt();
  assert.match(await worker('withdraw'), new RegExp(`withdrawn: ${stake / 10n ** 12n} ENG`));
  assert.ok((await api.query.workers.workers(leaving.address)).isNone);
  // The values live on with the committee drawn.
  await newWorkers[2].kill();
  for (const [i, secret] of secrets.entries()) {
    const value = await enigma(['secret', 'declassify', secret, '--suri', '//Alice', '--bootstrap', newWorkers[0].address]);
    assert.equal(value, VALUES[i]);
  }
});
