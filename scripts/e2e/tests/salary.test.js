// Whitepaper section 2 end to end: five people secret-share their salaries with a committee of
// four workers; the salary contract's average is published on chain; each person privately
// learns their own rank; no worker's log or store holds a salary in the clear. Then a dApp
// submits the same task with polkadot-js alone and decodes the result from the event. On the
// same committee: a vote whose tallies go to the contract's public ledger L (whitepaper 8.9), and
// a savings pot that stays secret-shared from one task to the next (the MPC dictionary, 5.7).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { Node, tempDir } from '../lib/node.js';
import { submit, findEvent } from '../lib/tx.js';
import { Daemon, run, WORKER_BIN, CLIENT_BIN } from '../lib/process.js';

const EXAMPLES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'examples', 'contracts');
const CONTRACT = join(EXAMPLES, 'salary.enigma');
const UNIT = 10n ** 12n;
const SALARIES = [52_000, 61_000, 48_500, 75_250, 61_500];

let node, api, alice, workers = [], workerDirs = [];
let users = [];
let contract, inputs, committee;
let census, censusInputs;

const enigma = async (args, input) => {
  const r = await run(CLIENT_BIN, ['--rpc', node.wsUrl, ...args], input);
  assert.equal(r.code, 0, `enigma ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.toString().trim();
};

before(async () => {
  assert.ok(WORKER_BIN && CLIENT_BIN, 'ENIGMA_WORKER and ENIGMA_CLIENT must be set (scripts/test.sh sets them)');
  await cryptoWaitReady();
  const keyring = new Keyring({ type: 'sr25519' });
  alice = keyring.addFromUri('//Alice');
  node = await new Node('salary', ['--dev', '--dev-block-time', '1000']).start();
  api = await node.api();

  // Four workers register and stake by themselves and form the DHT.
  for (const [i, account] of ['//Bob', '//Charlie', '//Dave', '//Ferdie'].entries()) {
    const dir = tempDir(`salary-worker${i}`);
    workerDirs.push(dir);
    const keys = join(dir, 'keys');
    assert.equal((await run(WORKER_BIN, ['key', 'generate', '--key-dir', keys, '--account', account])).code, 0);
    const bootstrap = workers.length ? ['--bootstrap', workers[0].address] : [];
    workers.push(await new Daemon(WORKER_BIN, ['run', '--key-dir', keys, '--data-dir', dir, '--rpc', node.wsUrl, ...bootstrap],
      join(dir, 'worker.log')).start());
  }

  // Five people, each with an account funded by Alice and a seed only they know.
  for (let i = 0; i < SALARIES.length; i++) {
    const seed = '0x' + randomBytes(32).toString('hex');
    users.push({ seed, pair: keyring.addFromSeed(Buffer.from(seed.slice(2), 'hex')), salary: SALARIES[i] });
  }
  for (const user of users) {
    assert.equal((await submit(api, api.tx.balances.transferKeepAlive(user.pair.address, 1000n * UNIT), alice)).error, null);
  }
});

after(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  await api?.disconnect();
  await node?.destroy();
});

const bootstrap = () => ['--bootstrap', workers[0].address];

test('five salaries: average on chain, each rank to its owner only, no salary in the clear', async () => {
  committee = await enigma(['committee', 'request', '--size', '4', '--suri', '//Alice']);
  contract = await enigma(['contract', 'deploy', CONTRACT, '--suri', '//Alice']);
  // Each person's pseudonym lets Alice (who runs the survey) compute on it, through the salary
  // contract alone; the salary is read from standard input, never from the command line.
  inputs = [];
  for (const user of users) {
    const identity = await enigma(['identity', 'create', '--suri', user.seed, '--member', `${alice.address}=compute`]);
    await enigma(['identity', 'approve', identity, '--suri', '//Alice']);
    user.identity = identity;
    inputs.push(await enigma(['secret', 'share', '--suri', user.seed, '--identity', identity, '--committee', committee,
      '--type', 'u32', '--contract', contract, '--value-file', '-', ...bootstrap()], `${user.salary}\n`));
  }
  const quote = JSON.parse(await enigma(['contract', 'quote', CONTRACT, '--entry', 'survey']));
  assert.ok(BigInt(quote.total) > 0n);

  const task = await enigma(['task', 'submit', '--contract', contract, '--entry', 'survey',
    ...inputs.flatMap((s) => ['--input', s]), '--suri', '//Alice']);
  const average = Math.floor(SALARIES.reduce((a, b) => a + b, 0) / SALARIES.length);
  for (const [i, user] of users.entries()) {
    const result = JSON.parse(await enigma(['task', 'wait', task, '--suri', user.seed, ...bootstrap()]));
    assert.equal(result.status, 'Completed');
    assert.equal(result.public.out0, String(average));
    assert.equal(BigInt(result.gas_used), BigInt(quote.total));
    // Only their own rank: the workers refuse the others' outputs.
    const rank = 1 + SALARIES.filter((s) => s > user.salary).length;
    assert.deepEqual(result.private, { [`out${i + 1}`]: String(rank) });
    assert.equal(result.unreconstructed, undefined, 'the others\' outputs are not reported as failures');
  }
  // Someone outside the survey learns the public average and nothing else.
  const outsider = JSON.parse(await enigma(['task', 'wait', task, '--suri', '//Eve', ...bootstrap()]));
  assert.deepEqual([outsider.private, outsider.unreconstructed], [{}, undefined]);

  // A person gets their own salary back (declassify); Alice, who may only compute on it, not.
  const declassify = (who, extra = []) =>
    run(CLIENT_BIN, ['--rpc', node.wsUrl, 'secret', 'declassify', inputs[0], '--suri', who, ...extra, ...bootstrap()]);
  const own = await declassify(users[0].seed);
  assert.equal(own.code, 0, own.stderr);
  assert.equal(own.stdout.toString().trim(), String(SALARIES[0]));
  const at = own.stderr.toString().match(/declassification requested in block (0x[0-9a-f]{64})/)[1];
  const denied = await declassify('//Alice');
  assert.equal(denied.code, 1);
  assert.match(denied.stderr, /SecretCompute::NoPermission/);
  // The members follow the chain's decision, not the requester's word: Alice pointing at the
  // owner's declassification, or at a block that does not exist, gets no share at all.
  const borrowed = await declassify('//Alice', ['--at', at]);
  assert.equal(borrowed.code, 1);
  assert.match(borrowed.stderr, /0 of 4 members answered/);
  assert.match(borrowed.stderr, /no declassification of 0x[0-9a-f]+ by \w+ in block/);
  const madeUp = await declassify('//Alice', ['--at', '0x' + randomBytes(32).toString('hex')]);
  assert.equal(madeUp.code, 1);
  assert.match(madeUp.stderr, /0 of 4 members answered/);
  assert.match(madeUp.stderr, /the declassification's block is unknown/);
  // The owner may collect again against its own request while it is recent, without a new one.
  const again = await declassify(users[0].seed, ['--at', at]);
  assert.equal(again.code, 0, again.stderr);
  assert.equal(again.stdout.toString().trim(), String(SALARIES[0]));
  assert.doesNotMatch(again.stderr, /declassification requested/);

  // No worker's log or database holds a salary in the clear.
  const filesUnder = (dir) => readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
  for (const file of workerDirs.flatMap(filesUnder)) {
    // A salary as a number of its own: not inside a log timestamp such as 05:01:36.661500Z.
    const text = readFileSync(file).toString('latin1');
    for (const salary of SALARIES) {
      assert.ok(!new RegExp(`(^|[^0-9])${salary}([^0-9]|$)`).test(text), `${file} holds ${salary} in the clear`);
    }
  }
});

test('an adaptive circuit (whitepaper 5.4): four members sum the salaries, three of them compute on the sum and hand a private output back', async () => {
  const file = join(tempDir('census'), 'census.enigma');
  writeFileSync(file, `contract Census {
    pub fn survey(salaries: private [u32; 5] @ each) {
        let mut total: private u64 = 0;
        for i in 0..5 {
            total = total + salaries[i];
        }
        shrink(3);
        let mut brackets: private u64 = 0;
        for k in 1..5 {
            if total > k * 100000 {
                brackets = brackets + 1;
            }
        }
        output(reveal(brackets));
        output(reveal(total / 5));
        output_to(0, total / 1000);
    }
}
`);
  census = await enigma(['contract', 'deploy', file, '--suri', '//Alice']);
  const shared = [];
  censusInputs = shared;
  for (const user of users) {
    shared.push(await enigma(['secret', 'share', '--suri', user.seed, '--identity', user.identity, '--committee', committee,
      '--type', 'u32', '--contract', census, '--value-file', '-', ...bootstrap()], `${user.salary}\n`));
  }
  // Priced as it runs: four members hand over to three, who would otherwise run it whole.
  const quote = JSON.parse(await enigma(['contract', 'quote', file, '--entry', 'survey', '--committee-size', '4']));
  const whole = JSON.parse(await enigma(['contract', 'quote', file, '--entry', 'survey', '--committee-size', '3']));
  assert.notEqual(quote.total, whole.total);
  const task = await enigma(['task', 'submit', '--contract', census, '--entry', 'survey',
    ...shared.flatMap((s) => ['--input', s]), '--suri', '//Alice']);
  const result = JSON.parse(await enigma(['task', 'wait', task, '--suri', '//Alice', ...bootstrap()]));
  assert.equal(result.status, 'Completed');
  const total = SALARIES.reduce((a, b) => a + b, 0);
  assert.equal(result.public.out0, String([1, 2, 3, 4].filter((k) => total > k * 100000).length));
  assert.equal(result.public.out1, String(Math.floor(total / 5)));
  assert.equal(BigInt(result.gas_used), BigInt(quote.total));
  // The private output went back to the whole committee: its owner collects it from the members.
  const own = JSON.parse(await enigma(['task', 'wait', task, '--suri', users[0].seed, ...bootstrap()]));
  assert.deepEqual(own.private, { out2: String(Math.floor(total / 1000)) });
  // Three members stayed, one handed its shares over and left, and all four voted for the result.
  const lines = workerDirs.map((dir) => readFileSync(join(dir, 'worker.log'), 'utf8').split('\n').filter((l) => l.includes(task)));
  const shrank = lines.map((ls) => ls.find((l) => /the run shrinks to 3 of its 4 members/.test(l)) ?? '');
  assert.equal(shrank.filter((l) => l.includes('(this member stays)')).length, 3, shrank.join('\n'));
  assert.equal(shrank.filter((l) => l.includes('(this member hands over and leaves)')).length, 1, shrank.join('\n'));
  for (const ls of lines) {
    assert.ok(ls.some((l) => /result submitted/.test(l)), `every member votes:\n${ls.join('\n')}`);
  }
});

test('a dApp submits the task with polkadot-js and decodes TaskCompleted from the metadata', async () => {
  assert.ok(contract && inputs, 'the previous test deployed the contract and shared the inputs');
  const gasLimit = 10n ** 15n;
  const submitted = await submit(api, api.tx.secretCompute.submitTask(contract, 'survey', inputs, '0x', gasLimit), alice);
  assert.equal(submitted.error, null);
  const { task } = findEvent(submitted.events, 'secretCompute', 'TaskCreated').data;

  const completed = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no TaskCompleted within 120 s')), 120_000);
    api.query.system.events((records) => {
      for (const { event } of records) {
        if (event.section === 'secretCompute' && event.method === 'TaskCompleted' && event.data.task.eq(task)) {
          clearTimeout(timer);
          resolve(event.data);
        }
        if (event.section === 'secretCompute' && event.method === 'TaskFailed' && event.data.task.eq(task)) {
          clearTimeout(timer);
          reject(new Error('TaskFailed'));
        }
      }
    });
  });
  // Public outputs are a SCALE Vec<u128> in the contract's output order.
  const outputs = api.createType('Vec<u128>', completed.outputs.toU8a(true)).map((v) => v.toNumber());
  assert.deepEqual(outputs, [Math.floor(SALARIES.reduce((a, b) => a + b, 0) / SALARIES.length)]);
  assert.ok(completed.gasUsed.toBigInt() > 0n && completed.gasUsed.toBigInt() <= gasLimit);
});

const share = (user, value, contract, type = 'u64') => enigma(['secret', 'share', '--suri', user.seed, '--identity', user.identity,
  '--committee', committee, '--type', type, '--contract', contract, '--value', String(value), ...bootstrap()]);

/** The voting contract with its deadline set to `block`. */
const votingSource = (block) => readFileSync(join(EXAMPLES, 'voting.enigma'), 'utf8')
  .replace(/const DEADLINE: u64 = \d+;/, `const DEADLINE: u64 = ${block};`);

test('a blind vote: the tallies go to the public ledger L, the ballots stay secret', async () => {
  assert.ok(committee && users[0].identity, 'the first test formed the committee and the identities');
  const VOTES = [2, 0, 2, 1, 2];
  // An election whose deadline has passed: the tally opens.
  const now = (await api.rpc.chain.getHeader()).number.toNumber();
  const file = join(tempDir('voting'), 'voting.enigma');
  writeFileSync(file, votingSource(now));
  const voting = await enigma(['contract', 'deploy', file, '--suri', '//Alice']);
  const ballots = [];
  for (const [i, user] of users.entries()) ballots.push(await share(user, VOTES[i], voting, 'u8'));
  const task = await enigma(['task', 'submit', '--contract', voting, '--entry', 'tally',
    ...ballots.flatMap((s) => ['--input', s]), '--suri', '//Alice']);
  const result = JSON.parse(await enigma(['task', 'wait', task]));
  assert.equal(result.status, 'Completed');
  assert.deepEqual(result.public, {});
  assert.deepEqual(result.ledger, { 'L[0]': '1', 'L[1]': '1', 'L[2]': '3' });
  // The chain keeps them as the contract's ledger, with the block that wrote them.
  for (const [candidate, count] of [[0, 1], [1, 1], [2, 3]]) {
    const history = await api.query.secretCompute.ledger(voting, candidate);
    assert.equal(history.length, 1);
    assert.equal(history[0][1].toNumber(), count);
  }
});

test('the tally of an election still open is refused: the clock is the chain\'s', async () => {
  const now = (await api.rpc.chain.getHeader()).number.toNumber();
  const file = join(tempDir('voting-open'), 'voting.enigma');
  writeFileSync(file, votingSource(now + 10_000));
  const voting = await enigma(['contract', 'deploy', file, '--suri', '//Alice']);
  const ballots = [];
  for (const user of users) ballots.push(await share(user, 1, voting, 'u8'));
  // The client refuses before submitting...
  const early = await run(CLIENT_BIN, ['--rpc', node.wsUrl, 'task', 'submit', '--contract', voting, '--entry', 'tally',
    ...ballots.flatMap((s) => ['--input', s]), '--suri', '//Alice']);
  assert.equal(early.code, 1);
  assert.match(early.stderr, /requirement fails/);
  // ...and a dApp that submits anyway gets a failed task, its gas back, and no tally.
  const submitted = await submit(api, api.tx.secretCompute.submitTask(voting, 'tally', ballots, '0x', 10n ** 12n), alice);
  const { task } = findEvent(submitted.events, 'secretCompute', 'TaskCreated').data;
  const wait = await run(CLIENT_BIN, ['--rpc', node.wsUrl, 'task', 'wait', task.toHex()]);
  assert.equal(wait.code, 1);
  assert.match(wait.stderr, /InvalidTask/);
  assert.equal((await api.query.secretCompute.ledger(voting, 0)).length, 0);
});

test('a savings pot stays secret-shared between tasks and only its owner declassifies it', async () => {
  const owner = users[0];
  const depositor = users[1];
  const savings = await enigma(['contract', 'deploy', join(EXAMPLES, 'savings.enigma'), '--suri', '//Alice']);
  // open(250): the deposit becomes the new secret MPC[1], registered to the owner's identity.
  const opened = await enigma(['task', 'submit', '--contract', savings, '--entry', 'open',
    '--input', await share(owner, 250, savings), '--suri', '//Alice']);
  const first = JSON.parse(await enigma(['task', 'wait', opened]));
  assert.deepEqual(first.ledger, { 'L[0]': '1' });
  const pot = first.secrets['MPC[1]'];
  assert.match(pot, /^0x[0-9a-f]{64}$/);
  const registered = (await api.query.secretCompute.secrets(pot)).unwrap();
  assert.equal(registered.owner.toHex(), owner.identity);
  assert.ok(registered.ready.isTrue);
  assert.ok(registered.acks.length >= 3, 'the quorum whose results agreed is on record as holding it');
  // Only the savings contract may compute on the pot, and it is recorded as a u64 stored under MPC[1].
  assert.deepEqual(registered.computePredicate.toJSON(), [{ contracts: [savings] }]);
  assert.deepEqual(registered.kind.toJSON(), { int: { bits: 64 } });
  assert.deepEqual(registered.origin.toJSON(), [savings, 1]);

  // Another person deposits 40: the task computes on the pot without anyone seeing it and
  // replaces it with 290, still the owner's (MPC[1] is the contract's party 0, the deposit party
  // 1). Inputs go in the order the entry point reads them: `amount`, then `MPC[1]`. The deposit
  // is shared as a u32 for the u64 slot: the members widen its bits with zeros (before #17's
  // fix every member refused the run and the task failed).
  const deposited = await enigma(['task', 'submit', '--contract', savings, '--entry', 'deposit',
    '--input', await share(depositor, 40, savings, 'u32'), '--input', pot, '--suri', '//Alice']);
  const second = JSON.parse(await enigma(['task', 'wait', deposited]));
  assert.equal(second.status, 'Completed');
  assert.deepEqual(second.public, { out2: '0' }, '40 is not a deposit of 100 or more');
  assert.deepEqual(second.ledger, { 'L[0]': '2' }, 'L.get read the count the first task wrote');
  const newPot = second.secrets['MPC[1]'];
  assert.notEqual(newPot, pot);
  assert.equal((await api.query.secretCompute.secrets(newPot)).unwrap().owner.toHex(), owner.identity, 'the depositor did not become its owner');
  assert.equal(await enigma(['secret', 'declassify', newPot, '--suri', owner.seed, ...bootstrap()]), '290');
  assert.equal(await enigma(['secret', 'declassify', pot, '--suri', owner.seed, ...bootstrap()]), '250');
  const denied = await run(CLIENT_BIN, ['--rpc', node.wsUrl, 'secret', 'declassify', newPot, '--suri', depositor.seed, ...bootstrap()]);
  assert.equal(denied.code, 1);
  assert.match(denied.stderr, /SecretCompute::NoPermission/);
});

test('a 2-of-3 declassification: the chain counts the co-signer, the members follow the chain, the consent is used once', async () => {
  assert.ok(committee && contract, 'the first test formed the committee and deployed the contract');
  const [holder, second, third] = users.slice(2).map((u) => u.pair);
  // A family identity: the holder stores and computes alone, but declassifies only with one of
  // the other two.
  const anyTwo = { Threshold: { k: 2, keys: [holder.address, second.address, third.address] } };
  const members = [
    [holder.address, [{ permissions: ['Read', 'Store', 'Compute', 'Admin'], predicate: ['Always'] },
      { permissions: ['Declassify'], predicate: [anyTwo] }]],
    [second.address, [{ permissions: ['Read'], predicate: ['Member'] }]],
    [third.address, [{ permissions: ['Read'], predicate: ['Member'] }]],
  ];
  const proposed = await submit(api, api.tx.sharedIdentity.create(members), holder);
  assert.equal(proposed.error, null);
  const family = findEvent(proposed.events, 'sharedIdentity', 'Proposed').data.identity.toHex();
  const { proposal } = (await api.call.sharedIdentityApi.identity(family)).unwrap();
  for (const member of [second, third]) {
    assert.equal((await submit(api, api.tx.sharedIdentity.approve(family, proposal), member)).error, null);
  }
  const holderSeed = users[2].seed;
  const secret = await enigma(['secret', 'share', '--suri', holderSeed, '--identity', family, '--committee', committee,
    '--type', 'u64', '--contract', contract, '--value', '777', ...bootstrap()]);
  const declassify = () => run(CLIENT_BIN, ['--rpc', node.wsUrl, 'secret', 'declassify', secret, '--suri', holderSeed, ...bootstrap()]);

  // Alone, the holder is refused by the chain, and so gets nothing from the members.
  const alone = await declassify();
  assert.equal(alone.code, 1);
  assert.match(alone.stderr, /SecretCompute::NoPermission/);
  // The second member consents to this very request (the holder's declassification of this
  // secret); the chain takes it and the members hand out their shares against it.
  const request = await api.call.secretComputeApi.declassifyRequest(holder.address, secret);
  assert.equal((await submit(api, api.tx.sharedIdentity.cosign(family, request), second)).error, null);
  const together = await declassify();
  assert.equal(together.code, 0, together.stderr);
  assert.equal(together.stdout.toString().trim(), '777');
  // The consent was used up: the next declassification needs a new one.
  const reused = await declassify();
  assert.equal(reused.code, 1);
  assert.match(reused.stderr, /SecretCompute::NoPermission/);
});

test('a task completes across a restart of the node: the node stops as soon as the task is submitted, and the members finish once it is back', async () => {
  assert.ok(census && censusInputs?.length, 'the census test deployed its contract and shared its inputs');
  const stakes = async () => Promise.all(['//Bob', '//Charlie', '//Dave', '//Ferdie'].map(async (uri) =>
    (await api.query.workers.workers(new Keyring({ type: 'sr25519' }).addFromUri(uri).address)).unwrap().stake.toBigInt()));
  const before = await stakes();
  // Time for the runs after members wait for one another (the default deadline leaves them a
  // couple of blocks to catch up, and the runs theirs).
  assert.equal((await submit(api, api.tx.sudo.sudo(api.tx.parameters.setParameter({ Workers: { TaskDeadline: [null, 40] } })), alice)).error, null);
  const task = await enigma(['task', 'submit', '--contract', census, '--entry', 'survey',
    ...censusInputs.flatMap((s) => ['--input', s]), '--suri', '//Alice']);
  await api.disconnect();
  await node.stop();
  // Down for longer than a run waits for a silent member: members caught reading the task's
  // inputs prepare it only once the node is back, and the others wait for them (they would
  // otherwise run without them, short of a majority, and the task would fail).
  await new Promise((resolve) => setTimeout(resolve, 12000));
  await node.start();
  api = await node.api();
  const result = JSON.parse(await enigma(['task', 'wait', task, '--suri', '//Alice', ...bootstrap()]));
  assert.equal(result.status, 'Completed');
  assert.equal(result.public.out1, String(Math.floor(SALARIES.reduce((a, b) => a + b, 0) / SALARIES.length)));
  assert.deepEqual(await stakes(), before, 'nobody is slashed for its node\'s restart');
});
