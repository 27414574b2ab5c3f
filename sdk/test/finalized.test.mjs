// What decides where shares go is read at the finalized head, never at the best block (whose
// state a light client takes on its one author's word), and only from a recent head; a
// contract's code is checked against its hash. Against a fake chain whose best block lies.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Enigma, EnigmaError, GatewayRefusal, WrongDataKey } from '../dist/index.js';

const MEMBER = '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY'; // //Alice
const HONEST_KEY = '0x' + '01'.repeat(32);
const FORGED_KEY = '0x' + 'ab'.repeat(32);
const some = (value) => ({ isNone: value === undefined, isSome: value !== undefined, unwrap: () => value });
const bytes = (hex) => Uint8Array.from(Buffer.from(hex.slice(2), 'hex'));

/** A block's state: committee 7 is MEMBER, whose key is `key`; data's read predicate is
 *  `predicate`; the block is `ageMs` old. */
const state = (key, ageMs = 0, predicate = ['Member']) => ({
  query: {
    timestamp: { now: async () => ({ toBigInt: () => BigInt(Date.now() - ageMs) }) },
    dataRegistry: { entries: async () => some({ readPredicate: { toJSON: () => predicate } }) },
    workers: {
      committees: async (id) => some(id === 7 ? [{ toString: () => MEMBER }] : undefined),
      workers: async () => some({ encryptionKey: bytes(key), peerId: bytes('0x00') }),
    },
  },
});

/** A chain whose best block has a forged key and whose finalized head `F` is `ageMs` old. */
const GENESIS = '0x' + '0c'.repeat(32);
const chain = (ageMs = 0, code = 'contract C {}') => ({
  isReady: Promise.resolve(),
  genesisHash: { toHex: () => GENESIS },
  rpc: { chain: { getFinalizedHead: async () => 'F' } },
  at: async (hash) => (hash === 'F' ? state(HONEST_KEY, ageMs, ['And', 'Member', 'Not', { AnyOf: [MEMBER] }]) : assert.fail(`read at ${hash}`)),
  query: {
    // The best block: a forged key, and a read predicate from before a revocation.
    ...state(FORGED_KEY, 0, ['Always']).query,
    secretCompute: { contracts: async () => some({ toU8a: () => Buffer.from(code) }) },
  },
});

test('committee members and their keys come from the finalized head', async () => {
  const sdk = await Enigma.create({ api: chain(), gateways: {} });
  const [member] = await sdk.members(7);
  assert.equal(member.encryptionKey, HONEST_KEY, 'not the best block\'s forged key');
  await assert.rejects(sdk.members(8), /no committee 8 in the finalized state/);
});

test('an app that names its chain is refused a node that serves another', async () => {
  const other = '0x' + 'cd'.repeat(32);
  await assert.rejects(Enigma.create({ api: chain(), gateways: {}, genesisHash: other }), new RegExp(`the node serves chain ${GENESIS}, not ${other}: nothing is signed for it`));
  assert.ok(await Enigma.create({ api: chain(), gateways: {}, genesisHash: GENESIS.toUpperCase().replace('0X', '0x') }));
  assert.ok(await Enigma.create({ api: chain(), gateways: {}, genesisHash: GENESIS.slice(2) }), 'without 0x');
});

test('a finalized head older than ten minutes is refused', async () => {
  const sdk = await Enigma.create({ api: chain(11 * 60_000), gateways: {} });
  await assert.rejects(sdk.members(7), /the finalized head is 6\d\d s old/);
});

test('a contract whose code does not hash to its id is refused', async () => {
  const sdk = await Enigma.create({ api: chain(0, 'contract Forged {}'), gateways: {} });
  const real = '0x' + Buffer.from(await hash('contract C {}')).toString('hex');
  await assert.rejects(sdk.contractSource(real), /the node returned code that is not contract/);
  const honest = await Enigma.create({ api: chain(0, 'contract C {}'), gateways: {} });
  assert.equal(await honest.contractSource(real), 'contract C {}');
});

test('a revocation narrows the predicate the chain holds, so another revocation made meanwhile stays', async () => {
  const api = chain();
  let submitted;
  api.tx = { dataRegistry: {
    restrictRead: (_, narrowing) => { submitted = narrowing; throw new Error('built'); },
    setReadPredicate: () => { throw new Error('a revocation of one reader must not replace the predicate'); },
  } };
  const sdk = await Enigma.create({ api, gateways: {} });
  await assert.rejects(sdk.revokeData({ address: MEMBER }, '0x' + '22'.repeat(32), 'someone'), /built/);
  // The chain makes it And(<its predicate>, Not AnyOf [someone]): nothing read from the node.
  assert.deepEqual(submitted, ['Not', { AnyOf: ['someone'] }]);
});

test('one gateway that refuses the reader does not keep it from the others; two refusals end it', async () => {
  const sdk = await Enigma.create({ api: chain(), gateways: {} });
  const gateways = ['liar', 'honest', 'other'].map((address) => ({ address, gateway: `http://${address}`, encryptionKey: HONEST_KEY, peerId: '0x00' }));
  sdk.gatewayWorkers = async () => gateways;
  const asked = [];
  const work = (refusing) => async (worker) => {
    asked.push(worker.address);
    if (refusing.includes(worker.address)) throw new GatewayRefusal(worker.address, 'the account is not permitted to read this data');
    return worker.address;
  };
  assert.deepEqual(await sdk.throughGateways(work(['liar'])), ['honest']);
  await assert.rejects(sdk.throughGateways(work(['liar', 'honest'])), /refused by two gateways: liar: .*; honest: /);
  assert.deepEqual(asked, ['liar', 'honest', 'liar', 'honest'], 'the third gateway is not asked after two refusals');
  // What is stored goes through two gateways: one that drops it cannot lose it alone; and a
  // store (its rent paid) asks every gateway, two refusals or not.
  assert.deepEqual(await sdk.throughGateways(work([]), 2), ['liar', 'honest']);
  assert.deepEqual(await sdk.throughGateways(work(['liar', 'honest']), 1, false), ['other']);
  // A wrong data key (the record checked against its writer's signature first) ends it at once.
  await assert.rejects(sdk.throughGateways(async () => { throw new WrongDataKey('decryption failed'); }), WrongDataKey);
});

test('a gateway\'s words are not the module\'s verdicts: a refusal saying "decryption failed" or an HTTP body saying "not permitted" is one gateway failing', async () => {
  const sdk = await Enigma.create({ api: chain(), gateways: {} });
  const gateways = ['liar', 'accomplice', 'honest'].map((address) => ({ address, gateway: `http://${address}`, encryptionKey: HONEST_KEY, peerId: '0x00' }));
  sdk.gatewayWorkers = async () => gateways;
  const lies = {
    liar: new GatewayRefusal('liar', 'decryption failed: wrong key, or the data was altered'),
    accomplice: new EnigmaError('HTTP 403 from accomplice: the account is not permitted to read this data'),
  };
  const work = async (worker) => {
    if (lies[worker.address]) throw lies[worker.address];
    return worker.address;
  };
  // (Before, the first lie ended the read as a wrong key, and two of them as a refusal.)
  assert.deepEqual(await sdk.throughGateways(work), ['honest']);
});

async function hash(text) {
  const { blake2AsU8a } = await import('@polkadot/util-crypto');
  return blake2AsU8a(Buffer.from(text), 256);
}

test('a reconstruction that left a member out tells the app who and why', async () => {
  const heard = [];
  const sdk = await Enigma.create({ api: chain(), gateways: {}, onLeftOut: (member, why) => heard.push([member, why]) });
  const module = sdk.wasm.call.bind(sdk.wasm);
  sdk.wasm.call = (method, arg) => method === 'reconstruct'
    ? { value: '42', leftOut: [{ member: 1, why: 'a share off its dealing' }] } // as the module says it: by position
    : module(method, arg);
  const account = { address: MEMBER, sign: () => new Uint8Array(64) };
  const members = [{ address: 'honest', encryptionKey: HONEST_KEY }, { address: 'liar', encryptionKey: HONEST_KEY }];
  const request = { secret: '0x' + '11'.repeat(32), at: '0x' + '22'.repeat(32) };
  assert.equal(await sdk.collect(account, members, 'computed', 'declassifyRequest', request), 42n);
  assert.deepEqual(heard, [['liar', 'a share off its dealing']], 'named by its account');
  // A callback that throws loses nothing: the value is the other members'.
  const careless = await Enigma.create({ api: chain(), gateways: {}, onLeftOut: () => { throw new Error('app bug'); } });
  careless.wasm.call = sdk.wasm.call;
  assert.equal(await careless.collect(account, members, 'computed', 'declassifyRequest', request), 42n);
});
