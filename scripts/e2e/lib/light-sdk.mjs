// The SDK over an embedded light client (smoldot), as a dApp would run it, in a process of its
// own: smoldot leaves timers behind after `terminate()`, which would hold a test file's process
// open for minutes, so this script ends itself once it has printed its result.
//
// Input (JSON on stdin): { spec, bootNodes, gateways, committee, seed, value }.
// Output (JSON on stdout): { members: [{ address, encryptionKey }], declassified }.
import { readFileSync } from 'node:fs';
import { ApiPromise } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { start } from 'smoldot';
import { Enigma, lightClientDatabase, lightClientProvider } from '../../../sdk/dist/index.js';

const input = JSON.parse(readFileSync(0, 'utf8'));
const light = start({ maxLogLevel: 1 });
let code = 0;
try {
  await cryptoWaitReady();
  const account = new Keyring({ type: 'sr25519' }).addFromUri(input.seed);
  const provider = await lightClientProvider(light, readFileSync(input.spec, 'utf8'), { bootNodes: input.bootNodes });
  const api = await ApiPromise.create({ provider, noInitWarn: true });
  const sdk = await Enigma.create({ api, gateways: input.gateways });
  const members = (await sdk.members(input.committee)).map(({ address, encryptionKey }) => ({ address, encryptionKey }));
  const { identity } = await sdk.createIdentity(account);
  const [secret] = await sdk.shareSecrets(account, { identity, committee: input.committee, values: [BigInt(input.value)], kind: 'u64' });
  const declassified = String(await sdk.declassify(account, secret));
  // What it knows of the finalized chain, saved, and a second light client started from it
  // (as a page that loads again): it reads the same committee at a finalized head no older.
  const database = await lightClientDatabase(provider);
  const finalized = (await api.rpc.chain.getHeader(await api.rpc.chain.getFinalizedHead())).number.toNumber();
  await api.disconnect();
  const again = start({ maxLogLevel: 1 });
  try {
    const resumed = await ApiPromise.create({ provider: await lightClientProvider(again, readFileSync(input.spec, 'utf8'), { bootNodes: input.bootNodes, database }), noInitWarn: true });
    const sdkAgain = await Enigma.create({ api: resumed, gateways: input.gateways });
    const membersAgain = (await sdkAgain.members(input.committee)).map(({ address, encryptionKey }) => ({ address, encryptionKey }));
    const finalizedAgain = (await resumed.rpc.chain.getHeader(await resumed.rpc.chain.getFinalizedHead())).number.toNumber();
    await resumed.disconnect();
    process.stdout.write(JSON.stringify({ members, declassified, database: database.length, finalized, membersAgain, finalizedAgain }) + '\n');
  } finally {
    await again.terminate();
  }
} catch (e) {
  console.error(e);
  code = 1;
} finally {
  await light.terminate();
}
process.exit(code);
