// Soak test (issue #19): every example contract, submitted through the `enigma` CLI to a dev
// chain with four workers, round after round with fresh random inputs; every task must complete
// with the result computed here in the clear. Nobody misbehaves, so a single abort is a bug.
// The sealed-bid auction runs exactly as a new user runs it from the user guide: four bidders
// (//Ferdie, //Alice//stash, //Bob//stash, //Charlie//stash) each create an identity granting
// //Alice compute and share their bid with a committee of four; //Alice deploys the contract and
// submits `sealed_bid`.
//
// SOAK_ROUNDS sets the number of rounds (scripts/test.sh: 2; `scripts/soak.sh 50` for the long
// run, whose figures are in docs/benchmarks.md). The summary is printed as one JSON line.
//
// Then an abort no member can attribute: a task whose inputs do not fit its entry point. Every
// member gives up on it, the task fails at once, the requester is refunded, and every worker's
// stake and status stay as they were.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFileSync, writeFileSync } from 'node:fs';
import { randomInt } from 'node:crypto';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { Node, tempDir } from '../lib/node.js';
import { submit, findEvent, heldFor } from '../lib/tx.js';
import { Daemon, run, WORKER_BIN, CLIENT_BIN } from '../lib/process.js';

const EXAMPLES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'examples', 'contracts');
const ROUNDS = Number(process.env.SOAK_ROUNDS ?? 2);
const WORKER_ACCOUNTS = ['//Bob', '//Charlie', '//Dave', '//Eve'];
// Party i of every contract is USERS[i]; the first four are the auction's bidders.
const USERS = ['//Ferdie', '//Alice//stash', '//Bob//stash', '//Charlie//stash', '//Dave//stash'];

let node, api, alice, workers = [];
let committee, contracts = {}, identities = [];

const enigma = async (args, input) => {
  const r = await run(CLIENT_BIN, ['--rpc', node.wsUrl, ...args], input);
  if (r.code !== 0) throw new Error(`enigma ${args.slice(0, 3).join(' ')}: ${r.stderr.trim().split('\n').pop()}`);
  return r.stdout.toString().trim();
};
const bootstrap = () => ['--bootstrap', workers[0].address];

before(async () => {
  assert.ok(WORKER_BIN && CLIENT_BIN, 'ENIGMA_WORKER and ENIGMA_CLIENT must be set (scripts/test.sh sets them)');
  await cryptoWaitReady();
  alice = new Keyring({ type: 'sr25519' }).addFromUri('//Alice');
  node = await new Node('soak', ['--dev', '--dev-block-time', '1000']).start();
  api = await node.api();
  for (const [i, account] of WORKER_ACCOUNTS.entries()) {
    const dir = tempDir(`soak-worker${i}`);
    const keys = join(dir, 'keys');
    assert.equal((await run(WORKER_BIN, ['key', 'generate', '--key-dir', keys, '--account', account])).code, 0);
    const peers = workers.length ? ['--bootstrap', workers[0].address] : [];
    workers.push(await new Daemon(WORKER_BIN, ['run', '--key-dir', keys, '--data-dir', dir, '--rpc', node.wsUrl, ...peers],
      join(dir, 'worker.log')).start());
  }
  // The dev chain seals a block per transaction, so under the soak's load (nine tasks at once
  // on two cores) twenty blocks pass in seconds: governance gives tasks 200 blocks here.
  assert.equal((await submit(api, api.tx.sudo.sudo(api.tx.parameters.setParameter({ Workers: { TaskDeadline: [null, 200] } })), alice)).error, null);
  // As in the user guide: a committee of four, one identity per person granting //Alice compute.
  committee = await enigma(['committee', 'request', '--size', '4', '--suri', '//Alice']);
  for (const user of USERS) {
    const identity = await enigma(['identity', 'create', '--suri', user, '--member', `${alice.address}=compute`]);
    await enigma(['identity', 'approve', identity, '--suri', '//Alice']);
    identities.push(identity);
  }
  for (const name of ['auction', 'salary', 'millionaires', 'marketplace', 'auth', 'savings']) {
    contracts[name] = await enigma(['contract', 'deploy', join(EXAMPLES, `${name}.enigma`), '--suri', '//Alice']);
  }
  // An election whose deadline (block 0) has passed.
  const voting = join(tempDir('soak-voting'), 'voting.enigma');
  writeFileSync(voting, readFileSync(join(EXAMPLES, 'voting.enigma'), 'utf8').replace(/const DEADLINE: u64 = \d+;/, 'const DEADLINE: u64 = 0;'));
  contracts.voting = await enigma(['contract', 'deploy', voting, '--suri', '//Alice']);
});

after(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  await api?.disconnect();
  await node?.destroy();
});

/**
 * Each person shares the listed `[value, type]` pairs, one call per type, for the example
 * contracts only (people in parallel); returns their secret ids, in the order given.
 */
async function shareAll(values) {
  const allowed = Object.values(contracts).flatMap((c) => ['--contract', c]);
  return Promise.all(values.map(async (list, person) => {
    const ids = new Array(list.length);
    for (const type of [...new Set(list.map(([, t]) => t))]) {
      const at = list.map(([, t], i) => (t === type ? i : -1)).filter((i) => i >= 0);
      const got = (await enigma(['secret', 'share', '--suri', USERS[person], '--identity', identities[person], '--committee', committee,
        '--type', type, ...allowed, '--value-file', '-', ...bootstrap()], at.map((i) => `${list[i][0]}\n`).join(''))).split('\n');
      at.forEach((i, k) => { ids[i] = got[k]; });
    }
    return ids;
  }));
}

const firstMax = (xs) => xs.reduce((best, x, i) => (x > xs[best] ? i : best), 0);

/** One round's inputs for every example, the expected outputs computed in the clear. */
function freshRound() {
  const bids = Array.from({ length: 4 }, () => randomInt(0, 2 ** 32));
  const salaries = Array.from({ length: 5 }, () => randomInt(20_000, 200_000));
  const [rich1, rich2] = [randomInt(0, 2 ** 40), randomInt(0, 2 ** 40)];
  const votes = Array.from({ length: 5 }, () => randomInt(0, 3));
  const ages = Array.from({ length: 4 }, () => randomInt(18, 90));
  const incomes = Array.from({ length: 4 }, () => randomInt(0, 2 ** 24));
  const minAge = randomInt(18, 90);
  const template = Array.from({ length: 4 }, () => randomInt(0, 256));
  const probe = template.map((x) => Math.min(255, Math.max(0, x + randomInt(-4, 5))));
  const threshold = randomInt(0, 40);
  const [first, deposit] = [randomInt(0, 2 ** 32), randomInt(0, 200)];
  const counts = [0, 1, 2].map((c) => votes.filter((v) => v === c).length);
  const matching = ages.map((a, i) => (a >= minAge ? i : -1)).filter((i) => i >= 0);
  return {
    bids, salaries, rich: [rich1, rich2], votes, ages, incomes, minAge, template, probe, threshold, first, deposit,
    expect: {
      auction: { out0: String(firstMax(bids)), out1: String(Math.max(...bids)) },
      salary: { out0: String(Math.floor(salaries.reduce((a, b) => a + b, 0) / 5)) },
      rank0: String(1 + salaries.filter((s) => s > salaries[0]).length),
      millionaires: { out0: String(Number(rich1 > rich2)) },
      tally: Object.fromEntries(counts.map((n, c) => [`L[${c}]`, String(n)])),
      winner: { out0: String(firstMax(counts)) },
      market: { out0: String(matching.length), out1: String(matching.reduce((s, i) => s + incomes[i], 0)) },
      auth: { out0: String(Number(template.reduce((d, t, i) => d + (t - probe[i]) ** 2, 0) <= threshold)) },
      savings: String(first + deposit),
    },
  };
}

test(`soak: every example contract, ${ROUNDS} round(s) with fresh inputs, no aborts`, { timeout: 3_600_000 }, async () => {
  const started = Date.now();
  const tally = { rounds: ROUNDS, tasks: 0, completed: 0, aborted: 0, wrong: 0, failures: [] };
  for (let round = 0; round < ROUNDS; round++) {
    const r = freshRound();
    // Person p's values with their types, in the order used below.
    const values = USERS.map((_, p) => [
      ...(p < 4 ? [[r.bids[p], 'u32'], [r.ages[p], 'u8'], [r.incomes[p], 'u32']] : [[r.minAge, 'u8']]),
      [r.salaries[p], 'u32'], [r.votes[p], 'u8'],
      ...(p === 0 ? [[r.rich[0], 'u64'], ...r.template.map((v) => [v, 'u8']), [r.first, 'u64'], [r.deposit, 'u64']] : []),
      ...(p === 1 ? [[r.rich[1], 'u64'], ...r.probe.map((v) => [v, 'u8'])] : []),
    ]);
    const ids = await shareAll(values);
    const bid = (p) => ids[p][0];
    const age = (p) => ids[p][1];
    const income = (p) => ids[p][2];
    const base = (p) => (p < 4 ? 3 : 1);
    const salary = (p) => ids[p][base(p)];
    const vote = (p) => ids[p][base(p) + 1];
    const [rich0, template, first, deposit] = [ids[0][5], ids[0].slice(6, 10), ids[0][10], ids[0][11]];
    const [rich1, probe] = [ids[1][5], ids[1].slice(6, 10)];
    const people = [0, 1, 2, 3, 4];
    const jobs = [
      ['auction', 'sealed_bid', [0, 1, 2, 3].map(bid), null, r.expect.auction],
      ['salary', 'survey', people.map(salary), null, r.expect.salary, 0, { out1: r.expect.rank0 }],
      ['millionaires', 'richer', [rich0, rich1], null, r.expect.millionaires],
      ['voting', 'tally', people.map(vote), null, null, null, null, r.expect.tally],
      ['voting', 'winner', people.map(vote), null, r.expect.winner],
      ['marketplace', 'query', [...[0, 1, 2, 3].map(age), ...[0, 1, 2, 3].map(income), ids[4][0]], null, {}, 4, r.expect.market],
      ['auth', 'matches', [...template, ...probe], JSON.stringify({ threshold: r.threshold }), {}, 1, { out0: r.expect.auth.out0 }],
      ['savings', 'open', [first], null, {}],
    ];
    const submitted = [];
    for (const [contract, entry, inputs, args] of jobs) {
      submitted.push(await enigma(['task', 'submit', '--contract', contracts[contract], '--entry', entry,
        ...inputs.flatMap((s) => ['--input', s]), ...(args ? ['--args', args] : []), '--suri', '//Alice']));
    }
    const outcome = async (task, [contract, entry, , , pub, reader, priv, ledger]) => {
      tally.tasks++;
      let result;
      try {
        const who = reader === undefined || reader === null ? [] : ['--suri', USERS[reader], ...bootstrap()];
        result = JSON.parse(await enigma(['task', 'wait', task, '--timeout', '300', ...who]));
      } catch (e) {
        tally.aborted++;
        tally.failures.push(`round ${round} ${contract}::${entry}: ${e.message}`);
        return null;
      }
      tally.completed++;
      const ok = (!pub || JSON.stringify(result.public) === JSON.stringify(pub)) &&
        (!priv || JSON.stringify(result.private) === JSON.stringify(priv)) &&
        (!ledger || JSON.stringify(result.ledger) === JSON.stringify(ledger));
      if (!ok) {
        tally.wrong++;
        tally.failures.push(`round ${round} ${contract}::${entry}: got ${JSON.stringify(result)}`);
      }
      return result;
    };
    const results = await Promise.all(submitted.map((task, i) => outcome(task, jobs[i])));
    // The pot from `open` takes a deposit in a second task, and only its owner declassifies it.
    const pot = results[jobs.length - 1]?.secrets?.['MPC[1]'];
    if (pot) {
      const task = await enigma(['task', 'submit', '--contract', contracts.savings, '--entry', 'deposit',
        '--input', deposit, '--input', pot, '--suri', '//Alice']);
      const done = await outcome(task, ['savings', 'deposit', , , { out2: String(Number(r.deposit >= 100)) }]);
      const newPot = done?.secrets?.['MPC[1]'];
      if (newPot && await enigma(['secret', 'declassify', newPot, '--suri', USERS[0], ...bootstrap()]) !== r.expect.savings) {
        tally.wrong++;
        tally.failures.push(`round ${round} savings: the pot does not declassify to ${r.expect.savings}`);
      }
    }
  }
  const seconds = Math.round((Date.now() - started) / 1000);
  console.log(JSON.stringify({ soak: { ...tally, failures: tally.failures.length, seconds } }));
  assert.deepEqual(tally.failures, []);
  assert.equal(tally.aborted, 0);
  assert.equal(tally.completed, tally.tasks);
});

test('a task no member can run fails at once: refunded, and no worker loses stake or status', async () => {
  const before = new Map();
  for (const account of WORKER_ACCOUNTS) {
    const address = new Keyring({ type: 'sr25519' }).addFromUri(account).address;
    before.set(address, (await api.query.workers.workers(address)).unwrap().toJSON());
  }
  // One bid for a four-bidder auction: the members cannot run it and say so.
  const [[bid]] = await shareAll([[[500, 'u32']]]);
  const free = (await api.query.system.account(alice.address)).data.free.toBigInt();
  const submitted = await submit(api, api.tx.secretCompute.submitTask(contracts.auction, 'sealed_bid', [bid], '0x', 10n ** 13n), alice);
  assert.equal(submitted.error, null);
  const { task } = findEvent(submitted.events, 'secretCompute', 'TaskCreated').data;
  const wait = await run(CLIENT_BIN, ['--rpc', node.wsUrl, 'task', 'wait', task.toHex(), '--timeout', '120']);
  assert.equal(wait.code, 1);
  assert.match(wait.stderr, /members gave up on it .*InvalidTask/);
  const info = (await api.query.secretCompute.tasks(task)).unwrap();
  assert.equal(info.status.type, 'Failed');
  // Long before the deadline: the aborts ended it.
  const now = (await api.rpc.chain.getHeader()).number.toNumber();
  assert.ok(now < info.deadline.toNumber(), `failed at #${now}, deadline #${info.deadline}`);
  // Only the transaction fee left Alice's balance; the gas hold came back.
  // The gas came back; only the transaction fee left, and the task's deposit stays held until
  // its records are pruned.
  const after = (await api.query.system.account(alice.address)).data;
  assert.equal(await heldFor(api, alice.address, { SecretCompute: 'TaskGas' }), 0n);
  const deposit = info.deposit.toBigInt();
  assert.ok(deposit > 0n);
  assert.ok(free - after.free.toBigInt() - deposit < 10n ** 11n, 'the gas limit was refunded');
  for (const [address, was] of before) {
    const now = (await api.query.workers.workers(address)).unwrap().toJSON();
    // (It holds one more share: the bid's.)
    assert.deepEqual({ ...now, activeTasks: 0, secrets: 0 }, { ...was, activeTasks: 0, secrets: 0 }, `${address} is as it was`);
    assert.equal(now.activeTasks, 0);
  }
});
