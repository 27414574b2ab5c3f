// The page: an account (a development seed on the devnet, or a browser wallet), then the
// organizer's or the voter's part of the vote in the URL, then the result.
import { ApiPromise, WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { Enigma } from '@enigma/sdk';
import wasmUrl from '@enigma/sdk/enigma.wasm?url';
import { CANDIDATES, VOTERS, castBallot, countingTask, openVote, pendingVoters, readOutcome, readyBallots, tally, voteFromHash, voteHash } from './vote.js';

const $ = (id) => document.getElementById(id);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let sdk, account, vote = voteFromHash(location.hash);

/** Where the page reads the chain and reaches the workers: the node and gateways saved in this
 *  browser (localStorage 'enigma-vote-nodes', {"rpc": "ws://…", "gateways": {"<account>": "http://…"}}),
 *  else scripts/devnet.sh's (//Bob, //Charlie, //Dave, //Eve on 9951-9954). `?rpc=` and
 *  `?gateways=` count only on a page opened without a vote: a vote's link is someone else's
 *  (the organizer's), and a node it named could hand out keys of its own and read the ballot. */
function nodes(keyring) {
  const saved = JSON.parse(localStorage.getItem('enigma-vote-nodes') ?? '{}');
  const params = new URLSearchParams(vote ? '' : location.search);
  const devnet = Object.fromEntries(['//Bob', '//Charlie', '//Dave', '//Eve'].map((uri, i) => [keyring.addFromUri(uri).address, `http://127.0.0.1:${9951 + i}`]));
  return {
    rpc: params.get('rpc') ?? saved.rpc ?? 'ws://127.0.0.1:9944',
    gateways: params.get('gateways') ? JSON.parse(params.get('gateways')) : saved.gateways ?? devnet,
  };
}

function say(id, text, error = false) {
  $(id).textContent = text;
  $(id).classList.toggle('error', error);
}

/** Runs a step of the vote, showing its error where its progress goes. */
async function step(id, work) {
  try {
    await work();
  } catch (e) {
    console.error(e);
    say(id, e.message ?? String(e), true);
  }
}

async function start() {
  await cryptoWaitReady();
  const keyring = new Keyring({ type: 'sr25519' });
  const { rpc, gateways } = nodes(keyring);
  const api = await ApiPromise.create({ provider: new WsProvider(rpc), noInitWarn: true });
  sdk = await Enigma.create({ api, gateways, wasm: wasmUrl });
  say('status', `connected to ${rpc} (${(await api.rpc.system.chain()).toString()})`);

  const use = (chosen) => {
    account = chosen;
    $('account').textContent = `${account.address}${account.meta?.name ? ` (${account.meta.name})` : ''}`;
    $('cast').disabled = !vote;
    // With a vote in the URL, the organizer sees its part and voters theirs.
    const organizing = vote && account.address === vote.organizer;
    $('organize-card').hidden = Boolean(vote) && !organizing;
    $('vote-card').hidden = Boolean(organizing);
    if (organizing) organize();
  };
  $('account-form').addEventListener('submit', (e) => {
    e.preventDefault();
    use(keyring.addFromUri($('uri').value.trim()));
  });
  if (window.injectedWeb3 && Object.keys(window.injectedWeb3).length) {
    $('use-wallet').hidden = false;
    $('use-wallet').addEventListener('click', () => step('account', async () => {
      const [name, wallet] = Object.entries(window.injectedWeb3)[0];
      const injected = await wallet.enable('Enigma blind vote');
      const [first] = await injected.accounts.get();
      if (!first) throw new Error(`${name} has no account to use`);
      use({ address: first.address, signer: injected.signer, meta: { name: first.name } });
    }));
  }

  for (const [i, name] of CANDIDATES.entries()) {
    $('candidates').insertAdjacentHTML('beforeend', `<label><input type="radio" name="candidate" value="${i}" ${i ? '' : 'checked'} /> ${name}</label>`);
  }
  if (vote) say('vote-of', `Vote ${vote.committee}, organized by ${vote.organizer}.`);

  $('open-vote').addEventListener('click', () => step('vote-link', async () => {
    if (!account) throw new Error('choose an account first');
    say('vote-link', 'requesting a committee and deploying the ballot contract…');
    vote = await openVote(sdk, account);
    history.replaceState(null, '', `${location.pathname}${location.search}${voteHash(vote)}`);
    // Without this page's ?rpc= and ?gateways=: a voter reads the chain through nodes of their own
    // choosing, not through ones the link's author picked (which could hand out their own keys).
    $('vote-link').innerHTML = `Voters open <a id="voter-link" href="${location.origin}${location.pathname}${voteHash(vote)}">this link</a>.`;
    organize();
  }));

  $('ballot-form').addEventListener('submit', (e) => {
    e.preventDefault();
    step('voter-progress', async () => {
      $('cast').disabled = true;
      const candidate = Number(new FormData($('ballot-form')).get('candidate'));
      const ballot = await castBallot(sdk, account, vote, candidate, (text) => say('voter-progress', text));
      say('voter-progress', `Ballot cast (secret ${ballot.slice(0, 10)}…): waiting for the count…`);
      let task;
      while (!(task = await countingTask(sdk.api, vote, ballot))) await sleep(1000);
      showResult(await sdk.waitTask(task, { account }));
      say('voter-progress', 'Counted.');
    });
  });
}

/** The organizer's page: consents to voters' identities as they come, counts the ready ballots, offers the count. */
let organizing = false;
function organize() {
  if (organizing) return;
  organizing = true;
  $('tally').addEventListener('click', () => step('organizer-progress', async () => {
    $('tally').disabled = true;
    say('organizer-progress', 'counting…');
    showResult(await tally(sdk, account, vote, await readyBallots(sdk.api, vote)));
    say('organizer-progress', 'Counted.');
  }));
  step('organizer-progress', async () => {
    while ($('tally-table').hidden) {
      for (const identity of await pendingVoters(sdk.api, vote)) {
        say('organizer-progress', `approving voter identity ${identity.slice(0, 10)}…`);
        await sdk.approveIdentity(account, identity);
      }
      const ready = (await readyBallots(sdk.api, vote)).length;
      if ($('organizer-progress').textContent !== 'counting…') say('organizer-progress', `ballots ready: ${Math.min(ready, VOTERS)}/${VOTERS}`);
      $('tally').disabled = ready < VOTERS || $('organizer-progress').textContent === 'counting…';
      await sleep(1000);
    }
  });
}

function showResult(outcome) {
  const { counts, receipt, failed } = readOutcome(outcome);
  $('tally-table').querySelector('tbody').innerHTML = counts.map((c) => `<tr><td>${c.name}</td><td>${c.votes}</td></tr>`).join('');
  $('tally-table').hidden = false;
  if (failed) say('receipt', `Your ballot could not be collected: ${failed}`, true);
  else $('receipt').textContent = receipt ? `Your ballot, as the committee counted it: ${receipt}. Nobody else can read it.` : 'You cast no ballot in this vote.';
}

start().catch((e) => say('status', `cannot start: ${e.message ?? e}`, true));
