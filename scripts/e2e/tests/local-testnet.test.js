// The four-validator local testnet (Aura + GRANDPA) on loopback: finality, fault tolerance
// with one validator down, and catch-up of a restarted validator.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Node, freePort, peerIdOf, waitUntil } from '../lib/node.js';

// The network starts from the committed raw chain spec, as a real deployment would.
const SPEC = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'chain-specs', 'local-testnet.raw.json');

// Fixed libp2p keys: validators need one, and Alice's peer id must be known to boot from her.
const nodeKey = (i) => (i + 1).toString(16).padStart(64, '0');
const ALICE_NODE_KEY = nodeKey(0);
let nodes = [];
let apis = [];

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

after(async () => {
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
});
