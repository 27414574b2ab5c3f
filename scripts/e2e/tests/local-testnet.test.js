// The four-validator local testnet (Aura + GRANDPA) on loopback: finality, fault tolerance
// with one validator down, and catch-up of a restarted validator; the client checking what its
// RPC node says against the validators' signatures, across validator set changes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Node, freePort, peerIdOf, tempDir, waitUntil } from '../lib/node.js';
import { run, startWorkers, gatewayOf, CLIENT_BIN } from '../lib/process.js';
import { lyingProxy } from '../lib/proxy.js';
import { ApiPromise, WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { Enigma } from '../../../sdk/dist/index.js';

// The network starts from the committed raw chain spec, as a real deployment would.
const SPEC = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'chain-specs', 'local-testnet.raw.json');

// Fixed libp2p keys: validators need one, and Alice's peer id must be known to boot from her.
const nodeKey = (i) => (i + 1).toString(16).padStart(64, '0');
const ALICE_NODE_KEY = nodeKey(0);
let nodes = [];
let apis = [];

/**
 * `SecretComputeApi_task`'s answer (SCALE: Option<TaskView>, hex) with its status set to
 * `status` (0 Pending, 1 Completed, 2 Failed). Lengths are compact; a test task's are below 64.
 */
const withTaskStatus = (hex, status) => {
  const bytes = Buffer.from(hex.slice(2), 'hex');
  let at = 1 + 32 + 32; // Some, requester, contract
  const skip = (itemSize) => {
    assert.equal(bytes[at] & 3, 0, 'a one-byte compact length');
    at += 1 + (bytes[at] >> 2) * itemSize;
  };
  skip(1); // entry
  skip(32); // inputs
  skip(1); // public_args
  at += 4; // committee
  skip(32); // members
  at += 16 + 4 + 4; // gas_limit, created, deadline
  assert.ok(bytes[at] <= 2, `a task status at byte ${at}`);
  bytes[at] = status;
  return '0x' + bytes.toString('hex');
};

const finalizedNumber = async (api) =>
  (await api.rpc.chain.getHeader(await api.rpc.chain.getFinalizedHead())).number.toNumber();
const bestNumber = async (api) => (await api.rpc.chain.getHeader()).number.toNumber();

before(async () => {
  const aliceP2p = await freePort();
  const bootnode = `/ip4/127.0.0.1/tcp/${aliceP2p}/p2p/${peerIdOf(ALICE_NODE_KEY)}`;
  nodes = ['alice', 'bob', 'charlie', 'dave'].map((who, i) =>
    who === 'alice'
      ? new Node(who, ['--chain', SPEC, '--alice'], { p2pPort: aliceP2p, nodeKey: ALICE_NODE_KEY })
      : new Node(who, ['--chain', SPEC, `--${who}`, '--bootnodes', bootnode], { nodeKey: nodeKey(i) }),
  );
  await Promise.all(nodes.map((n) => n.start()));
  apis = await Promise.all(nodes.map((n) => n.api()));
});

let workers = [];
const WORKER_SEEDS = ['//Ferdie', '//Bob', '//Charlie', '//Dave'];
/** The workers' HTTP gateways by account, for the SDK. */
const gateways = {};

after(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  await Promise.all(apis.map((a) => a.disconnect().catch(() => {})));
  await Promise.all(nodes.map((n) => n.destroy()));
});

test('all four validators are connected and blocks finalize', async () => {
  await waitUntil('every node sees 3 peers', async () => {
    const peers = await Promise.all(apis.map(async (a) => (await a.rpc.system.health()).peers.toNumber()));
    return peers.every((p) => p === 3);
  }, { timeoutMs: 60_000 });
  await waitUntil('block 3 finalized on every node', async () =>
    (await Promise.all(apis.map(finalizedNumber))).every((n) => n >= 3), { timeoutMs: 90_000 });
  const authorities = await apis[0].query.aura.authorities();
  assert.equal(authorities.length, 4);
});

// The client's validator checkpoints, and the committee it reads (set by the next test).
const checkpoints = tempDir('checkpoints');
let committeeId;
/** `enigma committee show` through `rpc`, checking the node's answers unless `--trust-rpc` is in `extra`. */
const showCommittee = (rpc, extra = []) =>
  run(CLIENT_BIN, ['--rpc', rpc, '--checkpoints', checkpoints, ...extra, 'committee', 'show', String(committeeId)], undefined, { ENIGMA_TRUST_RPC: '0' });

test('the client believes the validators, not its RPC node: committees and worker keys come with proofs', async () => {
  assert.ok(CLIENT_BIN, 'ENIGMA_CLIENT must be set (scripts/test.sh sets it)');
  const api = apis[0];
  // Four workers start, register and stake by themselves, and a committee of four is drawn.
  workers = await startWorkers(nodes[0], WORKER_SEEDS, 'testnet', () => ['--http-gateway', '127.0.0.1:0']);
  await cryptoWaitReady();
  const keyring = new Keyring({ type: 'sr25519' });
  for (const [i, seed] of WORKER_SEEDS.entries()) gateways[keyring.addFromUri(seed).address] = await gatewayOf(workers[i]);
  await waitUntil('four workers registered', async () => (await api.query.workers.activeWorkers()).length >= 4,
    { timeoutMs: 120_000 });
  const keys = new Map();
  for (const address of (await api.query.workers.activeWorkers()).map(String)) {
    keys.set(address, (await api.query.workers.workers(address)).unwrap().encryptionKey.toHex());
  }
  const requested = await run(CLIENT_BIN, ['--rpc', nodes[0].wsUrl, 'committee', 'request', '--size', '4', '--suri', '//Alice']);
  assert.equal(requested.code, 0, requested.stderr);
  committeeId = Number(requested.stdout.toString().trim());

  // First use: the validator set is pinned; the members and their keys are read with
  // storage proofs from a block the validators justified.
  const honest = await showCommittee(nodes[0].wsUrl);
  assert.equal(honest.code, 0, honest.stderr);
  assert.match(honest.stderr, /trusting on first use, pinned in .*: chain 0x[0-9a-f]{64}, validator set #0 from block #\d+: (\w+ \(weight 1\)(, )?){4}/);
  assert.match(honest.stderr, /proven against block #\d+ 0x[0-9a-f]{64}, justified by the validators/);
  const listed = honest.stdout.toString().trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(listed.length, 4);
  for (const member of listed) assert.equal(member.x25519, keys.get(member.account));

  // A node that swaps a member's key for its own everywhere it appears (in the storage proof
  // too) would receive that member's shares: the client refuses it.
  const victim = listed[0].x25519.slice(2);
  const attacker = 'ab'.repeat(32);
  const swapper = await lyingProxy(nodes[0].wsUrl, (text) => text.replaceAll(victim, attacker));
  const refused = await showCommittee(swapper.url);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /not to be trusted: it sent a storage proof that does not match block #\d+'s state root/);
  // A client told to trust its node takes the swapped key: the attack the proofs stop.
  const fooled = await showCommittee(swapper.url, ['--trust-rpc']);
  assert.equal(fooled.code, 0, fooled.stderr);
  assert.ok(fooled.stdout.toString().includes('0x' + attacker));
  await swapper.close();

  // A node that forges the validators' justifications: every signature changed, or the
  // commit passed off as one for another block (a byte of its target changed: the signatures
  // cover the real one).
  const flip = (hex, at) => hex.slice(0, at) + (hex[at] === '0' ? '1' : '0') + hex.slice(at + 1);
  const forgeries = {
    signatures: (hex) => {
      // '0x', round (8 bytes), target (32 + 4), the precommits' count (one compact byte), then
      // each precommit: its target (36), its signature (64), its signer (32).
      const count = parseInt(hex.slice(2 + 2 * 44, 2 + 2 * 45), 16) >> 2;
      for (let i = 0; i < count; i++) hex = flip(hex, 2 + 2 * (45 + 132 * i + 36));
      return hex;
    },
    target: (hex) => flip(hex, 2 + 2 * 8 + 4),
  };
  for (const [what, forge] of Object.entries(forgeries)) {
    const forger = await lyingProxy(nodes[0].wsUrl, (text) => {
      const message = JSON.parse(text);
      if (message.method !== 'grandpa_justifications') return text;
      message.params.result = forge(message.params.result);
      return JSON.stringify(message);
    });
    const forged = await showCommittee(forger.url);
    assert.equal(forged.code, 1, what);
    assert.match(forged.stderr, /not to be trusted: it sent a justification that does not hold for validator set #\d+: validators with 0 of the set's weight 4 signed it, 3 needed/, what);
    await forger.close();
  }

  // A node that claims another chain, to have its own validators pinned on "first use", is
  // refused: this chain is pinned already.
  const genesis = (await api.rpc.chain.getBlockHash(0)).toHex().slice(2);
  const impostor = await lyingProxy(nodes[0].wsUrl, (text) => text.replaceAll(genesis, 'cd'.repeat(32)));
  const claimed = await showCommittee(impostor.url);
  assert.equal(claimed.code, 1);
  assert.match(claimed.stderr, new RegExp(`the node serves chain 0x${'cd'.repeat(32)}, which no checkpoint in .* pins \\(pinned: 0x${genesis}\\): if you mean to use another chain, pass --new-chain`));
  // Nor does the client sign for it: a transaction names its chain by the genesis the node
  // reports, and one signed for the impostor's would be valid on that other chain.
  const signed = await run(CLIENT_BIN, ['--rpc', impostor.url, '--checkpoints', checkpoints, 'identity', 'create', '--suri', '//Ferdie'],
    undefined, { ENIGMA_TRUST_RPC: '0' });
  assert.equal(signed.code, 1);
  assert.match(signed.stderr, new RegExp(`the node serves chain 0x${'cd'.repeat(32)}, which no checkpoint in .* pins`));
  await impostor.close();
});

test('the client pins from the chain spec, trusting no node on first use', async () => {
  assert.ok(committeeId !== undefined, 'the last test drew a committee');
  const fromSpec = (rpc, dir) => run(CLIENT_BIN, ['--rpc', rpc, '--checkpoints', dir, '--chain-spec', SPEC,
    'committee', 'show', String(committeeId)], undefined, { ENIGMA_TRUST_RPC: '0' });
  // The genesis computed from the spec's genesis state is the node's block 0: it pins at once.
  const pinned = await fromSpec(nodes[0].wsUrl, tempDir('spec-pin'));
  assert.equal(pinned.code, 0, pinned.stderr);
  assert.match(pinned.stderr, /pinned from the chain spec in .*: chain 0x[0-9a-f]{64}, validator set #0 from block #0: (\w+ \(weight 1\)(, )?){4}/);
  assert.doesNotMatch(pinned.stderr, /trusting on first use/);
  assert.equal(pinned.stdout.toString().trim().split('\n').length, 4);
  // A node that claims another chain is refused even with no checkpoint yet.
  const genesis = (await apis[0].rpc.chain.getBlockHash(0)).toHex().slice(2);
  const impostor = await lyingProxy(nodes[0].wsUrl, (text) => text.replaceAll(genesis, 'cd'.repeat(32)));
  const refused = await fromSpec(impostor.url, tempDir('spec-pin'));
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, new RegExp(`the node serves chain 0x${'cd'.repeat(32)}, not the chain spec's 0x${genesis}`));
  await impostor.close();
});

test('the whole flow through a checking client: shares sealed to proven keys, a proven result, a proven record declassified', async () => {
  assert.ok(committeeId !== undefined, 'the last test drew a committee');
  const enigma = async (args, input) => {
    const r = await run(CLIENT_BIN, ['--rpc', nodes[0].wsUrl, '--checkpoints', checkpoints, ...args], input, { ENIGMA_TRUST_RPC: '0' });
    assert.equal(r.code, 0, `enigma ${args.join(' ')}: ${r.stderr}`);
    assert.doesNotMatch(r.stderr, /trusting on first use/, 'the chain was pinned by the last test');
    return r.stdout.toString().trim();
  };
  const bootstrap = ['--bootstrap', workers[0].address];
  const identity = await enigma(['identity', 'create', '--suri', '//Alice']);
  const millionaires = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'examples', 'contracts', 'millionaires.enigma');
  const contract = await enigma(['contract', 'deploy', millionaires, '--suri', '//Alice']);
  const share = (value) => enigma(['secret', 'share', '--suri', '//Alice', '--identity', identity, '--committee', String(committeeId),
    '--type', 'u64', '--contract', contract, '--value', String(value), ...bootstrap]);
  const [alice, bob] = [await share(5_000_000), await share(7_000_000)];
  const task = await enigma(['task', 'submit', '--contract', contract, '--entry', 'richer', '--input', alice, '--input', bob, '--suri', '//Alice']);
  const result = JSON.parse(await enigma(['task', 'wait', task, '--timeout', '240']));
  assert.equal(result.status, 'Completed');
  assert.deepEqual(result.public, { out0: '0' });
  // The task's record as the chain holds it, proven (not the node's runtime call).
  const shown = JSON.parse(await enigma(['task', 'show', task]));
  assert.deepEqual([shown.status, shown.contract, shown.committee, shown.security], ['Completed', contract, committeeId, 'honest_majority']);

  // A node that says the completed task failed (in the runtime call the client polls with):
  // the client re-reads the record, proven, and refuses the node instead of reporting a
  // failure (a requester told so would submit, and pay for, the task again).
  const liar = await lyingProxy(nodes[0].wsUrl, (text, request) => {
    if (request?.method !== 'state_call' || request.params[0] !== 'SecretComputeApi_task') return text;
    const message = JSON.parse(text);
    message.result = withTaskStatus(message.result, 2);
    return JSON.stringify(message);
  });
  const lied = await run(CLIENT_BIN, ['--rpc', liar.url, '--checkpoints', checkpoints, 'task', 'wait', task, '--timeout', '60'],
    undefined, { ENIGMA_TRUST_RPC: '0' });
  await liar.close();
  assert.equal(lied.code, 1, lied.stderr);
  assert.match(lied.stderr, new RegExp(`the RPC node is not to be trusted: it said task ${task} failed, the chain says Completed`));
  assert.equal(await enigma(['secret', 'declassify', alice, '--suri', '//Alice', ...bootstrap]), '5000000');
});

test('the SDK over a light client trusts no RPC node: it reads the keys the validators finalized, shares and declassifies', async () => {
  assert.ok(committeeId !== undefined, 'the second test drew a committee');
  const shown = await showCommittee(nodes[0].wsUrl);
  assert.equal(shown.code, 0, shown.stderr);
  const proven = new Map(shown.stdout.toString().trim().split('\n').map((l) => JSON.parse(l)).map((m) => [m.account, m.x25519]));

  // Over a plain RPC node the SDK believes the node: one that swaps a member's key for its own
  // gets that member's shares sealed to it (what the light client is for).
  const victim = [...proven.values()][0].slice(2);
  const swapper = await lyingProxy(nodes[0].wsUrl, (text) => text.replaceAll(victim, 'ab'.repeat(32)));
  const fooledApi = await ApiPromise.create({ provider: new WsProvider(swapper.url), noInitWarn: true });
  const fooled = await Enigma.create({ api: fooledApi, gateways });
  assert.ok((await fooled.members(committeeId)).some((m) => m.encryptionKey === '0x' + 'ab'.repeat(32)));
  await fooledApi.disconnect();
  await swapper.close();

  // Over smoldot, given only the chain spec the validators run and their p2p addresses: no RPC
  // node. (In a process of its own: smoldot's timers outlive it for minutes.)
  const bootNodes = nodes.map((n, i) => `/ip4/127.0.0.1/tcp/${n.p2pPort}/p2p/${peerIdOf(nodeKey(i))}`);
  const light = await run(process.execPath, [join(dirname(fileURLToPath(import.meta.url)), '..', 'lib', 'light-sdk.mjs')],
    JSON.stringify({ spec: SPEC, bootNodes, gateways, committee: committeeId, seed: '//Eve', value: '31337000' }));
  assert.equal(light.code, 0, light.stderr);
  const { members, declassified, database, finalized, membersAgain, finalizedAgain } = JSON.parse(light.stdout.toString());
  assert.equal(members.length, 4);
  for (const m of members) assert.equal(m.encryptionKey, proven.get(m.address), 'the key the CLI proved');
  // Eve (Alice's own identity exists already) shared 31,337,000 and declassified it.
  assert.equal(declassified, '31337000');
  // A light client started from the first one's saved database reads the same keys, at a
  // finalized head no older than the one it was saved at.
  assert.ok(database > 0, 'a database was saved');
  assert.deepEqual(membersAgain, members);
  assert.ok(finalizedAgain >= finalized, `resumed at #${finalizedAgain}, saved at #${finalized}`);
});

test('finality continues with one of four validators killed, and it catches up after a restart', async () => {
  const dave = nodes[3];
  await apis[3].disconnect();
  await dave.kill();
  const atKill = await finalizedNumber(apis[0]);

  // Three of four validators are more than two thirds: GRANDPA keeps finalizing.
  await waitUntil(`finality past ${atKill + 3} without Dave`, async () =>
    (await finalizedNumber(apis[0])) >= atKill + 3, { timeoutMs: 90_000 });

  await dave.start();
  apis[3] = await dave.api();
  const target = await finalizedNumber(apis[0]);
  await waitUntil(`Dave back and finalized to #${target}`, async () =>
    (await finalizedNumber(apis[3])) >= target, { timeoutMs: 120_000 });
  assert.ok((await bestNumber(apis[3])) >= target);
  // Dave resumed from its own database rather than starting over.
  const daveGenesis = (await apis[3].rpc.chain.getBlockHash(0)).toHex();
  assert.equal(daveGenesis, (await apis[0].rpc.chain.getBlockHash(0)).toHex());
});

test('governance adds a fifth validator with rotated keys and removes it; finality continues', async () => {
  const { Keyring } = await import('@polkadot/keyring');
  const { submit, findEvent } = await import('../lib/tx.js');
  const keyring = new Keyring({ type: 'sr25519' });
  const [alice, eve] = [keyring.addFromUri('//Alice'), keyring.addFromUri('//Eve')];
  const api = apis[0];
  const bootnode = `/ip4/127.0.0.1/tcp/${nodes[0].p2pPort}/p2p/${peerIdOf(ALICE_NODE_KEY)}`;
  const eveNode = new Node('eve', ['--chain', SPEC, '--eve', '--bootnodes', bootnode], { nodeKey: nodeKey(4) });
  nodes.push(eveNode);
  await eveNode.start();
  const eveApi = await eveNode.api();
  apis.push(eveApi);

  // Eve's node makes fresh session keys in its keystore, with a proof that they are Eve's
  // account's to register; Eve's account registers them.
  const owner = '0x' + Buffer.from(eve.publicKey).toString('hex');
  const rotated = await fetch(`http://127.0.0.1:${eveNode.rpcPort}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ id: 1, jsonrpc: '2.0', method: 'author_rotateKeysWithOwner', params: [owner] }),
  }).then((r) => r.json());
  assert.ok(rotated.result, JSON.stringify(rotated));
  const { keys, proof } = rotated.result;
  assert.equal((await submit(api, api.tx.session.setKeys(keys, proof), eve)).error, null);
  const added = await submit(api, api.tx.sudo.sudo(api.tx.validatorSet.addValidator(eve.address)), alice);
  assert.ok(findEvent(added.events, 'validatorSet', 'ValidatorAdded'));
  // Two session boundaries later Eve authors blocks and votes in GRANDPA.
  await waitUntil('Eve in the session\'s validators', async () =>
    (await api.query.session.validators()).map(String).includes(eve.address), { timeoutMs: 150_000 });
  assert.equal((await api.query.aura.authorities()).length, 5);
  assert.equal((await api.call.grandpaApi.grandpaAuthorities()).length, 5);
  const from = await finalizedNumber(api);
  await waitUntil('a block authored by Eve, finalized', async () => {
    const head = await finalizedNumber(api);
    for (let n = Math.max(from, head - 10); n <= head; n++) {
      const header = await api.derive.chain.getHeader(await api.rpc.chain.getBlockHash(n));
      if (header.author?.toString() === eve.address) return true;
    }
    return false;
  }, { timeoutMs: 120_000, everyMs: 2_000 });

  // Block authors earn 80% of the fees of their blocks.
  const paid = await submit(api, api.tx.balances.transferKeepAlive(eve.address, 10n ** 12n), alice);
  const fee = findEvent(paid.events, 'transactionPayment', 'TransactionFeePaid').data.actualFee.toBigInt();
  const author = (await api.derive.chain.getHeader(paid.blockHash)).author.toString();
  const deposit = paid.events.find((e) => e.section === 'balances' && e.method === 'Deposit' && e.data.who.toString() === author);
  assert.ok(deposit, 'the author got a share of the fee');
  assert.equal(deposit.data.amount.toBigInt(), fee * 80n / 100n);

  // Governance removes Eve; two sessions later the four validators carry on without it.
  assert.equal((await submit(api, api.tx.sudo.sudo(api.tx.validatorSet.removeValidator(eve.address)), alice)).error, null);
  await waitUntil('Eve out of the validators', async () =>
    !(await api.query.session.validators()).map(String).includes(eve.address), { timeoutMs: 150_000 });
  assert.equal((await api.call.grandpaApi.grandpaAuthorities()).length, 4);
  await eveApi.disconnect();
  apis.pop();
  await eveNode.stop();
  const atRemoval = await finalizedNumber(api);
  await waitUntil(`finality past ${atRemoval + 3} with Eve gone`, async () =>
    (await finalizedNumber(api)) >= atRemoval + 3, { timeoutMs: 90_000 });

  // The client pinned the genesis set before Eve came and went: it follows each handover, proven
  // by the outgoing set, and reads the committee from a block the current set justified.
  {
    assert.ok(committeeId !== undefined, 'the client test drew a committee');
    const shown = await showCommittee(nodes[0].wsUrl);
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stderr, /followed the validators' handover: chain 0x[0-9a-f]{64}, validator set #([2-9]|\d\d+) from block #\d+: (\w+ \(weight 1\)(, )?){4}$/m);
    assert.equal(shown.stdout.toString().trim().split('\n').length, 4);
  }
});
