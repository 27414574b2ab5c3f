// A committee member dies in the middle of a task: the other three continue without it at their
// original Shamir points, one of them crashes after committing to its result and reveals it after
// a restart, and the task completes with their quorum; the dead member gets no pay,
// and keeps its stake (the chain cannot tell it from a slow one once a quorum answered; a task
// that fails at its deadline is what slashes the silent). It holds shares of live secrets, so it
// cannot leave until their owner removes them. Then a member started with `--misbehave` sends
// frames nobody can decode: the others blame it, finish without it, and it gets nothing; every
// frame is signed by its sender, so they prove it on chain with the signed frame and it is
// slashed to them (issue #14), while their own stakes stay whole. The same member then hands an
// owner a false share of a secret: the owner's client checks it against the dealer's Pedersen
// commitments, names it, and reconstructs the true value from the others. Then a member started
// with `--misbehave wrong-values` shifts every value it sends: the checks fail without naming it,
// so the others run without each member at once, the run without it completes, and it gets
// nothing (nothing proves it lied, so nobody is slashed). When it lies in the first run only,
// every run without one member completes and each member votes for all three it sat in: one run
// gets a quorum. And a member that stalls every run it is
// in: the run without it completes, and when the deadline is too near for that, every member
// gives up openly before it, so no honest member is late (and slashed). Last, a member honest in
// every run that hands the owner false shares of private outputs: four shares correct one false
// one, so the owner reads every output and learns who lied.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { Node, tempDir, waitUntil } from '../lib/node.js';
import { submit, findEvent } from '../lib/tx.js';

let inputs = [];
import { Daemon, run, WORKER_BIN, CLIENT_BIN } from '../lib/process.js';

const CONTRACT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'examples', 'contracts', 'salary.enigma');
const UNIT = 10n ** 12n;
const SALARIES = [52_000, 61_000, 48_500, 75_250, 61_500];
const WORKER_ACCOUNTS = ['//Bob', '//Charlie', '//Dave', '//Ferdie'];

let node, api, workers = [];
let user, seed, identity, contract, gas;

before(async () => {
  await cryptoWaitReady();
  node = await new Node('faults', ['--dev', '--dev-block-time', '1000']).start();
  api = await node.api();
  for (const [i, account] of WORKER_ACCOUNTS.entries()) {
    const dir = tempDir(`faults-worker${i}`);
    const keys = join(dir, 'keys');
    assert.equal((await run(WORKER_BIN, ['key', 'generate', '--key-dir', keys, '--account', account])).code, 0);
    const bootstrap = workers.length ? ['--bootstrap', workers[0].address] : [];
    workers.push(await new Daemon(WORKER_BIN, ['run', '--key-dir', keys, '--data-dir', dir, '--rpc', node.wsUrl, ...bootstrap],
      join(dir, 'worker.log')).start());
  }
});

after(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  await api?.disconnect();
  await node?.destroy();
});

test('a member killed mid-task: the others complete it (one of them restarted between commitment and reveal), and the dead one is not paid', async () => {
  const keyring = new Keyring({ type: 'sr25519' });
  const alice = keyring.addFromUri('//Alice');
  const ferdie = keyring.addFromUri('//Ferdie');
  // Governance gives tasks 30 blocks (a block a second here).
  const deadline = await submit(api, api.tx.sudo.sudo(api.tx.parameters.setParameter({ Workers: { TaskDeadline: [null, 30] } })), alice);
  assert.equal(deadline.error, null);

  seed = '0x' + randomBytes(32).toString('hex');
  user = keyring.addFromSeed(Buffer.from(seed.slice(2), 'hex'));
  assert.equal((await submit(api, api.tx.balances.transferKeepAlive(user.address, 1000n * UNIT), alice)).error, null);
  const committee = await enigma(['committee', 'request', '--size', '4', '--suri', seed]);
  identity = await enigma(['identity', 'create', '--suri', seed]);
  contract = await enigma(['contract', 'deploy', CONTRACT, '--suri', seed]);
  for (const salary of SALARIES) {
    inputs.push(await enigma(['secret', 'share', '--suri', seed, '--identity', identity, '--committee', committee,
      '--type', 'u32', '--contract', contract, '--value', String(salary), '--bootstrap', workers[0].address]));
  }
  gas = BigInt(JSON.parse(await enigma(['contract', 'quote', CONTRACT, '--entry', 'survey'])).total);
  const stakeBefore = (await api.query.workers.workers(ferdie.address)).unwrap().stake.toBigInt();
  const freeBefore = (await api.query.system.account(ferdie.address)).data.free.toBigInt();

  const events = [];
  const unsubscribe = await api.query.system.events((records) => events.push(...records.map((r) => r.event)));
  const submitted = await submit(api, api.tx.secretCompute.submitTask(contract, 'survey', inputs, '0x', gas), user);
  const { task } = findEvent(submitted.events, 'secretCompute', 'TaskCreated').data;
  await workers[3].kill(); // Ferdie crashes as the committee starts

  // Charlie crashes right after its commitment lands, before reveals open, and comes back. With
  // Ferdie gone the quorum of 3 needs Charlie's vote: the restarted worker must reveal the
  // result it computed before the crash (it cannot recompute: the others have moved on).
  const charlie = keyring.addFromUri('//Charlie');
  await waitUntil('Charlie committed', async () =>
    events.find((e) => e.section === 'secretCompute' && e.method === 'ResultCommitted' && e.data.task.eq(task) &&
      e.data.worker.eq(charlie.address)),
  { timeoutMs: 120_000, everyMs: 50 });
  await workers[1].kill();
  assert.ok(!events.some((e) => e.section === 'secretCompute' && e.method === 'ResultSubmitted' && e.data.worker.eq(charlie.address)),
    'Charlie was killed before it revealed');
  workers[1] = await new Daemon(WORKER_BIN, workers[1].args, workers[1].logFile).start();

  const completed = await waitUntil('TaskCompleted', async () =>
    events.find((e) => e.section === 'secretCompute' && e.method === 'TaskCompleted' && e.data.task.eq(task)),
  { timeoutMs: 120_000 });
  const outputs = api.createType('Vec<u128>', completed.data.outputs.toU8a(true)).map((v) => v.toNumber());
  assert.deepEqual(outputs, [Math.floor(SALARIES.reduce((a, b) => a + b, 0) / SALARIES.length)]);
  assert.ok(events.some((e) => e.section === 'secretCompute' && e.method === 'ResultSubmitted' && e.data.task.eq(task) &&
    e.data.worker.eq(charlie.address)), 'the restarted Charlie revealed');
  const paid = events.filter((e) => e.section === 'balances' && e.method === 'TransferOnHold' && e.data.source.eq(user.address))
    .map((e) => e.data.dest.toString());
  assert.ok(paid.includes(charlie.address), 'Charlie, restarted between commitment and reveal, is paid');
  assert.match(readFileSync(workers[1].logFile, 'utf8'), /resuming with the result computed before a restart/);

  // Past the deadline: nobody reported or slashed Ferdie, and it earned nothing.
  const ends = (await api.query.secretCompute.tasks(task)).unwrap().deadline.toNumber();
  await waitUntil(`block #${ends}`, async () => (await api.rpc.chain.getHeader()).number.toNumber() > ends,
    { timeoutMs: 120_000 });
  assert.ok(!events.some((e) => e.section === 'workers' && e.method === 'Slashed'));
  assert.equal((await api.query.workers.workers(ferdie.address)).unwrap().stake.toBigInt(), stakeBefore);
  assert.equal((await api.query.system.account(ferdie.address)).data.free.toBigInt(), freeBefore);
  unsubscribe();

  // Ferdie may stop taking new committees while it holds shares of live secrets (an owner that
  // never removes them cannot keep it drawn for ever), but its stake stays at risk, and it
  // cannot withdraw, until their owner removes them.
  const held = async () => (await api.query.workers.workers(ferdie.address)).unwrap().secrets.toNumber();
  const holding = await held();
  assert.ok(holding >= inputs.length, `Ferdie holds ${holding} shares`);
  assert.equal((await submit(api, api.tx.workers.unbond(), ferdie)).error, null);
  assert.ok(!(await api.query.workers.activeWorkers()).some((w) => w.eq(ferdie.address)), 'drawn into no new committee');
  for (const secret of inputs) {
    assert.equal((await submit(api, api.tx.secretCompute.removeSecret(secret), user)).error, null);
  }
  assert.equal(await held(), holding - inputs.length);
});

/** `enigma ARGS` against the test's node; fails the test unless it succeeds. */
async function enigma(args) {
  const r = await run(CLIENT_BIN, ['--rpc', node.wsUrl, ...args]);
  assert.equal(r.code, 0, `enigma ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.toString().trim();
}

const stakeOf = async (who) => (await api.query.workers.workers(who)).unwrap().stake.toBigInt();

/** Starts a worker for `account` (e.g. '//Eve') with `--misbehave MODE...`. */
async function startMisbehaving(account, mode) {
  const dir = tempDir(`faults-worker-${account.slice(2).toLowerCase()}`);
  const keys = join(dir, 'keys');
  assert.equal((await run(WORKER_BIN, ['key', 'generate', '--key-dir', keys, '--account', account])).code, 0);
  workers.push(await new Daemon(WORKER_BIN, ['run', '--key-dir', keys, '--data-dir', dir, '--rpc', node.wsUrl,
    '--bootstrap', workers[0].address, '--misbehave', ...mode], join(dir, 'worker.log')).start());
}

/**
 * Requests a committee of four, checks its members with `check`, shares the salaries with it and
 * runs the survey: the task must complete with the right average. Returns the members, their
 * stakes before the task, the events seen (still subscribed: call `unsubscribe`) and who was paid.
 */
async function surveyOnNewCommittee(check) {
  const committee = await enigma(['committee', 'request', '--size', '4', '--suri', seed]);
  const members = (await api.query.workers.committees(committee)).unwrap().map((a) => a.toString());
  check(members);
  inputs = [];
  for (const salary of SALARIES) {
    inputs.push(await enigma(['secret', 'share', '--suri', seed, '--identity', identity, '--committee', committee,
      '--type', 'u32', '--contract', contract, '--value', String(salary), '--bootstrap', workers[0].address]));
  }
  const stakesBefore = new Map();
  for (const m of members) stakesBefore.set(m, await stakeOf(m));
  const events = [];
  const unsubscribe = await api.query.system.events((records) => events.push(...records.map((r) => r.event)));
  const submitted = await submit(api, api.tx.secretCompute.submitTask(contract, 'survey', inputs, '0x', gas), user);
  const { task } = findEvent(submitted.events, 'secretCompute', 'TaskCreated').data;
  const completed = await waitUntil('TaskCompleted', async () =>
    events.find((e) => e.section === 'secretCompute' && e.method === 'TaskCompleted' && e.data.task.eq(task)),
  { timeoutMs: 240_000 });
  const outputs = api.createType('Vec<u128>', completed.data.outputs.toU8a(true)).map((v) => v.toNumber());
  assert.deepEqual(outputs, [Math.floor(SALARIES.reduce((a, b) => a + b, 0) / SALARIES.length)]);
  const paid = events.filter((e) => e.section === 'balances' && e.method === 'TransferOnHold' && e.data.source.eq(user.address))
    .map((e) => e.data.dest.toString());
  return { members, stakesBefore, events, unsubscribe, paid, task: task.toHex() };
}

test('a member that sends undecodable frames is left out, not paid, and slashed on a signed proof', async () => {
  assert.ok(contract, 'the first test set up the identity and the contract');
  const keyring = new Keyring({ type: 'sr25519' });
  const eve = keyring.addFromUri('//Eve');
  const ferdie = keyring.addFromUri('//Ferdie');
  await startMisbehaving('//Eve', []);
  // Ferdie is unbonding and out; the new committee is Bob, Charlie, Dave, Eve.
  const { members, stakesBefore, events, unsubscribe, paid } = await surveyOnNewCommittee((members) =>
    assert.ok(members.includes(eve.address) && !members.includes(ferdie.address)));
  // The three honest members split the gas; Eve, left out, got none of it.
  assert.equal(paid.length, 3);
  assert.ok(!paid.includes(eve.address));
  // The honest members' reports carry Eve's signed frame: the chain checks it and slashes Eve.
  const slashed = await waitUntil('Eve slashed for Misbehaviour', async () =>
    events.find((e) => e.section === 'workers' && e.method === 'Slashed' && e.data.worker.eq(eve.address)),
  { timeoutMs: 60_000 });
  assert.equal(slashed.data.offence.toString(), 'Misbehaviour');
  assert.ok(!events.some((e) => e.section === 'workers' && e.method === 'FalseReport'), 'no report was refused');
  assert.ok(!events.some((e) => e.section === 'workers' && e.method === 'Slashed' && !e.data.worker.eq(eve.address)), 'only Eve is slashed');
  assert.ok(await stakeOf(eve.address) < stakesBefore.get(eve.address));
  for (const m of members.filter((m) => m !== eve.address)) {
    assert.ok(await stakeOf(m) >= stakesBefore.get(m), `${m} kept its stake`);
  }
  // Eve hands the owner a false share of a salary: it fails the Pedersen check against the
  // dealer's commitments, Eve is named and left out, and the other three give the true value.
  const declassified = await run(CLIENT_BIN, ['--rpc', node.wsUrl, 'secret', 'declassify', inputs[0], '--suri', seed,
    '--bootstrap', workers[0].address]);
  assert.equal(declassified.code, 0, declassified.stderr);
  assert.equal(declassified.stdout.toString().trim(), String(SALARIES[0]));
  assert.match(declassified.stderr.toString(), new RegExp(`member #${members.indexOf(eve.address)} \\(.*\\) handed a false share`));
  unsubscribe();
});

test('a member that sends well-formed wrong values: the others run without each member at once and complete without it', async () => {
  assert.ok(contract, 'the first test set up the identity and the contract');
  const keyring = new Keyring({ type: 'sr25519' });
  const alice = keyring.addFromUri('//Alice');
  const eve = keyring.addFromUri('//Eve');
  // Up to four runs at once after the first: give the task 100 blocks.
  const deadline = await submit(api, api.tx.sudo.sudo(api.tx.parameters.setParameter({ Workers: { TaskDeadline: [null, 100] } })), alice);
  assert.equal(deadline.error, null);
  // Eve, slashed below the minimum stake, is out; Alice's worker lies in every value it sends
  // (its frames decode and are signed: nothing proves which member lied).
  assert.equal((await api.query.workers.workers(eve.address)).unwrap().status.toString(), 'Inactive');
  await startMisbehaving('//Alice', ['wrong-values']);
  const { members, stakesBefore, events, unsubscribe, paid } = await surveyOnNewCommittee((members) =>
    assert.ok(members.includes(alice.address) && !members.includes(eve.address)));
  // The three honest members ran without Alice and split the gas; Alice got none of it.
  assert.deepEqual(paid.sort(), members.filter((m) => m !== alice.address).sort());
  const honestLogs = workers.slice(0, 3).map((w) => readFileSync(w.logFile, 'utf8'));
  assert.ok(honestLogs.every((log) => /every member answers: running without each member at once/.test(log)),
    'every honest member saw the first run fail and ran without each member');
  // Nothing proves who lied, so nobody is slashed: every stake, Alice's too, is as it was.
  assert.ok(!events.some((e) => e.section === 'workers' && e.method === 'Slashed'));
  for (const m of members) {
    assert.equal(await stakeOf(m), stakesBefore.get(m), `${m} kept its stake`);
  }
  unsubscribe();
});

test('a member that lies only in the run with everyone: each member votes for every rerun it completed, and one run gets a quorum', async () => {
  assert.ok(contract, 'the first test set up the identity and the contract');
  const keyring = new Keyring({ type: 'sr25519' });
  const alice = keyring.addFromUri('//Alice');
  // Alice's worker comes back lying in the first run only: every run without one member then
  // completes, and each member sat in three of them.
  const liar = workers.length - 1;
  await workers[liar].stop();
  workers[liar] = await new Daemon(WORKER_BIN, [...workers[liar].args.slice(0, -1), 'wrong-values-first'], workers[liar].logFile).start();
  const { members, stakesBefore, events, unsubscribe, paid, task } = await surveyOnNewCommittee((members) =>
    assert.ok(members.includes(alice.address)));
  // Every member revealed one outcome and voted for its three runs. Every run had three votes:
  // the chain took the run most members kept, and its three members were paid.
  assert.equal(paid.length, 3, `paid: ${paid}`);
  assert.ok(paid.every((m) => members.includes(m)));
  // (The committee's honest members are three of the other workers, whichever the draw picked.)
  // (The chain completes the task at a quorum of three: the fourth member's reveal may be
  // logged a moment after the test sees TaskCompleted.)
  const voted = new RegExp(`task ${task}: result submitted .*3 runs voted for`);
  const honestVoters = () => workers.filter((w, i) => i !== liar && voted.test(readFileSync(w.logFile, 'utf8'))).length;
  await waitUntil('every honest member voted for its three runs', async () => honestVoters() === 3, { timeoutMs: 30_000 })
    .catch(() => assert.equal(honestVoters(), 3, 'every honest member voted for its three runs'));
  // Each member kept the shares of every run it completed: the members of the agreed run hand
  // out that run's shares of the private ranks, which the owner reconstructs.
  const waited = await run(CLIENT_BIN, ['--rpc', node.wsUrl, 'task', 'wait', task, '--suri', seed, '--bootstrap', workers[0].address]);
  assert.equal(waited.code, 0, waited.stderr);
  const ranks = Object.fromEntries(SALARIES.map((s, i) => [`out${i + 1}`, String(1 + SALARIES.filter((o) => o > s).length)]));
  assert.deepEqual(JSON.parse(waited.stdout.toString()).private, ranks, waited.stderr.toString());
  assert.ok(!events.some((e) => e.section === 'workers' && e.method === 'Slashed'));
  for (const m of members) {
    assert.equal(await stakeOf(m), stakesBefore.get(m), `${m} kept its stake`);
  }
  unsubscribe();
});

test('a member that stalls every run: the others complete without it, or give up before the deadline rather than be late', async () => {
  assert.ok(contract, 'the first test set up the identity and the contract');
  const keyring = new Keyring({ type: 'sr25519' });
  const alice = keyring.addFromUri('//Alice');
  const setDeadline = async (blocks) => assert.equal((await submit(api,
    api.tx.sudo.sudo(api.tx.parameters.setParameter({ Workers: { TaskDeadline: [null, blocks] } })), alice)).error, null);
  // Alice's worker comes back sending nothing in a run after the circuit agreement; it still
  // answers the others' liveness probes, so it is not left out as dead.
  const liar = workers.length - 1;
  await workers[liar].stop();
  workers[liar] = await new Daemon(WORKER_BIN, [...workers[liar].args.slice(0, -1), 'silent'], workers[liar].logFile).start();

  // With time enough (the first run's 10 s wait, then 20 s in the runs that include Alice), the
  // run without her completes.
  await setDeadline(100);
  const { members, stakesBefore, events, unsubscribe, paid } = await surveyOnNewCommittee((members) =>
    assert.ok(members.includes(alice.address)));
  assert.deepEqual(paid.sort(), members.filter((m) => m !== alice.address).sort());

  // With 12 blocks it cannot: every member gives up 6 blocks before the deadline and says so,
  // the task fails before its deadline, and nobody honest is late or slashed.
  await setDeadline(12);
  const submitted = await submit(api, api.tx.secretCompute.submitTask(contract, 'survey', inputs, '0x', gas), user);
  const { task } = findEvent(submitted.events, 'secretCompute', 'TaskCreated').data;
  await waitUntil('TaskFailed', async () =>
    events.find((e) => e.section === 'secretCompute' && e.method === 'TaskFailed' && e.data.task.eq(task)),
  { timeoutMs: 60_000 });
  const deadline = (await api.query.secretCompute.tasks(task)).unwrap().deadline.toNumber();
  await waitUntil(`block #${deadline + 1}`, async () => (await api.rpc.chain.getHeader()).number.toNumber() > deadline,
    { timeoutMs: 30_000 });
  // (The first aborts end the task: once no quorum is possible it fails, and later aborts
  // find it over.)
  assert.ok(events.some((e) => e.section === 'secretCompute' && e.method === 'TaskAborted' && e.data.task.eq(task)));
  for (const m of members.filter((m) => m !== alice.address)) {
    const slashed = events.find((e) => e.section === 'workers' && e.method === 'Slashed' && e.data.worker.eq(m));
    assert.ok(!slashed, `${m} was not slashed (slashed for ${slashed?.data.offence} in task ${slashed?.data.task})`);
    assert.equal(await stakeOf(m), stakesBefore.get(m), `${m} kept its stake`);
  }
  const honestLogs = workers.slice(0, 3).map((w) => readFileSync(w.logFile, 'utf8'));
  assert.ok(honestLogs.every((log) => /no run completed by block/.test(log)));
  unsubscribe();
});

test('a member that hands its owner false shares of private outputs: the owner corrects them and learns who', async () => {
  assert.ok(contract, 'the first test set up the identity and the contract');
  const keyring = new Keyring({ type: 'sr25519' });
  const alice = keyring.addFromUri('//Alice');
  assert.equal((await submit(api,
    api.tx.sudo.sudo(api.tx.parameters.setParameter({ Workers: { TaskDeadline: [null, 30] } })), alice)).error, null);
  // Alice's worker comes back honest in every run, lying only when it hands out a share.
  const liar = workers.length - 1;
  await workers[liar].stop();
  workers[liar] = await new Daemon(WORKER_BIN, [...workers[liar].args.slice(0, -1), 'false-shares'], workers[liar].logFile).start();
  const { members, events, unsubscribe, paid, task } = await surveyOnNewCommittee((members) => assert.ok(members.includes(alice.address)));
  unsubscribe();
  assert.ok(!events.some((e) => e.section === 'workers' && e.method === 'Slashed'), 'nobody is slashed');
  // Alice computed honestly and is paid with the quorum. (A member more than RevealDelay blocks
  // slower than the quorum to commit is not paid, nor slashed: on a loaded machine that can be
  // any of the four.)
  assert.ok(paid.includes(alice.address), `Alice computed honestly and was paid with the others: ${paid}`);
  assert.ok(paid.length >= 3 && paid.every((m) => members.includes(m)), `a quorum of members was paid: ${paid}`);
  // Every salary's owner is the user's identity, so the user reads all five ranks. Alice's share
  // of each is off by one: four shares of a degree-1 sharing correct it, and name her.
  const waited = await run(CLIENT_BIN, ['--rpc', node.wsUrl, 'task', 'wait', task, '--suri', seed, '--bootstrap', workers[0].address]);
  assert.equal(waited.code, 0, waited.stderr);
  const ranks = Object.fromEntries(SALARIES.map((s, i) => [`out${i + 1}`, String(1 + SALARIES.filter((o) => o > s).length)]));
  assert.deepEqual(JSON.parse(waited.stdout.toString()).private, ranks);
  const named = waited.stderr.toString().match(/member #(\d) \(.*\) handed a share off the others' polynomial/g) ?? [];
  assert.equal(named.length, SALARIES.length, waited.stderr.toString());
  assert.ok(named.every((line) => line.startsWith(`member #${members.indexOf(alice.address)} `)), waited.stderr.toString());

  // With two of the four members away, the reader is told, output by output, that its outputs
  // could not be put together: not shown nothing, as if they were someone else's.
  await Promise.all([workers[1].stop(), workers[2].stop()]);
  const away = await run(CLIENT_BIN, ['--rpc', node.wsUrl, 'task', 'wait', task, '--suri', seed, '--bootstrap', workers[0].address]);
  assert.equal(away.code, 0, away.stderr);
  const shown = JSON.parse(away.stdout.toString());
  assert.deepEqual(shown.private, {});
  assert.deepEqual(Object.keys(shown.unreconstructed ?? {}).sort(), Object.keys(ranks).sort(), away.stderr.toString());
  assert.match(away.stderr.toString(), /private output out1: not reconstructed: 2 of 4 members answered, 3 needed/);
});
