// Submitting extrinsics and reading their outcome the way a dApp does.

/**
 * Sign and send `tx`, resolve once it is in a finalized block with its events and, if it
 * failed, its decoded dispatch error (`{ section, name }` for module errors, else `{ kind }`).
 */
export function submit(api, tx, signer) {
  return new Promise((resolve, reject) => {
    let unsub;
    tx.signAndSend(signer, ({ status, events, dispatchError }) => {
      if (status.isInvalid || status.isDropped || status.isUsurped) {
        unsub?.();
        reject(new Error(`transaction ${status.type}`));
      }
      if (!status.isFinalized) return;
      unsub?.();
      let error = null;
      if (dispatchError) {
        if (dispatchError.isModule) {
          const { section, name } = api.registry.findMetaError(dispatchError.asModule);
          error = { section, name };
        } else if (dispatchError.isToken) {
          error = { kind: 'Token', name: dispatchError.asToken.type };
        } else {
          error = { kind: dispatchError.type };
        }
      }
      resolve({ blockHash: status.asFinalized, events: events.map((r) => r.event), error });
    })
      .then((u) => { unsub = u; })
      .catch(reject);
  });
}

/** The first event `section.method` among `events`, or undefined. */
export function findEvent(events, section, method) {
  return events.find((e) => e.section === section && e.method === method);
}
