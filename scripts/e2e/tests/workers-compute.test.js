// Workers and secret compute through polkadot-js: four workers stake, a data owner registers a
// secret with a committee, a task is submitted and completed by a quorum that commits to its
// result, then reveals it (workers paid), and a second task times out (the silent workers
// slashed).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Keyring } from '@polkadot/keyring';
import { hexToU8a, stringToHex, stringToU8a, u8aConcat, u8aToHex } from '@polkadot/util';
import { blake2AsHex, blake2AsU8a, cryptoWaitReady, decodeAddress } from '@polkadot/util-crypto';
import { Node, waitUntil } from '../lib/node.js';
import { submit, findEvent, heldFor, requestCommittee } from '../lib/tx.js';

const UNIT = 10n ** 12n;
const CODE = 'contract Salary { pub fn survey(salaries: private [u32; 5] @ each) { } }';
let node, api, owner, workers;

before(async () => {
  await cryptoWaitReady();
  const keyring = new Keyring({ type: 'sr25519' });
  owner = keyring.addFromUri('//Alice');
  workers = ['//Charlie', '//Dave', '//Eve', '//Ferdie'].map((s) => keyring.addFromUri(s));
  node = await new Node('compute', ['--dev', '--dev-block-time', '300']).start();
  api = await node.api();
});

after(async () => {
  await api?.disconnect();
  await node?.destroy();
});

const free = async (who) => (await api.query.system.account(who.address)).data.free.toBigInt();
const stakeOf = async (who) => (await api.query.workers.workers(who.address)).unwrap().stake.toBigInt();
const ok = async (tx, signer) => {
  const r = await submit(api, tx, signer);
  assert.equal(r.error, null, `${tx.method.section}.${tx.method.method} failed: ${JSON.stringify(r.error)}`);
  return r;
};

let committee, contract, secret;

test('four workers stake and a committee holds an owner\'s secret', async () => {
  const stake = 1_000n * UNIT;
  // A libp2p peer id of an ed25519 key (identity multihash of the protobuf-encoded key): what
  // members dial and check each other's signed frames with. The key signs
  // blake2_256("enigma/worker-peer/v1" ‖ encryption key ‖ account): nobody registers a key it
  // does not hold, and each key once.
  const peerKeys = workers.map((_, i) => new Keyring({ type: 'ed25519' }).addFromUri(`//peer${i}`));
  const encryptionKey = (i) => new Uint8Array(32).fill(i + 1);
  const registration = (w, key, i, x25519 = encryptionKey(i)) => {
    const peerId = u8aConcat(new Uint8Array([0x00, 0x24, 0x08, 0x01, 0x12, 0x20]), key.publicKey);
    const binding = blake2AsU8a(u8aConcat(stringToU8a('enigma/worker-peer/v1'), x25519, decodeAddress(w.address)), 256);
    return api.tx.workers.register(u8aToHex(peerId), u8aToHex(x25519), stake, u8aToHex(key.sign(binding)));
  };
  const text = await submit(api, api.tx.workers.register(stringToHex('12D3KooWworker0'), u8aToHex(encryptionKey(0)), stake, u8aToHex(new Uint8Array(64))), workers[0]);
  assert.deepEqual(text.error, { section: 'workers', name: 'InvalidPeerId' });
  // Worker 0's key, with worker 1's account: the signature binds worker 0's.
  const stolen = registration(workers[0], peerKeys[0], 0);
  const squat = await submit(api, api.tx.workers.register(stolen.args[0], stolen.args[1], stake, stolen.args[3]), workers[1]);
  assert.deepEqual(squat.error, { section: 'workers', name: 'PeerKeyNotProven' });
  // An x25519 key of small order (u = 1): what is sealed to it anyone opens, so clients would
  // deal nothing to a committee it sits in. Refused, though its worker proves it holds it.
  const one = new Uint8Array(32);
  one[0] = 1;
  const weak = await submit(api, registration(workers[0], peerKeys[0], 0, one), workers[0]);
  assert.deepEqual(weak.error, { section: 'workers', name: 'EncryptionKeyOfSmallOrder' });
  await ok(registration(workers[0], peerKeys[0], 0), workers[0]);
  const copy = await submit(api, registration(workers[1], peerKeys[0], 1), workers[1]);
  assert.deepEqual(copy.error, { section: 'workers', name: 'PeerIdTaken' });
  await Promise.all(workers.slice(1).map((w, i) => ok(registration(w, peerKeys[i + 1], i + 1), w)));
  for (const w of workers) assert.equal(await stakeOf(w), stake);

  const everything = { permissions: ['Read', 'Store', 'Compute', 'Declassify', 'Admin'], predicate: ['Always'] };
  const created = await ok(api.tx.sharedIdentity.create([[owner.address, [everything]]]), owner);
  const identity = findEvent(created.events, 'sharedIdentity', 'Created').data.identity.toHex();

  // Drawn a few blocks after the request, from a block hash nobody knew when it was made.
  const formed = await requestCommittee(api, 4, owner);
  committee = formed.id;
  assert.deepEqual(formed.members.sort(), workers.map((w) => w.address).sort());

  const registered = await ok(api.tx.secretCompute.registerContract(stringToHex(CODE)), owner);
  contract = findEvent(registered.events, 'secretCompute', 'ContractRegistered').data.contract.toHex();
  assert.equal(contract, blake2AsHex(CODE, 256));

  // Only this contract may compute on the secret, a u64.
  const shared = await ok(api.tx.secretCompute.registerSecret(identity, committee, [{ Contracts: [contract] }], blake2AsHex('shares'),
    { Int: { bits: 64 } }), owner);
  secret = findEvent(shared.events, 'secretCompute', 'SecretRegistered').data.secret.toHex();
  let ready = false;
  for (const w of workers) {
    const acked = await ok(api.tx.secretCompute.ackSecret(secret), w);
    ready ||= !!findEvent(acked.events, 'secretCompute', 'SecretReady');
  }
  assert.ok(ready, 'SecretReady after the last acknowledgement');
  const prices = await api.call.secretComputeApi.priceTable();
  assert.equal(prices.mul.toBigInt(), 100n);
});

const resultOf = (value, gasUsed) => ({
  outputs: stringToHex(`average=${value}`),
  newSecrets: [],
  ledgerWrites: [[1, value]],
  transcriptRoot: blake2AsHex(`transcript ${value}`),
  gasUsed,
});

// A member's commitment to `result` (pallet_secret_compute::result_commitment of reveal_hash:
// the hash of the result and the runs it votes for, here its result's run alone, by all four
// members) and its reveal.
const SALT = u8aToHex(new Uint8Array(32).fill(7));
const answer = (task, result, signer) => {
  const taskHex = typeof task === 'string' ? task : task.toHex();
  const reveal = api.tx.secretCompute.submitResult(taskHex, result, [{ root: result.transcriptRoot, running: 0b1111 }], SALT);
  const revealHash = blake2AsU8a(u8aConcat(stringToU8a('enigma/reveal/v2'), reveal.method.args[1].toU8a(), reveal.method.args[2].toU8a()));
  const commitment = blake2AsHex(u8aConcat(stringToU8a('enigma/result-commitment/v1'), hexToU8a(taskHex),
    decodeAddress(signer.address), revealHash, hexToU8a(SALT)), 256);
  return { commit: api.tx.secretCompute.commitResult(taskHex, commitment), reveal };
};
const revealsOpen = (task) => waitUntil('reveals open', async () => (await api.call.secretComputeApi.task(task)).unwrap().revealOpen.isTrue);

test('a quorum of identical results completes the task and the workers are paid', async () => {
  const gasLimit = UNIT;
  const created = await ok(api.tx.secretCompute.submitTask(contract, stringToHex('survey'), [secret], '0x', gasLimit), owner);
  const task = findEvent(created.events, 'secretCompute', 'TaskCreated').data.task.toHex();
  const assigned = await api.call.secretComputeApi.assignments(workers[0].address);
  assert.deepEqual(assigned.map((h) => h.toHex()), [task]);

  const gasUsed = 900_000_000n;
  const answers = workers.slice(0, 3).map((w) => answer(task, resultOf(63_600, gasUsed), w));
  await ok(answers[0].commit, workers[0]);
  // Nothing to copy yet: a reveal before commitments close is refused.
  const early = await submit(api, answers[0].reveal, workers[0]);
  assert.deepEqual(early.error, { section: 'secretCompute', name: 'RevealNotOpen' });
  await Promise.all([1, 2].map((i) => ok(answers[i].commit, workers[i])));
  // A quorum committed: reveals open a few blocks later (the fourth member may still commit).
  await revealsOpen(task);
  await ok(answers[0].reveal, workers[0]);
  await ok(answers[1].reveal, workers[1]);
  const [before0, before1, before2] = [await free(workers[0]), await free(workers[1]), await free(workers[2])];
  const done = await ok(answers[2].reveal, workers[2]);
  const completed = findEvent(done.events, 'secretCompute', 'TaskCompleted');
  assert.ok(completed, 'TaskCompleted');
  assert.equal(completed.data.gasUsed.toBigInt(), gasUsed);
  // Decoded with the runtime metadata alone: the public output bytes.
  assert.equal(Buffer.from(completed.data.outputs.toU8a(true)).toString(), 'average=63600');
  // Workers that agreed earlier are paid in the completing block: a third of the gas each.
  assert.equal((await free(workers[0])) - before0, gasUsed / 3n);
  assert.equal((await free(workers[1])) - before1, gasUsed / 3n);
  // The member whose reveal completed the task is paid its third too, and its reveal cost it no
  // fee: members' accepted answers are free, so a requester's junk tasks cost them nothing.
  assert.equal((await free(workers[2])) - before2, gasUsed / 3n);
  const head = (await api.rpc.chain.getHeader()).number.toNumber();
  assert.equal((await api.call.secretComputeApi.ledgerGet(contract, 1, head)).unwrap().toNumber(), 63_600);
});

test('the chain refuses a one-member committee, a zero gas limit, a result that repeats a secret key, and a late Timeout report', async () => {
  // (Two members are enough for values shared for a dishonest majority: spdz.test.js.)
  for (const size of [0, 1]) {
    const tiny = await submit(api, api.tx.workers.requestCommittee(size), owner);
    assert.deepEqual(tiny.error, { section: 'workers', name: 'CommitteeTooSmall' });
  }
  const free = await submit(api, api.tx.secretCompute.submitTask(contract, stringToHex('survey'), [secret], '0x', 0), owner);
  assert.deepEqual(free.error, { section: 'secretCompute', name: 'GasLimitTooLow' });
  // The draw happens blocks after the request, not in it.
  const requested = await submit(api, api.tx.workers.requestCommittee(4), owner);
  const { id, drawAt } = findEvent(requested.events, 'workers', 'CommitteeRequested').data;
  const requestedAt = (await api.rpc.chain.getHeader(requested.blockHash)).number.toNumber();
  assert.ok(drawAt.toNumber() >= requestedAt + 2);
  assert.ok(!findEvent(requested.events, 'workers', 'CommitteeFormed'));
  await waitUntil(`committee ${id} drawn`, async () => (await api.query.workers.committees(id)).isSome);

  const created = await ok(api.tx.secretCompute.submitTask(contract, stringToHex('survey'), [secret], '0x', UNIT), owner);
  const task = findEvent(created.events, 'secretCompute', 'TaskCreated').data.task.toHex();
  const twice = { ...resultOf(7, 1n), newSecrets: [{ key: 1, ownerInput: 0, kind: { Int: { bits: 64 } } }, { key: 1, ownerInput: 0, kind: { Int: { bits: 64 } } }] };
  const answers = workers.map((w, i) => answer(task, i === 3 ? twice : resultOf(7, 1n), w));
  // The fourth first, then the others together: the last commitment closes them (every member
  // answered) before a quorum's two-block delay could.
  await ok(answers[3].commit, workers[3]);
  await Promise.all([0, 1, 2].map((i) => ok(answers[i].commit, workers[i])));
  // Every member answered: reveals open at once.
  const repeated = await submit(api, answers[3].reveal, workers[3]);
  assert.deepEqual(repeated.error, { section: 'secretCompute', name: 'InvalidResult' });
  for (const [i, a] of answers.slice(0, 3).entries()) await ok(a.reveal, workers[i]);
  // The deadline slashes the late itself: a Timeout report costs the reporter.
  const late = await ok(api.tx.workers.report(task, workers[3].address, 'Timeout', '0x'), owner);
  assert.ok(findEvent(late.events, 'workers', 'FalseReport'));
  assert.ok(!findEvent(late.events, 'workers', 'Slashed'));
});

test('a task nobody finishes fails at its deadline: refund and slashed timeouts', async () => {
  const holdBefore = await heldFor(api, owner.address, { SecretCompute: 'TaskGas' });
  const created = await ok(api.tx.secretCompute.submitTask(contract, stringToHex('survey'), [secret], '0x', UNIT), owner);
  const { task, deadline } = findEvent(created.events, 'secretCompute', 'TaskCreated').data;
  // One commitment is no quorum: reveals never open, so its member is not late.
  await ok(answer(task, resultOf(1, 1n), workers[0]).commit, workers[0]);
  const stakes = await Promise.all(workers.map(stakeOf));
  await waitUntil(`block #${deadline}`, async () => (await api.rpc.chain.getHeader()).number.toNumber() >= deadline.toNumber(),
    { timeoutMs: 60_000 });
  const view = (await api.call.secretComputeApi.task(task)).unwrap();
  assert.equal(view.status.type, 'Failed');
  // The three silent workers lost 10% of their stake, paid to the one that answered.
  for (const i of [1, 2, 3]) assert.equal(await stakeOf(workers[i]), stakes[i] - stakes[i] / 10n);
  assert.equal(await stakeOf(workers[0]), stakes[0]);
  // The requester's gas hold is released.
  assert.equal(await heldFor(api, owner.address, { SecretCompute: 'TaskGas' }), holdBefore);
});
