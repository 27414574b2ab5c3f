// A dishonest-majority contract end to end (issue #15): two owners share their wealth with a
// committee of two workers for a dishonest majority (degree n − 1, each with its MAC); the
// members run the millionaires' comparison with SPDZ on MASCOT preprocessing they make
// themselves, and keep more for the committee's next task (which survives a restart); the
// comparison is published and a private output reaches its owner, checked; anyone audits the
// task from the chain and the members' transcript, and a member that opens a false share is
// named by the other (the task fails, refunded, and no stake moves). The chain takes no
// honest-majority secret or task on a committee that small.
// A secret a dishonest-majority task keeps (MPC.set) is the next task's input and its owner's to
// declassify.
// On a committee of four, an input shared for an honest majority is refused by such a contract
// (and the other way round), nobody is slashed for it, and the owner gets a secret shared this
// way back.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { Node, tempDir, waitUntil } from '../lib/node.js';
import { submit } from '../lib/tx.js';
import { Daemon, run, startWorkers, WORKER_BIN, CLIENT_BIN } from '../lib/process.js';

const UNIT = 10n ** 12n;
const WEALTH = [7_000_123n, 5_000_456n];
const ACCOUNTS = ['//Bob', '//Charlie', '//Dave', '//Ferdie'];
const EXAMPLES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'examples', 'contracts');

// Who is richer, in public; the sum of both, for the first owner only.
const DISHONEST = `contract Richer: dishonest_majority {
    pub fn richer(alice: private u64 @ 0, bob: private u64 @ 1) {
        output(reveal(alice > bob));
        output_to(0, alice + bob);
    }
}
`;

// A pot kept secret between tasks (MPC.set under a dishonest majority): the first owner opens it
// with its wealth, the second adds its own (the savings example without the ledger).
const POT = `contract Pot: dishonest_majority {
    pub fn open(first: private u64 @ 0) {
        MPC.set(1, first, 0);
        L[0] = 1;
    }

    pub fn deposit(amount: private u64 @ 1) {
        let balance: private u64 = MPC[1];
        MPC.set(1, min(balance + amount, 18446744073709551615), 0);
        // The deposits so far, read from the public ledger as of the task's block.
        L[0] = L.get(0, 4294967295) + 1;
        output(reveal(amount >= 100));
    }
}
`;

let node, api, alice, workers = [], workerDirs = [], users = [];
let committee, pair, pairDirs, dishonest, honest;

const enigma = async (args, input) => {
  const r = await run(CLIENT_BIN, ['--rpc', node.wsUrl, ...args], input);
  assert.equal(r.code, 0, `enigma ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.toString().trim();
};
const bootstrap = () => ['--bootstrap', workers[0].address];
/** Resolves once the worker in `dir` has logged `pattern` (within `seconds`). */
const logged = async (dir, pattern, seconds = 30) => {
  for (let i = 0; i < seconds * 5; i++) {
    if (pattern.test(readFileSync(join(dir, 'worker.log'), 'utf8'))) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  assert.fail(`${dir}: no ${pattern} in the worker's log`);
};
const stakeOf = async (who) => (await api.query.workers.workers(who)).unwrap().stake.toBigInt();

before(async () => {
  assert.ok(WORKER_BIN && CLIENT_BIN, 'ENIGMA_WORKER and ENIGMA_CLIENT must be set (scripts/test.sh sets them)');
  await cryptoWaitReady();
  const keyring = new Keyring({ type: 'sr25519' });
  alice = keyring.addFromUri('//Alice');
  node = await new Node('spdz', ['--dev', '--dev-block-time', '1000']).start();
  api = await node.api();
  workers = await startWorkers(node, ACCOUNTS, 'spdz');
  workerDirs = workers.map((w) => dirname(w.logFile));
  for (const wealth of WEALTH) {
    const seed = '0x' + randomBytes(32).toString('hex');
    users.push({ seed, pair: keyring.addFromSeed(Buffer.from(seed.slice(2), 'hex')), wealth });
  }
  for (const user of users) {
    assert.equal((await submit(api, api.tx.balances.transferKeepAlive(user.pair.address, 1000n * UNIT), alice)).error, null);
  }
  const dir = tempDir('spdz-contracts');
  const file = join(dir, 'richer.enigma');
  writeFileSync(file, DISHONEST);
  const honestFile = join(dir, 'richer-honest.enigma');
  writeFileSync(honestFile, DISHONEST.replace(': dishonest_majority', ''));
  committee = await enigma(['committee', 'request', '--size', '4', '--suri', '//Alice']);
  pair = await enigma(['committee', 'request', '--size', '2', '--suri', '//Alice']);
  // The pair's members' worker processes (their logs, one to restart).
  const seated = (await api.query.workers.committees(Number(pair))).unwrap().map((m) => m.toString());
  pairDirs = ACCOUNTS.map((uri, i) => [keyring.addFromUri(uri).address, i]).filter(([a]) => seated.includes(a)).map(([, i]) => i);
  assert.equal(pairDirs.length, 2);
  dishonest = await enigma(['contract', 'deploy', file, '--suri', '//Alice']);
  honest = await enigma(['contract', 'deploy', honestFile, '--suri', '//Alice']);
  for (const user of users) {
    user.identity = await enigma(['identity', 'create', '--suri', user.seed, '--member', `${alice.address}=compute`]);
    await enigma(['identity', 'approve', user.identity, '--suri', '//Alice']);
  }
});

after(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  await api?.disconnect();
  await node?.destroy();
});

const shareArgs = (user, security, on) => ['--rpc', node.wsUrl, 'secret', 'share', '--suri', user.seed, '--identity', user.identity,
  '--committee', on, '--type', 'u64', '--any-contract', '--security', security, '--value-file', '-', ...bootstrap()];
const share = (user, security, on = committee) => enigma(shareArgs(user, security, on).slice(2), `${user.wealth}\n`);

const submitTask = (contract, inputs) => enigma(['task', 'submit', '--contract', contract, '--entry', 'richer',
  ...inputs.flatMap((s) => ['--input', s]), '--suri', '//Alice']);

test('a committee of two runs a dishonest-majority contract with SPDZ on inputs shared for it, and its private output reaches its owner', async () => {
  // Shamir shares on two members: t = 0, so the client refuses them (and the chain would).
  const refused = await run(CLIENT_BIN, shareArgs(users[0], 'honest-majority', pair), `${users[0].wealth}\n`);
  assert.notEqual(refused.code, 0, refused.stdout.toString());
  assert.match(refused.stderr.toString(), /committee \d+ has 2 members: an honest majority needs at least 3/);
  const inputs = [];
  for (const user of users) inputs.push(await share(user, 'dishonest-majority', pair));
  // Its first secret shared for a dishonest majority had the pair make a batch of MASCOT
  // preprocessing, sealed in their databases, before any task.
  const dirs = pairDirs.map((i) => workerDirs[i]);
  const kept = (times) => new RegExp(Array(times).fill(`kept preprocessing for committee ${pair} `).join('[^]*'));
  for (const dir of dirs) await logged(dir, kept(1), 120);
  // The members drew the batch's name together: both keep it under the same one.
  const names = dirs.map((dir) => [...readFileSync(join(dir, 'worker.log'), 'utf8').matchAll(new RegExp(`kept preprocessing for committee ${pair} \\(batch (0x[0-9a-f]+)`, 'g'))].map((m) => m[1]));
  assert.equal(names[0].length, 1);
  assert.deepEqual(names[1], names[0]);
  const task = await submitTask(dishonest, inputs);
  // The chain read the contract's header: every member's vote decides this task.
  assert.equal(JSON.parse(await enigma(['task', 'show', task])).security, 'dishonest_majority');
  const result = JSON.parse(await enigma(['task', 'wait', task, '--suri', users[0].seed, ...bootstrap()]));
  assert.equal(result.status, 'Completed', JSON.stringify(result));
  assert.equal(result.public.out0, '1');
  assert.deepEqual(result.private, { out1: String(WEALTH[0] + WEALTH[1]) });
  // The second owner sees the comparison, not the first owner's output.
  const other = JSON.parse(await enigma(['task', 'wait', task, '--suri', users[1].seed, ...bootstrap()]));
  assert.deepEqual([other.private, other.unreconstructed], [{}, undefined]);
  // Anyone re-checks the task from the chain and the transcript its members keep (issue #14):
  // every opening against the members' commitments, the transcript against the result's root.
  const transcript = join(tempDir('spdz-audit'), 'transcript.bin');
  const audited = JSON.parse(await enigma(['task', 'audit', task, '--save', transcript, ...bootstrap()]));
  assert.equal(audited.audit, 'passed', JSON.stringify(audited));
  assert.deepEqual(audited.public, ['1']);
  assert.ok(audited.openings > 0 && audited.transcript_bytes === readFileSync(transcript).length, JSON.stringify(audited));
  for (const dir of dirs) {
    const log = readFileSync(join(dir, 'worker.log'), 'utf8');
    assert.match(log, /running richer with 2 members \(SPDZ\)/);
    assert.match(log, new RegExp(`preprocessing from committee ${pair}'s stock`));
  }
  // After the task the members made its next batch: a member restarted in between still has
  // it, and the next task starts from it.
  for (const dir of dirs) await logged(dir, kept(2), 60);
  const restarted = pairDirs.find((i) => i !== 0); // (not the bootstrap peer)
  await workers[restarted].stop();
  workers[restarted] = await new Daemon(WORKER_BIN, workers[restarted].args, workers[restarted].logFile).start();
  // An honest-majority contract cannot run on the pair: its quorum would be one member.
  const honestTask = await run(CLIENT_BIN, ['--rpc', node.wsUrl, 'task', 'submit', '--contract', honest, '--entry', 'richer',
    ...inputs.flatMap((s) => ['--input', s]), '--suri', '//Alice']);
  assert.notEqual(honestTask.code, 0, honestTask.stdout.toString());
  assert.match(honestTask.stderr.toString(), /CommitteeTooSmallForHonestMajority/);
  const again = await submitTask(dishonest, inputs);
  const second = JSON.parse(await enigma(['task', 'wait', again, '--suri', users[0].seed, ...bootstrap()]));
  assert.equal(second.status, 'Completed', JSON.stringify(second));
  assert.deepEqual([second.public.out0, second.private.out1], ['1', String(WEALTH[0] + WEALTH[1])]);
  // The first task's transcript, sound as it is, is not the second task's.
  const mismatch = await run(CLIENT_BIN, ['--rpc', node.wsUrl, 'task', 'audit', again, '--transcript', transcript]);
  assert.notEqual(mismatch.code, 0, mismatch.stdout.toString());
  assert.match(mismatch.stderr.toString(), /the transcript passes its audit but is not the one the chain's result commits to/);
  for (const dir of dirs) await logged(dir, new RegExp(`preprocessing from committee ${pair}'s stock[^]*preprocessing from committee ${pair}'s stock`));

  // The owner gets its value back from both members' checked shares.
  const back = await run(CLIENT_BIN, ['--rpc', node.wsUrl, 'secret', 'declassify', inputs[1], '--suri', users[1].seed, ...bootstrap()]);
  assert.equal(back.code, 0, back.stderr);
  assert.equal(back.stdout.toString().trim(), String(WEALTH[1]));

  // A member that opens a false share in a run (`--misbehave wrong-opening`, on the batch the
  // pair made after the second task): the other checks it against the liar's commitments and
  // names it; the task fails and is refunded, and no stake moves (the chain cannot check the
  // accusation yet, and nobody was late).
  for (const dir of dirs) await logged(dir, kept(3), 60);
  const seated2 = (await api.query.workers.committees(Number(pair))).unwrap().map((m) => m.toString());
  const liarAt = seated2.indexOf(new Keyring({ type: 'sr25519' }).addFromUri(ACCOUNTS[restarted]).address);
  const honestDir = workerDirs[pairDirs.find((i) => i !== restarted)];
  const stakes = await Promise.all(seated2.map(stakeOf));
  const honestArgs = workers[restarted].args;
  await workers[restarted].stop();
  workers[restarted] = await new Daemon(WORKER_BIN, [...honestArgs, '--misbehave', 'wrong-opening'], workers[restarted].logFile).start();
  const cheated = await submitTask(dishonest, inputs);
  const failed = await run(CLIENT_BIN, ['--rpc', node.wsUrl, 'task', 'wait', cheated]);
  assert.equal(failed.code, 1, failed.stdout.toString());
  assert.match(failed.stderr.toString(), /the task failed: members gave up on it .*; the gas was refunded/);
  await logged(honestDir, new RegExp(`task ${cheated}.*commitment check failed: party ${liarAt} opened a value different from its commitment`));
  // (On the stock, so the false share was the sacrifice's: a MASCOT coin's would be named alike.)
  assert.match(readFileSync(join(honestDir, 'worker.log'), 'utf8'), new RegExp(Array(3).fill(`preprocessing from committee ${pair}'s stock`).join('[^]*')));
  assert.deepEqual(await Promise.all(seated2.map(stakeOf)), stakes);

  // A member that enters another share of an owner's input than the one dealt to it
  // (`--misbehave wrong-entry`): the other checks its entry proof against the owner's
  // commitments and names it before the owners' MAC check would fail unnamed; again refunded,
  // and no stake moves.
  await workers[restarted].stop();
  workers[restarted] = await new Daemon(WORKER_BIN, [...honestArgs, '--misbehave', 'wrong-entry'], workers[restarted].logFile).start();
  const entered = await submitTask(dishonest, inputs);
  const named = await run(CLIENT_BIN, ['--rpc', node.wsUrl, 'task', 'wait', entered]);
  assert.equal(named.code, 1, named.stdout.toString());
  assert.match(named.stderr.toString(), /the task failed: members gave up on it .*; the gas was refunded/);
  await logged(honestDir, new RegExp(`task ${entered}.*entry check failed: party ${liarAt} brought shares of an owner's input other than the ones dealt to it`));
  assert.deepEqual(await Promise.all(seated2.map(stakeOf)), stakes);
  await workers[restarted].stop();
  workers[restarted] = await new Daemon(WORKER_BIN, honestArgs, workers[restarted].logFile).start();
});

test('a dishonest-majority task keeps a secret for the next one, which counts deposits on the public ledger, its owner declassifies and anyone audits', async () => {
  const dir = tempDir('spdz-pot');
  writeFileSync(join(dir, 'pot.enigma'), POT);
  const pot = await enigma(['contract', 'deploy', join(dir, 'pot.enigma'), '--suri', '//Alice']);
  // SPDZ's comparisons take more rounds than Shamir's: governance gives tasks more time.
  assert.equal((await submit(api, api.tx.sudo.sudo(api.tx.parameters.setParameter({ Workers: { TaskDeadline: [null, 60] } })), alice)).error, null);
  const [first, second] = [await share(users[0], 'dishonest-majority', pair), await share(users[1], 'dishonest-majority', pair)];
  // open(first owner's wealth): each member keeps its additive shares of it and of its check
  // (r, r·y, r·r), the value's MAC; the chain records the new secret as a dishonest majority's.
  const opened = JSON.parse(await enigma(['task', 'wait', await enigma(['task', 'submit', '--contract', pot, '--entry', 'open',
    '--input', first, '--suri', '//Alice'])]));
  assert.equal(opened.status, 'Completed', JSON.stringify(opened));
  assert.deepEqual(opened.ledger, { 'L[0]': '1' });
  const kept = opened.secrets['MPC[1]'];
  assert.match(kept, /^0x[0-9a-f]{64}$/);
  assert.ok((await api.query.secretCompute.dishonestSecrets(kept)).isSome, 'kept as a dishonest majority\'s secret');
  assert.equal((await api.query.secretCompute.secrets(kept)).unwrap().owner.toHex(), users[0].identity);
  // deposit(second owner's wealth): the next task takes the pot under its MAC (the amount first,
  // then MPC[1]), keeps the sum, and says in public only whether the deposit was 100 or more.
  const deposit = await enigma(['task', 'submit', '--contract', pot, '--entry', 'deposit', '--input', second, '--input', kept, '--suri', '//Alice']);
  const added = JSON.parse(await enigma(['task', 'wait', deposit]));
  assert.equal(added.status, 'Completed', JSON.stringify(added));
  assert.deepEqual(Object.values(added.public), ['1']);
  // L.get in a dishonest-majority task: the members read L[0] from the chain and compiled it in.
  assert.deepEqual(added.ledger, { 'L[0]': '2' });
  const sum = added.secrets['MPC[1]'];
  assert.notEqual(sum, kept);
  // The owner gets both pots back from every member's share, checked by their MACs.
  assert.equal(await enigma(['secret', 'declassify', sum, '--suri', users[0].seed, ...bootstrap()]), String(WEALTH[0] + WEALTH[1]));
  assert.equal(await enigma(['secret', 'declassify', kept, '--suri', users[0].seed, ...bootstrap()]), String(WEALTH[0]));
  // The task that read the pot is audited like any other: the pot entered under its MAC.
  const audited = JSON.parse(await enigma(['task', 'audit', deposit, ...bootstrap()]));
  assert.equal(audited.audit, 'passed', JSON.stringify(audited));
  assert.deepEqual(audited.public, ['1']);
});

test('a committee of four makes its first batch ahead of demand and runs the salary survey with SPDZ on it', async () => {
  const salaries = [52_000, 61_000, 48_500, 75_250, 61_500];
  const dir = tempDir('spdz-salary');
  const file = join(dir, 'salary.enigma');
  writeFileSync(file, readFileSync(join(EXAMPLES, 'salary.enigma'), 'utf8').replace('contract Salary {', 'contract Salary: dishonest_majority {'));
  const contract = await enigma(['contract', 'deploy', file, '--suri', '//Alice']);
  // SPDZ's comparisons take more rounds than Shamir's: governance gives tasks more time.
  assert.equal((await submit(api, api.tx.sudo.sudo(api.tx.parameters.setParameter({ Workers: { TaskDeadline: [null, 60] } })), alice)).error, null);
  const keyring = new Keyring({ type: 'sr25519' });
  const people = [];
  for (const salary of salaries) {
    const seed = '0x' + randomBytes(32).toString('hex');
    const person = { seed, address: keyring.addFromSeed(Buffer.from(seed.slice(2), 'hex')).address, salary };
    assert.equal((await submit(api, api.tx.balances.transferKeepAlive(person.address, 1000n * UNIT), alice)).error, null);
    person.identity = await enigma(['identity', 'create', '--suri', seed, '--member', `${alice.address}=compute`]);
    await enigma(['identity', 'approve', person.identity, '--suri', '//Alice']);
    people.push(person);
  }
  const inputs = [];
  for (const person of people) {
    inputs.push(await enigma(['secret', 'share', '--suri', person.seed, '--identity', person.identity, '--committee', committee,
      '--type', 'u32', '--contract', contract, '--security', 'dishonest-majority', '--value-file', '-', ...bootstrap()], `${person.salary}\n`));
  }
  // The committee's first dishonest-majority secret made its members prepare a batch, before
  // any task asked (about a minute of MASCOT among four workers on two cores).
  for (const dir of workerDirs) await logged(dir, new RegExp(`kept preprocessing for committee ${committee} `), 240);
  const task = await enigma(['task', 'submit', '--contract', contract, '--entry', 'survey', ...inputs.flatMap((s) => ['--input', s]), '--suri', '//Alice']);
  const average = Math.floor(salaries.reduce((a, b) => a + b, 0) / salaries.length);
  for (const [i, person] of people.entries()) {
    const result = JSON.parse(await enigma(['task', 'wait', task, '--suri', person.seed, ...bootstrap()]));
    assert.equal(result.status, 'Completed', JSON.stringify(result));
    assert.equal(result.public.out0, String(average));
    assert.deepEqual(result.private, { [`out${i + 1}`]: String(1 + salaries.filter((s) => s > person.salary).length) });
  }
  const audited = JSON.parse(await enigma(['task', 'audit', task, ...bootstrap()]));
  assert.deepEqual([audited.audit, audited.public], ['passed', [String(average)]], JSON.stringify(audited));
  for (const dir of workerDirs) {
    const log = readFileSync(join(dir, 'worker.log'), 'utf8');
    assert.match(log, /running survey with 4 members \(SPDZ\)/);
    assert.match(log, new RegExp(`preprocessing from committee ${committee}'s stock`));
  }
  // The members make the next batch after the task; the next test starts on an idle machine.
  for (const dir of workerDirs) await logged(dir, new RegExp(`kept preprocessing for committee ${committee} [^]*kept preprocessing for committee ${committee} `), 240);
  assert.equal((await submit(api, api.tx.sudo.sudo(api.tx.parameters.setParameter({ Workers: { TaskDeadline: [null, 20] } })), alice)).error, null);
});

test('inputs shared for the other security are refused as invalid, and nobody is slashed', async () => {
  const members = (await api.query.workers.committees(Number(committee))).unwrap().map((m) => m.toString());
  const before = await Promise.all(members.map(stakeOf));
  const plain = [];
  for (const user of users) plain.push(await share(user, 'honest-majority'));
  // An honest-majority input in a dishonest-majority contract: Shamir's degree-t shares would
  // give it less privacy than it asks for.
  const refusedAsInvalid = async (task) => {
    const r = await run(CLIENT_BIN, ['--rpc', node.wsUrl, 'task', 'wait', task, '--suri', '//Alice', ...bootstrap()]);
    assert.equal(r.code, 1, r.stdout.toString());
    assert.match(r.stderr.toString(), /the task failed: members gave up on it \(.*InvalidTask.*\); the gas was refunded/);
  };
  await refusedAsInvalid(await submitTask(dishonest, plain));
  // And dishonest-majority inputs in an honest-majority contract.
  const tagged = [];
  for (const user of users) tagged.push(await share(user, 'dishonest-majority'));
  await refusedAsInvalid(await submitTask(honest, tagged));
  // (The chain fails a task once no result can win; the last members log their reasons after.)
  const anyLogged = (pattern) => Promise.any(workerDirs.map((dir) => logged(dir, pattern)));
  await anyLogged(/was shared for an honest majority; the contract asks for a dishonest majority/);
  await anyLogged(/was shared for a dishonest majority; the contract runs with an honest majority/);
  assert.deepEqual(await Promise.all(members.map(stakeOf)), before);
  // The same inputs in the contract they were shared for still run.
  const ok = JSON.parse(await enigma(['task', 'wait', await submitTask(honest, plain), '--suri', '//Alice', ...bootstrap()]));
  assert.equal(ok.status, 'Completed', JSON.stringify(ok));
  assert.equal(ok.public.out0, '1');
});

test('a member that leaves lets go of the shares no handover can move once unbonded, so no owner holds its stake', async () => {
  const keyring = new Keyring({ type: 'sr25519' });
  const leaving = keyring.addFromUri(ACCOUNTS[pairDirs.find((i) => i !== 0)]);
  assert.equal((await submit(api, api.tx.sudo.sudo(api.tx.parameters.setParameter({ Workers: { UnbondingPeriod: [null, 5] } })), alice)).error, null);
  // What it holds: the pair's and the four's dishonest-majority secrets and a task's kept pot
  // (nothing can move them), and the honest-majority inputs of the last test (a rotation can).
  const held = async () => (await api.query.secretCompute.secrets.entries())
    .map(([key, record]) => [key.args[0].toHex(), record.unwrap()])
    .filter(([, record]) => record.acks.some((m) => m.eq(leaving.address)));
  const stranded = [];
  for (const [secret, record] of await held()) {
    if (record.origin.isSome || (await api.query.secretCompute.dishonestSecrets(secret)).isSome) stranded.push(secret);
  }
  const movable = (await held()).length - stranded.length;
  assert.ok(stranded.length > 0 && movable > 0, `${stranded.length} stranded, ${movable} movable`);
  const released = [];
  const unsubscribe = await api.query.system.events((records) => records.forEach(({ event }) => {
    if (event.section === 'secretCompute' && event.method === 'StrandedShareReleased' && event.data.worker.eq(leaving.address)) released.push(event.data.secret.toHex());
  }));
  assert.equal((await submit(api, api.tx.workers.unbond(), leaving)).error, null);
  // Its worker waits out the unbonding period (the owners' notice), then lets go by itself.
  await waitUntil('the stranded shares released', () => released.length === stranded.length, { timeoutMs: 120_000 });
  unsubscribe();
  assert.deepEqual(released.sort(), [...stranded].sort());
  assert.equal((await api.query.workers.workers(leaving.address)).unwrap().secrets.toNumber(), movable);
  for (const secret of stranded) assert.equal((await api.query.secretCompute.secrets(secret)).unwrap().ready.isTrue, false);
  // A secret a rotation can move is still its to hand over: it cannot withdraw before.
  assert.deepEqual((await submit(api, api.tx.workers.withdraw(), leaving)).error, { section: 'workers', name: 'HoldsSecrets' });
  await logged(workerDirs[pairDirs.find((i) => i !== 0)], /leaving: let go of the share of 0x[0-9a-f]+, which no handover can move/);
});
