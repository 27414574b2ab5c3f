// The web dApp (examples/web-vote, built by scripts/test.sh) in headless Chromium against a dev
// chain and four workers with HTTP gateways: the organizer opens a vote in one page, three voters
// cast ballots from three others, the count appears in every page, and each voter sees their own
// ballot and nobody else's. The third voter signs with a browser wallet (an injected extension
// whose keys stay in the test, as a real one's stay in the extension), the others with
// development accounts. Screenshots go to scripts/e2e/artifacts/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Keyring } from '@polkadot/keyring';
import { hexToU8a, u8aToHex, u8aWrapBytes } from '@polkadot/util';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { chromium } from 'playwright-core';
import { Node } from '../lib/node.js';
import { submit } from '../lib/tx.js';
import { startWorkers, gatewayOf } from '../lib/process.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const DIST = join(HERE, '..', '..', '..', 'examples', 'web-vote', 'dist');
const ARTIFACTS = join(HERE, '..', 'artifacts');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const WORKERS = ['//Bob', '//Charlie', '//Dave', '//Ferdie'];
const UNIT = 10n ** 12n;
// Each voter's choice: Ada 0, Grace 1, Hedy 2.
const VOTERS = [{ uri: '//Voter1', choice: 2 }, { uri: '//Voter2', choice: 0 }, { uri: '//Voter3', choice: 2, wallet: true }];
const NAMES = ['Ada', 'Grace', 'Hedy'];

let node, api, keyring, workers = [], server, browser, url;
/** The node and gateways a voter saved in its browser (a vote's link names none that count). */
let saved;

/** Serves the built dApp. */
function serve(root) {
  const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm' };
  return new Promise((resolve) => {
    const s = createServer((req, res) => {
      const path = normalize(join(root, decodeURIComponent(new URL(req.url, 'http://x').pathname)));
      const file = path.startsWith(root) && existsSync(path) && extname(path) ? path : join(root, 'index.html');
      res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' });
      res.end(readFileSync(file));
    });
    s.listen(0, '127.0.0.1', () => resolve(s));
  });
}

before(async () => {
  assert.ok(existsSync(join(DIST, 'index.html')), 'examples/web-vote is built (scripts/test.sh builds it)');
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is installed (scripts/setup.sh installs Debian's chromium)`);
  await cryptoWaitReady();
  keyring = new Keyring({ type: 'sr25519' });
  const alice = keyring.addFromUri('//Alice');
  node = await new Node('web-vote', ['--dev', '--dev-block-time', '1000']).start();
  api = await node.api();
  workers = await startWorkers(node, WORKERS, 'web-vote', () => ['--http-gateway', '127.0.0.1:0']);
  const gateways = {};
  for (const [i, uri] of WORKERS.entries()) gateways[keyring.addFromUri(uri).address] = await gatewayOf(workers[i]);
  // The voters' own accounts, funded by Alice.
  for (const voter of VOTERS) {
    assert.equal((await submit(api, api.tx.balances.transferKeepAlive(keyring.addFromUri(voter.uri).address, 100n * UNIT), alice)).error, null);
  }
  server = await serve(DIST);
  const query = new URLSearchParams({ rpc: node.wsUrl, gateways: JSON.stringify(gateways) });
  url = `http://127.0.0.1:${server.address().port}/?${query}`;
  saved = { rpc: node.wsUrl, gateways };
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  await browser?.close();
  server?.close();
  await Promise.all(workers.map((w) => w.stop()));
  await api?.disconnect();
  await node?.destroy();
});

/**
 * A browser wallet as extensions inject it (`window.injectedWeb3`): its one account is `pair`,
 * which signs in this process. Raw bytes are signed wrapped in <Bytes>, transactions from their
 * payload, as the polkadot-js extension does.
 */
async function injectWallet(page, pair) {
  await page.exposeFunction('walletSignRaw', (data) => u8aToHex(pair.sign(u8aWrapBytes(hexToU8a(data)))));
  await page.exposeFunction('walletSignPayload', (payload) =>
    api.registry.createType('ExtrinsicPayload', payload, { version: payload.version }).sign(pair).signature);
  await page.addInitScript(({ address }) => {
    window.injectedWeb3 = {
      'test-wallet': {
        version: '1.0.0',
        enable: async () => ({
          accounts: { get: async () => [{ address, name: 'wallet voter' }] },
          signer: {
            signRaw: async ({ data }) => ({ id: 1, signature: await window.walletSignRaw(data) }),
            signPayload: async (payload) => ({ id: 1, signature: await window.walletSignPayload(payload) }),
          },
        }),
      },
    };
  }, { address: pair.address });
}

/** A page of its own (its own storage, the test's devnet saved in it) at `url`, as `uri`, or
 *  through a browser wallet holding it. */
async function open(url, uri, wallet = false) {
  const page = await (await browser.newContext()).newPage();
  await page.addInitScript((nodes) => localStorage.setItem('enigma-vote-nodes', JSON.stringify(nodes)), saved);
  page.on('pageerror', (e) => console.error(`[${uri}] ${e.message}`));
  if (wallet) await injectWallet(page, keyring.addFromUri(uri));
  await page.goto(url);
  await page.locator('#status', { hasText: 'connected to' }).waitFor({ timeout: 60_000 });
  if (wallet) {
    await page.click('#use-wallet');
    await page.locator('#account', { hasText: 'wallet voter' }).waitFor();
  } else {
    await page.fill('#uri', uri);
    await page.click('#use-uri');
  }
  return page;
}

test('three voters vote blind in the browser: the count for all, each ballot to its voter only', { timeout: 600_000 }, async () => {
  const organizer = await open(url, '//Alice');
  await organizer.click('#open-vote');
  const link = await organizer.locator('#voter-link').getAttribute('href', { timeout: 120_000 });
  assert.match(link, /#vote=\d+:0x[0-9a-f]{64}:\w+$/);
  // The link carries the vote alone, not the organizer's choice of node and gateways; and a
  // voter's page takes none from a link that names them (here a node that is not there: a page
  // that took it would never connect), reading the chain through the node its browser saved.
  assert.ok(!link.includes('?'), link);
  const ballotPage = `${new URL(url).origin}/?${new URLSearchParams({ rpc: 'ws://127.0.0.1:9' })}${new URL(link).hash}`;

  // The voters cast at once; the organizer's page approves their identities as they come.
  const voters = await Promise.all(VOTERS.map(async ({ uri, choice, wallet }) => {
    const page = await open(ballotPage, uri, wallet);
    await page.check(`input[name=candidate][value="${choice}"]`);
    await page.click('#cast');
    await page.locator('#voter-progress', { hasText: 'waiting for the count' }).waitFor({ timeout: 240_000 });
    return page;
  }));
  await organizer.locator('#organizer-progress', { hasText: 'ballots ready: 3/3' }).waitFor({ timeout: 120_000 });
  await organizer.click('#tally');

  const counts = (page) => page.locator('#tally-table tbody tr').allInnerTexts();
  const expected = NAMES.map((name, i) => `${name}\t${VOTERS.filter((v) => v.choice === i).length}`);
  for (const page of [organizer, ...voters]) {
    await page.locator('#tally-table').waitFor({ state: 'visible', timeout: 300_000 });
    assert.deepEqual(await counts(page), expected);
  }
  // Each voter reads back their own ballot; the organizer, who may count but not read, none.
  for (const [i, page] of voters.entries()) {
    assert.match(await page.locator('#receipt').innerText(), new RegExp(`counted it: ${NAMES[VOTERS[i].choice]}\\.`));
  }
  assert.equal(await organizer.locator('#receipt').innerText(), 'You cast no ballot in this vote.');
  for (const page of [organizer, ...voters]) assert.equal(await page.locator('.error').count(), 0);

  mkdirSync(ARTIFACTS, { recursive: true });
  await organizer.screenshot({ path: join(ARTIFACTS, 'web-vote-organizer.png'), fullPage: true });
  await voters[0].screenshot({ path: join(ARTIFACTS, 'web-vote-voter.png'), fullPage: true });
  console.log(`screenshots: ${ARTIFACTS}/web-vote-{organizer,voter}.png`);

  // A link that names another contract (one that would publish what it reads, say) gets no
  // ballot: the page carries the ballot contract and checks the link's against its hash.
  const other = ballotPage.replace(/:0x[0-9a-f]{64}:/, `:0x${'ab'.repeat(32)}:`);
  const fooled = await open(other, '//Ferdie');
  await fooled.click('#cast');
  await fooled.locator('#voter-progress.error', { hasText: `names contract 0x${'ab'.repeat(32)}, not the ballot contract` }).waitFor({ timeout: 30_000 });
});
