// The SDK's WebAssembly module without a chain: the same answers as the Rust CLI's code gives,
// and the refusals it makes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Wasm, EnigmaError } from '../dist/index.js';

const wasm = await Wasm.load();
const EXAMPLES = fileURLToPath(new URL('../../examples/contracts/', import.meta.url));
const hex = (bytes) => '0x' + Buffer.from(bytes).toString('hex');
const keys = (n) => Array.from({ length: n }, () => wasm.call('replyKey').public);

test('data sealed in the page opens only with its key and owner, and hides the plaintext', () => {
  const owner = hex(Buffer.alloc(32, 1));
  const { sealed, key } = wasm.call('sealData', { owner, plaintext: hex(Buffer.from('40.7128,-74.0060')) });
  assert.equal(Buffer.from(wasm.call('openData', { owner, key, sealed }).plaintext.slice(2), 'hex').toString(), '40.7128,-74.0060');
  assert.ok(!Buffer.from(sealed.slice(2), 'hex').includes(Buffer.from('40.7128')));
  assert.throws(() => wasm.call('openData', { owner: hex(Buffer.alloc(32, 2)), key, sealed }), EnigmaError);
  const tampered = sealed.slice(0, -2) + (sealed.endsWith('00') ? '01' : '00');
  assert.throws(() => wasm.call('openData', { owner, key, sealed: tampered }), /decryption failed/);
});

test('dealing: one request per member, ids and commitments per value, fresh randomness each time', () => {
  const arg = { values: ['7000123', 5], kind: 'u64', identity: hex(Buffer.alloc(32, 3)), committee: 4, keys: keys(4) };
  const first = wasm.call('deal', arg);
  assert.equal(first.requests.length, 4);
  assert.ok(first.requests.every((r) => r.length === 1 && r[0].body.startsWith('0x0e') && r[0].count === 2), 'WorkerRequest::Shares is index 14');
  assert.equal(first.secrets.length, 2);
  assert.notEqual(first.secrets[0].id, first.secrets[1].id);
  const again = wasm.call('deal', arg);
  assert.notEqual(again.secrets[0].commitment, first.secrets[0].commitment, 'a new dealing of the same value looks unrelated');
});

test('dealing refuses what the CLI refuses', () => {
  const base = { identity: hex(Buffer.alloc(32)), committee: 1 };
  assert.throws(() => wasm.call('deal', { ...base, values: ['256'], kind: 'u8', keys: keys(4) }), /256 is not a Int/);
  assert.throws(() => wasm.call('deal', { ...base, values: ['1'], kind: 'u8', keys: keys(2) }), /at least 3/);
  assert.throws(() => wasm.call('deal', { ...base, values: ['1'], kind: 'u8', keys: keys(1), security: 'dishonest-majority' }), /in the clear/);
  assert.throws(() => wasm.call('deal', { ...base, values: ['1'], kind: 'u7', keys: keys(4) }), /not a type/);
  assert.throws(() => wasm.call('nothing'), /no method `nothing`/);
  // A member registered a key of small order (here 0): a share sealed to it anyone would open.
  const weak = [...keys(3), hex(Buffer.alloc(32))];
  assert.throws(() => wasm.call('deal', { ...base, values: ['1'], kind: 'u8', keys: weak }), /member 3 of committee 1 registered an encryption key of small order/);
});

test('a gateway that answers a get with a count of holders is caught, not read as empty data', () => {
  const stored = '0x07' + '03000000'; // WorkerResponse::Stored { holders: 3 }
  assert.deepEqual(wasm.call('dataAnswer', { answer: stored }), { holders: 3 }, 'the answer to a put');
  const get = { replySecret: wasm.call('replyKey').secret, member: hex(Buffer.alloc(32, 2)), message: '0x00', pointer: hex(Buffer.alloc(32, 3)), key: hex(Buffer.alloc(32, 4)) };
  assert.throws(() => wasm.call('dataAnswer', { ...get, answer: stored }), /not a record sealed to the reply key/);
  // A refusal is the gateway's words, handed back as such: the module's own verdict on the key
  // (`wrongKey`) is never read from them.
  const refusal = (text) => '0x02' + (text.length * 4).toString(16).padStart(2, '0') + Buffer.from(text).toString('hex');
  assert.deepEqual(wasm.call('dataAnswer', { ...get, answer: refusal('no') }), { refused: 'no' });
  assert.deepEqual(wasm.call('dataAnswer', { ...get, answer: refusal('decryption failed') }), { refused: 'decryption failed' });
});

test('a member that answers for fewer shares than it was handed is caught', () => {
  const two = '0x05' + '08' + '0000'; // WorkerResponse::Shares([Ok(()), Ok(())])
  assert.deepEqual(wasm.call('sharesAccepted', { answer: two, count: 2 }), [null, null]);
  assert.throws(() => wasm.call('sharesAccepted', { answer: '0x0500', count: 2 }), /an answer for 0 shares, 2 delivered/);
  const refused = '0x02' + '08' + Buffer.from('no').toString('hex');
  assert.throws(() => wasm.call('sharesAccepted', { answer: refused, count: 1 }), { name: 'EnigmaError', message: 'no' });
});

test('an output request binds the reply key; only answers sealed by the member count', () => {
  const reply = wasm.call('replyKey');
  const arg = { task: hex(Buffer.alloc(32, 9)), output: 1, who: hex(Buffer.alloc(32, 4)), replyTo: reply.public };
  const { message } = wasm.call('outputRequest', arg);
  const { request } = wasm.call('outputRequest', { ...arg, signature: hex(Buffer.alloc(64, 7)) });
  assert.ok(request.startsWith('0x06'), 'WorkerRequest::Output is index 6');
  assert.ok(request.includes(reply.public.slice(2)), 'the request names the reply key');
  const members = keys(4);
  // Three members refuse (WorkerResponse::Refused("no")) and one is out of reach.
  const refused = '0x02' + '08' + Buffer.from('no').toString('hex');
  const answers = [refused, refused, refused, { error: 'unreachable' }];
  assert.throws(() => wasm.call('reconstruct', { answers, keys: members, replySecret: reply.secret, message, shared: 'computed' }),
    /0 of 4 members answered, 3 needed; refused: member #0: no; member #1: no; member #2: no; member #3: unreachable/);
  // Shares someone put on the wire unsealed, or sealed by anyone but the member, count for nothing.
  const share = '0x01' + '80' + '00'.repeat(31) + '07'; // WorkerResponse::OutputShare(one element)
  const sealedByNobody = '0x06' + '10' + '00'.repeat(4); // WorkerResponse::Sealed of 4 bytes
  assert.throws(() => wasm.call('reconstruct', { answers: [share, share, share, sealedByNobody], keys: members, replySecret: reply.secret, message, shared: 'computed' }),
    /0 of 4 members answered.*an unsealed OutputShare answer.*not sealed by this member/);
  assert.throws(() => wasm.call('reconstruct', { answers: [share], keys: members, replySecret: reply.secret, message, shared: 'computed' }), /1 answers for 4 members/);
});

test('a task compiles in the page exactly as enigma-lang compiles it', { skip: !process.env.ENIGMA_LANG && 'ENIGMA_LANG is not set' }, () => {
  const file = `${EXAMPLES}millionaires.enigma`;
  const prices = { add: 1, mul: 100, open: 100, input: 200, round: 10_000_000 };
  const pricesFile = join(mkdtempSync(join(tmpdir(), 'enigma-sdk-')), 'prices.json');
  writeFileSync(pricesFile, JSON.stringify(prices));
  const cli = JSON.parse(execFileSync(process.env.ENIGMA_LANG, ['compile', file, '--emit', 'manifest', '--committee', '4', '--prices', pricesFile, '--block', '7']));
  const page = wasm.call('compileTask', { source: readFileSync(file, 'utf8'), entry: 'richer', args: '', prices, block: 7, submitter: hex(Buffer.alloc(32)), committee: 4 });
  assert.deepEqual(page.manifest, cli);
  assert.equal(page.gas, String(cli.gas.total));
  assert.deepEqual(page.outputs, [{ index: 0, name: 'out0', visibility: 'public', party: null }]);
  assert.deepEqual(page.inputParties, [0, 1]);
  const salary = wasm.call('compileTask', { source: readFileSync(`${EXAMPLES}salary.enigma`, 'utf8'), entry: 'survey', prices, block: 7, submitter: hex(Buffer.alloc(32)), committee: 4 });
  assert.deepEqual(salary.outputs.map((o) => o.visibility), ['public', 'private', 'private', 'private', 'private', 'private']);
});
